"""The complaint flow's special cases through the services (issue 14): a self-report walked
to a slip, a reopened case whose second round is 无责任人, step 0's receiver, a slip
against the assessor, the contact log and 告知 task, the weekly summary task."""

from datetime import date, timedelta

import pytest

from acc_builders import cast, employee_id, gm_signs, walk_to_issue
from complaintdesk.domain.records import NOTICE_KIND, Role, Severity, SlipStatus
from complaintdesk.services.errors import PermissionDenied, ServiceError
from service_builders import add_user, intake, make_services


def _audit_actions(services, number):
    from sqlalchemy import select

    from complaintdesk.storage.tables import AuditRow
    from complaintdesk.storage.uow import UnitOfWork
    with UnitOfWork(services.engine, readonly=True) as uow:
        return [(r.action, r.after) for r in uow.session.execute(
            select(AuditRow).where(AuditRow.entity_id == number).order_by(AuditRow.id)
        ).scalars()]


def test_self_report_is_walked_to_an_issued_slip_and_cs_and_assessor_told_at_step_4(tmp_path):
    services, clock = make_services(tmp_path)
    c = cast(services)
    wf = services.workflow
    case = services.intake.register(c.head, intake(
        clock, self_report_department_id=c.dept_id, self_report_category="服务态度",
        self_report_severity=Severity.IMPORTANT))
    assert (case.current_step, case.category, case.severity) == (
        "assign", "服务态度", Severity.IMPORTANT)
    assert not [a for a, _ in _audit_actions(services, case.number) if a == "notify"]
    clock.advance(timedelta(minutes=10))
    wf.act(c.head, case.id, "assign", {"supervisor_user_id": c.supervisor.id})
    clock.advance(timedelta(hours=1))
    wf.act(c.supervisor, case.id, "request_approval",
           {"solution_kind": "补偿", "solution_text": "退还工时费"})
    wf.act(c.head, case.id, "approve_solution", {})
    people = [{"employee_id": c.zhao_id, "responsibility": "main", "proposal": "罚款"}]
    wf.act(c.supervisor, case.id, "handle", {
        "process": "未告知工时费", "solution_kind": "补偿", "solution_text": "退还工时费",
        "customer_attitude": "接受", "responsible": people})
    clock.advance(timedelta(hours=1))
    wf.act(c.head, case.id, "dept_opinion", {"opinion": "同意", "responsible": people})
    told = [after for a, after in _audit_actions(services, case.number) if a == "notify"]
    assert told and set(told[-1]["to_roles"]) == {"cs_center", "assessor"}
    [proposal] = services.accountability.proposals_for_case(c.assessor, case.id)
    assert proposal.slip.penalties  # the rule table found a rule (severity and category set)
    clock.advance(timedelta(hours=1))
    wf.act(c.assessor, case.id, "issue_slips", {})
    issued = services.accountability.slip(c.assessor, proposal.slip.id).slip
    assert issued.status is SlipStatus.ISSUED and issued.number.startswith("GS-")


def test_second_round_with_nobody_named_is_no_responsible_and_round_one_still_counts(tmp_path):
    services, clock = make_services(tmp_path)
    c = cast(services)
    wf = services.workflow
    case = walk_to_issue(services, clock, c)
    clock.advance(timedelta(hours=1))
    wf.act(c.assessor, case.id, "issue_slips", {})
    clock.advance(timedelta(hours=2))
    wf.act(c.cs, case.id, "revisit", {"method": "电话", "reached": True,
                                      "satisfaction": "不满意", "customer_words": "没修好"})
    clock.advance(timedelta(hours=2))
    wf.act(c.supervisor, case.id, "handle", {
        "process": "再次检修", "solution_kind": "返修", "customer_attitude": "接受",
        "responsible": []})
    clock.advance(timedelta(hours=1))
    wf.act(c.head, case.id, "dept_opinion", {"opinion": "无责任人", "responsible": []})
    clock.advance(timedelta(hours=1))
    case = wf.act(c.assessor, case.id, "issue_slips", {})
    first, second = [s for s in case.steps if s.step_key == "issue_slips"]
    assert first.data["no_responsible"] is False and len(first.data["slip_ids"]) == 1
    assert second.data == {**second.data, "no_responsible": True, "slip_ids": []}
    assert second.outcome == "no_responsible"
    assert case.responsible_all_rounds() == (c.zhao_id,)  # counted once, from round 1


