"""What state the SQLite file is in before anything opens it (DESIGN §9: never a silent
reset). A missing or empty file is a first start only when the data folder shows no earlier
use; with backups or the audit chain's head file beside it, it is damage. A folder the app
cannot write to is said to be that, not damage."""

from __future__ import annotations

import os
import struct
from dataclasses import dataclass, field
from enum import Enum
from pathlib import Path

from .audit_head import head_file_for_sqlite
from .backup import header_problems


class FileState(Enum):
    FRESH = "fresh"  # no database and no sign of one: the first start
    SOUND = "sound"
    DAMAGED = "damaged"
    NOT_WRITABLE = "not_writable"


@dataclass(frozen=True)
class Assessment:
    state: FileState
    problems: list[str] = field(default_factory=list)  # Chinese, for the user


def earlier_use(db_path: Path, backup_dir: Path | None) -> list[str]:
    """Signs that a database was here before: its head file, backups of it."""
    signs = []
    head = head_file_for_sqlite(db_path)
    if head.exists():
        signs.append(f"审计链头文件 {head.name}")
    if backup_dir is not None and backup_dir.is_dir():
        n = sum(1 for _ in backup_dir.glob("complaintdesk-*.sqlite3"))
        if n:
            signs.append(f"{n} 份备份（{backup_dir}）")
    return signs


def folder_writable(folder: Path) -> bool:
    """Try it (os.access says yes to an administrator on a read-only share or medium)."""
    probe = folder / f".complaintdesk-write-test-{os.getpid()}"
    try:
        with open(probe, "wb") as f:
            f.write(b"ok")
        probe.unlink()
        return True
    except OSError:
        return False


def file_writable(path: Path) -> bool:
    try:
        with open(path, "r+b"):
            return True
    except OSError:
        return False


def truncation(db_path: Path) -> str | None:
    """A file shorter than its own header says it is (cut off by a copy or a full disk).
    The header's page count is trusted only when it is current (SQLite's own rule) and no
    WAL is waiting to be checkpointed into the file."""
    wal = Path(str(db_path) + "-wal")
    if wal.exists() and wal.stat().st_size > 0:
        return None  # a crash in a checkpoint: SQLite finishes it from the WAL on opening
    try:
        with open(db_path, "rb") as f:
            head = f.read(100)
    except OSError:
        return None
    if len(head) < 100 or not head.startswith(b"SQLite format 3\x00"):
        return None  # the open itself says what is wrong
    page_size = struct.unpack(">H", head[16:18])[0]
    page_size = 65536 if page_size == 1 else page_size
    change, pages, valid_for = struct.unpack(">I", head[24:28])[0], \
        struct.unpack(">I", head[28:32])[0], struct.unpack(">I", head[92:96])[0]
    if pages == 0 or change != valid_for:
        return None
    size = db_path.stat().st_size
    if size < pages * page_size:
        return f"数据库文件不完整：应有 {pages * page_size} 字节，只有 {size} 字节"
    return None


def assess(db_path: Path, backup_dir: Path | None) -> Assessment:
    folder = db_path.parent
    if folder.is_dir() and not folder_writable(folder):
        return Assessment(FileState.NOT_WRITABLE, [f"数据文件夹不可写：{folder}"])
    if db_path.exists() and db_path.stat().st_size > 0 and not file_writable(db_path):
        return Assessment(FileState.NOT_WRITABLE, [f"数据库文件只读：{db_path}"])
    signs = earlier_use(db_path, backup_dir)
    if not db_path.exists():
        if signs:
            return Assessment(FileState.DAMAGED, [
                f"数据库文件不存在：{db_path}，但数据文件夹中有以前使用的痕迹（{'，'.join(signs)}）"])
        return Assessment(FileState.FRESH)
    if db_path.stat().st_size == 0:
        if signs:
            return Assessment(FileState.DAMAGED, [
                f"数据库文件是空的（0 字节）：{db_path}，但数据文件夹中有以前使用的痕迹"
                f"（{'，'.join(signs)}）"])
        return Assessment(FileState.FRESH)
    cut = truncation(db_path)
    if cut:
        return Assessment(FileState.DAMAGED, [cut])
    problems = header_problems(db_path)
    if problems:
        return Assessment(FileState.DAMAGED, [f"数据库文件无法读取（{p}）" for p in problems])
    return Assessment(FileState.SOUND)
