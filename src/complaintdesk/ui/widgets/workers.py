"""Long work off the UI thread: a QRunnable that reports back through a queued signal."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

import shiboken6
from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal, Slot

log = logging.getLogger(__name__)

# Tasks whose result has not been delivered yet (keeps the Python wrappers alive).
_live: set[Task] = set()


class _Relay(QObject):
    """Lives in the UI thread: the worker emits, Qt queues, the callbacks run here."""

    result = Signal(object)
    error = Signal(object)
    progress = Signal(int, int)

    def __init__(self, task: Task) -> None:
        super().__init__()
        self._task = task
        self.result.connect(self._on_result)
        self.error.connect(self._on_error)
        self.progress.connect(self._on_progress)

    def _owner_alive(self) -> bool:
        owner = self._task.owner
        return owner is None or shiboken6.isValid(owner)

    @Slot(object)
    def _on_result(self, value: object) -> None:
        _live.discard(self._task)
        if self._task.on_done is not None and self._owner_alive():
            self._task.on_done(value)

    @Slot(object)
    def _on_error(self, exc: object) -> None:
        _live.discard(self._task)
        if self._task.on_failed is not None and self._owner_alive():
            self._task.on_failed(exc)

    @Slot(int, int)
    def _on_progress(self, done: int, total: int) -> None:
        if self._task.on_progress is not None and self._owner_alive():
            self._task.on_progress(done, total)


class Task(QRunnable):
    def __init__(self, fn: Callable[[], Any], on_done: Callable[[Any], None] | None = None,
                 on_failed: Callable[[BaseException], None] | None = None,
                 on_progress: Callable[[int, int], None] | None = None,
                 owner: QObject | None = None) -> None:
        super().__init__()
        self.owner = owner  # when it is gone (a closed dialog), the callbacks are skipped
        self.fn = fn
        self.on_done = on_done
        self.on_failed = on_failed
        self.on_progress = on_progress
        self.relay = _Relay(self)

    def report_progress(self, done: int, total: int) -> None:
        """Callable from the worker thread."""
        self.relay.progress.emit(done, total)

    def run(self) -> None:
        try:
            value = self.fn()
        except Exception as exc:  # delivered to the UI thread; the log gets the traceback
            log.exception("background task failed")
            self.relay.error.emit(exc)
        else:
            self.relay.result.emit(value)


def run_task(fn: Callable[[], Any], on_done: Callable[[Any], None] | None = None,
             on_failed: Callable[[BaseException], None] | None = None,
             owner: QObject | None = None, pool: QThreadPool | None = None) -> Task:
    task = Task(fn, on_done, on_failed, owner=owner)
    _live.add(task)
    (pool or QThreadPool.globalInstance()).start(task)
    return task
