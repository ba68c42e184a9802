"""Who may take which action (DESIGN §3): each action × each user, offered and enforced."""

from __future__ import annotations

import copy
from datetime import timedelta

import pytest
from wf_builders import (
    ADMIN,
    ADVISOR,
    AFTER_SALES,
    ASSESSOR,
    CS,
    CS2,
    EVERYONE,
    GM,
    HEAD,
    HEAD_AS,
    RECEPTION,
    SALES,
    SETTINGS,
    STANDARD,
    SUP,
    SUP2,
    SUP_AS,
    T0,
    advance_to,
    approve_solution,
    internal_case,
    make_case,
    user,
)

from complaintdesk.domain import steps as S
from complaintdesk.domain.clock import FixedClock
from complaintdesk.domain.records import FlowKind, Role
from complaintdesk.domain.workflow import (
    FLOWS,
    WorkflowError,
    available_actions,
    perform,
    start_case,
)

CS_OR_ASSESSOR = (CS, CS2, ASSESSOR)
EXTRA_DATA = {
    "handle_myself": {}, "mark_unreachable": {}, "skip": {}, "rw_skip_revisit": {},
    "classify": {"category": "服务态度", "severity": "major"},
    "extend_deadline": {"deadline": T0 + timedelta(days=10), "reason": "等待厂家鉴定"},
    "rw_need_more_time": {"reason": "等待鉴定"},
    "request_approval": {"solution_kind": "返修", "solution_text": "免费返修"},
    "approve_solution": {}, "return_solution": {"reason": "方案不完整"},
    "reassign": {"supervisor_user_id": SUP2.id},
    "forward_simple": {"category": "服务态度", "department_id": SALES},
    "ic_pass_on": {}, "rw_record_completion": {"completed_at": T0},
    "rw_report": {"completed_at": T0},
}
DATA = {**{a: d for a, _, d in STANDARD.values()}, **EXTRA_DATA}

# (flow, step, action) → who may take it; everyone else is refused
MATRIX = [
    (FlowKind.FEEDBACK, S.FORWARD, "forward", CS_OR_ASSESSOR),
    (FlowKind.FEEDBACK, S.FORWARD, "forward_simple", CS_OR_ASSESSOR),
    # DESIGN §4.8 "nobody there": the GM may take a department head's step
    (FlowKind.FEEDBACK, S.ASSIGN, "assign", (HEAD, GM)),
    (FlowKind.FEEDBACK, S.ASSIGN, "handle_myself", (HEAD, GM)),
    (FlowKind.FEEDBACK, S.HANDLE, "handle", (SUP,)),
    (FlowKind.FEEDBACK, S.HANDLE, "mark_unreachable", (SUP,)),
    (FlowKind.FEEDBACK, S.HANDLE, "request_approval", (SUP,)),
    (FlowKind.FEEDBACK, S.HANDLE, "approve_solution", (GM,)),  # 重大: the GM approves
    (FlowKind.FEEDBACK, S.HANDLE, "return_solution", (GM,)),
    (FlowKind.FEEDBACK, S.HANDLE, "reassign", (HEAD, GM)),
    (FlowKind.FEEDBACK, S.HANDLE, "extend_deadline", (ASSESSOR, GM, HEAD,)),
    (FlowKind.FEEDBACK, S.HANDLE, "classify", CS_OR_ASSESSOR),
    (FlowKind.FEEDBACK, S.DEPT_OPINION, "dept_opinion", (HEAD, GM)),
    (FlowKind.FEEDBACK, S.ISSUE_SLIPS, "issue_slips", (ASSESSOR,)),
    (FlowKind.FEEDBACK, S.REVISIT, "revisit", (CS, CS2,)),
    (FlowKind.FEEDBACK, S.REVISIT, "skip", (ASSESSOR,)),  # 无需回访: the assessor's call
    (FlowKind.FEEDBACK, S.EVALUATE, "evaluate", (ASSESSOR,)),
    (FlowKind.FEEDBACK, S.APPROVE, "approve", (GM,)),
    (FlowKind.FEEDBACK, S.ENFORCE, "enforce", (ASSESSOR,)),
    # reported by 销售部 (no own 考核主管: its head passes it on) about 销售部
    (FlowKind.INTERNAL, S.IC_OPEN, "ic_open", (ASSESSOR,)),
    (FlowKind.INTERNAL, S.IC_OPEN, "ic_pass_on", (HEAD,)),
    # reported by 售后服务部 (its own 考核主管 received it) about 销售部: forwarded
    (FlowKind.INTERNAL, S.IC_FORWARD, "ic_forward", (ASSESSOR,)),
    (FlowKind.INTERNAL, S.IC_INVESTIGATE, "ic_investigate", (SUP, SUP2,)),
    (FlowKind.INTERNAL, S.IC_REVIEW, "ic_review", (ASSESSOR,)),
    (FlowKind.INTERNAL, S.IC_DEPT_SIGN, "ic_dept_sign", (HEAD,)),
    (FlowKind.INTERNAL, S.IC_EVALUATE, "ic_evaluate", (ASSESSOR,)),
    (FlowKind.INTERNAL, S.IC_APPROVE, "ic_approve", (GM,)),
    (FlowKind.INTERNAL, S.IC_ENFORCE, "ic_enforce", (ASSESSOR,)),
    (FlowKind.REWORK, S.RW_COMPLETE, "rw_record_completion", (ADVISOR,)),
    (FlowKind.REWORK, S.RW_COMPLETE, "rw_report", (ADVISOR,)),
    (FlowKind.REWORK, S.RW_HANDOVER, "rw_handover", (SUP_AS,)),
    (FlowKind.REWORK, S.RW_INVESTIGATE, "rw_investigate", (ASSESSOR,)),
    (FlowKind.REWORK, S.RW_INVESTIGATE, "rw_need_more_time", (ASSESSOR,)),
    (FlowKind.REWORK, S.RW_REVIEW, "rw_review", (HEAD_AS,)),
    (FlowKind.REWORK, S.RW_FORWARD_GM, "rw_forward_gm", (ASSESSOR,)),
    (FlowKind.REWORK, S.RW_APPROVE, "rw_approve", (GM,)),
    (FlowKind.REWORK, S.RW_ENFORCE, "rw_enforce", (ASSESSOR,)),
    (FlowKind.REWORK, S.RW_REVISIT, "rw_revisit", (CS, CS2,)),
    (FlowKind.REWORK, S.RW_REVISIT, "rw_skip_revisit", CS_OR_ASSESSOR),
]


