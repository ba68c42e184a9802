"""The audit chain's head kept outside the database (DESIGN §9).

After every commit that appends audit entries, the head — how many entries, the last one's
id and hash — is written to a small file beside the SQLite database (for PostgreSQL: in the
PC's data folder). Every backup's manifest carries the head of the copy, and the weekly
summary prints it. Cutting entries off the end of the log, deleting all of it, or editing
an entry and recomputing the chain then no longer matches the head, and `check` says so.

The file may lag the database (a crash between the commit and the file write, or another
PC on PostgreSQL writing after this one): a head the database still holds at the same
position is sound; only a head the database no longer holds is damage.
"""

from __future__ import annotations

import json
import logging
import os
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session
from sqlmodel import col

from .tables import AuditRow

log = logging.getLogger(__name__)

HEAD_SUFFIX = ".audit-head.json"
_registered: dict[str, Path] = {}  # engine URL → head file, for databases not on a file


@dataclass(frozen=True)
class ChainHead:
    count: int
    last_id: int
    last_hash: str
    restored_at: str = ""  # set by a restore: older manifests are then no longer the db's

    def short(self) -> str:
        return f"{self.count} 条 / {self.last_hash[:16] or '—'}"


def head_file_for_sqlite(db_path: Path) -> Path:
    return db_path.with_name(db_path.name + HEAD_SUFFIX)


def server_head_file(data_dir: Path, url: Any) -> Path:
    """Where the head of a server database is kept on this PC (in its data folder)."""
    name = "".join(c if c.isalnum() else "_" for c in f"{url.host or ''}_{url.database or ''}")
    return data_dir / f"audit-head-{name}.json"


def register_head_file(engine: Engine, data_dir: Path) -> None:
    if engine.url.get_backend_name() != "sqlite":
        _registered[str(engine.url)] = server_head_file(data_dir, engine.url)


def head_file(engine: Engine) -> Path | None:
    url = engine.url
    if url.get_backend_name() == "sqlite":
        db = url.database
        if not db or db == ":memory:":
            return None
        return head_file_for_sqlite(Path(db))
    return _registered.get(str(url))


def read_head(path: Path | None) -> ChainHead | None:
    """The head written last, or None when there is none (or it cannot be read)."""
    if path is None:
        return None
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
        return ChainHead(int(raw["count"]), int(raw["last_id"]), str(raw["last_hash"]),
                         str(raw.get("restored_at", "")))
    except FileNotFoundError:
        return None
    except (OSError, ValueError, KeyError, TypeError):
        log.warning("audit head file %s cannot be read", path)
        return None


def write_head(path: Path, head: ChainHead) -> None:
    """Atomically (a temporary file, then os.replace): a crash never leaves half a file."""
    tmp = path.with_name(f"{path.name}.{os.getpid()}.tmp")
    tmp.write_text(json.dumps(asdict(head), ensure_ascii=False), encoding="utf-8")
    os.replace(tmp, path)


def db_head(session: Session) -> ChainHead:
    """The head as the database holds it now (counts every entry: a full index scan)."""
    count = session.execute(select(func.count()).select_from(AuditRow)).scalar_one()
    last = session.execute(
        select(AuditRow.id, AuditRow.hash).order_by(col(AuditRow.id).desc()).limit(1)
    ).first()
    return ChainHead(count, last[0], last[1]) if last else ChainHead(0, 0, "")


@dataclass(frozen=True)
class HeadComparison:
    """How the database stands to a head kept outside it."""

    ok: bool
    message: str  # Chinese, for check's report
    newer: int = 0  # entries written after the head (a lag, not damage)


def compare(session: Session, head: ChainHead, source: str) -> HeadComparison:
    """Does the database still hold `head` (same entry, same hash, same count up to it)?"""
    total = session.execute(select(func.count()).select_from(AuditRow)).scalar_one()
    if head.count == 0:
        return HeadComparison(True, f"{source}：记录时审计日志为空", total)
    if total == 0:
        return HeadComparison(False, f"{source}记录审计日志共 {head.count} 条，"
                                     "数据库中已一条不剩：审计日志被全部删除。")
    row_hash = session.execute(
        select(AuditRow.hash).where(AuditRow.id == head.last_id)
    ).scalar()
    upto = session.execute(select(func.count()).select_from(AuditRow)
                           .where(col(AuditRow.id) <= head.last_id)).scalar_one()
    newer = total - upto
    if row_hash is None:
        lost = head.count - upto
        what = "最后 1 条审计记录被删除" if lost == 1 else f"最后 {lost} 条审计记录被删除"
        return HeadComparison(False, f"{source}记录审计日志共 {head.count} 条（最后一条为第 "
                                     f"{head.last_id} 条），数据库中找不到该条：{what}。")
    if row_hash != head.last_hash:
        return HeadComparison(False, f"{source}记录的第 {head.last_id} 条审计记录哈希与数据库不符："
                                     "审计记录被修改后重新计算了哈希链。")
    if upto != head.count:
        diff = head.count - upto
        what = f"其中 {diff} 条被删除" if diff > 0 else f"多出 {-diff} 条（被插入）"
        return HeadComparison(False, f"{source}记录截至第 {head.last_id} 条共 {head.count} 条"
                                     f"审计记录，数据库中有 {upto} 条：{what}。")
    return HeadComparison(True, f"{source}：与数据库一致（{head.short()}）", newer)


class HeadTracker:
    """Follows the head through one unit of work: read once before the first entry is
    appended (and held against the file), written after the commit."""

    def __init__(self, path: Path | None) -> None:
        self.path = path
        self.count: int | None = None
        self.file_head: ChainHead | None = None
        self.mismatch: str | None = None

    def start(self, session: Session, last_id: int | None, last_hash: str) -> None:
        """At the first append: the entries before it, and whether the file still holds."""
        self.file_head = head = read_head(self.path)
        if head is None or last_id is None:
            if last_id is None:
                self.count = 0
            else:
                self.count = session.execute(
                    select(func.count()).select_from(AuditRow)).scalar_one()
            if head is not None and head.count > 0 and last_id is None:
                self.mismatch = (f"链头文件记录 {head.count} 条，数据库审计日志为空")
            return
        row_hash = session.execute(
            select(AuditRow.hash).where(AuditRow.id == head.last_id)
        ).scalar()
        newer = session.execute(select(func.count()).select_from(AuditRow)
                                .where(col(AuditRow.id) > head.last_id)).scalar_one()
        if row_hash == head.last_hash:
            self.count = head.count + newer
            return
        self.count = session.execute(select(func.count()).select_from(AuditRow)).scalar_one()
        self.mismatch = (f"链头文件记录 {head.count} 条（第 {head.last_id} 条，哈希 "
                         f"{head.last_hash[:16]}），数据库中{'找不到该条' if row_hash is None else '该条哈希不同'}，"
                         f"现有 {self.count} 条")

    def committed(self, appended: int, last_id: int | None, last_hash: str) -> None:
        if self.count is None or last_id is None:
            return
        self.count += appended
        if self.path is None:
            return
        restored = self.file_head.restored_at if self.file_head else ""
        try:
            write_head(self.path, ChainHead(self.count, last_id, last_hash, restored))
        except OSError:  # a read-only folder must not undo what was committed
            log.exception("audit head file %s could not be written", self.path)


def head_as_dict(head: ChainHead | None) -> dict[str, Any] | None:
    return asdict(head) if head is not None else None
