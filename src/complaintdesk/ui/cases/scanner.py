"""A USB barcode/QR scanner types the form's number like a keyboard, fast, then Return
(DESIGN §4.7). An application-wide event filter tells such a burst from a person typing:
at least `MIN_CHARS` characters, each less than `MAX_GAP` after the one before, Return
right after them, and a case or slip number (FK-/NB-/FX-/GS-/CF-YYYYMM-NNNN). Then it
swallows the Return and reports the number.

It listens where a scan is meant to land: the search box (any widget with the dynamic
property `scan_target`) or anywhere in the main window and its case windows with no text
field focused. In any other text field keys go through as typed, fast or slow; typing
slowly never opens anything.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QAbstractSpinBox,
    QApplication,
    QComboBox,
    QLineEdit,
    QPlainTextEdit,
    QTextEdit,
    QWidget,
)

from ...domain.paper import parse_form_number

MIN_CHARS = 8
MAX_GAP = 0.05  # seconds between two keys of a scanner (people: 0.1 s and more)
SCAN_TARGET = "scan_target"  # a text field that takes scans (the case list's search box)
_RETURN = (Qt.Key.Key_Return, Qt.Key.Key_Enter)
_MODIFIERS = (Qt.Key.Key_Shift, Qt.Key.Key_Control, Qt.Key.Key_Alt, Qt.Key.Key_Meta,
              Qt.Key.Key_CapsLock, Qt.Key.Key_AltGr)


def _is_text_field(w: QWidget) -> bool:
    if isinstance(w, QComboBox):
        return w.isEditable()
    return isinstance(w, QLineEdit | QTextEdit | QPlainTextEdit | QAbstractSpinBox)


class ScanListener(QObject):
    """Install with `QApplication.instance().installEventFilter(listener)`; `scanned`
    carries the number read (upper case). `window`: the main window — keys count only in
    it or in a window it owns, and never while a modal dialog is up."""

    scanned = Signal(str)

    def __init__(self, window: QWidget, clock: Callable[[], float] = time.monotonic,
                 active: Callable[[], bool] = lambda: True) -> None:
        super().__init__(window)
        self.window = window
        self.clock = clock
        self.active = active  # False: listen to nothing (a locked window)
        self._chars: list[str] = []
        self._last = 0.0

    def reset(self) -> None:
        self._chars.clear()

    def _listens_to(self, w: QWidget) -> bool:
        if QApplication.activeModalWidget() is not None or not self.active():
            return False
        top = w.window()
        while top is not None and top is not self.window:
            parent = top.parentWidget()
            top = parent.window() if parent is not None else None
        if top is None:
            return False
        return not _is_text_field(w) or bool(w.property(SCAN_TARGET))

    def eventFilter(self, obj: QObject, event: QEvent) -> bool:  # noqa: N802
        if event.type() != QEvent.Type.KeyPress or not isinstance(obj, QWidget):
            return False
        focus = QApplication.focusWidget()
        # a key event travels up to the parents when ignored: look at its first receiver
        if obj is not focus and not (focus is None and obj.isWindow()):
            return False
        if not self._listens_to(obj):
            self.reset()
            return False
        assert isinstance(event, QKeyEvent)
        if event.key() in _MODIFIERS:
            return False  # a scanner presses Shift for capitals: part of the burst
        now = self.clock()
        gap = now - self._last
        self._last = now
        if event.key() in _RETURN:
            text = "".join(self._chars)
            burst = gap < MAX_GAP and len(text) >= MIN_CHARS
            self.reset()
            parsed = parse_form_number(text) if burst else None
            if parsed is None:
                return False
            if isinstance(obj, QLineEdit):
                obj.selectAll()  # the next scan replaces it
            # after this key event is done: opening may show a message box (its own loop)
            QTimer.singleShot(0, lambda n=parsed.number: self.scanned.emit(n))
            return True
        ch = event.text()
        if len(ch) != 1 or not ch.isprintable() or event.modifiers() & (
                Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.AltModifier):
            self.reset()
            return False
        if gap >= MAX_GAP:
            self.reset()  # a pause: whatever came before was typed, not scanned
        self._chars.append(ch)
        del self._chars[:-32]  # a number is 14 characters; keep the tail only
        return False
