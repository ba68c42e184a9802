"""Accountability use cases (DESIGN §6): a slip's life from the rules' proposal to the ledger."""

from datetime import timedelta

import pytest

from acc_builders import cast, employee_id, gm_signs, walk_to_approve, walk_to_issue
from complaintdesk.domain.records import FeedbackKind, Penalty, PenaltyKind, SlipStatus
from complaintdesk.services.accountability import RulesInvalid, SlipQuery
from complaintdesk.services.base import SYSTEM_USER
from complaintdesk.services.errors import PermissionDenied, ServiceError
from service_builders import intake, make_services


def test_slip_life_proposal_issue_gm_change_enforce_appeal_reduced_ledger(tmp_path):
    services, clock = make_services(tmp_path)
    c = cast(services)
    acc = services.accountability
    case = walk_to_issue(services, clock, c)
    [proposed] = acc.proposals_for_case(c.assessor, case.id)
    assert proposed.slip.status is SlipStatus.PROPOSED
    assert proposed.penalty_text == "罚款¥100、绩效扣分2分"
    assert proposed.clauses == ["一般投诉·主要责任：罚款100元，绩效扣2分"]
    assert proposed.slip.dept_opinion == "同意处罚，加强培训"

    case = walk_to_approve(services, clock, c, case)  # step 5 issues it
    issued = acc.slip(c.gm, proposed.slip.id)
    assert issued.slip.number == "GS-202611-0001" and issued.issuer_name == "郭平"
    step5 = next(s for s in case.steps if s.step_key == "issue_slips")
    assert step5.data["slip_ids"] == [proposed.slip.id] and step5.data["no_responsible"] is False

    # step 8: the GM changes the penalty (reason kept), then signs the case
    acc.change_penalties(c.gm, issued.slip.id, [Penalty(PenaltyKind.FINE, amount=200),
                                                 Penalty(PenaltyKind.POINTS, points=3)],
                         "客户损失较大，加重处罚")
    services.workflow.act(c.gm, case.id, "approve", gm_signs(services, case.id))
    assert acc.slip(c.gm, issued.slip.id).slip.status is SlipStatus.APPROVED
    assert acc.ledger(c.gm, "2026-11").employees == []  # not in the ledger before step 9

    clock.advance(timedelta(hours=1))
    services.workflow.act(c.assessor, case.id, "enforce", {"feedback_to_department": "已反馈"})
    view = acc.slip(c.zhao, issued.slip.id)
    assert view.slip.status is SlipStatus.ENFORCED and view.slip.gm_opinion == "同意"
    assert any("修改处罚" in h.text and h.by_name == "高远" and "加重" in h.reason
               for h in view.history)
    ledger = acc.ledger(c.assessor, "2026-11")
    [row] = ledger.employees
    assert (row.employee_name, row.fines_yuan, row.points_deducted, row.net_points) == (
        "赵磊", 200, 3, -3)
    assert ledger.slips[issued.slip.id].case_number == case.number

    # the employee appeals within 7 days; the assessor reviews; the GM reduces
    clock.advance(timedelta(days=2))
    assert "appeal" in view.actions
    acc.file_appeal(c.zhao, issued.slip.id, "客户事先已被告知，非本人过失")
    acc.review_appeal(c.assessor, issued.slip.id, "经核实部分属实")
    acc.decide_appeal(c.gm, issued.slip.id, "reduced", [Penalty(PenaltyKind.FINE, amount=50)],
                      "情节较轻")
    final = acc.slip(c.assessor, issued.slip.id)
    assert final.slip.status is SlipStatus.ENFORCED and final.penalty_text == "罚款¥50"
    [row] = acc.ledger(c.assessor, "2026-11").employees
    assert (row.fines_yuan, row.points_deducted, row.correction_yuan) == (50, 0, -150)
    [dept] = acc.ledger(c.assessor, "2026-11").departments
    assert dept.department_name == "售后服务部" and dept.fines_yuan == 50


