"""The customer-complaint flow's special cases (DESIGN §4.1, §4.8; issue 14), each at its
boundary: self-report, 重要/重大 approval and in-person handling, the simple path, 无需回访,
rounds of a reopened case, 处理意见告知 on days 3 and 5, who holds a role step."""

from __future__ import annotations

from datetime import timedelta

import pytest
from wf_builders import (
    ASSESSOR,
    CS,
    CS2,
    GM,
    HEAD,
    RECEPTION,
    SALES,
    SETTINGS,
    SUP,
    SUP2,
    T0,
    advance_to,
    approve_solution,
    do,
    keys,
    local,
    make_case,
    started,
    user,
)

from complaintdesk.domain import events as E
from complaintdesk.domain import steps as S
from complaintdesk.domain.clock import FixedClock
from complaintdesk.domain.records import (
    NOTICE_KIND,
    CaseStatus,
    ContactEntry,
    Role,
    Severity,
)
from complaintdesk.domain.workflow import (
    Delegation,
    WorkflowError,
    available_actions,
    perform,
    start_case,
)
from complaintdesk.domain.workflow.notice import notice_on_time, notice_task_open, record_contact

SOLUTION = {"solution_kind": "补偿", "solution_text": "赠送两次保养"}


def _keys(case, u, now):
    return [a.key for a in available_actions(case, u, now)]


# ---- 部门自查 --------------------------------------------------------------------------
def test_major_self_report_gets_the_handling_extension_and_a_second_revisit():
    clock = FixedClock(T0)
    case = make_case(self_dept=SALES, self_severity=Severity.MAJOR)
    start_case(case, HEAD, SETTINGS, T0)
    assert case.severity is Severity.MAJOR and case.current_step == S.ASSIGN
    advance_to(case, S.HANDLE, clock)
    handle = case.open_step
    perform(case, "extend_deadline", GM, {"deadline": handle.deadline + timedelta(days=5),
                                          "reason": "等待厂家鉴定"}, clock.now(), SETTINGS)
    assert handle.extensions[0]["reason"] == "等待厂家鉴定"
    advance_to(case, S.ENFORCE, clock)
    do(case, clock)
    assert case.status is CaseStatus.CLOSED and case.open_step.step_key == S.SECOND_REVISIT


def test_self_report_without_step_1_fields_is_refused_naming_them():
    case = make_case(self_dept=SALES)
    case.intake.self_report_category = ""
    case.intake.self_report_severity = None
    with pytest.raises(WorkflowError, match="投诉类别") as err:
        start_case(case, HEAD, SETTINGS, T0)
    assert set(err.value.fields) == {"self_report_category", "self_report_severity"}
    assert case.steps == []


# ---- step 0: the receiver's lateness ---------------------------------------------------
def test_late_registration_names_the_receiver_not_the_typist():
    complained = local(2026, 11, 2, 9)
    case = make_case(complained_at=complained)
    case.intake.receiver_employee_id = 300
    events = start_case(case, RECEPTION, SETTINGS, complained + timedelta(hours=1, seconds=1))
    [breach] = [e for e in events if isinstance(e, E.DeadlineBreached)]
    assert breach.employee_id == 300
    assert case.steps[0].data["receiver_employee_id"] == 300


# ---- 重要/重大: solution approval, in person, extension at step 3 only --------------------
def test_unapproved_major_solution_blocks_step_3_until_the_gm_approves():
    clock = FixedClock(T0)
    case = started(clock)
    advance_to(case, S.HANDLE, clock, severity="major")
    data = {"process": "发动机异响", "customer_attitude": "着急", **SOLUTION}
    with pytest.raises(WorkflowError, match="总经理审批"):
        perform(case, "handle", SUP, data, clock.now(), SETTINGS)
    perform(case, "request_approval", SUP, SOLUTION, clock.now(), SETTINGS)
    assert "approve_solution" not in _keys(case, HEAD, clock.now())  # 重大: the GM's
    with pytest.raises(WorkflowError):
        perform(case, "approve_solution", HEAD, {}, clock.now(), SETTINGS)
    with pytest.raises(WorkflowError, match="总经理审批"):
        perform(case, "handle", SUP, data, clock.now(), SETTINGS)
    perform(case, "return_solution", GM, {"reason": "补偿过高"}, clock.now(), SETTINGS)
    with pytest.raises(WorkflowError):
        perform(case, "handle", SUP, data, clock.now(), SETTINGS)
    perform(case, "request_approval", SUP, SOLUTION, clock.now(), SETTINGS)
    perform(case, "approve_solution", GM, {}, clock.now(), SETTINGS)
    perform(case, "handle", SUP, data, clock.now(), SETTINGS)
    assert case.current_step == S.DEPT_OPINION
    statuses = [a["status"] for a in case.steps[-2].data["solution_approvals"]]
    assert statuses == ["returned", "approved"]


