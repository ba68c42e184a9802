"""The §8 KPIs of the hand-built scenario in tests/kpi_scenario.py, worked out by hand.

Report month March 2026 (local Shanghai), `now` = 2026-04-10 00:00, so the month's
"as of" is 2026-04-01 00:00 local.
"""

from __future__ import annotations

import pytest

from complaintdesk.domain import steps as S
from complaintdesk.domain.kpi import monthly_kpis, yearly_kpis
from complaintdesk.domain.kpi.shapes import (
    CATEGORY,
    CHANNEL,
    DEPARTMENT,
    EMPLOYEE,
    KPI_BY_KEY,
    SEVERITY,
    Ratio,
    change,
)
from complaintdesk.domain.records import Severity
from kpi_scenario import LOOKUPS, NOW, SH, VOLUMES, build_cases, build_slips, t


@pytest.fixture(scope="module")
def march():
    return monthly_kpis(build_cases(), build_slips(), VOLUMES, 2026, 3, SH, NOW, LOOKUPS)


def test_counts_complaints_suggestions_and_praise_by_registration_month(march):
    k = march.current.overall
    # complaints registered in March: C1..C6 (C7 建议, C8 表扬, C9 is an internal flow)
    assert (k.received, k.suggestions, k.praises) == (6, 1, 1)


def test_complaint_rate_uses_only_departments_with_a_volume(march):
    k = march.current.overall
    # 销售部 has a March volume of 200 and C1, C2, C5: 3 / 200; 售后部 has none
    assert k.complaint_rate == Ratio(3, 200)
    assert k.complaint_rate.value == pytest.approx(0.015)
    assert march.current.group(DEPARTMENT, 1).complaint_rate.value == pytest.approx(0.015)
    aftersales = march.current.group(DEPARTMENT, 2)
    assert aftersales.complaint_rate.value is None  # shown as "—", no division error
    assert march.current.group(CATEGORY, "维修质量").complaint_rate.value is None


def test_close_resolution_first_time_and_repeat_rates(march):
    k = march.current.overall
    # closed before 04-01 00:00: C1, C2, C3 (C5 closed 04-05) → 3 / 6
    assert k.close_rate == Ratio(3, 6)
    # last revisit before closing: C1 满意, C2 基本满意, C3 not reached → 2 / 3
    assert k.resolution_rate == Ratio(2, 3)
    # C2 was reopened once → 2 / 3
    assert k.first_time_fix == Ratio(2, 3)
    # C3 repeats C1 → 1 / 6
    assert k.repeat_rate == Ratio(1, 6)


def test_24h_and_48h_handling_rates_count_from_the_customers_complaint(march):
    k = march.current.overall
    # receipt → first step 3: C1 11 h, C2 34 h, C3 23 h, C4 48 h, C5 38 h, C6 not handled
    assert k.within_24h == Ratio(2, 6)  # C1, C3
    assert k.within_48h == Ratio(5, 6)  # C1, C2, C3, C4 (exactly 48 h), C5
    # mean (11+34+23+48+38)/5 = 154/5 = 30.8, median 34
    assert k.to_handled_hours.count == 5
    assert k.to_handled_hours.mean == pytest.approx(30.8)
    assert k.to_handled_hours.median == pytest.approx(34)
    # receipt → closed: C1 96 h, C2 168 h, C3 96 h → mean 120, median 96
    assert k.to_closed_hours.mean == pytest.approx(120)
    assert k.to_closed_hours.median == pytest.approx(96)


