"""Use cases: manual backup and restore from a backup, for the administrator (DESIGN §9),
and the start-up judgement of the SQLite file (damaged / not writable / first start).

A restore never throws the current database away: it is moved aside first
(complaintdesk.sqlite3.replaced-<time>), and the app restarts on the restored file."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from sqlalchemy import Engine

from ..domain.clock import Clock
from ..domain.records import Role, User
from ..storage import backup
from ..storage.backup import BackupInfo
from ..storage.backup_preview import LossPreview, loss_preview
from ..storage.database import DatabaseConfig
from ..storage.db_file import FileState, assess
from .base import ServiceBase, UowFactory
from .errors import ServiceError


class DamagedDatabase(ServiceError):
    """The database cannot be used as it is: the user is offered the backups, never a
    fresh, empty database in its place."""

    def __init__(self, path: Path, problems: list[str]) -> None:
        super().__init__(f"数据库文件已损坏或丢失：{path}\n{problems[0] if problems else ''}\n"
                         "请从备份恢复（程序不会自动清空或重建数据库）。")
        self.path = path
        self.problems = problems


class NotWritable(ServiceError):
    """A read-only data folder or file: said as such — the database may be perfectly sound."""

    def __init__(self, path: Path, problems: list[str]) -> None:
        super().__init__(f"{problems[0] if problems else path}。\n程序需要在数据文件夹中保存数据，"
                         "请检查该文件夹的权限（或磁盘、U 盘是否为只读）后重新启动。"
                         "这不是数据库损坏，无需从备份恢复。")
        self.path = path


def ensure_openable(db_path: Path, backup_dir: Path | None) -> None:
    """Raise DamagedDatabase or NotWritable before anything opens (or creates) the file."""
    found = assess(db_path, backup_dir)
    if found.state is FileState.NOT_WRITABLE:
        raise NotWritable(db_path, found.problems)
    if found.state is FileState.DAMAGED:
        raise DamagedDatabase(db_path, found.problems)


class BackupService(ServiceBase):
    def __init__(self, engine: Engine, clock: Clock, tz: str, config: DatabaseConfig,
                 data_dir: Path | None, *, uow_factory: UowFactory | None = None) -> None:
        super().__init__(engine, clock, tz, uow_factory=uow_factory)
        self.config, self.data_dir = config, data_dir

    def _paths(self) -> tuple[Path, Path]:
        db = self.config.sqlite_path
        if db is None or self.data_dir is None:
            raise ServiceError("多台电脑共用的数据库（PostgreSQL）请由服务器管理员用 pg_dump 备份。")
        return db, self.data_dir / "backups"

    def _stamp(self) -> str:
        return self.clock.now().astimezone(self.tz).strftime("%Y%m%d-%H%M%S")

    def list(self, actor: User) -> list[BackupInfo]:
        self.require(actor, Role.ADMIN, what="查看备份")
        _db, folder = self._paths()
        return backup.list_backups(folder)

    def backup_now(self, actor: User, to: Path | None = None) -> Path:
        """A manual backup into the backups folder, or into `to` (a USB drive, a share)."""
        self.require(actor, Role.ADMIN, what="备份数据库")
        db, folder = self._paths()
        if to is not None and not to.is_dir():
            raise ServiceError(f"备份位置不存在或不是文件夹：{to}。", field="folder")
        try:
            target = backup.backup_sqlite(db, to or folder, self._stamp(), "manual",
                                          self.clock.now())
        except OSError as exc:
            raise ServiceError(f"无法写入备份位置：{to or folder}（{exc.strerror or exc}）。",
                               field="folder") from exc
        with self.uow() as uow:
            self.audit(uow, actor, "backup", "database", target.name,
                       after={"folder": str(target.parent)})
            uow.commit()
        return target

    def preview(self, actor: User, source: Path) -> LossPreview:
        """What restoring `source` would lose: its age, the cases and steps written since."""
        self.require(actor, Role.ADMIN, what="从备份恢复")
        db, _folder = self._paths()
        found = loss_preview(source, db, self.clock.now())
        return replace(found, created=found.created.astimezone(self.tz))  # the dealership's time

    def restore(self, actor: User, source: Path) -> Path:
        """Replace the database by `source`; returns where the replaced file was kept.
        The caller must not use the services afterwards (the app restarts)."""
        self.require(actor, Role.ADMIN, what="从备份恢复")
        db, _folder = self._paths()
        info = backup.describe(source, trust_manifest=False)
        if not info.ok:
            raise ServiceError(f"备份“{source.name}”已损坏，不能用于恢复，请选择其他备份。")
        with self.uow() as uow:  # recorded in the database being replaced, and in the log
            self.audit(uow, actor, "restore", "database", source.name,
                       after={"cases_in_backup": info.cases})
            uow.commit()
        self.engine.dispose()
        kept = backup.restore(source, db, self._stamp())
        assert kept is not None  # the live database was there
        return kept