def test_important_solution_is_the_dept_heads_and_late_approval_is_charged_to_him():
    clock = FixedClock(T0)
    case = started(clock)
    advance_to(case, S.HANDLE, clock, severity="important")
    perform(case, "request_approval", SUP, SOLUTION, clock.now(), SETTINGS)
    assert "approve_solution" in _keys(case, HEAD, clock.now())
    assert "approve_solution" not in _keys(case, GM, clock.now())
    clock.advance(hours=4)  # exactly at the 4 h default: on time
    events = perform(case, "approve_solution", HEAD, {}, clock.now(), SETTINGS).events
    assert not [e for e in events if isinstance(e, E.DeadlineBreached)]
    clock2 = FixedClock(T0)
    case2 = started(clock2)
    advance_to(case2, S.HANDLE, clock2, severity="important")
    perform(case2, "request_approval", SUP, SOLUTION, clock2.now(), SETTINGS)
    clock2.advance(hours=4, seconds=1)
    events = perform(case2, "approve_solution", HEAD, {}, clock2.now(), SETTINGS).events
    [breach] = [e for e in events if isinstance(e, E.DeadlineBreached)]
    assert breach.holder_user_id == HEAD.id and breach.task == "solution_approval"
    assert not case2.open_step.breach  # the handling step itself is not late


def test_dept_head_handling_personally_has_the_gm_approve():
    clock = FixedClock(T0)
    case = started(clock)
    advance_to(case, S.ASSIGN, clock, severity="important")
    perform(case, "handle_myself", HEAD, {}, clock.now(), SETTINGS)
    perform(case, "request_approval", HEAD, SOLUTION, clock.now(), SETTINGS)
    assert "approve_solution" not in _keys(case, HEAD, clock.now())
    perform(case, "approve_solution", GM, {}, clock.now(), SETTINGS)


def test_severity_raised_during_step_3_needs_approval_from_then_on():
    clock = FixedClock(T0)
    case = started(clock)
    advance_to(case, S.HANDLE, clock)  # 一般: no approval
    assert "request_approval" not in _keys(case, SUP, clock.now())
    perform(case, "classify", ASSESSOR, {"category": "新车质量", "severity": "major"},
            clock.now(), SETTINGS)
    assert "request_approval" in _keys(case, SUP, clock.now())
    with pytest.raises(WorkflowError, match="审批"):
        perform(case, "handle", SUP, {"process": "x", "solution_kind": "返修",
                                      "customer_attitude": "y"}, clock.now(), SETTINGS)


def test_delegate_refused_on_a_major_handling_step_but_not_on_a_normal_one():
    clock = FixedClock(T0)
    away = [Delegation(SUP.id, SUP2.id, T0.date(), T0.date() + timedelta(days=3),
                       absent_user=SUP)]
    for severity, allowed in (("normal", True), ("major", False)):
        case = started(clock)
        advance_to(case, S.HANDLE, clock, severity=severity)
        approve_solution(case, clock)
        data = {"process": "x", "solution_kind": "返修", "customer_attitude": "y"}
        offered = [a.key for a in available_actions(case, SUP2, clock.now(), away)]
        assert ("handle" in offered) is allowed
        if allowed:
            perform(case, "handle", SUP2, data, clock.now(), SETTINGS, away)
            assert case.steps[-2].on_behalf_of_user_id == SUP.id
        else:
            with pytest.raises(WorkflowError, match="本人亲自处理"):
                perform(case, "handle", SUP2, data, clock.now(), SETTINGS, away)
            perform(case, "reassign", HEAD, {"supervisor_user_id": SUP2.id}, clock.now(),
                    SETTINGS)
            approve_solution(case, clock)
            perform(case, "handle", SUP2, data, clock.now(), SETTINGS, away)
            assert case.steps[-2].on_behalf_of_user_id is None


