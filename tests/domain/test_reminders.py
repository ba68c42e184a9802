"""DESIGN §4.5: which reminders are due, when, to whom — and each only once."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, time, timedelta

from complaintdesk.domain import steps as S
from complaintdesk.domain.alerts import (
    NO_MARK,
    AlertKind,
    NewAlert,
    OpenedStep,
    OpenStep,
    due_reminders,
    into_business_hours,
    next_mark,
    open_time_between,
    reminder_instant,
    severity_alerts,
    step_alerts,
    step_holders,
    weekly_summary_due,
)
from complaintdesk.domain.manufacturer import (
    ManufacturerForward,
    MilestoneDue,
    next_milestone_mark,
)
from complaintdesk.domain.records import Role, Severity, User
from complaintdesk.domain.workflow import BusinessCalendar

TZ = "Asia/Shanghai"
# Tuesday 2026-11-10 10:00 Shanghai
T0 = datetime(2026, 11, 10, 2, 0, tzinfo=UTC)
SALES, AFTER = 1, 2
USERS = [
    User(1, "kefu", "客服", frozenset({Role.CS_CENTER})),
    User(2, "kefu2", "客服二", frozenset({Role.CS_CENTER})),
    User(3, "kaohe", "考核", frozenset({Role.ASSESSOR})),
    User(4, "shouhou", "售后经理", frozenset({Role.DEPT_HEAD}), AFTER),
    User(5, "xiaoshou", "销售经理", frozenset({Role.DEPT_HEAD}), SALES),
    User(6, "shouhou_zg", "售后主管", frozenset({Role.SUPERVISOR}), AFTER),
    User(7, "zjl", "总经理", frozenset({Role.GENERAL_MANAGER})),
    User(8, "old", "离职客服", frozenset({Role.CS_CENTER}), active=False),
]
# open 08:30–18:00 Monday to Saturday, closed Sundays
CAL = BusinessCalendar(hours={d: (time(8, 30), time(18, 0)) for d in range(6)}, tz=TZ)


def handle_step(due: datetime = T0, hours: int = 24, seq: int = 4) -> OpenStep:
    return OpenStep(case_id=10, case_number="FK-202611-0001", flow="feedback",
                    step_key=S.HANDLE, seq=seq, due_since=due, deadline=due + timedelta(hours=hours),
                    department_id=AFTER, supervisor_user_id=6, assignee_user_id=6)


def scan(steps: list[OpenStep], now: datetime, since: datetime | None,
         calendar: BusinessCalendar | None = None) -> list[tuple[int, AlertKind, datetime]]:
    return [(a.person_id, a.kind, a.send_at)
            for a in due_reminders(steps, USERS, now, calendar, since, TZ)]


def test_holders_of_role_department_and_named_steps() -> None:
    assert step_holders("feedback", S.FORWARD, None, None, None, USERS) == (1, 2, 3)
    assert step_holders("feedback", S.REVISIT, AFTER, 6, None, USERS) == (1, 2)  # not inactive 8
    assert step_holders("feedback", S.ASSIGN, AFTER, None, None, USERS) == (4,)
    assert step_holders("feedback", S.HANDLE, AFTER, 6, 6, USERS) == (6,)
    assert step_holders("feedback", S.APPROVE, AFTER, 6, None, USERS) == (7,)
    assert step_holders("feedback", S.REGISTER, None, None, None, USERS) == ()


def test_reminders_at_half_three_quarters_and_deadline_in_calendar_hours() -> None:
    step = handle_step()
    assert scan([step], T0 + timedelta(hours=11, minutes=59), since=T0) == []
    half = T0 + timedelta(hours=12)
    assert scan([step], half, since=T0) == [(6, AlertKind.HALF, half)]
    three = T0 + timedelta(hours=18)
    assert scan([step], three, since=half) == [(6, AlertKind.THREE_QUARTERS, three)]
    end = T0 + timedelta(hours=24)
    assert scan([step], end, since=three) == [(6, AlertKind.DEADLINE, end)]
    assert scan([step], end + timedelta(hours=5), since=end) == []  # nothing after it


def test_each_mark_is_reported_once_across_scans() -> None:
    step = handle_step()
    half = T0 + timedelta(hours=12)
    first = due_reminders([step], USERS, half + timedelta(minutes=1), None, T0, TZ)
    again = due_reminders([step], USERS, half + timedelta(minutes=2),
                          None, half + timedelta(minutes=1), TZ)
    assert [a.kind for a in first] == [AlertKind.HALF] and again == []
    # the same mark seen by two PCs carries one key: storage keeps one (unique per person)
    other_pc = due_reminders([step], USERS, half + timedelta(minutes=1), None, T0, TZ)
    assert {a.key for a in first} == {a.key for a in other_pc}


def test_a_step_found_overdue_gets_only_its_latest_mark() -> None:
    # nobody scanned overnight: 50 %, 75 % and the deadline all passed; one alert, not three
    step = handle_step()
    got = scan([step], T0 + timedelta(hours=30), since=T0)
    assert got == [(6, AlertKind.DEADLINE, T0 + timedelta(hours=24))]


def test_extension_reminds_again_against_the_new_deadline() -> None:
    step = handle_step()
    before = due_reminders([step], USERS, T0 + timedelta(hours=24), None, T0, TZ)
    extended = replace(step, deadline=T0 + timedelta(hours=48))
    after = due_reminders([extended], USERS, T0 + timedelta(hours=48), None,
                          T0 + timedelta(hours=24), TZ)
    assert [a.kind for a in after] == [AlertKind.DEADLINE]
    assert after[0].key != before[0].key


def test_business_hours_count_open_time_and_shift_marks_out_of_the_night() -> None:
    # due Tuesday 16:00 local, 4 open hours: 2 h that day (to 18:00), 2 h Wednesday (→10:30)
    due = datetime(2026, 11, 10, 8, 0, tzinfo=UTC)  # 16:00 Shanghai
    deadline = CAL.add_open_time(due, timedelta(hours=4))
    assert deadline == datetime(2026, 11, 11, 2, 30, tzinfo=UTC)  # Wed 10:30
    assert open_time_between(CAL, due, deadline) == timedelta(hours=4)
    # 50 % of the open time is reached at Tuesday's closing (18:00 — still "open")
    half = reminder_instant(due, deadline, 0.5, CAL)
    assert half == datetime(2026, 11, 10, 10, 0, tzinfo=UTC)
    assert into_business_hours(half, CAL) == half
    # 75 %: one open hour into Wednesday (09:30)
    assert reminder_instant(due, deadline, 0.75, CAL) == datetime(2026, 11, 11, 1, 30, tzinfo=UTC)
    step = OpenStep(11, "FK-202611-0002", "feedback", S.HANDLE, 4, due, deadline, AFTER, 6, 6)
    # at 23:00 Tuesday nothing new is due at night; the 75 % mark comes at 09:30 Wednesday
    night = datetime(2026, 11, 10, 15, 0, tzinfo=UTC)
    assert scan([step], night, since=half, calendar=CAL) == []
    wed = datetime(2026, 11, 11, 1, 30, tzinfo=UTC)
    assert scan([step], wed, since=night, calendar=CAL) == [(6, AlertKind.THREE_QUARTERS, wed)]


def test_calendar_hour_mark_at_night_waits_for_the_opening() -> None:
    # a calendar-hours step (24 h) due Saturday 14:00: its 50 % falls at 02:00 Sunday; with
    # the calendar set, reminders never fall at night or on the closed Sunday → Monday 08:30
    due = datetime(2026, 11, 14, 6, 0, tzinfo=UTC)  # Saturday 14:00
    monday_open = datetime(2026, 11, 16, 0, 30, tzinfo=UTC)
    assert into_business_hours(due + timedelta(hours=12), CAL) == monday_open
    assert CAL.is_open(monday_open)


def test_step_alerts_go_to_the_holders_but_not_the_actor() -> None:
    opened = [OpenedStep(S.REVISIT, 7, T0, T0 + timedelta(days=2))]
    got = step_alerts(10, "FK-202611-0001", "feedback", opened, AFTER, 6, actor_id=1,
                      users=USERS, tz=TZ)
    assert [(a.person_id, a.kind) for a in got] == [(2, AlertKind.STEP)]
    assert "回访" in got[0].text and got[0].ref == "case:10"
    # a step scheduled for later (二次回访 in 7 days) is shown from when it is due
    later = T0 + timedelta(days=7)
    got = step_alerts(10, "FK", "feedback", [OpenedStep(S.SECOND_REVISIT, 11, later, None)],
                      AFTER, 6, None, USERS, TZ)
    assert {a.send_at for a in got} == {later}


def test_important_and_major_go_to_the_department_head_and_gm_once_per_level() -> None:
    assert severity_alerts(10, "FK", Severity.NORMAL, AFTER, 1, USERS, T0) == []
    got = severity_alerts(10, "FK", Severity.IMPORTANT, AFTER, 1, USERS, T0)
    assert sorted(a.person_id for a in got) == [4, 7]
    raised = severity_alerts(10, "FK", Severity.MAJOR, AFTER, 1, USERS, T0)
    assert {a.key for a in raised}.isdisjoint({a.key for a in got})
    assert "重大" in raised[0].text


def test_monday_summary_reminds_the_assessor_on_monday_at_opening() -> None:
    sunday_night = datetime(2026, 11, 15, 15, 0, tzinfo=UTC)  # Sunday 23:00 local
    monday_0100 = datetime(2026, 11, 15, 17, 0, tzinfo=UTC)  # Monday 01:00 local
    monday_0900 = datetime(2026, 11, 16, 1, 0, tzinfo=UTC)
    assert [a.person_id for a in weekly_summary_due(monday_0100, USERS, TZ, None)] == [3]
    assert weekly_summary_due(monday_0100, USERS, TZ, CAL) == []  # before opening
    got = weekly_summary_due(monday_0900, USERS, TZ, CAL)
    assert [(a.person_id, a.kind) for a in got] == [(3, AlertKind.WEEKLY)]
    assert got[0].send_at == datetime(2026, 11, 16, 0, 30, tzinfo=UTC)
    assert "11-09 至 11-15" in got[0].text and got[0].key == "weekly:2026-11-16"
    # later in the week it is not told (late) any more
    assert weekly_summary_due(sunday_night, USERS, TZ, None) == []
    tuesday = datetime(2026, 11, 17, 1, 0, tzinfo=UTC)
    assert weekly_summary_due(tuesday, USERS, TZ, None) == []
    # a closed Monday: told at Tuesday's opening
    closed = BusinessCalendar(hours=CAL.hours, closed_dates=frozenset({date(2026, 11, 16)}),
                              tz=TZ)
    [late] = weekly_summary_due(tuesday, USERS, TZ, closed)
    assert late.send_at == datetime(2026, 11, 17, 0, 30, tzinfo=UTC)


# ---- the stored next mark (issue 17: the scan reads only the steps whose mark has come) ----
def test_next_mark_is_the_first_reminder_sent_after_now() -> None:
    step = handle_step()  # 24 h from T0: 12 h, 18 h, 24 h
    assert next_mark(step, T0, None) == T0 + timedelta(hours=12)
    assert next_mark(step, T0 + timedelta(hours=12), None) == T0 + timedelta(hours=18)
    assert next_mark(step, T0 + timedelta(hours=23), None) == T0 + timedelta(hours=24)
    assert next_mark(step, T0 + timedelta(hours=24), None) is NO_MARK  # nothing left
    assert next_mark(replace(step, deadline=None), T0, None) is NO_MARK
    assert next_mark(step, T0, None, (0.9,)) == T0 + timedelta(hours=21.6)


def test_a_mark_in_closed_time_is_the_next_opening() -> None:
    # due Saturday 17:00 Shanghai, deadline 22:00 that night (closed from 18:00, Sunday
    # closed): one hour of open time, so 17:30 and 17:45; the deadline's reminder waits for
    # Monday's opening, and that is the mark the scan waits for
    sat = datetime(2026, 11, 14, 9, 0, tzinfo=UTC)
    step = handle_step(due=sat, hours=5)
    marks = [next_mark(step, sat, CAL)]
    while marks[-1] is not NO_MARK:
        marks.append(next_mark(step, marks[-1], CAL))
    local = [m.astimezone(CAL.zone).strftime("%a %H:%M") for m in marks[:-1]]
    assert local == ["Sat 17:30", "Sat 17:45", "Mon 08:30"]


def test_scanning_only_at_the_stored_marks_sends_what_scanning_every_tick_sends() -> None:
    steps = [handle_step(), handle_step(due=T0 + timedelta(hours=3, minutes=7), hours=5, seq=5),
             replace(handle_step(due=T0 - timedelta(hours=30), hours=48, seq=6), case_id=11)]
    for calendar in (None, CAL):
        every: list[NewAlert] = []
        marked: list[NewAlert] = []
        marks: dict[tuple[int, int], datetime | None] = {(s.case_id, s.seq): None for s in steps}
        since = T0 - timedelta(minutes=10)
        for tick in range(1, 4 * 24 * 6):  # every 10 minutes for four days
            now = T0 + timedelta(minutes=10 * tick)
            every += due_reminders(steps, USERS, now, calendar, since, TZ)
            for s in steps:  # read a step only when its mark has come (or is not known)
                mark = marks[(s.case_id, s.seq)]
                if mark is None or mark <= now:
                    marked += due_reminders([s], USERS, now, calendar, since, TZ)
                    marks[(s.case_id, s.seq)] = next_mark(s, now, calendar)
            since = now
        # 3 marks each, but the third step's 50 % was before the first tick
        assert len(every) == 8 and sorted(every, key=repr) == sorted(marked, key=repr)


def test_a_forwardings_next_mark_skips_the_answered_milestones() -> None:
    fwd = ManufacturerForward(
        case_id=1, brand="大众", reference="R1", forwarded_at=T0,
        milestones=(MilestoneDue("contact", "24 小时", T0 + timedelta(hours=24)),
                    MilestoneDue("plan", "3 个工作日", T0 + timedelta(hours=72))),
        registered_at=T0)
    assert next_milestone_mark(fwd, set(), T0) == T0 + timedelta(hours=18)  # 75 % of contact
    assert next_milestone_mark(fwd, {"contact"}, T0) == T0 + timedelta(hours=54)
    assert next_milestone_mark(fwd, set(), T0 + timedelta(hours=24)) == T0 + timedelta(hours=54)
    assert next_milestone_mark(fwd, {"contact", "plan"}, T0) is None
    assert next_milestone_mark(fwd, set(), T0 + timedelta(hours=72)) is None
