"""A slip's alerts come from the message bus (services/messagebus.py), not from a call in
the slip use cases: every change of a slip raises an event (domain/slips.py), the handler
`alerts.alert_slip_waiting` tells whoever the slip now waits on. Take the handler out of
a service's bus and a slip action alerts nobody; a slip changed by its case's workflow
action is told of by the case's events (CaseSlipsIssued), once."""

from __future__ import annotations

from datetime import timedelta

import pytest

from acc_builders import cast, walk_to_enforced, walk_to_issue
from complaintdesk.domain import events as E
from complaintdesk.domain.alerts import AlertKind
from complaintdesk.domain.records import SlipStatus
from complaintdesk.services import accountability as accountability_module
from complaintdesk.services.base import SYSTEM_USER
from complaintdesk.services.handlers import alerts
from complaintdesk.services.messagebus import HANDLERS, QUIET_HANDLERS, MessageBus
from complaintdesk.storage.repo_slips import SlipQuery
from service_builders import intake, make_services

SLIP_EVENTS = (E.SlipIssued, E.SlipDiscarded, E.SlipApproved, E.SlipEnforced,
               E.SlipAppealed, E.SlipAppealDecided, E.SlipChanged)


def _without(handler: object) -> dict:
    return {kind: [h for h in hs if h is not handler] for kind, hs in HANDLERS.items()}


def _keys(services, user) -> set[str]:
    return {a.key for a in services.alerts.for_user(user)}


def test_every_slip_event_is_handled_by_the_slip_alerts_and_no_use_case_calls_them():
    assert set(SLIP_EVENTS) == {k for k in HANDLERS if issubclass(k, E.SlipEvent)}
    # every slip event the domain defines (slots dataclasses: each class is listed twice)
    assert {k.__name__ for k in SLIP_EVENTS} == {k.__name__ for k in E.SlipEvent.__subclasses__()}
    for kind in SLIP_EVENTS:
        assert HANDLERS[kind] == [alerts.alert_slip_waiting]
        assert kind not in QUIET_HANDLERS  # the demo seeder tells nobody
    assert not hasattr(accountability_module, "slip_alerts")


def _breach_slip(services, clock, c):
    """杨帆 (the supervisor) handled step 3 six hours late: a breach slip is proposed."""
    case = services.intake.register(SYSTEM_USER, intake(clock))
    services.workflow.act(c.cs, case.id, "forward", {
        "category": "维修质量", "severity": "normal", "department_id": c.dept_id})
    services.workflow.act(c.head, case.id, "assign", {"supervisor_user_id": c.supervisor.id})
    clock.advance(timedelta(hours=30))
    services.workflow.act(c.supervisor, case.id, "handle", {
        "process": "已处理", "solution_kind": "电话解答", "customer_attitude": "接受"})
    [breach] = services.accountability.list_slips(c.assessor, SlipQuery(from_breach=True))
    return breach.slip


@pytest.mark.parametrize("told", [True, False])
def test_a_breach_slips_way_is_alerted_by_the_bus_handler(tmp_path, told):
    services, clock = make_services(tmp_path)
    c = cast(services)
    acc = services.accountability
    slip = _breach_slip(services, clock, c)
    if not told:  # the same service with the slip handler taken out of its bus
        acc.bus = MessageBus(acc.tz, _without(alerts.alert_slip_waiting))
    before = {u.id: _keys(services, u) for u in (c.supervisor, c.gm, c.assessor)}
    clock.advance(timedelta(minutes=5))
    acc.issue(c.assessor, slip.id)  # issued from the 过失单 list: 杨帆 signs, the GM 签批
    clock.advance(timedelta(minutes=5))
    view = acc.approve(c.gm, slip.id, "同意")  # signed: the assessor enforces it
    assert view.slip.status is SlipStatus.APPROVED
    new = {u.id: _keys(services, u) - before[u.id] for u in (c.supervisor, c.gm, c.assessor)}
    if told:
        assert new == {c.supervisor.id: {f"slip:{slip.id}:ack"},
                       c.gm.id: {f"slip:{slip.id}:approve"},
                       c.assessor.id: {f"slip:{slip.id}:enforce"}}
        [enforce] = [a for a in services.alerts.for_user(c.assessor)
                     if a.key == f"slip:{slip.id}:enforce"]
        assert enforce.kind is AlertKind.SLIP and "已签批，待执行" in enforce.text
    else:
        assert new == {c.supervisor.id: set(), c.gm.id: set(), c.assessor.id: set()}


@pytest.mark.parametrize("told", [True, False])
def test_an_appeals_review_a_change_without_a_new_status_tells_the_gm_through_the_bus(
        tmp_path, told):
    services, clock = make_services(tmp_path)
    c = cast(services)
    acc = services.accountability
    slip = walk_to_enforced(services, clock, c)
    clock.advance(timedelta(hours=2))
    acc.file_appeal(c.zhao, slip.id, "责任认定有误")
    assert f"slip:{slip.id}:review" in _keys(services, c.assessor)
    if not told:
        acc.bus = MessageBus(acc.tz, _without(alerts.alert_slip_waiting))
    clock.advance(timedelta(hours=2))
    acc.review_appeal(c.assessor, slip.id, "经重新调查，属实")  # SlipChanged(appeal_review)
    assert (f"slip:{slip.id}:decide" in _keys(services, c.gm)) is told


@pytest.mark.parametrize("case_event_handled", [True, False])
def test_the_slips_a_case_action_issues_are_told_of_once_by_the_cases_event(
        tmp_path, case_event_handled):
    """Step 5 issues the case's slips (each a SlipIssued) and raises CaseSlipsIssued: the
    employee's 签字确认 alert is the case event's (alert_issued_slips) — the slip handler
    leaves a slip its case's action changed to the case's events, so without that one
    handler nobody is told, and with it the employee is told once."""
    services, clock = make_services(tmp_path)
    c = cast(services)
    case = walk_to_issue(services, clock, c)
    if not case_event_handled:
        services.workflow.bus = MessageBus(services.workflow.tz,
                                           _without(alerts.alert_issued_slips))
    clock.advance(timedelta(hours=1))
    services.workflow.act(c.assessor, case.id, "issue_slips", {})
    [view] = services.accountability.proposals_for_case(c.assessor, case.id)
    assert view.slip.status is SlipStatus.ISSUED
    slip_alerts = [a for a in services.alerts.for_user(c.zhao) if a.kind is AlertKind.SLIP]
    if case_event_handled:
        [alert] = slip_alerts
        assert alert.key == f"slip:{view.slip.id}:ack"
    else:
        assert slip_alerts == []
