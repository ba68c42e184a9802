"""UI: admin."""
