"""The customer feedback flow (DESIGN §4.1) walked end to end with a FixedClock."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta

import pytest
from wf_builders import (
    AFTER_SALES,
    ASSESSOR,
    CS,
    CS2,
    GM,
    HEAD,
    HEAD_AS,
    RECEPTION,
    SALES,
    SETTINGS,
    SUP,
    SUP2,
    SUP_AS,
    T0,
    advance_to,
    do,
    keys,
    local,
    make_case,
    started,
)

from complaintdesk.domain import events as E
from complaintdesk.domain import steps as S
from complaintdesk.domain.clock import FixedClock
from complaintdesk.domain.records import CaseStatus, FeedbackKind, Severity
from complaintdesk.domain.workflow import (
    Delegation,
    WorkflowError,
    available_actions,
    perform,
    start_case,
)

COMPLAINT_ROUTE = [S.REGISTER, S.FORWARD, S.ASSIGN, S.HANDLE, S.DEPT_OPINION, S.ISSUE_SLIPS,
                   S.REVISIT, S.EVALUATE, S.APPROVE, S.ENFORCE]


def _action_keys(case, user, now, **kw):
    return [a.key for a in available_actions(case, user, now, **kw)]


def test_normal_complaint_walks_steps_0_to_9_and_closes():
    clock = FixedClock(T0)
    case = started(clock)
    assert case.current_step == S.FORWARD and case.status is CaseStatus.OPEN
    advance_to(case, S.ENFORCE, clock)
    clock.advance(minutes=30)
    events = do(case, clock).events
    assert keys(case) == COMPLAINT_ROUTE
    assert case.status is CaseStatus.CLOSED and case.closed_at == clock.now()
    assert case.current_step == "" and case.open_step is None  # 一般: no second revisit
    assert (case.category, case.severity, case.department_id, case.supervisor_user_id) == (
        "维修质量", Severity.NORMAL, SALES, SUP.id)
    assert not any(s.breach for s in case.steps)
    assert [type(e) for e in events] == [E.StepFinished, E.CaseClosed]
    assert [s.seq for s in case.steps] == list(range(1, 11))


def test_each_step_opens_when_the_previous_finishes_with_its_deadline_stored():
    clock = FixedClock(T0)
    case = started(clock)
    clock.advance(minutes=20)
    events = do(case, clock).events
    opened = [e for e in events if isinstance(e, E.StepOpened)][0]
    assign = case.open_step
    assert (assign.step_key, assign.due_since) == (S.ASSIGN, clock.now())
    assert assign.deadline == clock.now() + timedelta(hours=1)
    assert opened.department_id == SALES and opened.deadline == assign.deadline


def test_registration_more_than_1h_after_the_complaint_is_a_breach_of_the_registrant():
    complained = local(2026, 11, 2, 9)
    case = make_case(complained_at=complained, registered_at=complained + timedelta(hours=1))
    start_case(case, RECEPTION, SETTINGS, complained + timedelta(hours=1))
    assert not case.steps[0].breach  # exactly 1 h: on time
    late = make_case(complained_at=complained)
    events = start_case(late, RECEPTION, SETTINGS, complained + timedelta(hours=1, seconds=1))
    assert late.steps[0].breach and late.steps[0].deadline == complained + timedelta(hours=1)
    breach = [e for e in events if isinstance(e, E.DeadlineBreached)]
    assert breach and breach[0].holder_user_id == RECEPTION.id and breach[0].step_key == S.REGISTER


@pytest.mark.parametrize("late", [False, True])
def test_handle_deadline_is_24h_to_the_second(late):
    clock = FixedClock(T0)
    case = started(clock)
    advance_to(case, S.HANDLE, clock)
    handle = case.open_step
    clock.set(handle.due_since + timedelta(hours=24, seconds=1 if late else 0))
    events = do(case, clock).events
    assert handle.breach is late
    breaches = [e for e in events if isinstance(e, E.DeadlineBreached)]
    assert bool(breaches) is late
    if late:
        assert breaches[0].holder_user_id == SUP.id and breaches[0].late_seconds == 1


@pytest.mark.parametrize("step_key", [S.FORWARD, S.ASSIGN, S.DEPT_OPINION, S.ISSUE_SLIPS,
                                      S.REVISIT, S.EVALUATE, S.APPROVE, S.ENFORCE])
def test_every_step_breaches_one_second_after_its_deadline_not_at_it(step_key):
    for late in (False, True):
        clock = FixedClock(T0)
        case = started(clock)
        advance_to(case, step_key, clock)
        step = case.open_step
        clock.set(step.deadline + timedelta(seconds=1 if late else 0))
        do(case, clock)
        assert step.breach is late, step_key


def test_same_day_steps_end_at_midnight_local():
    clock = FixedClock(T0)
    case = started(clock)
    advance_to(case, S.ISSUE_SLIPS, clock)
    assert case.open_step.deadline == local(2026, 11, 2, 23, 59, 59)


def test_supervisor_gets_48h_when_customer_unreachable_within_the_first_24h():
    clock = FixedClock(T0)
    case = started(clock)
    advance_to(case, S.HANDLE, clock)
    handle = case.open_step
    clock.set(handle.due_since + timedelta(hours=24))  # the last second of the first 24 h
    assert "mark_unreachable" in _action_keys(case, SUP, clock.now())
    events = perform(case, "mark_unreachable", SUP, {}, clock.now(), SETTINGS).events
    assert handle.deadline == handle.due_since + timedelta(hours=48)
    assert handle.extensions[0]["reason"] == "客户无法联系"
    assert [type(e) for e in events] == [E.StepExtended] and handle.is_open
    assert "mark_unreachable" not in _action_keys(case, SUP, clock.now())  # only once
    clock.set(handle.due_since + timedelta(hours=47))
    do(case, clock)
    assert not handle.breach and handle.data["customer_unreachable"] is True


def test_unreachable_after_24h_is_refused():
    clock = FixedClock(T0)
    case = started(clock)
    advance_to(case, S.HANDLE, clock)
    clock.set(case.open_step.due_since + timedelta(hours=24, seconds=1))
    assert "mark_unreachable" not in _action_keys(case, SUP, clock.now())
    with pytest.raises(WorkflowError, match="24小时内"):
        perform(case, "mark_unreachable", SUP, {}, clock.now(), SETTINGS)


def test_unsatisfied_revisit_reopens_to_the_same_supervisor_and_closes_after_a_good_revisit():
    clock = FixedClock(T0)
    case = started(clock)
    advance_to(case, S.REVISIT, clock)
    clock.advance(hours=2)
    events = do(case, clock, satisfaction="不满意").events
    assert case.reopen_count == 1 and case.current_step == S.HANDLE
    assert case.status is CaseStatus.OPEN
    assert E.CaseReopened in [type(e) for e in events]
    assert case.open_step.assignee_user_id == SUP.id
    assert case.steps[6].outcome == "reopen"
    advance_to(case, S.ENFORCE, clock)
    do(case, clock)
    assert case.status is CaseStatus.CLOSED
    assert keys(case) == COMPLAINT_ROUTE[:7] + COMPLAINT_ROUTE[3:]  # history kept


def test_reopen_to_another_department_goes_through_its_head_first():
    clock = FixedClock(T0)
    case = started(clock)
    advance_to(case, S.REVISIT, clock)
    do(case, clock, satisfaction="不满意", reopen_department_id=AFTER_SALES)
    assert case.current_step == S.ASSIGN and case.department_id == AFTER_SALES
    assert case.supervisor_user_id is None
    assert _action_keys(case, HEAD, clock.now()) == []
    perform(case, "assign", HEAD_AS, {"supervisor_user_id": SUP_AS.id}, clock.now(), SETTINGS)
    assert "handle" not in _action_keys(case, SUP, clock.now())
    assert "handle" in _action_keys(case, SUP_AS, clock.now())


def test_assessor_may_decide_demand_unreasonable_only_after_an_unsatisfied_revisit():
    clock = FixedClock(T0)
    case = started(clock)
    advance_to(case, S.HANDLE, clock)
    assert "demand_unreasonable" not in _action_keys(case, ASSESSOR, clock.now())
    advance_to(case, S.REVISIT, clock)
    do(case, clock, satisfaction="不满意")
    assert "demand_unreasonable" in _action_keys(case, ASSESSOR, clock.now())
    with pytest.raises(WorkflowError, match="原因"):
        perform(case, "demand_unreasonable", ASSESSOR, {}, clock.now(), SETTINGS)
    clock.advance(hours=30)  # the reopened handle step is overdue, but was cut short
    perform(case, "demand_unreasonable", ASSESSOR, {"reason": "要求全额退车，超出合理范围"},
            clock.now(), SETTINGS)
    cut = case.steps[-2]
    assert cut.outcome == "demand_unreasonable" and not cut.breach
    assert case.current_step == S.EVALUATE
    do(case, clock)
    assert case.steps[-2].data["demand_unreasonable"] is True
    advance_to(case, S.ENFORCE, clock)
    do(case, clock)
    assert case.status is CaseStatus.CLOSED


def test_case_cannot_close_while_an_unsatisfied_revisit_is_unresolved():
    clock = FixedClock(T0)
    case = started(clock)
    advance_to(case, S.REVISIT, clock)
    do(case, clock, satisfaction="不满意")
    # a history that skipped the second revisit (e.g. imported data) must not close
    case.steps[-1].step_key = S.ENFORCE
    case.current_step = S.ENFORCE
    with pytest.raises(WorkflowError, match="诉求无法合理满足"):
        do(case, clock)
    assert case.status is CaseStatus.OPEN


def test_department_self_report_starts_at_assign_and_tells_cs_and_assessor_at_step_4():
    clock = FixedClock(T0)
    case = make_case(complained_at=T0, registered_at=T0, self_dept=SALES)
    events = start_case(case, SUP, SETTINGS, T0)
    assert keys(case) == [S.REGISTER, S.ASSIGN] and case.department_id == SALES
    assert (case.category, case.severity) == ("服务态度", Severity.NORMAL)  # step 1's fields
    assert not [e for e in events if isinstance(e, E.NoticeRaised)]  # not at registration
    assert _action_keys(case, HEAD, clock.now()) == ["assign", "handle_myself"]
    advance_to(case, S.DEPT_OPINION, clock)
    clock.advance(minutes=30)
    notify = [e for e in do(case, clock).events if isinstance(e, E.NoticeRaised)]
    assert [set(n.to_roles) for n in notify] == [{"cs_center", "assessor"}]


def test_dept_head_may_handle_it_himself():
    clock = FixedClock(T0)
    case = started(clock)
    advance_to(case, S.ASSIGN, clock)
    perform(case, "handle_myself", HEAD, {}, clock.now(), SETTINGS)
    assert case.supervisor_user_id == HEAD.id and case.steps[-2].data["handle_myself"] is True
    assert "handle" in _action_keys(case, HEAD, clock.now())
    assert "handle" not in _action_keys(case, SUP, clock.now())


def test_major_complaint_deadline_can_be_extended_with_a_reason():
    clock = FixedClock(T0)
    case = started(clock)
    advance_to(case, S.HANDLE, clock, severity="major")
    handle = case.open_step
    old = handle.deadline
    new = old + timedelta(days=3)
    with pytest.raises(WorkflowError, match="原因"):
        perform(case, "extend_deadline", HEAD, {"deadline": new}, clock.now(), SETTINGS)
    with pytest.raises(WorkflowError, match="晚于当前期限"):
        perform(case, "extend_deadline", HEAD, {"deadline": old, "reason": "x"},
                clock.now(), SETTINGS)
    with pytest.raises(WorkflowError, match="延长期限"):
        perform(case, "extend_deadline", HEAD_AS, {"deadline": new, "reason": "x"},
                clock.now(), SETTINGS)
    events = perform(case, "extend_deadline", GM, {"deadline": new.isoformat(),
                                                   "reason": "等待厂家鉴定"},
                     clock.now(), SETTINGS).events
    assert handle.deadline == new and handle.extensions[0]["reason"] == "等待厂家鉴定"
    assert handle.extensions[0]["previous"] == old.isoformat()
    assert isinstance(events[0], E.StepExtended)
    clock.set(old + timedelta(days=1))
    do(case, clock)
    assert not handle.breach


def test_extension_is_refused_for_a_non_major_complaint():
    clock = FixedClock(T0)
    case = started(clock)
    advance_to(case, S.HANDLE, clock, severity="important")
    assert "extend_deadline" not in _action_keys(case, ASSESSOR, clock.now())
    with pytest.raises(WorkflowError, match="只有重大投诉"):
        perform(case, "extend_deadline", ASSESSOR,
                {"deadline": clock.now() + timedelta(days=5), "reason": "x"},
                clock.now(), SETTINGS)


def test_revisit_may_be_skipped_when_no_revisit_is_needed():
    clock = FixedClock(T0)
    case = started(clock)
    advance_to(case, S.REVISIT, clock)
    perform(case, "skip", ASSESSOR, {}, clock.now(), SETTINGS)
    assert case.current_step == S.EVALUATE and not case.needs_revisit
    assert case.steps[-2].outcome == "skipped" and case.steps[-2].data["skipped"] is True


def test_suggestion_goes_0_1_2_3_7_8_closed():
    clock = FixedClock(T0)
    case = started(clock, kind=FeedbackKind.SUGGESTION)
    advance_to(case, S.APPROVE, clock)
    do(case, clock)
    assert keys(case) == [S.REGISTER, S.FORWARD, S.ASSIGN, S.HANDLE, S.EVALUATE, S.APPROVE]
    assert case.status is CaseStatus.CLOSED


def test_praise_skips_3_to_5_and_enforces_the_reward_at_step_9():
    clock = FixedClock(T0)
    case = started(clock, kind=FeedbackKind.PRAISE)
    advance_to(case, S.ENFORCE, clock, severity="important")
    do(case, clock)
    assert keys(case) == [S.REGISTER, S.FORWARD, S.ASSIGN, S.REVISIT, S.EVALUATE,
                          S.APPROVE, S.ENFORCE]
    assert case.status is CaseStatus.CLOSED and case.open_step is None  # no second revisit


@pytest.mark.parametrize("interval", [7, 30])
def test_important_complaint_gets_a_second_revisit_days_after_closing(interval):
    settings = replace(SETTINGS, second_revisit_days=interval)
    clock = FixedClock(T0)
    case = started(clock, settings)
    advance_to(case, S.ENFORCE, clock, severity="important")
    do(case, clock, settings=settings)
    second = case.open_step
    assert case.status is CaseStatus.CLOSED and case.current_step == ""
    assert second.step_key == S.SECOND_REVISIT
    assert second.due_since == case.closed_at + timedelta(days=interval)
    assert second.deadline == second.due_since + timedelta(days=2)
    # not before it is due, and not by someone who handled the case
    assert _action_keys(case, CS2, clock.now(), settings=settings) == []
    revisit = {"method": "电话", "reached": True, "satisfaction": "不满意"}
    with pytest.raises(WorkflowError, match="之后进行"):
        perform(case, "second_revisit", CS2, revisit, clock.now(), settings)
    clock.set(second.due_since)
    assert _action_keys(case, CS, clock.now()) == []  # CS forwarded and revisited it
    with pytest.raises(WorkflowError, match="未经办"):
        do(case, clock)
    events = perform(case, "second_revisit", CS2, revisit, clock.now(), settings).events
    assert [e.to_roles for e in events if isinstance(e, E.NoticeRaised)] == [("assessor",)]
    assert case.status is CaseStatus.CLOSED and case.reopen_count == 0
    assert case.open_step is None and second.actor_user_id == CS2.id


def test_delegate_acts_for_the_absent_supervisor_within_the_date_range():
    clock = FixedClock(T0)
    case = started(clock)
    advance_to(case, S.HANDLE, clock)
    away = Delegation(SUP.id, SUP2.id, date(2026, 11, 1), date(2026, 11, 2))
    specs = available_actions(case, SUP2, clock.now(), (away,))
    assert specs[0].key == "handle" and specs[0].on_behalf_of_user_id == SUP.id
    data = {"process": "经过", "solution_kind": "电话解答", "customer_attitude": "理解"}
    expired = Delegation(SUP.id, SUP2.id, date(2026, 10, 20), date(2026, 11, 1))
    with pytest.raises(WorkflowError, match="代理人"):
        perform(case, "handle", SUP2, data, clock.now(), SETTINGS, (expired,))
    perform(case, "handle", SUP2, data, clock.now(), SETTINGS, (away,))
    done = case.steps[-2]
    assert done.actor_user_id == SUP2.id and done.on_behalf_of_user_id == SUP.id


def test_delegate_of_an_absent_dept_head_may_assign_when_the_head_is_known():
    clock = FixedClock(T0)
    case = started(clock)
    advance_to(case, S.ASSIGN, clock)
    bare = Delegation(HEAD.id, SUP2.id, date(2026, 11, 2), date(2026, 11, 2))
    assert _action_keys(case, SUP2, clock.now(), delegations=(bare,)) == []
    full = replace(bare, absent_user=HEAD)
    perform(case, "assign", SUP2, {"supervisor_user_id": SUP.id}, clock.now(), SETTINGS,
            (full,))
    assert case.steps[-2].on_behalf_of_user_id == HEAD.id


def test_missing_data_is_refused_with_the_field_named_in_chinese():
    clock = FixedClock(T0)
    case = started(clock)
    advance_to(case, S.HANDLE, clock)
    with pytest.raises(WorkflowError, match="事情经过") as err:
        perform(case, "handle", SUP, {"solution_kind": "返修"}, clock.now(), SETTINGS)
    assert err.value.field == "process" and case.open_step.step_key == S.HANDLE
    with pytest.raises(WorkflowError, match="责任类别"):
        do(case, clock, responsible=[{"employee_id": 100, "responsibility": "大概"}])


def test_issue_slips_needs_slips_or_no_responsible():
    clock = FixedClock(T0)
    case = started(clock)
    advance_to(case, S.ISSUE_SLIPS, clock)
    with pytest.raises(WorkflowError, match="无责任人"):
        perform(case, "issue_slips", ASSESSOR, {}, clock.now(), SETTINGS)
    perform(case, "issue_slips", ASSESSOR, {"no_responsible": True}, clock.now(), SETTINGS)
    assert case.steps[-2].outcome == "no_responsible"


def test_revisit_that_reached_the_customer_needs_a_satisfaction():
    clock = FixedClock(T0)
    case = started(clock)
    advance_to(case, S.REVISIT, clock)
    with pytest.raises(WorkflowError, match="满意度"):
        do(case, clock, satisfaction="")
    do(case, clock, reached=False, satisfaction="")
    assert case.current_step == S.EVALUATE and case.steps[-2].data["satisfaction"] == ""


def test_forward_may_be_done_by_the_assessor_and_classification_corrected_later():
    clock = FixedClock(T0)
    case = started(clock)
    perform(case, "forward", ASSESSOR, {"category": "服务态度", "severity": "normal",
                                        "department_id": SALES}, clock.now(), SETTINGS)
    events = perform(case, "classify", CS, {"category": "服务态度", "severity": "important"},
                     clock.now(), SETTINGS).events
    assert case.severity is Severity.IMPORTANT and isinstance(events[0], E.Classified)
    assert case.current_step == S.ASSIGN


def test_actions_on_a_closed_case_or_at_the_wrong_step_are_refused():
    clock = FixedClock(T0)
    case = started(clock)
    with pytest.raises(WorkflowError, match="填单转派"):
        perform(case, "approve", GM, {"approval": "同意"}, clock.now(), SETTINGS)
    advance_to(case, S.ENFORCE, clock)
    do(case, clock)
    assert available_actions(case, ASSESSOR, clock.now()) == []
    with pytest.raises(WorkflowError, match="已结案"):
        do(case, clock, step_key=S.ENFORCE)
    with pytest.raises(WorkflowError, match="重复登记"):
        start_case(case, RECEPTION, SETTINGS, clock.now())


def test_steps_are_not_offered_to_other_roles():
    clock = FixedClock(T0)
    case = started(clock)
    advance_to(case, S.APPROVE, clock)
    assert _action_keys(case, GM, clock.now()) == ["approve"]
    assert _action_keys(case, ASSESSOR, clock.now()) == ["classify"]
    with pytest.raises(WorkflowError, match="总经理"):
        perform(case, "approve", ASSESSOR, {"approval": "同意"}, clock.now(), SETTINGS)
