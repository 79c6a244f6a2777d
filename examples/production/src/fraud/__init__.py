"""Real-time fraud scoring."""
