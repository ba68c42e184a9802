"""The alerts of a workflow action, now handlers on the message bus, keep the keys of
earlier versions (an alert is sent once per person and key, across PCs and versions):
step:<case>:<seq>, severe:<case>:<severity>, notice:<case>:<steps>:<place in the action>,
breach:<case>:<step>:<steps>, slip:<slip>:ack."""

from __future__ import annotations

from datetime import timedelta

from acc_builders import cast
from complaintdesk.domain import steps as S
from complaintdesk.domain.alerts import AlertKind
from complaintdesk.services.base import SYSTEM_USER
from complaintdesk.storage.uow import UnitOfWork
from service_builders import intake, make_services


def _keys(services, user) -> set[str]:
    return {a.key for a in services.alerts.for_user(user)}


def _notes(services, number: str) -> list[dict]:
    from sqlalchemy import select

    from complaintdesk.storage.tables import AuditRow
    with UnitOfWork(services.engine, readonly=True) as uow:
        return [r.after for r in uow.session.execute(
            select(AuditRow).where(AuditRow.entity_id == number, AuditRow.action == "notify")
            .order_by(AuditRow.id)).scalars()]


def test_an_important_complaints_walk_sends_the_alerts_of_before_under_the_same_keys(tmp_path):
    services, clock = make_services(tmp_path)
    c = cast(services)
    wf = services.workflow
    case = services.intake.register(SYSTEM_USER, intake(clock))
    cid = case.id
    assert _keys(services, c.cs) == _keys(services, c.assessor) == {f"step:{cid}:2"}
    clock.advance(timedelta(minutes=10))
    wf.act(c.cs, cid, "forward", {"category": "维修质量", "severity": "important",
                                  "department_id": c.dept_id})
    # 000 二(二)3: the department head and the GM, one severity alert each, no plain notice
    assert _keys(services, c.head) == {f"step:{cid}:3", f"severe:{cid}:important"}
    assert _keys(services, c.gm) == {f"severe:{cid}:important"}
    assert [n["to_roles"] for n in _notes(services, case.number)] == [["dept_head"],
                                                                      ["general_manager"]]
    clock.advance(timedelta(minutes=10))
    wf.act(c.head, cid, "assign", {"supervisor_user_id": c.supervisor.id})
    assert _keys(services, c.supervisor) == {f"step:{cid}:4"}
    # the solution awaits the head's approval: a notice, the only event of the action (0)
    wf.act(c.supervisor, cid, "request_approval",
           {"solution_kind": "补偿", "solution_text": "退还工时费"})
    assert f"notice:{cid}:4:0" in _keys(services, c.head)
    clock.advance(timedelta(hours=5))  # past the 4 h approval: the head's breach, then notice
    wf.act(c.head, cid, "approve_solution", {})
    assert f"notice:{cid}:4:1" in _keys(services, c.supervisor)
    assert f"breach:{cid}:{S.HANDLE}:4" in _keys(services, c.assessor)
    assert _notes(services, case.number)[-1]["detail"]["reason"] == "解决方案已批准"
    # raising it to 重大 tells them again, under the new severity's key
    wf.act(c.cs, cid, "classify", {"category": "维修质量", "severity": "major"})
    assert f"severe:{cid}:major" in _keys(services, c.gm)


def test_the_issue_step_tells_each_employee_of_the_slip_issued(tmp_path):
    from acc_builders import walk_to_issue

    services, clock = make_services(tmp_path)
    c = cast(services)
    case = walk_to_issue(services, clock, c)
    clock.advance(timedelta(hours=1))
    services.workflow.act(c.assessor, case.id, "issue_slips", {})
    [view] = services.accountability.proposals_for_case(c.assessor, case.id)
    [alert] = [a for a in services.alerts.for_user(c.zhao) if a.kind is AlertKind.SLIP]
    assert alert.key == f"slip:{view.slip.id}:ack" and alert.slip_id == view.slip.id