def test_on_time_rate_per_step_and_overall(march):
    k = march.current.overall
    # complaints only (§8, issue 14): step 3 finished in March: C1 ✓, C2 first ✗ (34 h >
    # 24 h), C2 second ✓, C3 ✓, C4 ✓ (extended to 03-23 13:00), C10 ✗ (due 02-28 11:00,
    # done 03-01 10:00) → 4/6; C7's step 3 is a suggestion's: its own row
    assert k.on_time_by_step[S.HANDLE] == Ratio(4, 6)
    # revisits finished in March: C1, C2 ×2, C3, C4, C10, all within 2 days → 6/6
    assert k.on_time_by_step[S.REVISIT] == Ratio(6, 6)
    # C5's step 3 finished in April; C6's forward is still open; C9 is internal → 10/12
    assert k.on_time_rate == Ratio(10, 12)
    assert KPI_BY_KEY["on_time.handle"].value(k) == pytest.approx(4 / 6)
    # the suggestion C7 (step 3 on time) and the praise C8 (no steps) have their own rows
    assert k.suggestion_on_time == Ratio(1, 1)
    assert k.praise_on_time == Ratio(0, 0)
    assert KPI_BY_KEY["suggestion_on_time"].value(k) == 1.0


def test_revisit_rate_and_satisfaction(march):
    k = march.current.overall
    # per case: first revisit due in March: C10 (03-01), C1, C2 (revisited twice: one
    # case), C3 (not reached), C4; C5's is due 04-01 → 4/5
    assert k.revisit_rate == Ratio(4, 5)
    # reached in March: C1 满意, C2 不满意, C2 基本满意, C4 不满意, C10 满意 → 3/5
    assert k.satisfaction == Ratio(3, 5)


def test_slips_fines_points_rewards_and_appeals(march):
    k = march.current.overall
    # issued in March: S1, S2, S3 (revoked), S6; S4 only proposed; S5 is a reward
    assert k.slips == 4
    assert k.fines == 100 + 150  # S3 revoked: its ¥100 does not count
    assert k.points == 2 + 2 + 1
    assert (k.rewards, k.bonus, k.reward_points) == (1, 200, 3)
    assert k.appeals == 3
    assert k.appeal_outcomes == {"reduced": 1, "revoked": 1, "pending": 1}
    assert k.net_points == 3 - 5


def test_open_at_month_end_with_overdue_hours(march):
    cur = march.current
    k = cur.overall
    assert cur.as_of == t(4, 1, 0)
    # C4 waits on its second step 3 (deadline 03-24 12:00 → 180 h), C5 on step 3
    # (deadline 03-31 22:00 → 2 h), C6 on 填单转派 (deadline 23:30 → 0.5 h)
    assert (k.open_at_end, k.overdue_at_end) == (3, 3)
    assert k.overdue_hours.mean == pytest.approx((180 + 2 + 0.5) / 3)
    rows = [(r.number, r.step_key, r.overdue_hours) for r in cur.open_cases]
    assert rows == [
        ("FK-202603-0004", S.HANDLE, pytest.approx(180)),
        ("FK-202603-0005", S.HANDLE, pytest.approx(2)),
        ("FK-202603-0006", S.FORWARD, pytest.approx(0.5)),
    ]


def test_department_breakdown(march):
    groups = {g.label: g.kpis for g in march.current.groups[DEPARTMENT]}
    assert list(groups) == ["销售部", "售后部", "未分派"]
    sales, after, none = groups["销售部"], groups["售后部"], groups["未分派"]
    # 销售部: C1, C2, C5 and the suggestion C7
    assert (sales.received, sales.suggestions, sales.praises) == (3, 1, 0)
    assert sales.close_rate == Ratio(2, 3)
    assert sales.resolution_rate == Ratio(2, 2)
    assert sales.first_time_fix == Ratio(1, 2)
    assert sales.within_24h == Ratio(1, 3) and sales.within_48h == Ratio(3, 3)
    assert sales.to_handled_hours.mean == pytest.approx((11 + 34 + 38) / 3)
    # a group's mean from its summed hours; medians are the whole's only (no sheet shows
    # a group's median, and the tallies keep one duration row per complaint, not per group)
    assert sales.to_closed_hours.mean == pytest.approx((96 + 168) / 2)
    assert sales.to_closed_hours.count == 2 and sales.to_closed_hours.median is None
    # complaints' steps: C1 H✓ R✓, C2 H✗ R✓ H✓ R✓, C10 H✗ R✓ → 6/8; the suggestion C7's
    # step 3 ✓ is its own row
    assert sales.on_time_rate == Ratio(6, 8)
    assert sales.suggestion_on_time == Ratio(1, 1)
    # per case: C1, C2 (twice: one case), C10
    assert sales.revisit_rate == Ratio(3, 3)
    assert sales.satisfaction == Ratio(3, 4)
    assert (sales.slips, sales.fines, sales.points, sales.appeals) == (3, 250, 5, 2)
    assert (sales.open_at_end, sales.overdue_at_end) == (1, 1)
    # 售后部: C3, C4, praise C8; no volume
    assert (after.received, after.praises) == (2, 1)
    assert after.close_rate == Ratio(1, 2)
    assert after.repeat_rate == Ratio(1, 2)
    assert after.on_time_rate == Ratio(4, 4)
    assert (after.slips, after.fines, after.rewards, after.bonus) == (1, 0, 1, 200)
    assert after.volume is None
    assert none.received == 1 and none.open_at_end == 1