def test_nobody_named_gives_no_responsible(tmp_path):
    services, clock = make_services(tmp_path)
    c = cast(services)
    case = walk_to_issue(services, clock, c, responsible=[])
    case = services.workflow.act(c.assessor, case.id, "issue_slips", {})
    step5 = next(s for s in case.steps if s.step_key == "issue_slips")
    assert step5.data["no_responsible"] is True and step5.outcome == "no_responsible"


def test_no_responsible_needs_pending_proposals_discarded_first(tmp_path):
    services, clock = make_services(tmp_path)
    c = cast(services)
    acc = services.accountability
    case = walk_to_issue(services, clock, c)
    with pytest.raises(ServiceError) as exc:
        services.workflow.act(c.assessor, case.id, "issue_slips", {"no_responsible": True})
    assert "不予开具" in exc.value.message
    [p] = acc.proposals_for_case(c.assessor, case.id)
    with pytest.raises(ServiceError) as exc:
        acc.discard(c.assessor, p.slip.id, "  ")
    assert "不予开具原因" in exc.value.message
    acc.discard(c.assessor, p.slip.id, "经核实客户误解，非员工过失")
    case = services.workflow.act(c.assessor, case.id, "issue_slips", {})
    step5 = next(s for s in case.steps if s.step_key == "issue_slips")
    assert step5.data["no_responsible"] is True
    assert acc.slip(c.assessor, p.slip.id).slip.status is SlipStatus.DISCARDED


def test_major_repeat_offence_doubles_the_proposal(tmp_path):
    services, clock = make_services(tmp_path)
    c = cast(services)
    first = walk_to_issue(services, clock, c)
    walk_to_approve(services, clock, c, first)
    clock.advance(timedelta(days=3))
    second = walk_to_issue(services, clock, c, severity="important")
    [p] = services.accountability.proposals_for_case(c.assessor, second.id)
    assert p.penalty_text == "罚款¥600、绩效扣分10分"  # 重要·主要 ¥300 −5, doubled
    assert "90天内再次过失" in p.proposal_notes


def test_a_late_step_proposes_a_breach_slip_for_its_holder(tmp_path):
    services, clock = make_services(tmp_path)
    c = cast(services)
    acc = services.accountability
    case = services.intake.register(SYSTEM_USER, intake(clock))
    services.workflow.act(c.cs, case.id, "forward", {
        "category": "维修质量", "severity": "normal", "department_id": c.dept_id})
    services.workflow.act(c.head, case.id, "assign", {"supervisor_user_id": c.supervisor.id})
    clock.advance(timedelta(hours=30))  # step 3 allows 24 h
    services.workflow.act(c.supervisor, case.id, "handle", {
        "process": "已处理", "solution_kind": "电话解答", "customer_attitude": "接受"})
    [breach] = acc.list_slips(c.assessor, SlipQuery(from_breach=True))
    assert breach.employee_name == "杨帆" and breach.slip.status is SlipStatus.PROPOSED
    assert breach.penalty_text == "警告、绩效扣分1分" and "主管处理" in breach.slip.facts
    assert set(breach.actions) >= {"issue", "discard"}
    issued = acc.issue(c.assessor, breach.slip.id)
    assert issued.slip.number == "GS-202611-0001"


