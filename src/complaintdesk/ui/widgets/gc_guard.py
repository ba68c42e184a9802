"""Python's cyclic garbage collector runs in whichever thread happens to allocate when a
threshold is crossed — often a worker of ours. If that collection frees a cycle holding a
Qt widget, the widget is destroyed outside the GUI thread and the process segfaults (seen
in CI). So automatic collection is switched off and the same generational collection is
run from a timer in the GUI thread instead (the usual PySide/PyQt recipe)."""

from __future__ import annotations

import gc

from PySide6.QtCore import QObject, QTimer


class MainThreadCollector(QObject):
    INTERVAL_MS = 500

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.threshold = gc.get_threshold()
        gc.disable()
        self.timer = QTimer(self)
        self.timer.timeout.connect(self.check)
        self.timer.start(self.INTERVAL_MS)

    def check(self) -> None:
        """Collect the generations whose allocation counts passed their thresholds."""
        c0, c1, c2 = gc.get_count()
        t0, t1, t2 = self.threshold
        if c0 > t0:
            gc.collect(0)
            if c1 > t1:
                gc.collect(1)
                if c2 > t2:
                    gc.collect(2)

    def stop(self) -> None:
        self.timer.stop()
        gc.enable()


def install_main_thread_gc(app: QObject) -> MainThreadCollector:
    return MainThreadCollector(app)
