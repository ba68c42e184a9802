"""The assessor's weekly summary over the scenario of tests/kpi_scenario.py."""

from __future__ import annotations

from datetime import date

import pytest

from complaintdesk.domain.kpi.weekly import last_week_start, weekly_summary
from kpi_scenario import LOOKUPS, NOW, SH, build_cases, build_slips, t


def test_week_lists_new_closed_cases_and_slips_issued():
    w = weekly_summary(build_cases(), build_slips(), date(2026, 3, 9), SH, NOW, LOOKUPS)
    assert w.number == "2026-W11" and w.week_end == date(2026, 3, 15)
    # registered 03-09..03-15: C3 (03-10 08:30), C9 (internal, 03-10 10:00), C7 (03-15)
    assert [r.number for r in w.new_cases] == ["FK-202603-0003", "FK-202603-0009",
                                               "FK-202603-0007"]
    assert (w.new_cases[0].department, w.new_cases[0].step) == ("售后部", "已结案")
    # closed in the week: C2 (03-12), C3 (03-14)
    assert [r.number for r in w.closed_cases] == ["FK-202603-0002", "FK-202603-0003"]
    assert w.overdue_cases == []
    # issued: S6 (03-09), S2 (03-13), S3 (03-15, later revoked: it was still issued)
    assert [s.number for s in w.slips] == ["GS-202603-0006", "GS-202603-0002",
                                           "GS-202603-0003"]
    assert w.slips[1].penalties == "罚款¥150、绩效扣分2分"
    assert (w.slips[1].employee, w.slips[1].case_number) == ("张三", "FK-202603-0002")


def test_overdue_cases_are_measured_at_the_end_of_the_week():
    w = weekly_summary(build_cases(), build_slips(), date(2026, 3, 23), SH, NOW, LOOKUPS)
    # C4 waits on its second step 3, deadline 03-24 12:00; the week ends 03-30 00:00
    [row] = w.overdue_cases
    assert (row.number, row.step, row.department) == ("FK-202603-0004", "主管处理", "售后部")
    assert row.deadline == t(3, 24, 12)
    assert row.overdue_hours == pytest.approx(5 * 24 + 12)
    assert w.new_cases == [] and w.slips == []


def test_the_current_week_is_measured_now():
    now = t(3, 25, 12)  # Wednesday: the week so far
    w = weekly_summary(build_cases(), build_slips(), date(2026, 3, 23), SH, now, LOOKUPS)
    assert w.overdue_cases[0].overdue_hours == pytest.approx(24)


def test_week_must_start_on_monday_and_monday_covers_last_week():
    with pytest.raises(ValueError):
        weekly_summary([], [], date(2026, 3, 10), SH, NOW)
    assert last_week_start(t(3, 16, 9), SH) == date(2026, 3, 9)  # Monday morning
    assert last_week_start(t(3, 22, 23), SH) == date(2026, 3, 9)  # Sunday night