def test_praise_proposes_a_reward_issued_at_evaluation(tmp_path):
    services, clock = make_services(tmp_path)
    c = cast(services)
    case = services.intake.register(SYSTEM_USER, intake(clock, kind=FeedbackKind.PRAISE))
    services.workflow.act(c.cs, case.id, "forward", {
        "category": "服务态度", "severity": "normal", "department_id": c.dept_id,
        "praised": [c.zhao_id]})
    services.workflow.act(c.head, case.id, "assign", {"supervisor_user_id": c.supervisor.id})
    services.workflow.act(c.cs, case.id, "revisit", {
        "method": "电话", "reached": True, "satisfaction": "满意"})
    services.workflow.act(c.assessor, case.id, "evaluate", {
        "evaluation": "好", "on_time": True, "proper": True})
    [reward] = services.accountability.proposals_for_case(c.assessor, case.id)
    assert reward.slip.is_reward and reward.slip.number == "JL-202611-0001"
    assert reward.penalty_text == "通报表扬、绩效加分2分"
    services.workflow.act(c.gm, case.id, "approve", gm_signs(services, case.id))
    services.workflow.act(c.assessor, case.id, "enforce", {"feedback_to_department": "通报"})
    [row] = services.accountability.ledger(c.gm, "2026-11").employees
    assert (row.reward_points, row.net_points, row.reward_count) == (2, 2, 1)


def test_rules_are_validated_on_save_and_used_for_proposals(tmp_path):
    services, clock = make_services(tmp_path)
    c = cast(services)
    acc = services.accountability
    rules = acc.rules()
    bad = [dict(r) for r in rules]
    bad[0] = {**bad[0], "severity": "huge", "penalties": [{"kind": "fine", "amount": -5}]}
    with pytest.raises(RulesInvalid) as exc:
        acc.save_rules(c.admin, bad)
    assert any(m.startswith("第1行（R-normal-main）：严重程度") for m in exc.value.messages)
    assert any("金额不能为负数" in m for m in exc.value.messages)
    with pytest.raises(PermissionDenied):
        acc.save_rules(c.assessor, rules)
    good = [dict(r) for r in rules]
    good[0] = {**good[0], "penalties": [{"kind": "fine", "amount": 80}]}
    acc.save_rules(c.admin, good)
    case = walk_to_issue(services, clock, c)
    [p] = acc.proposals_for_case(c.assessor, case.id)
    assert p.penalty_text == "罚款¥80"


def test_people_without_the_role_are_refused(tmp_path):
    services, clock = make_services(tmp_path)
    c = cast(services)
    acc = services.accountability
    case = walk_to_issue(services, clock, c)
    [p] = acc.proposals_for_case(c.assessor, case.id)
    with pytest.raises(ServiceError):
        services.workflow.act(c.reception, case.id, "issue_slips", {})
    with pytest.raises(PermissionDenied) as exc:
        acc.issue(c.zhao, p.slip.id)
    assert "行政部考核主管" in exc.value.message
    sales_head = services.people.save_user(SYSTEM_USER, type(c.head)(
        None, "xs", "张伟", frozenset(c.head.roles), 1, employee_id(services, "张伟")), "demo123")
    with pytest.raises(PermissionDenied):
        acc.change_penalties(sales_head, p.slip.id, [Penalty(PenaltyKind.WARNING)], "轻")
    with pytest.raises(PermissionDenied):
        acc.ledger(c.reception, "2026-11")
    # the responsible employee sees only their own slips
    assert [v.slip.id for v in acc.list_slips(c.zhao)] == [p.slip.id]
    assert acc.list_slips(c.cs) == []


def test_appeal_after_seven_days_is_refused(tmp_path):
    services, clock = make_services(tmp_path)
    c = cast(services)
    acc = services.accountability
    case = walk_to_approve(services, clock, c, walk_to_issue(services, clock, c))
    services.workflow.act(c.gm, case.id, "approve", gm_signs(services, case.id))
    services.workflow.act(c.assessor, case.id, "enforce", {"feedback_to_department": "已反馈"})
    [v] = acc.proposals_for_case(c.assessor, case.id)
    clock.advance(timedelta(days=8))
    with pytest.raises(ServiceError) as exc:
        acc.file_appeal(c.zhao, v.slip.id, "不服")
    assert "申诉期限已过" in exc.value.message