def test_major_extension_is_refused_outside_the_handling_step():
    clock = FixedClock(T0)
    case = started(clock)
    advance_to(case, S.DEPT_OPINION, clock, severity="major")
    step = case.open_step
    with pytest.raises(WorkflowError, match="主管处理"):
        perform(case, "extend_deadline", GM, {"deadline": step.deadline + timedelta(days=1),
                                              "reason": "x"}, clock.now(), SETTINGS)


# ---- nobody there -----------------------------------------------------------------------
def test_dept_head_stands_in_for_the_supervisor_and_the_step_records_it():
    clock = FixedClock(T0)
    case = started(clock)
    advance_to(case, S.HANDLE, clock)
    perform(
        case, "handle", HEAD, {"process": "x", "solution_kind": "返修",
                               "customer_attitude": "y"}, clock.now(), SETTINGS)
    done = case.steps[-2]
    assert (done.actor_user_id, done.on_behalf_of_user_id) == (HEAD.id, SUP.id)


# ---- simple-complaint path ----------------------------------------------------------------
def _on_spot(clock):
    case = make_case(complained_at=clock.now(), registered_at=clock.now())
    case.intake.resolved_on_spot = True
    case.intake.on_spot_action = "当场更换雨刮片"
    case.intake.on_spot_reaction = "客户满意离开"
    start_case(case, RECEPTION, SETTINGS, clock.now())
    return case


@pytest.mark.parametrize("named", [False, True])
def test_simple_complaint_skips_2_to_4_and_goes_to_5_only_when_someone_is_named(named):
    clock = FixedClock(T0)
    case = _on_spot(clock)
    responsible = [{"employee_id": 100, "responsibility": "main"}] if named else []
    perform(case, "forward_simple", CS, {"category": "服务态度", "department_id": SALES,
                                         "responsible": responsible}, clock.now(), SETTINGS)
    assert case.simple_path and case.severity is Severity.NORMAL
    while case.open_step is not None:
        clock.advance(minutes=30)
        do(case, clock)
    route = [S.REGISTER, S.FORWARD, *([S.ISSUE_SLIPS] if named else []), S.REVISIT,
             S.EVALUATE, S.APPROVE, S.ENFORCE]
    assert keys(case) == route and case.status is CaseStatus.CLOSED


def test_simple_path_is_offered_only_when_registered_as_resolved_on_the_spot():
    clock = FixedClock(T0)
    case = started(clock)
    assert "forward_simple" not in _keys(case, CS, clock.now())
    with pytest.raises(WorkflowError, match="当场解决"):
        perform(case, "forward_simple", CS, {"category": "服务态度", "department_id": SALES},
                clock.now(), SETTINGS)


def test_simple_complaint_reopened_goes_down_the_normal_path():
    clock = FixedClock(T0)
    case = _on_spot(clock)
    perform(case, "forward_simple", CS, {"category": "服务态度", "department_id": SALES},
            clock.now(), SETTINGS)
    do(case, clock, satisfaction="不满意")
    assert not case.simple_path and case.current_step == S.ASSIGN


# ---- 无需回访 -------------------------------------------------------------------------------
def test_assessor_marks_no_revisit_at_step_5_for_a_normal_first_round():
    clock = FixedClock(T0)
    case = started(clock)
    advance_to(case, S.ISSUE_SLIPS, clock)
    do(case, clock, no_revisit=True)
    assert case.current_step == S.EVALUATE and not case.needs_revisit
    assert S.REVISIT not in keys(case)


