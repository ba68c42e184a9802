"""UI: accountability."""
