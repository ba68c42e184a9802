"""UI: cases."""
