"""Backups of the SQLite file (DESIGN §9): automatic at start and daily (keep 30), manual,
restore, and an integrity check so a damaged file is noticed — never silently reset.

Every backup has a manifest beside it (`<backup>.manifest.json`): when it was made, what it
holds, whether it passed the integrity check, and the audit chain's head. A copy that fails
the check is moved to `backups/damaged/`, apart from the 30 good ones it could otherwise push
out. A restore moves the file it replaces aside (`<db>.replaced-<time>`), never deletes it."""

from __future__ import annotations

import json
import logging
import os
import sqlite3
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from .audit_head import ChainHead, head_file_for_sqlite, write_head

log = logging.getLogger(__name__)

KEEP = 30
MANIFEST_SUFFIX = ".manifest.json"
DAMAGED_DIR = "damaged"


@dataclass(frozen=True)
class BackupInfo:
    path: Path
    created: datetime
    size: int
    cases: int | None  # what the backup holds (for the restore preview)
    ok: bool
    head: ChainHead | None = None  # the audit chain's head in the copy (its manifest)


def backup_sqlite(db_path: Path, backup_dir: Path, stamp: str, tag: str = "auto",
                  created: datetime | None = None) -> Path:
    """Copy the live database with SQLite's online backup API (consistent under WAL), with
    its manifest (`created`: when, by the caller's clock; the system time by default)."""
    backup_dir.mkdir(parents=True, exist_ok=True)
    target = backup_dir / f"complaintdesk-{stamp}-{tag}.sqlite3"
    n = 1
    while target.exists():  # two backups in one second never overwrite each other
        n += 1
        target = backup_dir / f"complaintdesk-{stamp}.{n}-{tag}.sqlite3"
    copy_database(db_path, target)
    info = write_manifest(target, created or datetime.now().astimezone())
    if not info.ok:  # a copy of a damaged file never counts among the 30 kept
        apart = backup_dir / DAMAGED_DIR
        apart.mkdir(exist_ok=True)
        moved = apart / target.name
        os.replace(target, moved)
        os.replace(manifest_path(target), manifest_path(moved))
        log.error("backup %s failed the integrity check: kept apart in %s", target.name, apart)
        return moved
    prune(backup_dir)
    return target


def manifest_path(backup: Path) -> Path:
    return backup.with_name(backup.name + MANIFEST_SUFFIX)


def read_facts(path: Path) -> tuple[int | None, ChainHead | None, bool]:
    """(cases, audit head, sound) of a database file, read-only."""
    if integrity_problems(path) or path.stat().st_size == 0:
        return None, None, False
    try:
        con = sqlite3.connect(f"file:{path.as_posix()}?mode=ro", uri=True)
        try:
            cases = con.execute("SELECT count(*) FROM complaint_case").fetchone()[0]
            count = con.execute("SELECT count(*) FROM audit_log").fetchone()[0]
            last = con.execute("SELECT id, hash FROM audit_log ORDER BY id DESC LIMIT 1").fetchone()
        finally:
            con.close()
    except sqlite3.DatabaseError:
        return None, None, False
    head = ChainHead(count, last[0], last[1]) if last else ChainHead(0, 0, "")
    return cases, head, True


def write_manifest(backup: Path, created: datetime) -> BackupInfo:
    cases, head, ok = read_facts(backup)
    data: dict[str, Any] = {"created": created.isoformat(), "cases": cases, "ok": ok,
                            "size": backup.stat().st_size,
                            "audit_head": None if head is None else {
                                "count": head.count, "last_id": head.last_id,
                                "last_hash": head.last_hash}}
    manifest_path(backup).write_text(json.dumps(data, ensure_ascii=False, indent=1),
                                     encoding="utf-8")
    return BackupInfo(backup, created, data["size"], cases, ok, head)


def read_manifest(backup: Path) -> BackupInfo | None:
    """What the manifest says, when it is there and still describes this file."""
    try:
        raw = json.loads(manifest_path(backup).read_text(encoding="utf-8"))
        if raw["size"] != backup.stat().st_size:
            return None
        h = raw.get("audit_head")
        head = ChainHead(int(h["count"]), int(h["last_id"]), str(h["last_hash"])) if h else None
        return BackupInfo(backup, datetime.fromisoformat(raw["created"]), int(raw["size"]),
                          raw.get("cases"), bool(raw["ok"]), head)
    except (OSError, ValueError, KeyError, TypeError):
        return None


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


def describe(path: Path, trust_manifest: bool = True) -> BackupInfo:
    """What a backup holds: from its manifest (instant), else by reading the file. A restore
    reads the file again (`trust_manifest=False`): the manifest is only a label."""
    if trust_manifest:
        known = read_manifest(path)
        if known is not None:
            return known
        if not manifest_path(path).exists():  # a backup from before manifests: read it once
            try:
                return write_manifest(path, datetime.fromtimestamp(path.stat().st_mtime)
                                      .astimezone())
            except OSError:  # a read-only folder (a USB stick): read it every time
                pass
    cases, head, ok = read_facts(path)
    st = path.stat()
    return BackupInfo(path, datetime.fromtimestamp(st.st_mtime), st.st_size, cases, ok, head)


def list_backups(backup_dir: Path) -> list[BackupInfo]:
    return [describe(p) for p in sorted(backup_dir.glob("complaintdesk-*.sqlite3"), reverse=True)]


def restore(backup: Path, db_path: Path, stamp: str, kept_as: str = "replaced") -> Path | None:
    """Replace the database by a backup (the caller closes every connection first). The
    file replaced — sound or damaged, with its WAL — is moved aside, never deleted; returns
    where (None when there was no file). The head file then describes the restored copy."""
    kept: Path | None = None
    if db_path.exists():
        kept = db_path.with_name(f"{db_path.name}.{kept_as}-{stamp}")
        n = 1
        while kept.exists():
            n += 1
            kept = db_path.with_name(f"{db_path.name}.{kept_as}-{stamp}.{n}")
    for suffix in ("", "-wal", "-shm", ".audit-head.json"):
        part = Path(str(db_path) + suffix)
        if part.exists() and kept is not None:
            os.replace(part, Path(str(kept) + suffix))
        else:
            part.unlink(missing_ok=True)
    copy_database(backup, db_path)
    _cases, head, _ok = read_facts(db_path)
    if head is not None:
        write_head(head_file_for_sqlite(db_path),
                   ChainHead(head.count, head.last_id, head.last_hash,
                             restored_at=datetime.now().astimezone().isoformat()))
    return kept


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
