"""The aggregates record what happened to them (domain/events.py): the workflow engine on
the case, the slip transitions on the slip — typed, with the time the caller gave."""

from __future__ import annotations

from datetime import timedelta

import pytest
from wf_builders import (
    ASSESSOR,
    GM,
    HEAD,
    RECEPTION,
    T0,
    advance_to,
    do,
    internal_case,
    make_case,
    started,
)

from complaintdesk.domain import events as E
from complaintdesk.domain import slips as D
from complaintdesk.domain import steps as S
from complaintdesk.domain.clock import FixedClock
from complaintdesk.domain.records import (
    FaultSlip,
    Penalty,
    PenaltyKind,
    Responsibility,
    Role,
    Severity,
    SlipStatus,
)
from complaintdesk.domain.slips import approve, enforce, issue
from complaintdesk.domain.workflow import WorkflowSettings, action_slips, start_case
from complaintdesk.domain.workflow.flows import (
    APPROVE_SLIPS,
    ENFORCE_SLIPS,
    ISSUE_REWARDS,
    ISSUE_SLIPS,
    SIGN_SLIPS,
)


def test_registration_records_step_0_done_the_next_step_opened_and_the_classification():
    clock = FixedClock(T0)
    case = started(clock)
    assert [type(e) for e in case.events] == [E.StepFinished, E.StepOpened, E.Classified]
    finished, opened, classified = case.events
    assert (finished.step_key, finished.seq, finished.by_user_id) == (S.REGISTER, 1,
                                                                        RECEPTION.id)
    assert opened.step_key == S.FORWARD and opened.at == T0 and opened.by is RECEPTION
    assert opened.case_id == case.id
    assert (opened.seq, opened.due_since) == (2, T0)
    assert opened.deadline == case.open_step.deadline
    assert classified.severity is None and classified.by is RECEPTION


def test_a_late_registration_is_a_breach_of_the_receivers_step_0():
    # 003 一.1: registered within 1 h of the complaint; 3 h later is a breach at registration
    case = make_case(complained_at=T0, registered_at=T0 + timedelta(hours=3))
    case.intake.receiver_employee_id = 77
    start_case(case, RECEPTION, WorkflowSettings(), T0 + timedelta(hours=3))
    [breach] = [e for e in case.events if isinstance(e, E.DeadlineBreached)]
    assert breach.at_registration and breach.employee_id == 77
    assert breach.step_key == S.REGISTER and breach.late_seconds == 2 * 3600
    assert breach.deadline == T0 + timedelta(hours=1)


def test_an_action_records_the_step_finished_then_what_it_caused():
    clock = FixedClock(T0)
    case = started(clock)
    case.events.clear()
    clock.advance(timedelta(minutes=30))
    do(case, clock)  # step 1 forwarded → step 2 opens; 一般: nobody is alerted of severity
    assert [type(e) for e in case.events] == [E.ActionTaken, E.StepFinished, E.StepOpened,
                                              E.Classified]
    taken, finished, opened, classified = case.events
    assert (taken.step_key, taken.action, taken.at) == (S.FORWARD, "forward", clock.now())
    assert (finished.step_key, finished.outcome, finished.at) == (S.FORWARD, "done",
                                                                  clock.now())
    assert opened.step_key == S.ASSIGN and opened.department_id is not None
    assert classified.before_severity is None and classified.severity is not None


def test_an_important_classification_raises_two_notices_with_their_place_in_the_action():
    """000 二(二)3: the department head and the GM; the notices carry the severity (the
    severity alert tells them, not a plain notice) and their place among the action's
    events (part of the alert key of earlier versions)."""
    clock = FixedClock(T0)
    case = started(clock)
    case.events.clear()
    events = do(case, clock, severity="important").events
    notices = [e for e in events if isinstance(e, E.NoticeRaised)]
    assert [n.ordinal for n in notices] == [events.index(n) for n in notices] == [2, 3]
    assert {n.severity for n in notices} == {Severity.IMPORTANT}
    assert [n.to_roles for n in notices] == [(Role.DEPT_HEAD,), (Role.GENERAL_MANAGER,)]
    assert isinstance(events[-1], E.Classified) and events[-1].severity is Severity.IMPORTANT


def test_the_issue_step_records_the_slips_it_issued():
    clock = FixedClock(T0)
    case = started(clock)
    advance_to(case, S.ISSUE_SLIPS, clock)
    case.events.clear()
    do(case, clock, slip_ids=[5, 6], no_responsible=False)
    [issued] = [e for e in case.events if isinstance(e, E.CaseSlipsIssued)]
    assert (issued.step_key, issued.slip_ids, issued.by) == (S.ISSUE_SLIPS, (5, 6), ASSESSOR)


def test_every_event_of_an_action_has_an_audit_name():
    clock = FixedClock(T0)
    case = started(clock)
    advance_to(case, S.HANDLE, clock)
    result = do(case, clock)
    assert [E.audit_entry(e)["kind"] for e in result.events] == ["step_finished",
                                                                 "step_opened"]
    assert E.audit_entry(result.events[0])["user"] is not None
    assert E.audit_entry(result.events[1])["user"] is None  # nobody acted on it yet


