"""Backups of a database file that is not open: the command line (`backup`, `restore`,
`check --rebuild-statistics`) and the start-up dialog over a damaged file. There is no
logged-in user and no unit of work here — only the file — so these are plain functions;
the administrator's backups inside the app go through `BackupService` (services/backups.py).

The entry points (cli.py, app.py) call these and import nothing from storage/.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from ..storage import backup
from ..storage.backup import BackupInfo
from ..storage.backup_preview import loss_preview
from ..storage.db_file import FileState, assess

__all__ = ["BackupInfo", "back_up_file", "describe_backup", "file_is_damaged", "file_is_sound",
           "list_file_backups", "loss_preview_text", "restore_file"]


def file_is_sound(db_path: Path, backup_dir: Path | None) -> bool:
    return assess(db_path, backup_dir).state is FileState.SOUND


def file_is_damaged(db_path: Path, backup_dir: Path | None) -> bool:
    return assess(db_path, backup_dir).state is FileState.DAMAGED


def back_up_file(db_path: Path, folder: Path, stamp: str) -> Path:
    """A manual backup into `folder`; a copy that fails its integrity check is put under
    `folder/damaged/` instead (the caller tells the person)."""
    return backup.backup_sqlite(db_path, folder, stamp, "manual")


def list_file_backups(backup_dir: Path) -> list[BackupInfo]:
    """Newest first."""
    return backup.list_backups(backup_dir)


def describe_backup(path: Path) -> BackupInfo:
    """Read from the file itself (a manifest is only a label): what a restore would bring."""
    return backup.describe(path, trust_manifest=False)


def loss_preview_text(source: Path, db_path: Path, now: datetime) -> str:
    """What restoring `source` over `db_path` would lose, in Chinese."""
    return loss_preview(source, db_path, now).text()


def restore_file(source: Path, db_path: Path, stamp: str, kept_as: str = "replaced") -> Path | None:
    """Replace the database by a backup; the file replaced is moved aside (returned)."""
    return backup.restore(source, db_path, stamp, kept_as=kept_as)
