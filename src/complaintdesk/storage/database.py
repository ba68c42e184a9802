"""Engine, connection set-up and schema migration (Alembic) for SQLite or PostgreSQL."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event, inspect, text

log = logging.getLogger(__name__)

MIGRATIONS_DIR = Path(__file__).with_name("migrations")
HEAD_REVISION = "0005_flow_rules"  # kept in step with migrations/versions (a test checks it)


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
        engine = create_engine(config.url, echo=echo, pool_pre_ping=True)
    return engine


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
    with engine.connect() as conn:
        if not inspect(conn).has_table("alembic_version"):
            return None
        row = conn.execute(text("SELECT version_num FROM alembic_version")).first()
        return row[0] if row else None


def migrate(engine: Engine) -> bool:
    """Bring the schema to the newest revision. Returns True when something was applied.

    The fast path (already current) costs one query and does not import Alembic."""
    if current_revision(engine) == HEAD_REVISION:
        return False
    from alembic import command
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "head")
    log.info("database migrated to %s", HEAD_REVISION)
    return True