def test_category_severity_and_channel_breakdowns(march):
    cur = march.current
    cat = {g.label: g.kpis.received for g in cur.groups[CATEGORY]}
    # C1, C4 维修质量; C2 服务态度 (+ praise C8); C3 维修时间; C5 收费价格; C6 未分类
    assert cat == {"维修质量": 2, "服务态度": 1, "维修时间": 1, "收费价格": 1, "其他": 0,
                   "未分类": 1}
    sev = {g.label: g.kpis.received for g in cur.groups[SEVERITY]}
    assert sev == {"一般": 3, "重要": 1, "重大": 1, "未定级": 1}
    assert cur.group(SEVERITY, Severity.MAJOR).open_at_end == 1
    ch = {g.label: g.kpis.received for g in cur.groups[CHANNEL]}
    assert ch == {"电话": 3, "到店": 1, "邮件": 0, "微信": 1, "12315": 1}
    # slips follow their case: S1 (C1) and S3 (C3) are 电话; S2 到店; S6 has no case
    assert cur.group(CHANNEL, "电话").slips == 2
    assert cur.group(CHANNEL, "到店").fines == 150


def test_employee_assessment(march):
    emp = {g.label: g.kpis for g in march.current.groups[EMPLOYEE]}
    # 张三 named responsible on C1, C2; slips S1, S2 (one appealed, reduced)
    zhang = emp["张三"]
    assert (zhang.received, zhang.slips, zhang.fines, zhang.points) == (2, 2, 250, 4)
    assert zhang.appeal_outcomes == {"reduced": 1}
    # 王主管 is user 101: finished step 3 of the complaints C1, C2 ×2, C4, C10 → ✓✗✓✓✗
    # = 3/5 (his step 3 of the suggestion C7 is not a complaint's)
    wang = emp["王主管"]
    assert wang.on_time_by_step[S.HANDLE] == Ratio(3, 5)
    assert (wang.slips, wang.points) == (1, 1)
    assert wang.warnings == 1 and zhang.warnings == 0  # S6 carries a 警告
    assert march.current.overall.warnings == 1
    li = emp["李四"]  # responsible on C4; revoked S3; reward S5
    assert (li.received, li.slips, li.fines, li.rewards, li.reward_points) == (1, 1, 0, 1, 3)
    assert li.net_points == 3


def test_previous_month_and_change(march):
    prev = march.previous.overall
    # February: C10, C11, C12 received; 销售部 volume 100 with C10, C11 → 2/100
    assert prev.received == 3
    assert prev.complaint_rate == Ratio(2, 100)
    # closed before 03-01: C11, C12 (C10 closed 03-03) → 2/3; resolved: C11 only → 1/2
    assert prev.close_rate == Ratio(2, 3)
    assert prev.resolution_rate == Ratio(1, 2)
    # receipt → step 3: C11 12 h, C12 48 h, C10 49 h
    assert prev.within_24h == Ratio(1, 3) and prev.within_48h == Ratio(2, 3)
    assert prev.to_handled_hours.median == pytest.approx(48)
    # steps in Feb: C11 H✓ R✓, C12 H✗ (its revisit was skipped, not counted) → 2/3
    assert prev.on_time_rate == Ratio(2, 3)
    assert prev.revisit_rate == Ratio(1, 1)
    assert (prev.slips, prev.fines, prev.points) == (1, 100, 2)
    # C10 was open at the end of February, waiting on step 3 due 02-28 11:00 → 13 h
    assert (prev.open_at_end, prev.overdue_at_end) == (1, 1)
    assert prev.overdue_hours.mean == pytest.approx(13)
    cur = march.current.overall
    assert change(cur.received, prev.received) == 3
    assert change(cur.close_rate.value, prev.close_rate.value) == pytest.approx(0.5 - 2 / 3)


