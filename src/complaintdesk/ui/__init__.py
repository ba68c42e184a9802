"""PySide6 widgets, Qt item models and dialogs (DESIGN §9): no SQL, no business rules."""

from __future__ import annotations

import sys


def keep_none_alive() -> None:
    """Work around PySide6 6.12 on CPython 3.11: every Python call of a C++ method that
    returns void (show(), setText(), processEvents() …) drops one reference to None — the
    bindings assume 3.12's immortal None (PEP 683). None starts with a few thousand
    references, so a running window dies with "none_dealloc: deallocating None" after a few
    thousand such calls. Give None a count no session can use up; 3.12+ needs nothing."""
    if sys.version_info < (3, 12) and not getattr(keep_none_alive, "done", False):
        import ctypes

        ctypes.c_ssize_t.from_address(id(None)).value += 1 << 40
        keep_none_alive.done = True  # type: ignore[attr-defined]


keep_none_alive()  # importing any widget module comes through here first
