"""Live lists (issue 13): the database's change watcher (storage/change_watch.py, through
`Services.watch_changes`) as a Qt signal on the UI thread.

The watcher calls back from its own thread; a queued signal brings the news to the UI
thread, and a short single-shot timer folds a burst of commits (a step writes the case,
its audit entry and its tallies) into one `changed`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import shiboken6
from PySide6.QtCore import QObject, QTimer, Signal

if TYPE_CHECKING:
    from ...services.container import Services

SETTLE_MS = 150  # a burst of commits becomes one refresh


class _Relay(QObject):
    poke = Signal()


class LiveUpdates(QObject):
    """`changed` fires (on the UI thread) after anyone — this PC or another — committed."""

    changed = Signal()

    def __init__(self, services: Services, parent: QObject | None = None,
                 interval: float | None = None) -> None:
        super().__init__(parent)
        self._relay = _Relay()
        self._relay.poke.connect(self._poked)  # queued: the relay lives in the UI thread
        self._settle = QTimer(self)
        self._settle.setSingleShot(True)
        self._settle.setInterval(SETTLE_MS)
        self._settle.timeout.connect(self.changed)
        relay = self._relay

        def from_watcher_thread() -> None:
            try:
                if shiboken6.isValid(relay):
                    relay.poke.emit()
            except RuntimeError:  # the window went away meanwhile
                pass

        kw = {} if interval is None else {"interval": interval}
        # the services' watcher (its type is storage's: the UI only stops it)
        self.watcher: Any = services.watch_changes(from_watcher_thread, **kw)

    def _poked(self) -> None:
        if self.watcher is not None and not self._settle.isActive():
            self._settle.start()

    def stop(self) -> None:
        """No more `changed`: the watcher stops, and a poke already queued or a settle
        already running is dropped (a closed window must not reload from — and so reconnect
        to — a database it has let go)."""
        if self.watcher is not None:
            self.watcher.stop()
            self.watcher = None
        self._settle.stop()
