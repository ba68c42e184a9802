"""What start-up refuses or waits for when it opens a database (DESIGN §9, several PCs):
SQLite on a network share; a schema newer than this app; a PostgreSQL migration while
other PCs are connected, or before a backup. (The clock: services/clock.py.)"""

from __future__ import annotations

import logging
from datetime import datetime
from pathlib import Path

from sqlalchemy import Engine
from sqlalchemy.engine import make_url

from ..storage.database import HEAD_REVISION, DatabaseConfig, SchemaTooNew, check_schema_known
from ..storage.network_share import network_location, refusal_message
from ..storage.versions import Connected, PgDumpFailed, other_connections, pg_dump
from .errors import ServiceError

log = logging.getLogger(__name__)


class NetworkShareRefused(ServiceError):
    def __init__(self, path: Path, where: str) -> None:
        super().__init__(refusal_message(path, where))
        self.path = path
        self.where = where


def refuse_sqlite_on_network_share(config: DatabaseConfig) -> None:
    """Raises NetworkShareRefused when the SQLite file is (or would be) on a network share."""
    path = config.sqlite_path
    if path is None:
        return
    where = network_location(path)
    if where is not None:
        raise NetworkShareRefused(path, where)


# ---- mixed versions (DESIGN §9) --------------------------------------------------------
class SchemaNewerThanApp(ServiceError):
    """An app older than the database's schema refuses to open it."""

    def __init__(self, revision: str, needed_version: str | None) -> None:
        from .. import __version__

        need = (f" ComplaintDesk {needed_version} 或更新的版本" if needed_version
                else "更新版本的 ComplaintDesk ")
        super().__init__(
            f"数据库已由更新版本的 ComplaintDesk 升级（数据库结构版本 {revision}），"
            f"本程序（版本 {__version__}）不认识它，为免损坏数据不能打开。\n"
            f"请在本机安装{need}后再打开。")
        self.revision = revision
        self.needed_version = needed_version


class OthersConnected(ServiceError):
    """A PostgreSQL migration waits until no other PC is connected."""

    def __init__(self, revision: str, others: list[Connected]) -> None:
        lines = "\n".join(f"  · {c.label()}" for c in others)
        super().__init__(
            f"数据库需要升级（结构版本 {revision} → {HEAD_REVISION}），但还有 {len(others)} 个"
            f"连接在使用它：\n{lines}\n"
            "升级时不能有其他电脑在用。请先在这些电脑上退出 ComplaintDesk，再重新启动本程序。")
        self.others = others


class PgBackupNeeded(ServiceError):
    """No pg_dump here (or it failed): a PostgreSQL migration waits for a backup."""

    def __init__(self, reason: str, database: str) -> None:
        super().__init__(
            f"数据库升级前必须先备份，但备份没有完成：{reason}。\n"
            "请由管理员在数据库服务器上备份，例如：\n"
            f"  pg_dump --format=custom --file=complaintdesk-升级前.dump {database}\n"
            "（或在本机安装 PostgreSQL 客户端工具，使 pg_dump 可用后重新启动。）"
            "备份完成后，用 --pg-backup-done 参数启动本程序即可升级。")
        self.reason = reason


def before_postgresql_migration(engine: Engine, config: DatabaseConfig,
                                revision: str | None, backup_dir: Path | None,
                                backup_done: bool = False) -> Path | None:
    """A PostgreSQL database about to be migrated: nobody else connected (they are listed
    otherwise), then a pg_dump into `backup_dir` — or the administrator says one was made
    (`backup_done`). Returns the dump's path. No backup_dir: no backup (tests)."""
    if config.is_sqlite or revision in (None, HEAD_REVISION):
        return None
    others = other_connections(engine)
    if others:
        raise OthersConnected(revision, others)
    if backup_done or backup_dir is None:
        log.warning("migrating %s without a backup of our own (backup_done=%s)",
                    revision, backup_done)
        return None
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    target = backup_dir / "postgresql" / f"complaintdesk-{stamp}-premigrate-{revision}.dump"
    try:
        return pg_dump(config.url, target)
    except PgDumpFailed as exc:
        raise PgBackupNeeded(exc.reason, make_url(config.url).database or "数据库名") from exc


def check_version(engine: Engine, revision: str | None) -> None:
    """SchemaNewerThanApp for a database an older app must not open."""
    try:
        check_schema_known(engine, revision)
    except SchemaTooNew as exc:
        raise SchemaNewerThanApp(exc.revision, exc.needed_version) from exc