def _start(services, clock, c, flow):
    """An internal complaint / rework order about 售后服务部, started as the engine does."""
    from complaintdesk.domain.records import Case, FlowKind
    from complaintdesk.domain.workflow import start_case
    from complaintdesk.services.settings import workflow_settings
    from complaintdesk.storage.uow import UnitOfWork

    prefix = {FlowKind.INTERNAL: "NB", FlowKind.REWORK: "FX"}[flow]
    case = Case(id=None, number=f"{prefix}-202611-0001", flow=flow,
                kind=FeedbackKind.COMPLAINT, intake=intake(clock), registered_at=clock.now(),
                registered_by_user_id=c.reception.id, department_id=c.dept_id)
    with UnitOfWork(services.engine, bus=services.workflow.bus) as uow:
        start_case(case, c.reception, workflow_settings(uow, "Asia/Shanghai"), clock.now())
        uow.cases.add(case)
        uow.commit()
    return case


def test_internal_complaint_issues_a_penalty_slip_cf(tmp_path):
    from complaintdesk.domain.records import FlowKind

    services, clock = make_services(tmp_path)
    c = cast(services)
    wf, acc = services.workflow, services.accountability
    case = _start(services, clock, c, FlowKind.INTERNAL)
    wf.act(c.assessor, case.id, "ic_open", {"department_id": c.dept_id})
    wf.act(c.supervisor, case.id, "ic_investigate", {
        "findings": "未按流程登记维修委托",
        "responsible": [{"employee_id": c.zhao_id, "responsibility": "main"}]})
    [p] = acc.proposals_for_case(c.assessor, case.id)
    # judged by the internal-complaint rules (DESIGN §6), not as a 一般 customer complaint
    assert p.slip.status is SlipStatus.PROPOSED and p.penalty_text == "罚款¥50、绩效扣分1分"
    assert p.slip.rule_ids == ["R-internal-main"]
    wf.act(c.assessor, case.id, "ic_review", {"review": "属实"})
    wf.act(c.head, case.id, "ic_dept_sign", {"opinion": "同意处罚"})
    slip = acc.slip(c.assessor, p.slip.id)
    assert slip.slip.number == "CF-202611-0001" and slip.kind_label == "处罚单"
    assert slip.slip.dept_opinion == "同意处罚"
    wf.act(c.assessor, case.id, "ic_evaluate", {"evaluation": "好"})
    wf.act(c.gm, case.id, "ic_approve", gm_signs(services, case.id))
    wf.act(c.assessor, case.id, "ic_enforce", {"feedback_to_department": "已告知"})
    assert acc.slip(c.assessor, p.slip.id).slip.status is SlipStatus.ENFORCED


def test_rework_investigation_names_and_issues_the_fault_slips(tmp_path):
    from complaintdesk.domain.records import FlowKind

    services, clock = make_services(tmp_path)
    c = cast(services)
    wf, acc = services.workflow, services.accountability
    case = _start(services, clock, c, FlowKind.REWORK)
    wf.act(SYSTEM_USER, case.id, "rw_report", {"completed_at": clock.now()})  # 维修顾问
    wf.act(c.supervisor, case.id, "rw_handover", {"note": "转考核主管"})
    wf.act(c.assessor, case.id, "rw_investigate", {
        "findings": "首次维修未彻底排查", "cs_revisit_assessment": "客服中心回访及时",
        "responsible": [{"employee_id": c.zhao_id, "responsibility": "management"}]})
    [v] = acc.proposals_for_case(c.assessor, case.id)
    # the rework rules: 管理责任 警告, −1 (a customer complaint's 一般 row says 警告 only)
    assert v.slip.number == "GS-202611-0001" and v.penalty_text == "警告、绩效扣分1分"
    assert v.slip.rule_ids == ["R-rework-management"]
    step = next(s for s in wf_case(services, case.id).steps if s.step_key == "rw_investigate")
    assert step.data["slip_ids"] == [v.slip.id]


def wf_case(services, case_id):
    return services.cases.open_case(SYSTEM_USER, case_id).case
