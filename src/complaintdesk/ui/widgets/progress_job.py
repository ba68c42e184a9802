"""Long work with a progress report and a cancel: the work runs in the thread pool
(`workers.run_task`), its progress comes back through a queued signal, and a cancel sets
an event the work polls between batches. Optionally shows a QProgressDialog."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtWidgets import QProgressDialog, QWidget

from .workers import run_task

Work = Callable[[Callable[[int, int], None], Callable[[], bool]], Any]


class _Relay(QObject):
    """Created in the UI thread; the worker emits, Qt queues the call to the UI thread."""

    changed = Signal(int, int)


class _Cancelled:
    def __init__(self, exc: BaseException) -> None:
        self.exc = exc


class ProgressJob(QObject):
    """`ProgressJob(parent, "正在导出…", work, on_done, on_failed).start()`.

    `work(progress, cancelled)` runs off the UI thread; `on_done(result)` /
    `on_failed(exc)` run in the UI thread. A cancelled job reports its `Cancelled`
    exception to `on_failed` (the caller usually says nothing then).
    """

    def __init__(self, parent: QWidget, label: str, work: Work,
                 on_done: Callable[[Any], None], on_failed: Callable[[BaseException], None],
                 on_progress: Callable[[int, int], None] | None = None,
                 dialog: bool = True) -> None:
        super().__init__(parent)
        self.cancel_event = threading.Event()
        self._relay = _Relay(self)
        self._on_done, self._on_failed, self._on_progress = on_done, on_failed, on_progress
        self.progress_dialog: QProgressDialog | None = None
        if dialog:
            d = QProgressDialog(label, "取消", 0, 1000, parent)
            d.setWindowTitle("请稍候")
            d.setWindowModality(Qt.WindowModality.WindowModal)
            d.setMinimumDuration(300)
            d.setAutoClose(False)
            d.setAutoReset(False)
            d.canceled.connect(self.cancel)
            self.progress_dialog = d
        self._relay.changed.connect(self._progress)
        self._work = work
        self.running = False

    def start(self) -> None:
        self.running = True
        if self.progress_dialog is not None:
            self.progress_dialog.setValue(0)
        emit = self._relay.changed.emit
        is_cancelled = self.cancel_event.is_set
        work = self._work

        def run() -> Any:
            from ...domain.errors import Cancelled

            try:
                return work(emit, is_cancelled)
            except Cancelled as exc:  # the user's choice, not an error for the log
                return _Cancelled(exc)

        run_task(run, self._done, self._failed, owner=self)

    def cancel(self) -> None:
        self.cancel_event.set()
        if self.progress_dialog is not None:
            self.progress_dialog.setLabelText("正在取消…")

    def _progress(self, done: int, total: int) -> None:
        if self.progress_dialog is not None and not self.cancel_event.is_set():
            self.progress_dialog.setMaximum(max(total, 1))
            self.progress_dialog.setValue(min(done, total))
        if self._on_progress is not None:
            self._on_progress(done, total)

    def _close(self) -> None:
        self.running = False
        if self.progress_dialog is not None:
            self.progress_dialog.canceled.disconnect(self.cancel)
            self.progress_dialog.close()
            self.progress_dialog.deleteLater()
            self.progress_dialog = None

    def _done(self, value: Any) -> None:
        self._close()
        if isinstance(value, _Cancelled):
            self._on_failed(value.exc)
        else:
            self._on_done(value)

    def _failed(self, exc: BaseException) -> None:
        self._close()
        self._on_failed(exc)