def test_second_round_naming_the_same_person_gets_its_own_slip_not_doubled(tmp_path):
    services, clock = make_services(tmp_path)
    c = cast(services)
    wf = services.workflow
    case = walk_to_issue(services, clock, c)
    clock.advance(timedelta(hours=1))
    wf.act(c.assessor, case.id, "issue_slips", {})
    [one] = services.accountability.proposals_for_case(c.assessor, case.id)
    clock.advance(timedelta(hours=2))
    wf.act(c.cs, case.id, "revisit", {"method": "电话", "reached": True,
                                      "satisfaction": "不满意", "customer_words": "没修好"})
    people = [{"employee_id": c.zhao_id, "responsibility": "main", "proposal": "罚款"}]
    clock.advance(timedelta(hours=2))
    wf.act(c.supervisor, case.id, "handle", {
        "process": "再次检修", "solution_kind": "返修", "customer_attitude": "接受",
        "responsible": people})
    clock.advance(timedelta(hours=1))
    wf.act(c.head, case.id, "dept_opinion", {"opinion": "同意", "responsible": people})
    slips = services.accountability.proposals_for_case(c.assessor, case.id)
    two = next(v for v in slips if v.slip.id != one.slip.id)
    assert two.slip.status is SlipStatus.PROPOSED
    assert two.penalty_text == one.penalty_text  # the same case does not double itself


@pytest.mark.parametrize("late", [False, True])
def test_late_registration_proposes_a_breach_slip_for_the_receiver(tmp_path, late):
    services, clock = make_services(tmp_path)
    c = cast(services)
    minutes = 61 if late else 60
    case = services.intake.register(c.cs, intake(
        clock, complained_at=clock.now() - timedelta(minutes=minutes),
        receiver_employee_id=c.zhao_id))
    slips = services.accountability.proposals_for_case(c.assessor, case.id)
    assert bool(slips) is late
    if late:
        [s] = slips
        assert s.slip.from_breach and s.slip.employee_id == c.zhao_id  # not the typist (朱红)


def test_a_slip_against_the_assessor_goes_to_the_admin_head_not_another_head(tmp_path):
    """Issue 14: a slip on the assessor is issued by the 行政部 head (or the GM) — not by
    himself, and not by the head of another department."""
    services, clock = make_services(tmp_path)
    c = cast(services)
    xz = next(d.id for d in services.people.departments() if d.name == "行政部")
    admin_head = add_user(services, "xzfz", "行政部负责人", Role.DEPT_HEAD, department_id=xz)
    case = walk_to_issue(services, clock, c, responsible=[employee_id(services, "郭平")])
    clock.advance(timedelta(hours=1))
    services.workflow.act(c.assessor, case.id, "issue_slips", {})
    [view] = services.accountability.proposals_for_case(c.assessor, case.id)
    with pytest.raises(PermissionDenied, match="行政部负责人或总经理"):
        services.accountability.issue(c.head, view.slip.id)
    mine = services.accountability.slip(admin_head, view.slip.id)
    assert "issue" in mine.actions and "discard" in mine.actions
    issued = services.accountability.issue(admin_head, view.slip.id)
    assert issued.slip.status is SlipStatus.ISSUED and issued.issuer_name == "行政部负责人"


def test_a_slip_against_the_assessor_waits_for_the_gm(tmp_path):
    services, clock = make_services(tmp_path)
    c = cast(services)
    me = employee_id(services, "郭平")
    case = walk_to_issue(services, clock, c, responsible=[me])
    clock.advance(timedelta(hours=1))
    case = services.workflow.act(c.assessor, case.id, "issue_slips", {})
    step5 = next(s for s in case.steps if s.step_key == "issue_slips")
    [view] = services.accountability.proposals_for_case(c.assessor, case.id)
    assert view.slip.status is SlipStatus.PROPOSED and step5.data["awaiting_other_issuer"]
    assert "issue" not in view.actions
    with pytest.raises(PermissionDenied):
        services.accountability.issue(c.assessor, view.slip.id)
    assert services.accountability.issue(c.gm, view.slip.id).slip.status is SlipStatus.ISSUED


