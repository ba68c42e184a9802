"""UI: statistics."""
