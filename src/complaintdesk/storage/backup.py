"""Backups of the SQLite file (DESIGN §9): automatic at start and daily (keep 30), manual,
restore, and an integrity check so a damaged file is noticed — never silently reset."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

KEEP = 30


@dataclass(frozen=True)
class BackupInfo:
    path: Path
    created: datetime
    size: int
    cases: int | None  # what the backup holds (for the restore preview)
    ok: bool


def backup_sqlite(db_path: Path, backup_dir: Path, stamp: str, tag: str = "auto") -> Path:
    """Copy the live database with SQLite's online backup API (consistent under WAL)."""
    backup_dir.mkdir(parents=True, exist_ok=True)
    target = backup_dir / f"complaintdesk-{stamp}-{tag}.sqlite3"
    n = 1
    while target.exists():  # two backups in one second never overwrite each other
        n += 1
        target = backup_dir / f"complaintdesk-{stamp}.{n}-{tag}.sqlite3"
    copy_database(db_path, target)
    prune(backup_dir)
    return target


def backup_if_due(db_path: Path, backup_dir: Path, now: datetime,
                  every_hours: float = 24) -> Path | None:
    """The automatic backup (DESIGN §9: at start and daily): made when the newest automatic
    backup is older than `every_hours`. `now` is a naive local or aware datetime."""
    if not db_path.exists():
        return None
    newest = max((p.stat().st_mtime for p in backup_dir.glob("complaintdesk-*-auto.sqlite3")),
                 default=None)
    if newest is not None and now.timestamp() - newest < every_hours * 3600:
        return None
    return backup_sqlite(db_path, backup_dir, now.strftime("%Y%m%d-%H%M%S"), "auto")


def prune(backup_dir: Path, keep: int = KEEP) -> None:
    files = sorted(backup_dir.glob("complaintdesk-*-auto.sqlite3"))
    for old in files[:-keep] if len(files) > keep else []:
        old.unlink(missing_ok=True)


def integrity_problems(db_path: Path) -> list[str]:
    """PRAGMA integrity_check; an empty list means the file is sound."""
    if not db_path.exists():
        return []
    try:
        con = sqlite3.connect(f"file:{db_path.as_posix()}?mode=ro", uri=True)
        try:
            rows = con.execute("PRAGMA quick_check").fetchall()
        finally:
            con.close()
    except sqlite3.DatabaseError as exc:
        return [str(exc)]
    msgs = [r[0] for r in rows]
    return [] if msgs == ["ok"] else msgs


def header_problems(db_path: Path) -> list[str]:
    """The quick start-up check: the file opens as a database and its schema reads. It
    catches a file that is not (or no longer) a database in milliseconds; the full
    `integrity_problems` scan reads every page (≈ 1.5 s at 100,000 cases) and runs after
    the window is up."""
    if not db_path.exists():
        return []
    try:
        con = sqlite3.connect(f"file:{db_path.as_posix()}?mode=ro", uri=True)
        try:
            con.execute("SELECT count(*) FROM sqlite_master").fetchone()
            con.execute("PRAGMA schema_version").fetchone()
        finally:
            con.close()
    except sqlite3.DatabaseError as exc:
        return [str(exc)]
    return []


def describe(path: Path) -> BackupInfo:
    cases: int | None = None
    ok = not integrity_problems(path)
    if ok:
        try:
            con = sqlite3.connect(f"file:{path.as_posix()}?mode=ro", uri=True)
            try:
                cases = con.execute("SELECT count(*) FROM complaint_case").fetchone()[0]
            finally:
                con.close()
        except sqlite3.DatabaseError:
            ok = False
    st = path.stat()
    return BackupInfo(path, datetime.fromtimestamp(st.st_mtime), st.st_size, cases, ok)


def list_backups(backup_dir: Path) -> list[BackupInfo]:
    return [describe(p) for p in sorted(backup_dir.glob("complaintdesk-*.sqlite3"), reverse=True)]


def restore(backup: Path, db_path: Path) -> None:
    """Replace the database by a backup (the caller closes every connection first)."""
    for suffix in ("-wal", "-shm"):
        Path(str(db_path) + suffix).unlink(missing_ok=True)
    copy_database(backup, db_path)


def copy_database(source: Path, target: Path) -> None:
    """SQLite's online backup API: a consistent copy even while the source is in use."""
    src = sqlite3.connect(str(source))
    try:
        dst = sqlite3.connect(str(target))
        try:
            src.backup(dst)
        finally:
            dst.close()
    finally:
        src.close()
