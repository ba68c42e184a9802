"""The flow's special-case storage on PostgreSQL (migration 0006_policy_flow): the
approver's task list, the contact log and 告知 task, the weekly summary record, the
least-loaded holder. Runs when COMPLAINTDESK_TEST_PG_URL names an empty test database
(tests/pg_support.py)."""

from datetime import date, timedelta

from complaintdesk.domain.records import NOTICE_KIND, Role
from pg_support import requires_postgresql
from service_builders import add_user, intake

pytestmark = requires_postgresql()  # skipped on a PC without a server, fails under CI


def test_approval_contact_notice_weekly_and_holder_on_postgresql(pg_services):
    services, clock = pg_services
    cs = add_user(services, "kf", "客服", Role.CS_CENTER)
    add_user(services, "kf2", "客服二", Role.CS_CENTER)
    head = add_user(services, "sh", "经理", Role.DEPT_HEAD, department_id=2)
    sup = add_user(services, "zg", "主管", Role.SUPERVISOR, department_id=2)
    assessor = add_user(services, "kh", "考核", Role.ASSESSOR)
    gm = add_user(services, "zjl", "总经理", Role.GENERAL_MANAGER)
    wf = services.workflow
    case = services.intake.register(cs, intake(clock))
    wf.act(cs, case.id, "forward", {"category": "维修质量", "severity": "important",
                                    "department_id": 2})
    wf.act(head, case.id, "assign", {"supervisor_user_id": sup.id})
    wf.act(sup, case.id, "request_approval", {"solution_kind": "返修", "solution_text": "返修"})
    assert [t.row.id for t in wf.approval_tasks(head)] == [case.id]
    wf.act(head, case.id, "approve_solution", {})
    assert wf.approval_tasks(head) == []
    wf.act(sup, case.id, "handle", {"process": "经过", "solution_kind": "返修",
                                    "customer_attitude": "接受", "responsible": []})
    wf.act(head, case.id, "dept_opinion", {"opinion": "无", "responsible": []})
    case = wf.act(assessor, case.id, "issue_slips", {})
    assert case.open_step.assignee_user_id is not None  # the least loaded cs_center
    clock.advance(timedelta(days=3))
    assert [t.row.id for t in services.contacts.notice_tasks(cs)] == [case.id]
    services.contacts.add(cs, case.id, method="电话", kind=NOTICE_KIND, summary="已告知")
    assert services.contacts.notice_tasks(cs) == []
    assert [e.kind for e in services.contacts.entries(cs, case.id)] == [NOTICE_KIND]
    week = date(2026, 11, 2)
    services.weekly.send(assessor, week)
    read = services.weekly.acknowledge(gm, week)
    assert read.sent_at is not None and read.read_at == clock.now()
