"""Internal complaints (DESIGN §4.2, seed 003 二) and out-of-shop rework orders (§4.3, 003 三),
step by step at their deadlines' boundaries."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

import pytest
from wf_builders import (
    ADMIN_DEPT,
    ADVISOR,
    AFTER_SALES,
    ASSESSOR,
    ASSESSOR_AS,
    CS,
    GM,
    HEAD,
    HEAD_AS,
    RECEPTION,
    SALES,
    SETTINGS,
    SUP,
    SUP_AS,
    T0,
    advance_to,
    do,
    internal_case,
    keys,
    local,
    make_case,
    rework_case,
)

from complaintdesk.domain import events as E
from complaintdesk.domain import steps as S
from complaintdesk.domain.clock import FixedClock
from complaintdesk.domain.records import CaseStatus, FlowKind, Role
from complaintdesk.domain.workflow import (
    StepStatus,
    WorkflowError,
    available_actions,
    perform,
    start_case,
    step_status,
)

INTERNAL_ROUTE = [S.IC_REPORT, S.IC_OPEN, S.IC_INVESTIGATE, S.IC_REVIEW, S.IC_DEPT_SIGN,
                  S.IC_EVALUATE, S.IC_APPROVE, S.IC_ENFORCE]
REWORK_ROUTE = [S.RW_OPEN, S.RW_COMPLETE, S.RW_HANDOVER, S.RW_INVESTIGATE, S.RW_REVIEW,
                S.RW_FORWARD_GM, S.RW_APPROVE, S.RW_ENFORCE, S.RW_REVISIT]


def _offered(case, user, now) -> list[str]:
    return [a.key for a in available_actions(case, user, now)]


def _notices(events, reason: str):
    return [e for e in events if isinstance(e, E.NoticeRaised) and e.reason == reason]


# ---- §4.2 internal complaint ----------------------------------------------------------
def test_internal_complaint_walks_every_step_to_closed():
    clock = FixedClock(T0)
    case = internal_case(clock)
    assert case.current_step == S.IC_OPEN
    advance_to(case, S.IC_ENFORCE, clock)
    do(case, clock)
    assert keys(case) == INTERNAL_ROUTE  # same department: no forward step
    assert case.status is CaseStatus.CLOSED and case.open_step is None
    assert not any(s.breach for s in case.steps)


def test_internal_complaint_needs_the_reported_department():
    case = make_case(flow=FlowKind.INTERNAL)
    with pytest.raises(WorkflowError, match="被投诉部门"):
        start_case(case, RECEPTION, SETTINGS, T0)
    assert case.steps == []


def test_report_within_1h_of_the_incident_and_later_is_recorded_as_late():
    clock = FixedClock(T0)
    on_time = internal_case(clock, reported_at=T0 - timedelta(hours=1))
    assert not on_time.steps[0].breach
    late = internal_case(clock, reported_at=T0 - timedelta(hours=1, seconds=1))
    assert late.steps[0].breach and late.steps[0].actor_user_id == RECEPTION.id
    assert late.current_step == S.IC_OPEN  # recorded, the complaint goes on


def test_report_goes_to_the_reporters_departments_own_assessor():
    # 二.1: 售后服务部 has its own 考核主管; its head does not receive the report
    clock = FixedClock(T0)
    case = internal_case(clock, reporter_dept=AFTER_SALES, reported_dept=AFTER_SALES,
                         own_assessors=(AFTER_SALES,))
    opened = case.open_step
    assert opened.deadline == opened.due_since + timedelta(hours=1)  # 立即 = 1 h
    assert _offered(case, ASSESSOR_AS, clock.now()) == ["ic_open"]
    assert _offered(case, ASSESSOR, clock.now()) == ["ic_open"]  # the company's may take over
    assert _offered(case, HEAD_AS, clock.now()) == []
    perform(case, "ic_open", ASSESSOR_AS, {"department_id": AFTER_SALES}, clock.now(), SETTINGS)
    assert case.current_step == S.IC_INVESTIGATE


def test_a_department_assessor_cannot_take_another_departments_report():
    clock = FixedClock(T0)
    case = internal_case(clock, reporter_dept=SALES, reported_dept=SALES,
                         own_assessors=(AFTER_SALES,))
    assert _offered(case, ASSESSOR_AS, clock.now()) == []
    with pytest.raises(WorkflowError, match="考核主管"):
        perform(case, "ic_open", ASSESSOR_AS, {"department_id": SALES}, clock.now(), SETTINGS)


def test_without_an_own_assessor_the_department_head_receives_and_passes_it_on():
    # 二.1: 如本部门没有考核主管则上报部门负责人
    clock = FixedClock(T0)
    case = internal_case(clock, reporter_dept=SALES, reported_dept=SALES)
    assert _offered(case, HEAD, clock.now()) == ["ic_pass_on"]
    assert _offered(case, HEAD_AS, clock.now()) == []  # another department's head
    clock.advance(minutes=20)
    result = perform(case, "ic_pass_on", HEAD, {}, clock.now(), SETTINGS)
    step = case.open_step
    assert step.step_key == S.IC_OPEN and step.data["passed_on_by_user_id"] == HEAD.id
    notice, = _notices(result.events, "部门负责人转交内部投诉")
    assert notice.to_roles == (Role.ASSESSOR,) and notice.department_id == ADMIN_DEPT
    with pytest.raises(WorkflowError):  # the head does not fill the form himself
        perform(case, "ic_open", HEAD, {"department_id": SALES}, clock.now(), SETTINGS)
    clock.set(step.due_since + timedelta(hours=1))
    do(case, clock)
    assert not step.breach and step.actor_user_id == ASSESSOR.id


def test_filling_the_form_later_than_1h_is_a_breach_of_the_assessor():
    clock = FixedClock(T0)
    case = internal_case(clock)
    step = case.open_step
    clock.set(step.deadline + timedelta(seconds=1))
    do(case, clock)
    assert step.breach


def test_cross_department_complaint_is_forwarded_within_1h_to_the_reported_departments_assessor():
    # 二.2: 销售部 reports 售后服务部, which has its own 考核主管
    clock = FixedClock(T0)
    case = internal_case(clock, reporter_dept=SALES, reported_dept=SALES,
                         own_assessors=(AFTER_SALES,))
    clock.advance(minutes=10)
    perform(case, "ic_open", ASSESSOR, {"department_id": AFTER_SALES,
                                        "supervisor_user_id": SUP_AS.id}, clock.now(), SETTINGS)
    assert case.department_id == AFTER_SALES and case.supervisor_user_id == SUP_AS.id
    step = case.open_step
    assert step.step_key == S.IC_FORWARD
    assert step.deadline == clock.now() + timedelta(hours=1)
    assert _offered(case, ASSESSOR_AS, clock.now()) == []  # the receiving side forwards
    clock.set(step.deadline)
    result = do(case, clock)
    assert not step.breach and step.data["to_department_id"] == AFTER_SALES
    notice, = _notices(result.events, "跨部门内部投诉转交")
    assert notice.department_id == AFTER_SALES
    assert case.current_step == S.IC_INVESTIGATE
    perform(case, "ic_investigate", SUP_AS, {"findings": "属实"}, clock.now(), SETTINGS)
    # from now on the reported department's own 考核主管 (or the company's) holds the case
    assert "ic_review" in _offered(case, ASSESSOR_AS, clock.now())


def test_cross_department_forward_later_than_1h_is_a_breach():
    clock = FixedClock(T0)
    case = internal_case(clock, reporter_dept=AFTER_SALES, reported_dept=AFTER_SALES,
                         own_assessors=(AFTER_SALES,))
    perform(case, "ic_open", ASSESSOR_AS, {"department_id": SALES}, clock.now(), SETTINGS)
    step = case.open_step
    assert step.step_key == S.IC_FORWARD
    assert _offered(case, ASSESSOR_AS, clock.now()) == ["ic_forward"]
    clock.set(step.deadline + timedelta(seconds=1))
    perform(case, "ic_forward", ASSESSOR_AS, {}, clock.now(), SETTINGS)
    assert step.breach and step.data["to_department_id"] is None  # 销售部: the company's
    # the reported department has no own 考核主管: 售后's may no longer act on it
    perform(case, "ic_investigate", SUP, {"findings": "属实"}, clock.now(), SETTINGS)
    assert _offered(case, ASSESSOR_AS, clock.now()) == []
    assert "ic_review" in _offered(case, ASSESSOR, clock.now())


def test_cross_department_without_any_own_assessor_needs_no_forward():
    clock = FixedClock(T0)
    case = internal_case(clock, reporter_dept=SALES, reported_dept=SALES)
    perform(case, "ic_open", ASSESSOR, {"department_id": AFTER_SALES}, clock.now(), SETTINGS)
    assert case.current_step == S.IC_INVESTIGATE and case.department_id == AFTER_SALES


def test_investigation_is_for_a_supervisor_of_the_reported_department_within_1_day():
    clock = FixedClock(T0)
    case = internal_case(clock)
    do(case, clock)
    step = case.open_step
    assert step.step_key == S.IC_INVESTIGATE
    assert step.deadline == step.due_since + timedelta(days=1)
    assert available_actions(case, SUP_AS, clock.now()) == []
    with pytest.raises(WorkflowError, match="业务主管"):
        perform(case, "ic_investigate", SUP_AS, {"findings": "x"}, clock.now(), SETTINGS)
    clock.set(step.deadline)
    do(case, clock)
    assert not step.breach and step.actor_user_id == SUP.id


def test_review_in_1_day_then_the_dept_head_signs_the_same_day():
    clock = FixedClock(local(2026, 11, 2, 16))
    case = internal_case(clock)
    advance_to(case, S.IC_REVIEW, clock)
    review = case.open_step
    assert review.deadline == review.due_since + timedelta(days=1)
    with pytest.raises(WorkflowError, match="过失单"):
        perform(case, "ic_review", ASSESSOR, {"review": "属实"}, clock.now(), SETTINGS)
    clock.set(review.deadline)
    do(case, clock)
    sign = case.open_step
    assert sign.step_key == S.IC_DEPT_SIGN and not review.breach
    assert sign.deadline == local(2026, 11, 3, 23, 59, 59)  # 当日 of the day it became due
    clock.set(sign.deadline + timedelta(seconds=1))
    do(case, clock)
    assert sign.breach


def test_evaluation_within_24h_tells_the_reporting_departments_head():
    # 二.5: 将被投诉部门的处理意见告知投诉部门负责人
    clock = FixedClock(T0)
    case = internal_case(clock, reporter_dept=AFTER_SALES, reported_dept=SALES)
    perform(case, "ic_open", ASSESSOR, {"department_id": SALES}, clock.now(), SETTINGS)
    advance_to(case, S.IC_EVALUATE, clock)
    step = case.open_step
    assert step.deadline == step.due_since + timedelta(hours=24)
    clock.set(step.deadline)
    result = do(case, clock, evaluation="处理及时")
    notice, = _notices(result.events, "内部投诉处理意见")
    assert notice.to_roles == (Role.DEPT_HEAD,) and notice.department_id == AFTER_SALES
    assert step.data["notified_department_id"] == AFTER_SALES and not step.breach
    assert case.current_step == S.IC_APPROVE


def test_gm_signs_the_same_day_and_his_opinion_is_fed_back_within_24h():
    clock = FixedClock(local(2026, 11, 2, 9))
    case = internal_case(clock, reporter_dept=AFTER_SALES, reported_dept=SALES)
    perform(case, "ic_open", ASSESSOR, {"department_id": SALES}, clock.now(), SETTINGS)
    advance_to(case, S.IC_APPROVE, clock)
    approve = case.open_step
    assert approve.deadline.astimezone(SETTINGS.zone).strftime("%H:%M:%S") == "23:59:59"
    do(case, clock, approval="同意，全店通报")
    enforce = case.open_step
    assert enforce.deadline == enforce.due_since + timedelta(hours=24)
    clock.set(enforce.deadline + timedelta(seconds=1))
    result = do(case, clock)
    assert enforce.breach and case.status is CaseStatus.CLOSED
    assert enforce.data["gm_opinion"] == "同意，全店通报"
    told = {e.department_id for e in _notices(result.events, "总经理意见反馈")}
    assert told == {SALES, AFTER_SALES}  # 二.6: 反馈给相关部门负责人


def test_a_case_registered_before_the_routing_snapshot_still_opens_and_any_assessor_acts():
    # existing databases: no routing data on the report step
    clock = FixedClock(T0)
    case = make_case(flow=FlowKind.INTERNAL, department_id=SALES)
    start_case(case, RECEPTION, SETTINGS, T0)
    assert _offered(case, ASSESSOR_AS, clock.now()) == ["ic_open"]
    assert _offered(case, HEAD, clock.now()) == []
    perform(case, "ic_open", ASSESSOR_AS, {"department_id": AFTER_SALES}, clock.now(), SETTINGS)
    assert case.current_step == S.IC_INVESTIGATE  # no routing: nothing to forward


# ---- §4.3 out-of-shop rework -----------------------------------------------------------
def test_rework_order_walks_every_step_to_closed():
    clock = FixedClock(T0)
    case = rework_case(clock)
    assert case.current_step == S.RW_COMPLETE and case.steps[0].deadline is None
    advance_to(case, S.RW_REVISIT, clock)
    do(case, clock)
    assert keys(case) == REWORK_ROUTE
    assert case.status is CaseStatus.CLOSED and not any(s.breach for s in case.steps)


def test_rework_order_needs_its_department():
    with pytest.raises(WorkflowError, match="所属部门"):
        start_case(make_case(flow=FlowKind.REWORK), ADVISOR, SETTINGS, T0)


def test_no_clock_runs_before_completion_however_long_the_repair_takes():
    clock = FixedClock(T0)
    case = rework_case(clock)
    step = case.open_step
    clock.advance(days=9)
    assert step.deadline is None and step_status(step, clock.now()) is StepStatus.NORMAL
    with pytest.raises(WorkflowError, match="竣工时间"):
        perform(case, "rw_report", ADVISOR, {}, clock.now(), SETTINGS)


def test_only_a_service_advisor_records_completion_and_reports():
    clock = FixedClock(T0)
    case = rework_case(clock)
    assert _offered(case, ADVISOR, clock.now()) == ["rw_record_completion", "rw_report"]
    for other in (RECEPTION, SUP_AS, HEAD_AS, ASSESSOR, CS):
        assert _offered(case, other, clock.now()) == []
        with pytest.raises(WorkflowError, match="维修顾问"):
            perform(case, "rw_report", other, {"completed_at": clock.now()}, clock.now(),
                    SETTINGS)


def test_completion_later_than_opening_gives_the_same_day_of_completion():
    clock = FixedClock(local(2026, 11, 2, 9))  # opened Monday
    case = rework_case(clock)
    step = case.open_step
    clock.set(local(2026, 11, 4, 15, 30))  # 竣工 Wednesday afternoon
    perform(case, "rw_record_completion", ADVISOR, {"completed_at": clock.now()}, clock.now(),
            SETTINGS)
    assert case.current_step == S.RW_COMPLETE
    assert step.due_since == local(2026, 11, 4, 15, 30)
    assert step.deadline == local(2026, 11, 4, 23, 59, 59)
    clock.set(step.deadline)
    perform(case, "rw_report", ADVISOR, {}, clock.now(), SETTINGS)
    assert not step.breach and step.data["completed_at"] == local(2026, 11, 4, 15, 30).isoformat()
    # the front-desk supervisor's 24 h run from the report, not from opening or 竣工
    handover = case.open_step
    assert handover.step_key == S.RW_HANDOVER
    assert handover.deadline == local(2026, 11, 4, 23, 59, 59) + timedelta(hours=24)


def test_reporting_the_day_after_completion_is_a_breach_of_the_advisor():
    clock = FixedClock(local(2026, 11, 2, 9))
    case = rework_case(clock)
    step = case.open_step
    clock.set(local(2026, 11, 5, 0, 0))
    perform(case, "rw_report", ADVISOR, {"completed_at": local(2026, 11, 4, 18)}, clock.now(),
            SETTINGS)
    assert step.breach and step.deadline == local(2026, 11, 4, 23, 59, 59)


def test_completion_time_must_lie_between_opening_and_now():
    clock = FixedClock(T0)
    case = rework_case(clock)
    clock.advance(hours=3)
    for bad, words in ((clock.now() + timedelta(minutes=1), "不能晚于现在"),
                       (T0 - timedelta(minutes=1), "不能早于开单时间")):
        with pytest.raises(WorkflowError, match=words) as exc:
            perform(case, "rw_record_completion", ADVISOR, {"completed_at": bad}, clock.now(),
                    SETTINGS)
        assert exc.value.field == "completed_at"
    assert case.open_step.deadline is None


def test_front_desk_supervisor_hands_over_within_24h_of_the_report():
    clock = FixedClock(T0)
    case = rework_case(clock)
    advance_to(case, S.RW_HANDOVER, clock)
    step = case.open_step
    assert step.deadline == step.due_since + timedelta(hours=24)
    clock.set(step.deadline)
    do(case, clock)
    assert not step.breach


def test_investigation_records_the_cs_revisit_assessment():
    clock = FixedClock(T0)
    case = rework_case(clock)
    advance_to(case, S.RW_INVESTIGATE, clock)
    with pytest.raises(WorkflowError, match="客服中心回访") as exc:
        do(case, clock, cs_revisit_assessment="")
    assert exc.value.field == "cs_revisit_assessment"
    do(case, clock)
    assert case.steps[-2].data["cs_revisit_assessment"] == "客服回访及时"


def test_rework_investigation_may_take_2_days_at_most_when_asked_within_24h():
    clock = FixedClock(T0)
    case = rework_case(clock)
    advance_to(case, S.RW_INVESTIGATE, clock)
    step = case.open_step
    assert step.deadline == step.due_since + timedelta(hours=24)
    with pytest.raises(WorkflowError, match="原因"):
        perform(case, "rw_need_more_time", ASSESSOR, {}, clock.now(), SETTINGS)
    clock.set(step.due_since + timedelta(hours=24))  # the last second it may be asked
    perform(case, "rw_need_more_time", ASSESSOR, {"reason": "等待配件厂鉴定"}, clock.now(),
            SETTINGS)
    assert step.deadline == step.due_since + timedelta(hours=48)
    assert step.extensions[0]["reason"] == "等待配件厂鉴定"
    with pytest.raises(WorkflowError, match="不能重复"):  # never more than 2 days
        perform(case, "rw_need_more_time", ASSESSOR, {"reason": "再等"}, clock.now(), SETTINGS)
    clock.set(step.due_since + timedelta(hours=48))
    do(case, clock)
    assert not step.breach


def test_rework_investigation_after_2_days_is_a_breach():
    clock = FixedClock(T0)
    case = rework_case(clock)
    advance_to(case, S.RW_INVESTIGATE, clock)
    step = case.open_step
    perform(case, "rw_need_more_time", ASSESSOR, {"reason": "等待鉴定"}, clock.now(), SETTINGS)
    clock.set(step.due_since + timedelta(hours=48, seconds=1))
    do(case, clock)
    assert step.breach


def test_rework_extension_after_the_first_24h_is_refused():
    clock = FixedClock(T0)
    case = rework_case(clock)
    advance_to(case, S.RW_INVESTIGATE, clock)
    clock.advance(hours=24, seconds=1)
    with pytest.raises(WorkflowError, match="现已超过"):
        perform(case, "rw_need_more_time", ASSESSOR, {"reason": "x"}, clock.now(), SETTINGS)


def test_review_24h_then_forwarded_to_the_gm_the_same_day_and_signed_the_same_day():
    clock = FixedClock(local(2026, 11, 2, 9))
    case = rework_case(clock)
    advance_to(case, S.RW_REVIEW, clock)
    review = case.open_step
    assert review.deadline == review.due_since + timedelta(hours=24)
    with pytest.raises(WorkflowError, match="责任部门负责人"):
        perform(case, "rw_review", HEAD, {"opinion": "同意"}, clock.now(), SETTINGS)
    clock.set(local(2026, 11, 3, 8))
    do(case, clock)
    forward = case.open_step
    assert forward.step_key == S.RW_FORWARD_GM
    assert forward.deadline == local(2026, 11, 3, 23, 59, 59)
    clock.set(forward.deadline)
    do(case, clock)
    approve = case.open_step
    assert approve.step_key == S.RW_APPROVE and not forward.breach
    assert approve.deadline == local(2026, 11, 3, 23, 59, 59)
    with pytest.raises(WorkflowError):
        perform(case, "rw_approve", ASSESSOR, {"approval": "同意"}, clock.now(), SETTINGS)
    perform(case, "rw_approve", GM, {"approval": "同意"}, clock.now(), SETTINGS)


def test_feedback_to_the_service_manager_within_24h_then_cs_revisits_in_2_days():
    clock = FixedClock(T0)
    case = rework_case(clock)
    advance_to(case, S.RW_ENFORCE, clock)
    enforce = case.open_step
    assert enforce.deadline == enforce.due_since + timedelta(hours=24)
    clock.set(enforce.deadline)
    result = do(case, clock)
    notice, = _notices(result.events, "总经理意见反馈")
    assert notice.department_id == AFTER_SALES and notice.to_roles == (Role.DEPT_HEAD,)
    revisit = case.open_step
    assert revisit.step_key == S.RW_REVISIT
    assert revisit.deadline == revisit.due_since + timedelta(days=2)
    clock.set(revisit.deadline + timedelta(seconds=1))
    do(case, clock)
    assert revisit.breach and case.status is CaseStatus.CLOSED


def test_the_revisit_time_limit_is_a_setting():
    settings = replace(SETTINGS, rework_revisit_days=3)
    clock = FixedClock(T0)
    case = rework_case(clock)
    while case.open_step.step_key != S.RW_REVISIT:
        clock.advance(minutes=30)
        do(case, clock, settings=settings)
    step = case.open_step
    assert step.deadline == step.due_since + timedelta(days=3)


def test_unsatisfied_rework_revisit_closes_but_notifies_the_assessor():
    clock = FixedClock(T0)
    case = rework_case(clock)
    advance_to(case, S.RW_REVISIT, clock)
    events = do(case, clock, satisfaction="不满意").events
    assert case.status is CaseStatus.CLOSED and case.reopen_count == 0
    assert any(isinstance(e, E.NoticeRaised) and "assessor" in e.to_roles for e in events)


def test_an_old_rework_order_in_flight_continues_on_the_new_route():
    # opened before 竣工上报 existed: it sits at 前台主管转交 and goes on from there
    clock = FixedClock(T0)
    case = rework_case(clock)
    case.steps = case.steps[:1]
    from complaintdesk.domain.workflow import flow_for
    from complaintdesk.domain.workflow.transitions import open_step
    open_step(case, flow_for(FlowKind.REWORK), S.RW_HANDOVER, T0, SETTINGS, [])
    advance_to(case, S.RW_REVISIT, clock)
    assert keys(case) == [S.RW_OPEN, S.RW_HANDOVER, S.RW_INVESTIGATE, S.RW_REVIEW,
                          S.RW_FORWARD_GM, S.RW_APPROVE, S.RW_ENFORCE, S.RW_REVISIT]