def test_a_late_step_records_a_breach_against_its_holder():
    clock = FixedClock(T0)
    case = started(clock)
    advance_to(case, S.ASSIGN, clock)
    case.events.clear()
    clock.advance(timedelta(days=3))  # far past step 2's deadline
    do(case, clock)
    [breach] = [e for e in case.events if isinstance(e, E.DeadlineBreached)]
    assert breach.step_key == S.ASSIGN and breach.holder_user_id == HEAD.id
    assert not breach.at_registration and breach.late_seconds > 0


def test_the_flow_tables_say_what_an_action_does_to_slips():
    clock = FixedClock(T0)
    case = started(clock)
    advance_to(case, S.ISSUE_SLIPS, clock)
    assert action_slips(case, "issue_slips") == ISSUE_SLIPS
    assert action_slips(case, "no_such_action") == ""
    advance_to(case, S.EVALUATE, clock)
    assert action_slips(case, "evaluate") == ISSUE_REWARDS
    advance_to(case, S.APPROVE, clock)
    assert action_slips(case, "approve") == APPROVE_SLIPS
    advance_to(case, S.ENFORCE, clock)
    assert action_slips(case, "enforce") == ENFORCE_SLIPS
    case.events.clear()
    do(case, clock)  # enforce: the approved slips are to take effect; the case closes
    kinds = [type(e) for e in case.events]
    assert E.EnforcementOrdered in kinds and E.CaseClosed in kinds
    assert kinds.index(E.CaseClosed) < kinds.index(E.EnforcementOrdered)


def test_the_department_heads_signature_carries_his_opinion():
    clock = FixedClock(T0)
    case = internal_case(clock)
    advance_to(case, S.IC_DEPT_SIGN, clock)
    assert action_slips(case, "ic_dept_sign") == SIGN_SLIPS
    case.events.clear()
    do(case, clock, opinion="同意，按制度处罚")
    [signed] = [e for e in case.events if isinstance(e, E.SlipsSigned)]
    assert signed.opinion == "同意，按制度处罚" and signed.by == HEAD


def test_a_slip_records_each_status_it_takes():
    slip = FaultSlip(7, "", 1, 100, 10, "销售顾问", "未告知", Responsibility.MAIN,
                     [Penalty(PenaltyKind.FINE, amount=50)])
    issue(slip, "GS-202611-0001", ASSESSOR, T0)
    approve(slip, HEAD, "", T0 + timedelta(hours=1))
    enforce(slip, ASSESSOR, T0 + timedelta(hours=2))
    assert [type(e) for e in slip.events] == [E.SlipIssued, E.SlipApproved, E.SlipEnforced]
    assert slip.events[0].number == "GS-202611-0001" and slip.events[0].slip_id == 7
    assert [e.at for e in slip.events] == [T0, T0 + timedelta(hours=1), T0 + timedelta(hours=2)]
    assert slip.status is SlipStatus.ENFORCED


def test_a_slip_records_every_change_that_keeps_its_status_as_slip_changed():
    """Whom a slip waits on changes without a change of status too (an acknowledged slip
    no longer waits on its employee, a reviewed appeal waits on the GM): each such change
    is an event, its `what` the history line's; a status change is its own event only."""
    slip = FaultSlip(7, "", 1, 100, 10, "销售顾问", "未告知", Responsibility.MAIN,
                     [Penalty(PenaltyKind.FINE, amount=50)])
    at = [T0 + timedelta(hours=h) for h in range(10)]
    D.record_dept_opinion(slip, HEAD, "同意", at[0])
    D.change_penalties(slip, [Penalty(PenaltyKind.FINE, amount=30)], ASSESSOR, "初犯", at[1])
    issue(slip, "GS-202611-0001", ASSESSOR, at[2])
    D.acknowledge(slip, at[3])  # the employee without an account: by nobody
    approve(slip, HEAD, "同意", at[4])  # its opinion is part of the approval
    enforce(slip, ASSESSOR, at[5])
    D.file_appeal(slip, "不服", at[6])
    D.review_appeal(slip, ASSESSOR, "属实", at[7])
    D.decide_appeal(slip, HEAD, "upheld", None, "维持", at[8])
    D.inform_gm(slip, GM, at[9])
    assert [(type(e), getattr(e, "what", None)) for e in slip.events] == [
        (E.SlipChanged, D.DEPT_OPINION), (E.SlipChanged, D.PENALTIES), (E.SlipIssued, None),
        (E.SlipChanged, D.ACKNOWLEDGED), (E.SlipApproved, None), (E.SlipEnforced, None),
        (E.SlipAppealed, None), (E.SlipChanged, D.APPEAL_REVIEW),
        (E.SlipAppealDecided, None), (E.SlipChanged, D.GM_INFORMED)]
    assert [e.at for e in slip.events] == at
    assert [e.by_user_id for e in slip.events] == [
        HEAD.id, ASSESSOR.id, ASSESSOR.id, None, HEAD.id, ASSESSOR.id, None, ASSESSOR.id,
        HEAD.id, GM.id]
    assert all(e.slip_id == 7 and e.case_id == 1 for e in slip.events)


def test_events_are_not_part_of_a_records_value():
    clock = FixedClock(T0)
    a, b = started(clock), started(clock)
    b.events.clear()
    assert a == b


@pytest.mark.parametrize("event", [E.CaseClosed(1, T0), E.StepOpened(1, "x", None, T0)])
def test_events_are_frozen(event):
    with pytest.raises(AttributeError):
        event.case_id = 2  # type: ignore[misc]
