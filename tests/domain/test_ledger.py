"""The penalty/reward ledger: entries, corrections, monthly rows (DESIGN §6)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from complaintdesk.domain.ledger import (
    Amounts,
    EntryKind,
    department_ledger,
    employee_ledger,
    ledger_entries,
    month_of,
)
from complaintdesk.domain.proposals import Proposal
from complaintdesk.domain.records import (
    Department,
    Employee,
    FaultSlip,
    Penalty,
    PenaltyKind,
    Responsibility,
    Role,
    SlipStatus,
    User,
)
from complaintdesk.domain.slips import (
    approve,
    decide_appeal,
    enforce,
    file_appeal,
    issue,
    new_slip_proposal,
    review_appeal,
)

TZ = ZoneInfo("Asia/Shanghai")
K = PenaltyKind
ASSESSOR = User(1, "liu", "刘考核", frozenset({Role.ASSESSOR}))
GM = User(3, "zhao", "赵总", frozenset({Role.GENERAL_MANAGER}))
SALES = Department(3, "销售部")
AFTER = Department(4, "售后服务部")
ZHANG = Employee(9, "张三", 3)
LI = Employee(10, "李四", 4)
EMPLOYEES, DEPARTMENTS = [ZHANG, LI], [SALES, AFTER]
NOV = datetime(2026, 11, 10, 2, 0, tzinfo=UTC)
_ids = iter(range(100, 10_000))


def slip(employee: Employee | None, penalties: list[Penalty], at: datetime = NOV, *,
         reward: bool = False, department_id: int | None = None) -> FaultSlip:
    s = new_slip_proposal(
        case_id=1, employee=employee, facts="事实", responsibility=Responsibility.MAIN,
        proposal=Proposal(penalties), now=at, is_reward=reward, department_id=department_id,
    )
    s.id = next(_ids)
    issue(s, f"GS-{s.id}", ASSESSOR, at)
    approve(s, GM, "", at)
    enforce(s, ASSESSOR, at)
    return s


def appeal(s: FaultSlip, decision, new, at: datetime) -> None:
    file_appeal(s, "异议", s.enforced_at)
    review_appeal(s, ASSESSOR, "复核", s.enforced_at)
    decide_appeal(s, GM, decision, new, "裁决", at)


def fine_points(yuan: int, pts: int) -> list[Penalty]:
    return [Penalty(K.FINE, amount=yuan), Penalty(K.POINTS, points=pts)]


def test_enforcement_at_1700_utc_on_30_november_is_december_locally():
    at = datetime(2026, 11, 30, 17, 0, tzinfo=UTC)
    assert month_of(at, TZ) == "2026-12"
    entries = ledger_entries([slip(ZHANG, fine_points(100, 2), at)], TZ)
    assert [e.month for e in entries] == ["2026-12"]
    assert employee_ledger(entries, "2026-11", EMPLOYEES, DEPARTMENTS) == []
    assert employee_ledger(entries, "2026-12", EMPLOYEES, DEPARTMENTS)[0].fines_yuan == 100


def test_enforcement_at_1559_utc_on_30_november_is_still_november():
    at = datetime(2026, 11, 30, 15, 59, 59, tzinfo=UTC)  # 23:59:59 local
    assert ledger_entries([slip(ZHANG, fine_points(100, 2), at)], TZ)[0].month == "2026-11"


def test_slips_not_yet_enforced_are_not_in_the_ledger():
    s = new_slip_proposal(case_id=1, employee=ZHANG, facts="x", responsibility=None,
                          proposal=Proposal(fine_points(100, 2)), now=NOV)
    issue(s, "GS-1", ASSESSOR, NOV)
    approve(s, GM, "", NOV)
    assert ledger_entries([s], TZ) == []


def test_employee_row_sums_fines_points_warnings_and_rewards():
    slips = [
        slip(ZHANG, fine_points(100, 2)),
        slip(ZHANG, [*fine_points(300, 5), Penalty(K.WARNING)], NOV + timedelta(days=1)),
        slip(ZHANG, [Penalty(K.BONUS, amount=500), Penalty(K.REWARD_POINTS, points=5),
                     Penalty(K.COMMENDATION)], reward=True),
    ]
    [row] = employee_ledger(ledger_entries(slips, TZ), "2026-11", EMPLOYEES, DEPARTMENTS)
    assert (row.employee_name, row.department_name) == ("张三", "销售部")
    assert (row.slip_count, row.reward_count) == (2, 1)
    assert (row.fines_yuan, row.points_deducted, row.totals.warnings) == (400, 7, 1)
    assert (row.reward_yuan, row.reward_points, row.totals.commendations) == (500, 5, 1)
    assert row.net_points == 5 - 7
    assert sorted(row.slip_ids) == [s.id for s in slips]  # in order of entry time
    assert row.corrections.is_zero and row.correction_yuan == 0


def test_reduction_books_a_negative_correction_in_the_decision_month_only():
    s = slip(ZHANG, fine_points(300, 5))
    decided = datetime(2026, 12, 3, 2, 0, tzinfo=UTC)
    appeal(s, "reduced", fine_points(100, 2), decided)
    entries = ledger_entries([s], TZ)
    assert [(e.kind, e.month) for e in entries] == [
        (EntryKind.ENFORCED, "2026-11"), (EntryKind.CORRECTION, "2026-12")]
    assert entries[0].amounts == Amounts(fine_yuan=300, points_deducted=5)  # unchanged
    assert entries[1].amounts == Amounts(fine_yuan=-200, points_deducted=-3)
    [nov] = employee_ledger(entries, "2026-11", EMPLOYEES, DEPARTMENTS)
    assert (nov.fines_yuan, nov.points_deducted, nov.slip_count) == (300, 5, 1)
    [dec] = employee_ledger(entries, "2026-12", EMPLOYEES, DEPARTMENTS)
    assert (dec.fines_yuan, dec.points_deducted, dec.slip_count) == (-200, -3, 0)
    assert (dec.correction_yuan, dec.corrections.points_deducted) == (-200, -3)
    assert dec.corrected_slip_ids == [s.id] and dec.slip_ids == [s.id]
    assert dec.net_points == 3


def test_revocation_reverses_the_whole_slip_and_totals_net_to_zero_in_same_month():
    kept = slip(ZHANG, fine_points(100, 2))
    revoked = slip(ZHANG, [*fine_points(1000, 10), Penalty(K.WARNING)])
    appeal(revoked, "revoked", None, NOV + timedelta(days=2))
    assert revoked.status is SlipStatus.REVOKED
    entries = ledger_entries([kept, revoked], TZ)
    assert [e.kind for e in entries] == [EntryKind.ENFORCED, EntryKind.ENFORCED,
                                         EntryKind.REVERSAL]
    [row] = employee_ledger(entries, "2026-11", EMPLOYEES, DEPARTMENTS)
    assert (row.fines_yuan, row.points_deducted, row.totals.warnings) == (100, 2, 0)
    assert row.slip_count == 2  # both were enforced; one later reversed
    assert row.correction_yuan == -1000 and row.corrected_slip_ids == [revoked.id]


def test_upheld_appeal_books_nothing_further():
    s = slip(ZHANG, fine_points(100, 2))
    appeal(s, "upheld", None, NOV + timedelta(days=1))
    assert [e.kind for e in ledger_entries([s], TZ)] == [EntryKind.ENFORCED]


def test_department_row_adds_department_level_penalties_that_employee_row_omits():
    slips = [
        slip(ZHANG, [*fine_points(100, 2), Penalty(K.DEPT_POINTS, points=3),
                     Penalty(K.DEPT_BONUS_CUT, amount=800), Penalty(K.DEPT_HEAD_WARNING)]),
        slip(LI, fine_points(50, 1)),
        slip(None, [Penalty(K.BONUS, amount=1000)], reward=True, department_id=3),
    ]
    entries = ledger_entries(slips, TZ)
    emp_rows = employee_ledger(entries, "2026-11", EMPLOYEES, DEPARTMENTS)
    zhang = next(r for r in emp_rows if r.employee_id == 9)
    assert (zhang.totals.dept_points, zhang.totals.dept_bonus_cut_yuan) == (0, 0)
    assert len(emp_rows) == 2  # the team reward has no employee
    depts = {r.department_name: r for r in department_ledger(entries, "2026-11", DEPARTMENTS)}
    sales = depts["销售部"]
    assert (sales.fines_yuan, sales.points_deducted) == (100, 2)
    assert (sales.totals.dept_points, sales.totals.dept_bonus_cut_yuan,
            sales.totals.dept_head_warnings) == (3, 800, 1)
    assert sales.reward_yuan == 1000 and sales.reward_count == 1 and sales.slip_count == 1
    assert sales.net_points == 0 - 2 - 3
    assert sales.slip_ids == [slips[0].id, slips[2].id]
    assert (depts["售后服务部"].fines_yuan, depts["售后服务部"].slip_ids) == (50, [slips[1].id])


def test_department_ledger_after_reduction_shows_correction_in_decision_month():
    s = slip(LI, [*fine_points(500, 5), Penalty(K.DEPT_BONUS_CUT, amount=200)])
    appeal(s, "reduced", [*fine_points(500, 5), Penalty(K.DEPT_BONUS_CUT, amount=100)],
           datetime(2027, 1, 5, 2, 0, tzinfo=UTC))
    entries = ledger_entries([s], TZ)
    [jan] = department_ledger(entries, "2027-01", DEPARTMENTS)
    assert jan.department_name == "售后服务部"
    assert (jan.totals.dept_bonus_cut_yuan, jan.correction_yuan, jan.fines_yuan) == (-100, -100, 0)
    assert department_ledger(entries, "2026-12", DEPARTMENTS) == []


def test_a_prize_counts_in_the_ledger_and_the_total_row_adds_up():
    from complaintdesk.domain.ledger import Amounts, amounts_of, amounts_text
    from complaintdesk.domain.records import Penalty, PenaltyKind

    a = amounts_of([Penalty(PenaltyKind.PRIZE, note="保养券一张"),
                    Penalty(PenaltyKind.BONUS, amount=200)])
    assert a.prizes == 1 and a.reward_yuan == 200
    assert a.personal() == a  # a prize is the employee's own
    assert Amounts(dept_points=3, fine_yuan=5).personal() == Amounts(fine_yuan=5)
    assert amounts_text(a) == "奖金 200 元；奖品 1 件"
    assert amounts_text(Amounts()) == "—"
