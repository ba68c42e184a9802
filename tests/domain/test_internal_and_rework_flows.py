"""Internal complaints (DESIGN §4.2) and out-of-shop rework orders (§4.3) end to end."""

from __future__ import annotations

from datetime import timedelta

import pytest
from wf_builders import (
    AFTER_SALES,
    ASSESSOR,
    CS,
    HEAD,
    RECEPTION,
    SALES,
    SETTINGS,
    SUP,
    SUP_AS,
    T0,
    advance_to,
    do,
    keys,
    local,
    make_case,
)

from complaintdesk.domain import steps as S
from complaintdesk.domain.clock import FixedClock
from complaintdesk.domain.records import CaseStatus, FlowKind
from complaintdesk.domain.workflow import WorkflowError, available_actions, perform, start_case

INTERNAL_ROUTE = [S.IC_REPORT, S.IC_INVESTIGATE, S.IC_REVIEW, S.IC_DEPT_SIGN, S.IC_EVALUATE,
                  S.IC_APPROVE, S.IC_ENFORCE]
REWORK_ROUTE = [S.RW_OPEN, S.RW_HANDOVER, S.RW_INVESTIGATE, S.RW_REVIEW, S.RW_APPROVE,
                S.RW_ENFORCE, S.RW_REVISIT]


def _internal(clock: FixedClock, reported_at=None):
    case = make_case(flow=FlowKind.INTERNAL, complained_at=reported_at or clock.now(),
                     registered_at=clock.now(), department_id=SALES)
    start_case(case, RECEPTION, SETTINGS, clock.now())
    return case


def _rework(clock: FixedClock):
    case = make_case(flow=FlowKind.REWORK, complained_at=clock.now(),
                     registered_at=clock.now(), department_id=AFTER_SALES)
    start_case(case, RECEPTION, SETTINGS, clock.now())
    return case


def test_internal_complaint_walks_to_its_penalty_and_closes():
    clock = FixedClock(T0)
    case = _internal(clock)
    assert case.current_step == S.IC_INVESTIGATE
    advance_to(case, S.IC_ENFORCE, clock)
    do(case, clock)
    assert keys(case) == INTERNAL_ROUTE
    assert case.status is CaseStatus.CLOSED and case.open_step is None
    assert not any(s.breach for s in case.steps)


def test_internal_complaint_needs_the_reported_department():
    case = make_case(flow=FlowKind.INTERNAL)
    with pytest.raises(WorkflowError, match="被投诉部门"):
        start_case(case, RECEPTION, SETTINGS, T0)
    assert case.steps == []


def test_internal_report_later_than_1h_is_a_breach_of_the_reporter():
    clock = FixedClock(T0)
    case = _internal(clock, reported_at=T0 - timedelta(hours=1, seconds=1))
    assert case.steps[0].breach and case.steps[0].actor_user_id == RECEPTION.id


def test_internal_investigation_is_for_a_supervisor_of_the_reported_department_within_1_day():
    clock = FixedClock(T0)
    case = _internal(clock)
    step = case.open_step
    assert step.deadline == step.due_since + timedelta(days=1)
    assert available_actions(case, SUP_AS, clock.now()) == []
    with pytest.raises(WorkflowError, match="业务主管"):
        perform(case, "ic_investigate", SUP_AS, {"findings": "x"}, clock.now(), SETTINGS)
    clock.set(step.deadline + timedelta(seconds=1))
    do(case, clock)
    assert step.breach and step.actor_user_id == SUP.id


def test_internal_review_drafts_the_penalty_slip_and_dept_head_signs_the_same_day():
    clock = FixedClock(local(2026, 11, 2, 16))
    case = _internal(clock)
    advance_to(case, S.IC_REVIEW, clock)
    with pytest.raises(WorkflowError, match="过失单"):
        perform(case, "ic_review", ASSESSOR, {"review": "属实"}, clock.now(), SETTINGS)
    do(case, clock)
    assert case.open_step.step_key == S.IC_DEPT_SIGN
    assert case.open_step.deadline == local(2026, 11, 2, 23, 59, 59)


def test_internal_evaluation_requires_telling_the_reporting_department():
    clock = FixedClock(T0)
    case = _internal(clock)
    advance_to(case, S.IC_EVALUATE, clock)
    with pytest.raises(WorkflowError, match="已告知投诉部门负责人"):
        do(case, clock, notified=False)
    do(case, clock)
    assert case.current_step == S.IC_APPROVE


def test_rework_order_walks_to_the_customer_revisit_and_closes():
    clock = FixedClock(T0)
    case = _rework(clock)
    assert case.current_step == S.RW_HANDOVER and case.steps[0].deadline is None
    advance_to(case, S.RW_REVISIT, clock)
    do(case, clock)
    assert keys(case) == REWORK_ROUTE
    assert case.status is CaseStatus.CLOSED and case.open_step is None


def test_rework_order_needs_its_department():
    with pytest.raises(WorkflowError, match="所属部门"):
        start_case(make_case(flow=FlowKind.REWORK), RECEPTION, SETTINGS, T0)


def test_rework_investigation_may_take_2_days_at_most_when_asked_within_24h():
    clock = FixedClock(T0)
    case = _rework(clock)
    advance_to(case, S.RW_INVESTIGATE, clock)
    step = case.open_step
    with pytest.raises(WorkflowError, match="原因"):
        perform(case, "rw_need_more_time", ASSESSOR, {}, clock.now(), SETTINGS)
    perform(case, "rw_need_more_time", ASSESSOR, {"reason": "等待配件厂鉴定"}, clock.now(),
            SETTINGS)
    assert step.deadline == step.due_since + timedelta(hours=48)
    with pytest.raises(WorkflowError, match="不能重复"):
        perform(case, "rw_need_more_time", ASSESSOR, {"reason": "再等"}, clock.now(), SETTINGS)
    clock.set(step.due_since + timedelta(hours=48, seconds=1))
    do(case, clock)
    assert step.breach


def test_rework_extension_after_the_first_24h_is_refused():
    clock = FixedClock(T0)
    case = _rework(clock)
    advance_to(case, S.RW_INVESTIGATE, clock)
    clock.advance(hours=25)
    with pytest.raises(WorkflowError, match="现已超过"):
        perform(case, "rw_need_more_time", ASSESSOR, {"reason": "x"}, clock.now(), SETTINGS)


def test_rework_review_is_for_the_after_sales_head_only():
    clock = FixedClock(T0)
    case = _rework(clock)
    advance_to(case, S.RW_REVIEW, clock)
    with pytest.raises(WorkflowError, match="责任部门负责人"):
        perform(case, "rw_review", HEAD, {"opinion": "同意"}, clock.now(), SETTINGS)


def test_unsatisfied_rework_revisit_closes_but_notifies_the_assessor():
    clock = FixedClock(T0)
    case = _rework(clock)
    advance_to(case, S.RW_REVISIT, clock)
    events = do(case, clock, satisfaction="不满意").events
    assert case.status is CaseStatus.CLOSED and case.reopen_count == 0
    assert any(e.kind == "notify" and "assessor" in e.to_roles for e in events)


def test_rework_revisit_may_be_skipped():
    clock = FixedClock(T0)
    case = _rework(clock)
    advance_to(case, S.RW_REVISIT, clock)
    perform(case, "rw_skip_revisit", CS, {}, clock.now(), SETTINGS)
    assert case.status is CaseStatus.CLOSED and case.steps[-1].outcome == "skipped"
