"""Holding each case against its audit entries (DESIGN §9, `check`).

Every change the application makes to a case goes through one of two audited use cases:
registering it (version 1) and acting on its open step (the entry's `before` holds the
version acted on, its `after` the new step and status; the save makes it version + 1). So a
case's row must show the version, current step and status of its last such entry.

What this can detect: an edit in SQL to a case's version, status or current step; a case
row deleted while its entries remain; a case inserted in SQL without a registration entry
(when the log holds no bulk-seeded demo data, whose cases have no entry each). What it
cannot: an edit to any other column (customer, phone, description, category…) that leaves
version, step and status alone — those fields are not in the audit's after-state — and any
edit made together with a matching audit entry whose chain was recomputed (the chain head
outside the database catches that one instead).
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlmodel import Session

from .tables import AuditRow, CaseRow


@dataclass
class Expected:
    version: int
    step: str | None  # None: not recorded (a registration)
    status: str | None
    entry_id: int


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
                                                 row.id or 0)
        elif row.action.startswith("action:") and "version" in before:
            self.cases[row.entity_id] = Expected(
                int(after.get("version", int(before["version"]) + 1)),
                after.get("step"), after.get("status"), row.id or 0)

    def problems(self, session: Session, limit: int = 50) -> tuple[int, int, list[str]]:
        """(cases held against entries, cases without entries, problems in Chinese)."""
        out: list[str] = []
        seen: set[str] = set()
        held = unlogged = 0
        rows = session.execute(select(CaseRow.number, CaseRow.version, CaseRow.current_step,
                                      CaseRow.status)).all()
        for number, version, step, status in rows:
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
            if wrong:
                out.append(f"案件 {number} 的记录与审计日志（第 {exp.entry_id} 条）不符："
                           f"{'；'.join(wrong)}。案件记录在程序之外被修改。")
        for number in sorted(set(self.cases) - seen):
            out.append(f"案件 {number} 有审计记录，但数据库中找不到该案件：案件记录被删除。")
        return held, unlogged, out[:limit] + (
            [f"……另有 {len(out) - limit} 处不符"] if len(out) > limit else [])