def test_notice_task_shows_from_day_3_until_a_notice_contact_is_logged(tmp_path):
    services, clock = make_services(tmp_path)  # 10:00 Shanghai, 10 Nov
    c = cast(services)
    case = services.intake.register(c.cs, intake(clock))
    assert services.contacts.notice_tasks(c.cs) == []
    clock.advance(timedelta(days=2, hours=13, minutes=59, seconds=59))  # 12 Nov 23:59:59
    assert services.contacts.notice_tasks(c.cs) == []
    clock.advance(timedelta(seconds=1))  # day 3 begins
    [task] = services.contacts.notice_tasks(c.cs)
    assert task.row.id == case.id and task.state == "normal"
    with pytest.raises(ServiceError) as bad:
        services.contacts.add(c.cs, case.id, method="飞鸽", kind=NOTICE_KIND, summary="")
    assert set(bad.value.fields) == {"method", "summary"}
    services.contacts.add(c.cs, case.id, method="电话", kind="进展告知",
                          summary="告知维修进度")
    assert len(services.contacts.notice_tasks(c.cs)) == 1  # progress is not the decision
    services.contacts.add(c.cs, case.id, method="电话", kind=NOTICE_KIND,
                          summary="告知处理决定：免费返修", customer_reply="同意")
    assert services.contacts.notice_tasks(c.cs) == []
    entries = services.contacts.entries(c.cs, case.id)
    assert [e.kind for e in entries] == ["进展告知", NOTICE_KIND]
    assert services.cases.open_case(c.cs, case.id).case.notified_at == clock.now()


def test_contact_log_is_for_the_cases_handlers(tmp_path):
    services, clock = make_services(tmp_path)
    c = cast(services)
    case = services.intake.register(c.cs, intake(clock))
    with pytest.raises(PermissionDenied):
        services.contacts.add(c.zhao, case.id, method="电话", kind="其他", summary="问候")


def test_weekly_summary_is_a_monday_task_sent_to_and_read_by_the_gm(tmp_path):
    services, clock = make_services(tmp_path)  # Tuesday 10 Nov 2026
    c = cast(services)
    weekly = services.weekly
    [task] = weekly.tasks(c.assessor)
    assert task.week_start == date(2026, 11, 2) and task.action == "send"
    assert task.state == "overdue"  # it was due on Monday 9 Nov
    assert weekly.tasks(c.gm) == []
    with pytest.raises(ServiceError):
        weekly.acknowledge(c.gm, date(2026, 11, 2))  # not sent yet
    with pytest.raises(ServiceError):
        weekly.send(c.assessor, date(2026, 11, 9))  # that week has not ended
    with pytest.raises(PermissionDenied):
        weekly.send(c.cs, date(2026, 11, 2))
    sent = weekly.send(c.assessor, date(2026, 11, 2))
    assert sent.sent_at == clock.now() and sent.sent_by_user_id == c.assessor.id
    assert weekly.tasks(c.assessor) == []
    [ack] = weekly.tasks(c.gm)
    assert ack.action == "acknowledge"
    clock.advance(timedelta(hours=3))
    read = weekly.acknowledge(c.gm, date(2026, 11, 2))
    assert read.read_at == clock.now() and read.read_by_user_id == c.gm.id
    assert weekly.tasks(c.gm) == []
    clock.advance(timedelta(days=6))  # Monday 16 Nov: the next one falls due
    [task] = weekly.tasks(c.assessor)
    assert task.week_start == date(2026, 11, 9) and task.state == "normal"


def test_the_gm_reads_the_weekly_summary_as_it_was_sent(tmp_path):
    """Issue 14: the copy sent is kept (PDF + SHA-256 in the record and the audit): what the
    GM reads a day later is what was sent, not a summary recomputed since."""
    import hashlib
    import io

    from pypdf import PdfReader

    def text(pdf: bytes) -> str:
        return "".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages)

    services, clock = make_services(tmp_path)  # Tuesday 10 Nov 2026, 10:00
    c = cast(services)
    weekly = services.weekly
    week = date(2026, 11, 2)
    with pytest.raises(ServiceError, match="未保存副本"):
        weekly.sent_copy(c.gm, week)  # nothing sent yet
    sent = weekly.send(c.assessor, week)
    pdf = weekly.sent_copy(c.gm, week)
    assert sent.pdf_sha256 == hashlib.sha256(pdf).hexdigest()
    assert "2026-11-02" in text(pdf) and "打印日期：2026-11-10 10:00" in text(pdf)
    clock.advance(timedelta(days=1))
    fresh = text(services.printing.weekly_summary_pdf(c.assessor, week))
    assert "打印日期：2026-11-11 10:00" in fresh  # a recomputed one differs…
    assert weekly.sent_copy(c.gm, week) == pdf  # …the GM still reads what was sent
    with pytest.raises(PermissionDenied):
        weekly.sent_copy(c.cs, week)