@pytest.mark.parametrize("why", ["important", "reopened"])
def test_no_revisit_is_refused_for_important_or_a_reopened_round(why):
    clock = FixedClock(T0)
    case = started(clock)
    if why == "important":
        advance_to(case, S.ISSUE_SLIPS, clock, severity="important")
    else:
        advance_to(case, S.REVISIT, clock)
        do(case, clock, satisfaction="不满意")
        advance_to(case, S.ISSUE_SLIPS, clock)
    with pytest.raises(WorkflowError, match="回访"):
        do(case, clock, no_revisit=True)
    assert case.current_step == S.ISSUE_SLIPS
    do(case, clock)
    assert "skip" not in _keys(case, ASSESSOR, clock.now())


def test_cs_center_cannot_skip_the_revisit_on_its_own():
    clock = FixedClock(T0)
    case = started(clock)
    advance_to(case, S.REVISIT, clock)
    assert "skip" not in _keys(case, CS, clock.now())
    assert "skip" in _keys(case, ASSESSOR, clock.now())


# ---- rounds ---------------------------------------------------------------------------
def test_each_round_keeps_its_people_and_all_rounds_count_each_once():
    clock = FixedClock(T0)
    case = started(clock)
    advance_to(case, S.REVISIT, clock)
    do(case, clock, satisfaction="不满意")
    clock.advance(minutes=30)
    do(case, clock, responsible=[{"employee_id": 100, "responsibility": "main"},
                                 {"employee_id": 200, "responsibility": "secondary"}])
    first, second = case.rounds()
    assert case.responsible_in_round(first) == (100,)
    assert case.responsible_in_round(second) == (100, 200)
    assert case.responsible_all_rounds() == (100, 200)


def test_case_closed_on_demand_unreasonable_counts_closed_not_resolved():
    clock = FixedClock(T0)
    case = started(clock)
    advance_to(case, S.REVISIT, clock)
    do(case, clock, satisfaction="不满意")
    perform(case, "demand_unreasonable", ASSESSOR, {"reason": "要求退车"}, clock.now(),
            SETTINGS)
    advance_to(case, S.ENFORCE, clock)
    do(case, clock)
    assert case.status is CaseStatus.CLOSED and case.closed_unresolved
    plain = started(FixedClock(T0))
    advance_to(plain, S.ENFORCE, FixedClock(T0))
    assert not plain.closed_unresolved


# ---- 处理意见告知 (003 一.12) -------------------------------------------------------------
def _contact(at):
    return ContactEntry(None, 1, at, "电话", NOTICE_KIND, CS.id, "已告知处理意见", "同意")


def test_notice_window_opens_on_day_3_and_the_task_falls_due_at_the_end_of_day_5():
    case = started(FixedClock(T0))  # Monday 2 Nov 09:00
    assert case.notice_from == local(2026, 11, 5, 0, 0, 0)
    assert case.notice_due == local(2026, 11, 7, 23, 59, 59)
    day2_end = local(2026, 11, 4, 23, 59, 59)
    assert not notice_task_open(case, day2_end)
    assert not record_contact(case, _contact(day2_end))  # day 2: too early, does not count
    assert notice_task_open(case, local(2026, 11, 5))  # day 3 opens it
    assert record_contact(case, _contact(local(2026, 11, 5)))  # ... and counts on day 3
    assert notice_on_time(case) is True and not notice_task_open(case, local(2026, 11, 9))


@pytest.mark.parametrize(("at", "on_time"), [((2026, 11, 7, 23, 59, 59), True),
                                             ((2026, 11, 8, 0, 0, 0), False)])
def test_notice_on_the_last_second_of_day_5_is_on_time_and_after_it_late(at, on_time):
    case = started(FixedClock(T0))
    assert record_contact(case, _contact(local(*at)))
    assert notice_on_time(case) is on_time


def test_a_revisit_in_the_window_tells_the_customer():
    clock = FixedClock(T0)
    case = started(clock)
    advance_to(case, S.REVISIT, clock)
    clock.set(local(2026, 11, 5, 10))
    do(case, clock)
    assert case.notified_at == clock.now() and notice_on_time(case)


def test_other_contact_kinds_do_not_count_as_the_notice():
    case = started(FixedClock(T0))
    entry = _contact(local(2026, 11, 6))
    entry.kind = "进展告知"
    assert not record_contact(case, entry) and case.notified_at is None


