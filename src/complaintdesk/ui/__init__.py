"""PySide6 widgets, Qt item models and dialogs (DESIGN §9): no SQL, no business rules."""

from __future__ import annotations

from .._pyside_fix import keep_none_alive

keep_none_alive()  # before any widget is made: every Qt entry point imports this package

__all__ = ["keep_none_alive"]
