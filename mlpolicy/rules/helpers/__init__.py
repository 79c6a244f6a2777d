"""Helpers shared by several rule modules (rule modules never import each other)."""
