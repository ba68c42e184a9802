"""Use cases: manual backup and restore from a backup, for the administrator (DESIGN §9).

A restore never throws the current database away: it is copied aside first
(complaintdesk.sqlite3.before-restore-<time>), and the app restarts on the restored file."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import Engine

from ..domain.clock import Clock
from ..domain.records import Role, User
from ..storage import backup
from ..storage.backup import BackupInfo
from ..storage.database import DatabaseConfig
from .base import ServiceBase
from .errors import ServiceError


class BackupService(ServiceBase):
    def __init__(self, engine: Engine, clock: Clock, tz: str, config: DatabaseConfig,
                 data_dir: Path | None) -> None:
        super().__init__(engine, clock, tz)
        self.config, self.data_dir = config, data_dir

    def _paths(self) -> tuple[Path, Path]:
        db = self.config.sqlite_path
        if db is None or self.data_dir is None:
            raise ServiceError("多台电脑共用的数据库(PostgreSQL)请由服务器管理员用 pg_dump 备份")
        return db, self.data_dir / "backups"

    def list(self, actor: User) -> list[BackupInfo]:
        self.require(actor, Role.ADMIN, what="查看备份")
        _db, folder = self._paths()
        return backup.list_backups(folder)

    def backup_now(self, actor: User) -> Path:
        self.require(actor, Role.ADMIN, what="备份数据库")
        db, folder = self._paths()
        stamp = self.clock.now().astimezone(self.tz).strftime("%Y%m%d-%H%M%S")
        target = backup.backup_sqlite(db, folder, stamp, "manual")
        with self.uow() as uow:
            self.audit(uow, actor, "backup", "database", target.name)
            uow.commit()
        return target

    def restore(self, actor: User, source: Path) -> Path:
        """Replace the database by `source`; returns where the replaced file was kept.
        The caller must not use the services afterwards (the app restarts)."""
        self.require(actor, Role.ADMIN, what="从备份恢复")
        db, _folder = self._paths()
        info = backup.describe(source)
        if not info.ok:
            raise ServiceError(f"备份“{source.name}”已损坏，不能用于恢复，请选择其他备份")
        with self.uow() as uow:  # recorded in the database being replaced, and in the log
            self.audit(uow, actor, "restore", "database", source.name,
                       after={"cases_in_backup": info.cases})
            uow.commit()
        self.engine.dispose()
        stamp = self.clock.now().astimezone(self.tz).strftime("%Y%m%d-%H%M%S")
        kept = db.with_name(f"{db.name}.before-restore-{stamp}")
        backup.copy_database(db, kept)  # a consistent copy, the WAL included
        backup.restore(source, db)
        return kept
