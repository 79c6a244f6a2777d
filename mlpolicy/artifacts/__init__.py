"""Readers: artifact files turned into plain typed values, never raising on any input."""
