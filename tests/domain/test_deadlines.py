"""Deadline rules, the business-hours calendar and step status (DESIGN §4.4)."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, time, timedelta

import pytest
from wf_builders import ASSESSOR, HEAD, SETTINGS, SUP, local, make_case

from complaintdesk.domain import steps as S
from complaintdesk.domain.clock import FixedClock
from complaintdesk.domain.records import StepRecord
from complaintdesk.domain.workflow import (
    NO_DEADLINE,
    SAME_DAY,
    BusinessCalendar,
    StepStatus,
    WorkflowSettings,
    compute_deadline,
    days,
    hours,
    overdue_steps,
    perform,
    start_case,
    step_status,
)

OPEN_HOURS = {d: (time(8, 30), time(18, 0)) for d in range(6)}  # Mon–Sat, Sunday closed
NATIONAL_DAY = date(2026, 10, 1)  # a Thursday
BUSINESS = WorkflowSettings(
    calendar=BusinessCalendar(hours=OPEN_HOURS, closed_dates=frozenset({NATIONAL_DAY}))
)


def test_hour_and_day_rules_count_calendar_time_by_default():
    due = local(2026, 11, 7, 22, 15)  # a Saturday night: the shop never closes by default
    assert compute_deadline(hours(24), due, SETTINGS) == due + timedelta(hours=24)
    assert compute_deadline(days(2), due, SETTINGS) == due + timedelta(hours=48)
    assert compute_deadline(NO_DEADLINE, due, SETTINGS) is None


def test_same_day_is_235959_local_of_the_day_the_step_became_due():
    assert compute_deadline(SAME_DAY, local(2026, 11, 2, 10), SETTINGS) == local(
        2026, 11, 2, 23, 59, 59)
    # 00:30 in Shanghai is still the previous day in UTC: the local day counts
    assert compute_deadline(SAME_DAY, local(2026, 11, 3, 0, 30), SETTINGS) == local(
        2026, 11, 3, 23, 59, 59)


def test_assign_deadline_comes_from_the_settings():
    due = local(2026, 11, 2, 9)
    rule = hours(1, setting="assign_hours")
    assert compute_deadline(rule, due, SETTINGS) == due + timedelta(hours=1)
    assert compute_deadline(rule, due, replace(SETTINGS, assign_hours=3)) == due + timedelta(hours=3)


def test_business_hours_one_hour_step_due_at_1730_ends_at_0900_next_opening():
    # 30 min left on Monday (closes 18:00), 30 min after Tuesday's 08:30 opening
    due = local(2026, 11, 2, 17, 30)
    assert compute_deadline(hours(1), due, BUSINESS) == local(2026, 11, 3, 9, 0)


def test_business_hours_skip_sunday_and_closed_dates():
    assert compute_deadline(hours(1), local(2026, 11, 7, 17, 30), BUSINESS) == local(
        2026, 11, 9, 9, 0)  # Saturday → Monday
    assert compute_deadline(hours(1), local(2026, 9, 30, 17, 30), BUSINESS) == local(
        2026, 10, 2, 9, 0)  # 国庆 closed


def test_business_hours_step_due_at_night_starts_counting_at_opening():
    assert compute_deadline(hours(1), local(2026, 11, 2, 20, 0), BUSINESS) == local(
        2026, 11, 3, 9, 30)


def test_business_hours_24h_rule_spans_several_open_days():
    # Mon 10:00–18:00 = 8 h, Tue 9.5 h (17.5 h), Wed 6.5 h more → 15:00
    assert compute_deadline(hours(24), local(2026, 11, 2, 10), BUSINESS) == local(
        2026, 11, 4, 15, 0)


def test_business_hours_boundary_at_closing_time_is_exact():
    assert compute_deadline(hours(1), local(2026, 11, 2, 17), BUSINESS) == local(2026, 11, 2, 18)


def test_business_days_count_open_days_at_the_same_local_time():
    # Saturday 15:00 + 1 open day: Sunday closed → Monday 15:00
    assert compute_deadline(days(1), local(2026, 11, 7, 15), BUSINESS) == local(2026, 11, 9, 15)


def test_same_day_stays_the_same_local_day_with_a_calendar():
    assert compute_deadline(SAME_DAY, local(2026, 11, 8, 11), BUSINESS) == local(
        2026, 11, 8, 23, 59, 59)


def test_settings_are_data_and_round_trip_through_a_dict():
    raw = {
        "tz": "Asia/Shanghai", "assign_hours": 2, "second_revisit_days": 30,
        "calendar": {"hours": {"0": ["08:30", "18:00"], "5": ["09:00", "17:00"]},
                     "closed_dates": ["2026-10-01"]},
    }
    settings = WorkflowSettings.from_dict(raw)
    assert settings.assign_hours == 2 and settings.second_revisit_days == 30
    assert settings.calendar is not None
    assert settings.calendar.hours[5] == (time(9), time(17))
    assert NATIONAL_DAY in settings.calendar.closed_dates
    assert WorkflowSettings.from_dict(settings.to_dict()) == settings
    assert WorkflowSettings.from_dict({}) == WorkflowSettings()


def test_settings_refuse_a_second_revisit_interval_other_than_7_or_30_days():
    with pytest.raises(ValueError, match="7 天或 30 天"):
        WorkflowSettings(second_revisit_days=10)


def _step(due_hours_ago: float, now, total_h: int = 24) -> StepRecord:
    due = now - timedelta(hours=due_hours_ago)
    return StepRecord(None, 1, S.HANDLE, 1, due, due + timedelta(hours=total_h))


def test_step_is_due_soon_in_its_last_quarter_and_overdue_only_after_the_deadline():
    now = local(2026, 11, 2, 12)
    assert step_status(_step(17.9, now), now) is StepStatus.NORMAL
    assert step_status(_step(18, now), now) is StepStatus.DUE_SOON  # 75 % of 24 h
    assert step_status(_step(24, now), now) is StepStatus.DUE_SOON  # at the deadline itself
    late = _step(24, now)
    assert step_status(late, now + timedelta(seconds=1)) is StepStatus.OVERDUE


def test_finished_steps_report_done_or_done_late():
    now = local(2026, 11, 2, 12)
    s = _step(1, now)
    s.finished_at = now
    assert step_status(s, now) is StepStatus.DONE
    s.finished_at, s.breach = s.deadline + timedelta(seconds=1), True
    assert step_status(s, now) is StepStatus.DONE_LATE


def test_overdue_steps_lists_open_steps_past_their_deadline():
    clock = FixedClock(local(2026, 11, 2, 9))
    case = make_case(complained_at=clock.now(), registered_at=clock.now())
    start_case(case, ASSESSOR, SETTINGS, clock.now())
    forward = case.open_step
    assert overdue_steps(case, forward.deadline) == []
    assert overdue_steps(case, forward.deadline + timedelta(seconds=1)) == [forward]


def test_changing_settings_does_not_rewrite_stored_deadlines():
    clock = FixedClock(local(2026, 11, 2, 9))
    case = make_case(complained_at=clock.now(), registered_at=clock.now(), self_dept=10)
    start_case(case, HEAD, SETTINGS, clock.now())
    assign = case.open_step
    assert assign.deadline == clock.now() + timedelta(hours=1)
    slower = replace(SETTINGS, assign_hours=4)
    clock.advance(minutes=10)
    perform(case, "assign", HEAD, {"supervisor_user_id": SUP.id}, clock.now(), slower)
    assert assign.deadline == local(2026, 11, 2, 10)  # stored when it became due
    handle = case.open_step
    assert handle.deadline == clock.now() + timedelta(hours=24)