def test_year_ago_month(march):
    ya = march.year_ago.overall
    assert march.year_ago.label == "2025-03"
    assert ya.received == 1 and ya.close_rate == Ratio(1, 1)
    assert ya.within_24h == Ratio(1, 1)  # 10 h
    assert ya.to_closed_hours.mean == pytest.approx(72)
    assert ya.complaint_rate.value is None  # no volume a year ago
    assert change(march.current.overall.complaint_rate.value, ya.complaint_rate.value) is None


def test_year_has_twelve_months_and_a_total():
    y = yearly_kpis(build_cases(), build_slips(), VOLUMES, 2026, SH, NOW, LOOKUPS)
    assert [m.label for m in y.months][:3] == ["2026-01", "2026-02", "2026-03"]
    assert len(y.months) == 12
    assert [m.overall.received for m in y.months] == [0, 3, 6] + [0] * 9
    total = y.total.overall
    assert total.received == 9
    assert total.complaint_rate == Ratio(5, 300)  # (2 + 3) / (100 + 200)
    # the year's state is as of now (04-10): closed C1, C2, C3, C5, C10, C11, C12 → 7/9
    assert total.close_rate == Ratio(7, 9)
    # open now: C4 and C6
    assert total.open_at_end == 2
    assert [c.number for c in y.total.open_cases] == ["FK-202603-0004", "FK-202603-0006"]
    # months that have not begun have no open cases
    assert y.months[5].overall.open_at_end == 0 and y.months[5].open_cases == []
    assert total.slips == 1 + 4


def test_everyone_named_in_any_round_counts_once_per_case():
    """Issue 14: a reopened case keeps who was responsible in each round; an employee
    named in round 1 only (round 2: 无责任人) still counts, and one named in both rounds
    counts once."""
    from complaintdesk.domain.kpi.tally import responsible_employees, round_responsible
    from kpi_scenario import case, handle, revisit, step

    reopened = case(20, t(3, 2, 9), t(3, 2, 9), [
        handle(t(3, 2, 10), t(3, 2, 20), responsible=(11, 12)),
        step(S.DEPT_OPINION, t(3, 2, 20), t(3, 3, 20), t(3, 2, 21), 101,
             responsible=[{"employee_id": 11, "responsibility": "main"}]),  # 4 amends 3
        revisit(t(3, 3, 10), t(3, 4, 10), "不满意"),
        handle(t(3, 4, 10), t(3, 4, 20), responsible=()),  # round 2: nobody
        revisit(t(3, 5, 10), t(3, 6, 10), "满意"),
    ], closed=t(3, 7, 9), reopens=1)
    twice = case(21, t(3, 3, 9), t(3, 3, 9), [
        handle(t(3, 3, 10), t(3, 3, 20), responsible=(12,)),
        revisit(t(3, 4, 10), t(3, 5, 10), "不满意"),
        handle(t(3, 5, 10), t(3, 5, 20), responsible=(12, 13)),
    ], reopens=1)
    assert round_responsible(reopened) == [(11,), ()]
    assert responsible_employees(reopened) == (11,)
    assert responsible_employees(twice) == (12, 13)
    m = monthly_kpis([reopened, twice], [], {}, 2026, 3, SH, NOW, LOOKUPS)
    emp = {g.label: g.kpis.received for g in m.current.groups[EMPLOYEE]}
    assert emp["张三"] == 1 and emp["李四"] == 1 and emp["王主管"] == 1
    # 回访率 per case: the reopened case was revisited twice and counts once
    assert m.current.overall.revisit_rate == Ratio(2, 2)
