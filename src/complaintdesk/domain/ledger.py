"""The penalty/reward ledger (DESIGN §6: what payroll and performance reviews read).

The ledger is append-only and derived from the slips:
- an enforced slip gives one `enforced` entry in the local month of `enforced_at`
  (only enforcement makes a penalty count, §4.1 step 9);
- an appeal decided "reduced" gives a `correction` entry (new − original, so negative)
  in the local month of the decision; "revoked" gives a `reversal` entry (−original);
- the original entry is never changed, so a month already paid stays as it was paid.
Department-level penalties (部门负责人警告, 部门绩效扣分, 扣减部门奖金; seed 001 §五.3)
count for the slip's department only, never for the employee named on it.
Monthly rows show net figures (enforcements plus corrections booked in that month), with
the correction part also shown on its own.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields, replace
from datetime import datetime, tzinfo
from enum import StrEnum
from zoneinfo import ZoneInfo

from complaintdesk.domain.records import Department, Employee, FaultSlip, Penalty, PenaltyKind
from complaintdesk.domain.slips import appeal_time, enforced_penalties

DEFAULT_TZ = ZoneInfo("Asia/Shanghai")


class EntryKind(StrEnum):
    ENFORCED = "enforced"  # 执行
    CORRECTION = "correction"  # 申诉减轻（更正）
    REVERSAL = "reversal"  # 申诉撤销（冲销）

    @property
    def label(self) -> str:
        return {"enforced": "执行", "correction": "申诉减轻更正", "reversal": "申诉撤销冲销"}[
            self.value
        ]


@dataclass(frozen=True, slots=True)
class Amounts:
    """Signed sums of penalties and rewards (counts for warnings etc.)."""

    fine_yuan: int = 0
    points_deducted: int = 0
    warnings: int = 0
    demotions: int = 0
    dismissals: int = 0
    reward_yuan: int = 0
    reward_points: int = 0
    commendations: int = 0
    dept_points: int = 0  # 部门绩效扣分
    dept_bonus_cut_yuan: int = 0  # 扣减部门奖金
    dept_head_warnings: int = 0  # 部门负责人警告
    prizes: int = 0  # 奖品 (described on the slip; counted)

    def __add__(self, other: Amounts) -> Amounts:
        return Amounts(*(getattr(self, f.name) + getattr(other, f.name) for f in fields(self)))

    def __neg__(self) -> Amounts:
        return Amounts(*(-getattr(self, f.name) for f in fields(self)))

    def __sub__(self, other: Amounts) -> Amounts:
        return self + (-other)

    def personal(self) -> Amounts:
        """Without the department-level items (what the employee's own row shows)."""
        return replace(self, dept_points=0, dept_bonus_cut_yuan=0, dept_head_warnings=0)

    @property
    def is_zero(self) -> bool:
        return self == Amounts()


# Which Amounts field a penalty kind adds to, and whether by amount, points or one.
_FIELD_OF: dict[PenaltyKind, tuple[str, str]] = {
    PenaltyKind.FINE: ("fine_yuan", "amount"),
    PenaltyKind.POINTS: ("points_deducted", "points"),
    PenaltyKind.WARNING: ("warnings", "count"),
    PenaltyKind.DEMOTION: ("demotions", "count"),
    PenaltyKind.DISMISSAL: ("dismissals", "count"),
    PenaltyKind.BONUS: ("reward_yuan", "amount"),
    PenaltyKind.REWARD_POINTS: ("reward_points", "points"),
    PenaltyKind.COMMENDATION: ("commendations", "count"),
    PenaltyKind.PRIZE: ("prizes", "count"),
    PenaltyKind.DEPT_POINTS: ("dept_points", "points"),
    PenaltyKind.DEPT_BONUS_CUT: ("dept_bonus_cut_yuan", "amount"),
    PenaltyKind.DEPT_HEAD_WARNING: ("dept_head_warnings", "count"),
}


def amounts_of(penalties: list[Penalty]) -> Amounts:
    sums = {name: 0 for name, _ in _FIELD_OF.values()}
    for p in penalties:
        name, by = _FIELD_OF[p.kind]
        sums[name] += 1 if by == "count" else getattr(p, by)
    return Amounts(**sums)


def month_of(at: datetime, tz: tzinfo = DEFAULT_TZ) -> str:
    """The local calendar month of an instant, as "YYYY-MM"."""
    local = at.astimezone(tz)
    return f"{local.year:04d}-{local.month:02d}"


@dataclass(frozen=True, slots=True)
class LedgerEntry:
    slip_id: int | None
    slip_number: str
    employee_id: int | None
    department_id: int | None
    kind: EntryKind
    at: datetime
    month: str  # "YYYY-MM", local
    amounts: Amounts
    is_reward: bool = False


def _slip_entries(s: FaultSlip, tz: tzinfo) -> list[LedgerEntry]:
    if s.enforced_at is None:
        return []  # not (yet) enforced: not in the ledger

    def entry(kind: EntryKind, at: datetime, amounts: Amounts) -> LedgerEntry:
        return LedgerEntry(s.id, s.number, s.employee_id, s.department_id, kind, at,
                           month_of(at, tz), amounts, s.is_reward)

    original = amounts_of(enforced_penalties(s))
    out = [entry(EntryKind.ENFORCED, s.enforced_at, original)]
    decided_at = appeal_time(s, "decided_at")
    decision = (s.appeal or {}).get("decision")
    if decided_at is not None and decision == "reduced":
        out.append(entry(EntryKind.CORRECTION, decided_at, amounts_of(s.penalties) - original))
    elif decided_at is not None and decision == "revoked":
        out.append(entry(EntryKind.REVERSAL, decided_at, -original))
    return out


def ledger_entries(slips: list[FaultSlip], tz: tzinfo = DEFAULT_TZ) -> list[LedgerEntry]:
    """Every ledger entry the slips give, oldest first."""
    out = [e for s in slips for e in _slip_entries(s, tz)]
    return sorted(out, key=lambda e: (e.at, e.slip_id or 0))


@dataclass(slots=True)
class LedgerRow:
    """One employee's (employee_id set) or one department's month in the ledger."""

    month: str
    employee_id: int | None
    employee_name: str
    department_id: int | None
    department_name: str
    slip_count: int = 0  # fault slips enforced this month
    reward_count: int = 0  # reward slips enforced this month
    totals: Amounts = field(default_factory=Amounts)  # net: enforcements + corrections
    corrections: Amounts = field(default_factory=Amounts)  # the appeal part of totals
    slip_ids: list[int] = field(default_factory=list)  # every slip with an entry here
    corrected_slip_ids: list[int] = field(default_factory=list)
    is_total: bool = False  # the 合计 row under a table

    @property
    def fines_yuan(self) -> int:
        return self.totals.fine_yuan

    @property
    def points_deducted(self) -> int:
        return self.totals.points_deducted

    @property
    def reward_yuan(self) -> int:
        return self.totals.reward_yuan

    @property
    def reward_points(self) -> int:
        return self.totals.reward_points

    @property
    def correction_yuan(self) -> int:
        return self.corrections.fine_yuan + self.corrections.dept_bonus_cut_yuan

    @property
    def net_points(self) -> int:
        """Reward points − deducted points (for a department also − 部门绩效扣分)."""
        t = self.totals
        return t.reward_points - t.points_deducted - t.dept_points

    def add(self, e: LedgerEntry, amounts: Amounts) -> None:
        self.totals = self.totals + amounts
        if e.kind is EntryKind.ENFORCED:
            if e.is_reward:
                self.reward_count += 1
            else:
                self.slip_count += 1
        else:
            self.corrections = self.corrections + amounts
            if e.slip_id is not None and e.slip_id not in self.corrected_slip_ids:
                self.corrected_slip_ids.append(e.slip_id)
        if e.slip_id is not None and e.slip_id not in self.slip_ids:
            self.slip_ids.append(e.slip_id)


def employee_ledger(
    entries: list[LedgerEntry],
    month: str,
    employees: list[Employee],
    departments: list[Department],
) -> list[LedgerRow]:
    """Per employee for one month ("YYYY-MM"): only employees with entries that month.

    Department-level penalties are left out here (they are the department's); the
    department shown is the one on the slip, i.e. where the employee was at the time.
    """
    emp = {e.id: e for e in employees}
    dep = {d.id: d.name for d in departments}
    rows: dict[int, LedgerRow] = {}
    for e in entries:
        if e.month != month or e.employee_id is None:
            continue
        row = rows.get(e.employee_id)
        if row is None:
            person = emp.get(e.employee_id)
            dept_id = e.department_id if e.department_id is not None else (
                person.department_id if person else None)
            row = rows[e.employee_id] = LedgerRow(
                month, e.employee_id, person.name if person else f"#{e.employee_id}",
                dept_id, dep.get(dept_id, ""),
            )
        row.add(e, e.amounts.personal())
    return sorted(rows.values(), key=lambda r: (r.department_name, r.employee_name))


def department_ledger(
    entries: list[LedgerEntry],
    month: str,
    departments: list[Department],
) -> list[LedgerRow]:
    """Per department for one month: its people's slips plus department-level penalties."""
    dep = {d.id: d.name for d in departments}
    rows: dict[int | None, LedgerRow] = {}
    for e in entries:
        if e.month != month:
            continue
        row = rows.get(e.department_id)
        if row is None:
            row = rows[e.department_id] = LedgerRow(
                month, None, "", e.department_id, dep.get(e.department_id, "未分配部门"),
            )
        row.add(e, e.amounts)
    return sorted(rows.values(), key=lambda r: r.department_name)


def total_row(rows: list[LedgerRow], month: str, by_employee: bool) -> LedgerRow:
    """The 合计 row of a table: the rows' counts and amounts added up (an employee table's
    total has no department-level items, as its rows have none)."""
    total = LedgerRow(month, None, "合计" if by_employee else "",
                      None, "" if by_employee else "合计", is_total=True)
    for r in rows:
        total.slip_count += r.slip_count
        total.reward_count += r.reward_count
        total.totals = total.totals + r.totals
        total.corrections = total.corrections + r.corrections
        total.slip_ids += [i for i in r.slip_ids if i not in total.slip_ids]
        total.corrected_slip_ids += [i for i in r.corrected_slip_ids
                                     if i not in total.corrected_slip_ids]
    return total


_AMOUNT_TEXTS = (
    ("fine_yuan", "罚款 {} 元"), ("points_deducted", "扣 {} 分"), ("warnings", "警告 {} 次"),
    ("demotions", "降职降薪 {} 次"), ("dismissals", "辞退 {} 人"), ("reward_yuan", "奖金 {} 元"),
    ("reward_points", "加 {} 分"), ("commendations", "表扬 {} 次"), ("prizes", "奖品 {} 件"),
    ("dept_points", "部门扣 {} 分"), ("dept_bonus_cut_yuan", "扣减部门奖金 {} 元"),
    ("dept_head_warnings", "部门负责人警告 {} 次"),
)


def amounts_text(a: Amounts) -> str:
    """"罚款 300 元；扣 6 分" — the non-zero items, or "—"."""
    parts = [text.format(f"{getattr(a, name):,}") for name, text in _AMOUNT_TEXTS
             if getattr(a, name)]
    return "；".join(parts) or "—"
