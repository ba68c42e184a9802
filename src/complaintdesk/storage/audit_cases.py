"""Holding each case against its audit entries (DESIGN §9, `check`).

Every change the application makes to a case goes through one of two audited use cases:
registering it (version 1) and acting on its open step (the entry's `before` holds the
version acted on, its `after` the new step and status; the save makes it version + 1). So a
case's row must show the version, current step and status of its last such entry.

The registration entry also carries a digest of what was registered (`intake_digest`: the
customer, phone, landline, vehicle, plate, VIN, channel, place, description, people, demand,
mood, receiver, times, kind and flow as the row holds them). No use case changes those after
registration, so the row must still give the same digest.

What this can detect: an edit in SQL to a case's version, status or current step, or to any
registered field above; a case row deleted while its entries remain; a case inserted in SQL
without a registration entry (when the log holds no bulk-seeded demo data, whose cases have
no entry each). What it cannot: an edit to the columns the workflow writes (category,
severity, department, supervisor, deadlines, reopen count, closing time) that leaves
version, step and status alone — only those three are in the actions' after-state (check's
recount of the KPI tallies does notice a changed category, severity or department, as the
counts no longer match) — nor an edit to the steps' rows; cases registered before the digest existed are held only on
version, step and status; and any edit made together with a matching audit entry whose
chain was recomputed (the chain head outside the database catches that one instead).
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlmodel import Session, col

from .tables import AuditRow, CaseRow

# what registration writes and nothing changes afterwards
INTAKE_COLUMNS = ("number", "flow", "kind", "customer_name", "phone", "landline",
                  "vehicle_model", "plate", "vin", "purchase_date", "channel", "location",
                  "description", "persons_involved", "demand", "mood", "received_by",
                  "complained_at", "registered_at")
_INTAKE = [getattr(CaseRow, c) for c in INTAKE_COLUMNS]


def _digest(values: Any) -> str:
    raw = json.dumps([None if v is None else str(v) for v in values], ensure_ascii=False)
    return hashlib.sha256(raw.encode("utf-8")).hexdigest()[:32]


def intake_digest(session: Session, case_id: int) -> str:
    """The registered fields of a case as its row holds them (for the registration entry)."""
    row = session.execute(select(*_INTAKE).where(col(CaseRow.id) == case_id)).one()
    return _digest(row)


def intake_digests(session: Session, case_ids: list[int]) -> dict[int, str]:
    """`intake_digest` of many cases, read in batches (a bulk import's entries)."""
    out: dict[int, str] = {}
    for i in range(0, len(case_ids), 500):
        chunk = case_ids[i:i + 500]
        for cid, *values in session.execute(
                select(CaseRow.id, *_INTAKE).where(col(CaseRow.id).in_(chunk))).all():
            out[int(cid)] = _digest(values)
    return out


@dataclass
class Expected:
    version: int
    step: str | None  # None: not recorded (a registration)
    status: str | None
    entry_id: int
    digest: str | None = None  # of the registered fields (storage/audit_cases.py)


class CaseTrail:
    """Fed every audit entry in order; keeps what each case should look like now."""

    def __init__(self) -> None:
        self.cases: dict[str, Expected] = {}
        self.bulk_seeded = False

    def see(self, row: AuditRow) -> None:
        if row.action == "demo_seed":
            self.bulk_seeded = True
            return
        if row.entity != "case":
            return
        after = row.after if isinstance(row.after, dict) else {}
        before = row.before if isinstance(row.before, dict) else {}
        if row.action == "register":
            self.cases[row.entity_id] = Expected(int(after.get("version", 1)), None, None,
                                                 row.id or 0, after.get("intake_digest"))
        elif row.action.startswith("action:") and "version" in before:
            known = self.cases.get(row.entity_id)
            self.cases[row.entity_id] = Expected(
                int(after.get("version", int(before["version"]) + 1)),
                after.get("step"), after.get("status"), row.id or 0,
                known.digest if known else None)

    def problems(self, session: Session, limit: int = 50) -> tuple[int, int, list[str]]:
        """(cases held against entries, cases without entries, problems in Chinese)."""
        out: list[str] = []
        seen: set[str] = set()
        held = unlogged = 0
        rows = session.execute(select(CaseRow.version, CaseRow.current_step,
                                      CaseRow.status, *_INTAKE)).all()
        for version, step, status, *intake in rows:
            number = intake[0]
            seen.add(number)
            exp = self.cases.get(number)
            if exp is None:
                unlogged += 1
                if not self.bulk_seeded:
                    out.append(f"案件 {number} 没有登记的审计记录：案件记录在程序之外被写入。")
                continue
            held += 1
            wrong = []
            if version != exp.version:
                wrong.append(f"版本 {version}，审计日志为 {exp.version}")
            if exp.step is not None and step != exp.step:
                wrong.append(f"当前步骤“{step}”，审计日志为“{exp.step}”")
            if exp.status is not None and status != exp.status:
                wrong.append(f"状态“{status}”，审计日志为“{exp.status}”")
            if exp.digest is not None and _digest(intake) != exp.digest:
                wrong.append("登记内容（客户、电话、车辆、描述等）与登记时不同")
            if wrong:
                out.append(f"案件 {number} 的记录与审计日志（第 {exp.entry_id} 条）不符："
                           f"{'；'.join(wrong)}。案件记录在程序之外被修改。")
        for number in sorted(set(self.cases) - seen):
            out.append(f"案件 {number} 有审计记录，但数据库中找不到该案件：案件记录被删除。")
        return held, unlogged, out[:limit] + (
            [f"……另有 {len(out) - limit} 处不符"] if len(out) > limit else [])