def _case_at(flow: FlowKind, step_key: str, severity: str = "major"):
    clock = FixedClock(T0)
    dept = {FlowKind.FEEDBACK: None, FlowKind.INTERNAL: SALES, FlowKind.REWORK: AFTER_SALES}
    if flow is FlowKind.INTERNAL:
        reporter = AFTER_SALES if step_key == S.IC_FORWARD else SALES
        case = internal_case(clock, reporter_dept=reporter, reported_dept=SALES,
                             own_assessors=(AFTER_SALES,))
    else:
        case = make_case(flow=flow, department_id=dept[flow])
        case.intake.resolved_on_spot = True  # lets step 1 offer the simple path too
        start_case(case, RECEPTION, SETTINGS, T0)
    advance_to(case, step_key, clock, step=timedelta(minutes=5), severity=severity)
    return case, clock.now()


# 重大 (the default above) has no 无需回访; the solution is submitted before it is approved
_SET_UP = {"skip": {"severity": "normal"}}


@pytest.mark.parametrize(("flow", "step_key", "action", "allowed"), MATRIX,
                         ids=[f"{m[1]}-{m[2]}" for m in MATRIX])
def test_action_is_offered_and_allowed_only_to_the_right_role_and_department(
        flow, step_key, action, allowed):
    case, now = _case_at(flow, step_key, **_SET_UP.get(action, {}))
    if action in ("approve_solution", "return_solution"):
        perform(case, "request_approval", SUP, DATA["request_approval"], now, SETTINGS)
    elif action == "handle":
        approve_solution(case, FixedClock(now))
    for u in EVERYONE:
        offered = action in [a.key for a in available_actions(case, u, now)]
        assert offered is (u in allowed), (action, u.username)
        trial = copy.deepcopy(case)
        if u in allowed:
            perform(trial, action, u, DATA[action], now, SETTINGS)
        else:
            with pytest.raises(WorkflowError):
                perform(trial, action, u, DATA[action], now, SETTINGS)
            assert trial.steps == case.steps  # a refusal changes nothing


def test_the_matrix_covers_every_action_of_every_step_that_has_one():
    covered = {(f, a) for f, _, a, _ in MATRIX}
    for flow in FLOWS.values():
        for step in flow.steps.values():
            for action in step.actions:
                if step.key != S.SECOND_REVISIT:
                    assert (flow.kind, action.key) in covered, action.key


def test_a_user_with_several_roles_gets_the_actions_of_each():
    both = user(20, Role.CS_CENTER, Role.ASSESSOR)
    case, now = _case_at(FlowKind.FEEDBACK, S.REVISIT, severity="normal")
    assert [a.key for a in available_actions(case, both, now)] == [
        "revisit", "skip", "classify"]


def test_an_inactive_account_may_do_nothing():
    former = user(21, Role.CS_CENTER, active=False)
    case, now = _case_at(FlowKind.FEEDBACK, S.FORWARD)
    assert available_actions(case, former, now) == []
    with pytest.raises(WorkflowError):
        perform(case, "forward", former, DATA["forward"], now, SETTINGS)


def test_anyone_may_register_feedback():
    for u in (RECEPTION, ADMIN, SUP_AS):
        case = make_case()
        start_case(case, u, SETTINGS, T0)
        assert case.steps[0].actor_user_id == u.id


def test_refusal_names_who_may_act():
    case, now = _case_at(FlowKind.FEEDBACK, S.ASSIGN)
    with pytest.raises(WorkflowError, match="责任部门负责人") as err:
        perform(case, "assign", HEAD_AS, DATA["assign"], now, SETTINGS)
    assert "代理人" in err.value.message_zh
