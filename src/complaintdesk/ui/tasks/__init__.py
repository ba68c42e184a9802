"""UI: tasks."""