# ---- who holds a role step ----------------------------------------------------------------
def test_a_role_step_goes_to_the_previous_holder_of_that_role_and_may_be_taken_over():
    clock = FixedClock(T0)
    case = started(clock)
    advance_to(case, S.REVISIT, clock)
    # step 1 (cs_center or assessor) names no holder for the revisit: the service picks one
    assert case.open_step.assignee_user_id is None
    do(case, clock, satisfaction="不满意")  # CS revisits; the case goes round again
    advance_to(case, S.REVISIT, clock)
    assert case.open_step.assignee_user_id == CS.id  # the previous revisit's holder
    clock.advance(minutes=30)
    perform(case, "revisit", CS2, {"method": "电话", "reached": True, "satisfaction": "满意"},
            clock.now(), SETTINGS)
    assert case.steps[-2].assignee_user_id == CS2.id  # taken over before the deadline
    assert case.open_step.assignee_user_id == ASSESSOR.id  # evaluation: step 5's assessor


def test_a_late_role_step_is_charged_to_its_holder_at_the_deadline():
    clock = FixedClock(T0)
    case = started(clock)
    advance_to(case, S.EVALUATE, clock)
    other = user(30, Role.ASSESSOR)
    clock.set(case.open_step.deadline + timedelta(seconds=1))
    events = perform(case, "evaluate", other, {"evaluation": "好", "on_time": True,
                                               "proper": True}, clock.now(), SETTINGS).events
    [breach] = [e for e in events if isinstance(e, E.DeadlineBreached)]
    assert breach.holder_user_id == ASSESSOR.id


def test_simple_complaint_is_listed_in_the_weekly_summary_with_its_opinion():
    from datetime import date

    from wf_builders import TZ

    from complaintdesk.domain.kpi.weekly import weekly_summary

    clock = FixedClock(T0)
    case = _on_spot(clock)
    case.intake.description = "雨刮器异响"
    perform(case, "forward_simple", CS, {"category": "服务态度", "department_id": SALES},
            clock.now(), SETTINGS)
    week = weekly_summary([case], [], date(2026, 11, 2), TZ, T0 + timedelta(days=7))
    [row] = week.new_cases
    assert (row.kind, row.opinion) == ("客户投诉（当场解决）", "雨刮器异响")


def _alerts(events):
    return sorted((e.to_roles, e.department_id) for e in events if isinstance(e, E.NoticeRaised))


def test_classifying_important_alerts_the_dept_head_and_the_gm_and_raising_it_again():
    clock = FixedClock(T0)
    case = started(clock)
    events = do(case, clock, severity="important").events
    assert _alerts(events) == [(("dept_head",), SALES), (("general_manager",), None)]
    again = perform(case, "classify", CS, {"category": "维修质量", "severity": "important"},
                    clock.now(), SETTINGS).events
    assert _alerts(again) == []  # no change, no second alert
    raised = perform(case, "classify", CS, {"category": "维修质量", "severity": "major"},
                     clock.now(), SETTINGS).events
    assert len(_alerts(raised)) == 2
    normal = started(FixedClock(T0))
    assert _alerts(do(normal, FixedClock(T0)).events) == []


def test_major_self_report_alerts_at_registration():
    case = make_case(self_dept=SALES, self_severity=Severity.MAJOR)
    events = start_case(case, HEAD, SETTINGS, T0)
    assert _alerts(events) == [(("dept_head",), SALES), (("general_manager",), None)]


def test_the_statistics_count_a_simple_complaints_named_person_and_every_round_once():
    from complaintdesk.domain.kpi.tally import responsible_employees

    clock = FixedClock(T0)
    case = _on_spot(clock)
    perform(case, "forward_simple", CS, {"category": "服务态度", "department_id": SALES,
                                         "responsible": [{"employee_id": 300,
                                                          "responsibility": "main"}]},
            clock.now(), SETTINGS)
    assert responsible_employees(case) == (300,) == case.responsible_all_rounds()
    reopened = started(clock)
    advance_to(reopened, S.REVISIT, clock)
    do(reopened, clock, satisfaction="不满意")
    clock.advance(minutes=30)
    do(reopened, clock, responsible=[])  # round 2: nobody named
    assert responsible_employees(reopened) == (100,)