def test_a_role_step_nobody_held_goes_to_the_least_loaded_holder(tmp_path):
    services, clock = make_services(tmp_path)
    c = cast(services)
    other = add_user(services, "kf2", "客服二", Role.CS_CENTER)
    case = walk_to_issue(services, clock, c)
    clock.advance(timedelta(hours=1))
    case = services.workflow.act(c.assessor, case.id, "issue_slips", {})
    first = case.open_step.assignee_user_id
    assert first in (c.cs.id, other.id)
    case2 = walk_to_issue(services, clock, c)
    case2 = services.workflow.act(c.assessor, case2.id, "issue_slips", {})
    assert case2.open_step.assignee_user_id == ({c.cs.id, other.id} - {first}).pop()


@pytest.mark.parametrize("severity", ["important", "major"])
def test_a_solution_awaiting_approval_is_in_the_approvers_tasks_until_decided(tmp_path,
                                                                               severity):
    services, clock = make_services(tmp_path)
    c = cast(services)
    wf = services.workflow
    case = services.intake.register(c.cs, intake(clock))
    wf.act(c.cs, case.id, "forward", {"category": "维修质量", "severity": severity,
                                      "department_id": c.dept_id})
    wf.act(c.head, case.id, "assign", {"supervisor_user_id": c.supervisor.id})
    approver, other = (c.gm, c.head) if severity == "major" else (c.head, c.gm)
    assert wf.approval_tasks(approver) == []
    wf.act(c.supervisor, case.id, "request_approval",
           {"solution_kind": "补偿", "solution_text": "退还工时费"})
    [task] = wf.approval_tasks(approver)
    assert task.row.id == case.id and task.state == "normal"
    assert wf.approval_tasks(other) == []
    clock.advance(timedelta(hours=3, minutes=1))  # the last quarter of the 4 h
    assert wf.approval_tasks(approver)[0].state == "due_soon"
    wf.act(approver, case.id, "return_solution", {"reason": "补偿方案须细化"})
    assert wf.approval_tasks(approver) == []


def test_simple_complaint_naming_someone_gets_a_slip_at_step_5_and_closes(tmp_path):
    services, clock = make_services(tmp_path)
    c = cast(services)
    wf = services.workflow
    case = services.intake.register(c.cs, intake(
        clock, resolved_on_spot=True, on_spot_action="当场更换雨刮片",
        on_spot_reaction="客户满意"))
    wf.act(c.cs, case.id, "forward_simple", {
        "category": "服务态度", "department_id": c.dept_id,
        "responsible": [{"employee_id": c.zhao_id, "responsibility": "main"}]})
    [proposal] = services.accountability.proposals_for_case(c.assessor, case.id)
    assert proposal.slip.employee_id == c.zhao_id and proposal.slip.penalties
    for key, who, data in (
            ("issue_slips", c.assessor, {}),
            ("revisit", c.cs, {"method": "电话", "reached": True, "satisfaction": "满意"}),
            ("evaluate", c.assessor, {"evaluation": "好", "on_time": True, "proper": True}),
            ("approve", c.gm, {"approval": "同意"}),
            ("enforce", c.assessor, {"feedback_to_department": "已反馈"})):
        clock.advance(timedelta(minutes=30))
        if key == "approve":  # 签批 decides each waiting slip (services/gm_decisions.py)
            data = gm_signs(services, case.id)
        case = wf.act(who, case.id, key, data)
    assert case.status.value == "closed" and case.simple_path
    assert [s.step_key for s in case.steps] == [
        "register", "forward", "issue_slips", "revisit", "evaluate", "approve", "enforce"]
    stored = services.cases.open_case(c.assessor, case.id).case
    assert stored.simple_path and stored.intake.on_spot_action == "当场更换雨刮片"


def test_resolved_on_the_spot_needs_what_was_done(tmp_path):
    services, clock = make_services(tmp_path)
    with pytest.raises(ServiceError) as err:
        services.intake.register(cast(services).cs, intake(clock, resolved_on_spot=True))
    assert set(err.value.fields) == {"on_spot_action", "on_spot_reaction"}
