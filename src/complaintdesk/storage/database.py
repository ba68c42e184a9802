"""Engine, connection set-up and schema migration (Alembic) for SQLite or PostgreSQL."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event, inspect, text

log = logging.getLogger(__name__)

MIGRATIONS_DIR = Path(__file__).with_name("migrations")
HEAD_REVISION = "0018_next_mark"  # kept in step with migrations/versions (a test checks it)


@dataclass(frozen=True)
class DatabaseConfig:
    url: str

    @classmethod
    def sqlite_file(cls, path: Path) -> DatabaseConfig:
        return cls(url=f"sqlite:///{path.as_posix()}")

    @property
    def is_sqlite(self) -> bool:
        return self.url.startswith("sqlite")

    @property
    def sqlite_path(self) -> Path | None:
        if not self.is_sqlite:
            return None
        raw = self.url.split("///", 1)[1] if "///" in self.url else ""
        return Path(raw) if raw and raw != ":memory:" else None


def make_engine(config: DatabaseConfig, echo: bool = False) -> Engine:
    if config.is_sqlite:
        engine = create_engine(
            config.url, echo=echo, connect_args={"check_same_thread": False, "timeout": 15}
        )
        _setup_sqlite(engine)
    else:
        engine = create_engine(config.url, echo=echo, pool_pre_ping=True,
                               connect_args=_postgresql_connect_args(config.url))
        _setup_postgresql(engine)
    return engine


WRITER_LOCK = 727274  # the audit chain's lock (audit.py): one writer at a time
LOCK_WAIT = "30s"  # product default; then BusyError ("请稍后重试"), not a wait without end


def _setup_postgresql(engine: Engine) -> None:
    @event.listens_for(engine, "begin")
    def _on_begin(conn: Any) -> None:
        # As SQLite's BEGIN IMMEDIATE: a unit of work that writes queues for the writers'
        # lock before it reads, so two PCs never take row, sequence and audit locks in
        # different orders (a deadlock, a raw error) and the second of two acting on one
        # step reads the first's result (then "已被他人处理"). Every write appends to the
        # audit chain, which held this lock until commit already.
        if conn.get_execution_options().get("readonly"):
            return
        # one round trip: the wait's limit for this transaction, then the lock
        conn.exec_driver_sql(f"SELECT set_config('lock_timeout', '{LOCK_WAIT}', true), "
                             f"pg_advisory_xact_lock({WRITER_LOCK})")


def _postgresql_connect_args(url: str) -> dict[str, Any]:
    """Each PC names itself to the server (pg_stat_activity.application_name), so a
    migration can say who is still connected; a name in the URL wins."""
    if "application_name=" in url:
        return {}
    return {"application_name": application_name()}


def application_name(host: str | None = None) -> str:
    """"ComplaintDesk <computer name>", in printable ASCII (the server shows anything else
    as "?"; a Chinese computer name is kept as its escapes), at most 63 characters."""
    import socket

    host = socket.gethostname() if host is None else host
    ascii_host = host.encode("ascii", "backslashreplace").decode("ascii")
    ascii_host = "".join(c for c in ascii_host if c.isprintable())
    return f"ComplaintDesk {ascii_host}"[:63]


_BUSY_STATES = {"40P01": "deadlock", "40001": "serialization", "55P03": "lock timeout",
                "57014": "statement timeout"}


def concurrency_failure(exc: BaseException) -> str | None:
    """What kind of clash with another PC a database error is (None: not one): a deadlock,
    a serialisation failure, a lock wait that timed out, SQLite's "database is locked",
    or a unique key another transaction took first ("duplicate")."""
    from sqlalchemy.exc import DBAPIError

    if not isinstance(exc, DBAPIError):
        return None
    orig = exc.orig
    state = getattr(orig, "sqlstate", None) or getattr(orig, "pgcode", None)
    if state in _BUSY_STATES:
        return _BUSY_STATES[state]
    if state == "23505":
        return "duplicate"
    text_ = str(orig).lower()
    if "database is locked" in text_ or "database table is locked" in text_:
        return "locked"
    return None


def _setup_sqlite(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn: Any, _record: Any) -> None:
        # Let SQLAlchemy, not pysqlite, decide when a transaction begins (see _on_begin).
        dbapi_conn.isolation_level = None
        cur = dbapi_conn.cursor()
        cur.execute("PRAGMA journal_mode=WAL")
        cur.execute("PRAGMA foreign_keys=ON")
        cur.execute("PRAGMA synchronous=NORMAL")
        cur.execute("PRAGMA busy_timeout=15000")
        cur.execute("PRAGMA cache_size=-8000")  # per connection; the pool has several
        cur.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Any) -> None:
        # A unit of work that writes takes the write lock up front, so two writers queue
        # instead of one failing half-way with "database is locked".
        if conn.get_execution_options().get("readonly"):
            conn.exec_driver_sql("BEGIN")
        else:
            conn.exec_driver_sql("BEGIN IMMEDIATE")


def current_revision(engine: Engine) -> str | None:
    with engine.execution_options(readonly=True).connect() as conn:
        if not inspect(conn).has_table("alembic_version"):
            return None
        row = conn.execute(text("SELECT version_num FROM alembic_version")).first()
        return row[0] if row else None


class SchemaTooNew(Exception):
    """The database was made or migrated by a newer app: this one must not touch it."""

    def __init__(self, revision: str, needed_version: str | None) -> None:
        super().__init__(revision)
        self.revision = revision
        self.needed_version = needed_version


def check_schema_known(engine: Engine, revision: str | None) -> None:
    """Raises SchemaTooNew for a revision this app does not ship (DESIGN §9)."""
    from .versions import required_app_version, schema_is_newer

    if revision != HEAD_REVISION and schema_is_newer(revision):
        assert revision is not None
        raise SchemaTooNew(revision, required_app_version(engine, revision))


def migrate(engine: Engine, app_version: str | None = None) -> bool:
    """Bring the schema to the newest revision. Returns True when something was applied.
    Refuses (SchemaTooNew) a schema newer than this app; records `app_version` as the one
    the schema now needs.

    The fast path (already current) costs one query and does not import Alembic."""
    revision = current_revision(engine)
    if revision == HEAD_REVISION:
        return False
    check_schema_known(engine, revision)
    from alembic import command
    from alembic.config import Config

    from .versions import record_app_version

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    with engine.begin() as conn:  # on PostgreSQL under the writers' lock: one PC migrates
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "head")
        if app_version:
            record_app_version(conn, HEAD_REVISION, app_version)
    log.info("database migrated to %s", HEAD_REVISION)
    return True
