"""The append-only audit log with its SHA-256 chain (DESIGN §9)."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func, select, text
from sqlmodel import Session, col

from .audit_cases import CaseTrail, intake_digest, intake_digests
from .audit_head import ChainHead, HeadComparison, HeadTracker, compare, db_head, head_as_dict
from .tables import AuditRow


def _canonical(value: Any) -> str:
    return json.dumps(value, sort_keys=True, ensure_ascii=False, default=str, separators=(",", ":"))


def entry_hash(prev_hash: str, at: datetime, user_id: int | None, user_name: str, action: str,
               entity: str, entity_id: str, before: Any, after: Any) -> str:
    payload = _canonical(
        {
            "at": at.isoformat(), "user_id": user_id, "user_name": user_name,
            "action": action, "entity": entity, "entity_id": entity_id,
            "before": before, "after": after,
        }
    )
    return hashlib.sha256((prev_hash + payload).encode("utf-8")).hexdigest()


def jsonable(value: Any) -> Any:
    """What an audit before/after can hold: plain JSON (datetimes as ISO strings)."""
    return json.loads(_canonical(value)) if value is not None else None


class AuditLog:
    """Appends entries to the chain; after the commit, the head goes to the head file
    (`committed`, called by the unit of work)."""

    def __init__(self, session: Session, head: HeadTracker | None = None) -> None:
        self._s = session
        self._last_hash: str | None = None
        self._head = head
        self._rows: list[AuditRow] = []

    def _previous_hash(self) -> str:
        if self._last_hash is None:
            if self._s.get_bind().dialect.name == "postgresql":
                # Several PCs write at once on PostgreSQL: hold a transaction-scoped lock so
                # two entries never chain onto the same predecessor. (SQLite's BEGIN
                # IMMEDIATE already serialises writers.)
                self._s.execute(text("SELECT pg_advisory_xact_lock(727274)"))
            last = self._s.execute(
                select(AuditRow.id, AuditRow.hash).order_by(col(AuditRow.id).desc()).limit(1)
            ).first()
            self._last_hash = last[1] if last else ""
            if self._head is not None:
                self._head.start(self._s, last[0] if last else None, self._last_hash)
        return self._last_hash

    def append(self, *, at: datetime, user_id: int | None, user_name: str, action: str,
               entity: str, entity_id: str | int, before: Any = None, after: Any = None) -> None:
        first = self._last_hash is None
        prev = self._previous_hash()
        if first and self._head is not None and self._head.mismatch:
            # The database no longer holds the head written last: entries were cut off or
            # the chain rewritten since. Recorded in the chain itself, so `check` reports it
            # even after the head file has moved on.
            mismatch, self._head.mismatch = self._head.mismatch, None
            self._add(prev, at, None, "系统", "audit_head_mismatch", "audit", "head",
                      head_as_dict(self._head.file_head), {"message": mismatch})
            prev = self._last_hash or ""
        self._add(prev, at, user_id, user_name, action, entity, str(entity_id), before, after)

    def _add(self, prev: str, at: datetime, user_id: int | None, user_name: str, action: str,
             entity: str, entity_id: str, before: Any, after: Any) -> None:
        before_j, after_j = jsonable(before), jsonable(after)
        h = entry_hash(prev, at, user_id, user_name, action, entity, entity_id,
                       before_j, after_j)
        row = AuditRow(at=at, user_id=user_id, user_name=user_name, action=action,
                       entity=entity, entity_id=entity_id, before=before_j,
                       after=after_j, prev_hash=prev, hash=h)
        self._s.add(row)
        self._rows.append(row)
        self._last_hash = h

    def committed(self) -> None:
        """After the commit: the new head to the head file (cheap; never fails the commit)."""
        if not self._rows or self._head is None:
            return
        last = self._rows[-1]
        self._head.committed(len(self._rows), last.id, last.hash)
        self._rows = []

    # ---- what the entries record about the chain and the cases (read in this transaction)
    def head(self) -> ChainHead:
        """The chain's head as the database holds it (printed on the weekly summary)."""
        return db_head(self._s)

    def intake_digest(self, case_id: int) -> str:
        """The registered fields of a case as stored (its registration entry records it)."""
        return intake_digest(self._s, case_id)

    def intake_digests(self, case_ids: list[int]) -> dict[int, str]:
        """`intake_digest` of many cases (a bulk import's entries)."""
        return intake_digests(self._s, case_ids)

    # ---- `complaintdesk check` (services/maintenance.py) ------------------------------
    def verify(self, on_row: Callable[[AuditRow], None] | None = None,
               ) -> tuple[int, list[ChainProblem]]:
        """The whole chain walked: (entries checked, problems); `on_row` sees each entry."""
        return verify_chain(self._s, on_row=on_row)

    def count(self) -> int:
        return int(self._s.execute(select(func.count()).select_from(AuditRow)).scalar_one())

    def compare(self, head: ChainHead, source: str) -> HeadComparison:
        """Does the log still hold `head` (from the head file or a backup's manifest)?"""
        return compare(self._s, head, source)

    def case_problems(self, trail: CaseTrail, limit: int = 50) -> tuple[int, int, list[str]]:
        """Each case against what its audit entries (fed to `trail`) say it should be."""
        return trail.problems(self._s, limit)

    def recorded_mismatches(self) -> list[tuple[int, datetime, Any]]:
        """(entry id, when, its data) of the entries the app wrote on finding the log and
        its head file disagree."""
        rows = self._s.execute(select(AuditRow.id, AuditRow.at, AuditRow.after)
                               .where(AuditRow.action == "audit_head_mismatch")).all()
        return [(int(i), at, after) for i, at, after in rows]


@dataclass(frozen=True)
class ChainProblem:
    entry_id: int
    message: str


def verify_chain(session: Session, batch: int = 5000,
                 on_row: Callable[[AuditRow], None] | None = None,
                 ) -> tuple[int, list[ChainProblem]]:
    """Walk the whole log; return (entries checked, problems) — naming each broken entry.
    `on_row` sees every entry in order (check's case trail)."""
    problems: list[ChainProblem] = []
    prev = ""
    checked = 0
    last_id = 0
    while True:
        rows = session.execute(
            select(AuditRow).where(col(AuditRow.id) > last_id).order_by(col(AuditRow.id)).limit(batch)
        ).scalars().all()
        if not rows:
            break
        for row in rows:
            checked += 1
            if row.prev_hash != prev:
                problems.append(ChainProblem(row.id, f"第 {row.id} 条审计记录的前序哈希与上一条不符（记录被删除或插入）"))
            expected = entry_hash(row.prev_hash, row.at, row.user_id, row.user_name, row.action,
                                  row.entity, row.entity_id, row.before, row.after)
            if expected != row.hash:
                problems.append(ChainProblem(row.id, f"第 {row.id} 条审计记录内容被修改（哈希不符）"))
            if on_row is not None:
                on_row(row)
            prev = row.hash
            last_id = row.id
    return checked, problems
