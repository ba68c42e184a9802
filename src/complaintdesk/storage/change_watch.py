"""Seeing what other PCs wrote (issue 13, live lists): a cheap "has the database changed?"
that the UI polls instead of the user pressing 刷新.

- SQLite: `PRAGMA data_version` on a connection of its own. Its value changes whenever
  another connection — another PC's, or this process's pool — commits to the file; it costs
  no read of any table.
- PostgreSQL: every unit of work that writes sends `NOTIFY complaintdesk_changes` inside its
  transaction (delivered at commit, dropped on rollback); the watcher LISTENs on a
  connection of its own.

`ChangeWatcher.start(callback)` runs a daemon thread that calls `callback()` (from that
thread) at most once per change burst; `wake()` makes it look at once (this process just
committed). Storage knows nothing of Qt: the UI turns the callback into a signal.
"""

from __future__ import annotations

import logging
import sqlite3
import threading
import time
from collections.abc import Callable
from typing import Any

from sqlalchemy import Engine, event

log = logging.getLogger(__name__)

CHANNEL = "complaintdesk_changes"
POLL_SECONDS = 1.0  # the bar is 5 s; one cheap look a second keeps well inside it


def notify_sql() -> str:
    """The statement a writing unit of work runs on PostgreSQL before its commit."""
    return f"NOTIFY {CHANNEL}"


class ChangeWatcher:
    """One dedicated connection that tells whether anyone committed since the last look."""

    def __init__(self, engine: Engine, interval: float = POLL_SECONDS) -> None:
        self.engine = engine
        self.interval = interval
        self.is_sqlite = engine.dialect.name == "sqlite"
        self._conn: Any = None
        self._last: int | None = None
        self._stop = threading.Event()
        self._wake = threading.Event()
        self._thread: threading.Thread | None = None

    # ---- one look -------------------------------------------------------------------------
    def _connect(self) -> None:
        if self.is_sqlite:
            path = self.engine.url.database
            assert path, "a file database (an in-memory one has no other writers)"
            self._conn = sqlite3.connect(path, check_same_thread=False, timeout=15)
            self._last = self._conn.execute("PRAGMA data_version").fetchone()[0]
        else:
            import psycopg

            url = self.engine.url.set(drivername="postgresql")
            self._conn = psycopg.connect(url.render_as_string(hide_password=False),
                                         autocommit=True)
            self._conn.execute(f"LISTEN {CHANNEL}")

    def changed(self, timeout: float = 0.0) -> bool:
        """True when someone committed since the previous call (the first call only
        connects and says False). PostgreSQL waits up to `timeout` s for a notification."""
        if self._conn is None:
            self._connect()
            return False
        if self.is_sqlite:
            version = self._conn.execute("PRAGMA data_version").fetchone()[0]
            seen, self._last = version != self._last, version
            return seen
        got = False
        for _note in self._conn.notifies(timeout=timeout, stop_after=1):
            got = True
        if got:  # drain the burst: one refresh for a step's several notifications
            for _note in self._conn.notifies(timeout=0.05):
                pass
        return got

    # ---- the thread -----------------------------------------------------------------------
    def start(self, callback: Callable[[], None]) -> None:
        """Look every `interval` s (or at once after `wake`) and call `callback` on a change."""
        if self._thread is not None:
            return
        self.changed()  # connect now: the baseline is the state at start
        event.listen(self.engine, "commit", self._on_local_commit)

        def run() -> None:
            while not self._stop.is_set():
                try:
                    if self.changed(timeout=0 if self.is_sqlite else self.interval):
                        callback()
                except Exception:  # noqa: BLE001 - a lost connection: reconnect next round
                    log.warning("change watcher: look failed, reconnecting", exc_info=True)
                    self._close_conn()
                if self.is_sqlite:  # PostgreSQL waited in `changed`, on the socket
                    if self._wake.wait(self.interval):
                        self._wake.clear()
                        time.sleep(0.05)  # the commit event comes just before the commit

        self._thread = threading.Thread(target=run, name="change-watcher", daemon=True)
        self._thread.start()

    def _on_local_commit(self, _conn: Any) -> None:
        """This process committed: look now rather than at the next tick (data_version,
        read on the watcher's own connection, sees this process's commits too; on
        PostgreSQL the NOTIFY of the commit wakes the watcher by itself)."""
        self._wake.set()

    def wake(self) -> None:
        self._wake.set()

    def stop(self) -> None:
        self._stop.set()
        self._wake.set()
        if event.contains(self.engine, "commit", self._on_local_commit):
            event.remove(self.engine, "commit", self._on_local_commit)
        if self._thread is not None:
            self._thread.join(timeout=self.interval + 2)
            self._thread = None
        self._close_conn()

    def _close_conn(self) -> None:
        conn, self._conn = self._conn, None
        if conn is not None:
            try:
                conn.close()
            except Exception:  # noqa: BLE001 - closing a broken connection
                pass
