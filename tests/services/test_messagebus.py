"""The message bus (services/messagebus.py): the events a change raised go to their
handlers in the change's own transaction; the tallies follow every write; nothing writes
a case or a slip behind the bus's back."""

from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path

import pytest

from complaintdesk import services as services_package
from complaintdesk.domain import events as E
from complaintdesk.domain import steps as S
from complaintdesk.domain.records import Case, FeedbackKind, FlowKind, Role
from complaintdesk.services import messagebus
from complaintdesk.services.handlers import accountability, alerts, notices
from complaintdesk.services.messagebus import HANDLERS, QUIET_HANDLERS, MessageBus
from complaintdesk.storage.kpi_reader import sums_on_disk
from complaintdesk.storage.uow import UnitOfWork
from service_builders import add_user, intake, make_services


def test_what_happens_after_a_change_is_one_table_in_a_deliberate_order():
    """What happens after a workflow action is this one list (no action names, no string
    kinds): the slips are proposed before the alerts that tell of them; the notices are
    alerted and noted in the audit log."""
    assert HANDLERS[E.StepFinished] == [alerts.settle_finished_step]
    assert HANDLERS[E.StepOpened] == [accountability.propose_on_open, alerts.alert_step_holders]
    assert HANDLERS[E.DeadlineBreached] == [accountability.propose_breach, alerts.alert_breach]
    assert HANDLERS[E.Classified] == [alerts.alert_severity]
    assert HANDLERS[E.NoticeRaised] == [alerts.alert_notice, notices.record_notice]
    assert HANDLERS[E.CaseSlipsIssued] == [alerts.alert_issued_slips]
    assert HANDLERS[E.SlipsSigned] == [accountability.sign_slips]
    assert HANDLERS[E.EnforcementOrdered] == [accountability.enforce_slips]
    # the demo seeder's table: the accountability rules only, nobody told
    assert QUIET_HANDLERS == {
        E.StepOpened: [accountability.propose_on_open],
        E.DeadlineBreached: [accountability.propose_breach],
        E.SlipsSigned: [accountability.sign_slips],
        E.EnforcementOrdered: [accountability.enforce_slips],
    }


def test_an_actions_alerts_are_written_in_its_transaction_and_roll_back_with_it(tmp_path):
    services, clock = make_services(tmp_path)
    cs = add_user(services, "kf", "朱红", Role.CS_CENTER)
    head = add_user(services, "sh", "陈静", Role.DEPT_HEAD, department_id=2)
    case = services.intake.register(cs, intake(clock))
    seen: list[set[tuple[int, str]]] = []

    def refuse(event: E.Event, uow: UnitOfWork, ctx: object) -> None:
        # the step alert of 部门安排 is already written, in this very transaction
        seen.append(uow.alerts.keys_of([f"step:{case.id}:3"]))
        raise RuntimeError("a later handler failed")

    # Classified comes last in a forward: after the step alerts were written
    table = {**HANDLERS, E.Classified: [*HANDLERS[E.Classified], refuse]}
    services.workflow.bus = MessageBus(services.workflow.tz, table)
    data = {"category": "维修质量", "severity": "normal", "department_id": 2}
    with pytest.raises(RuntimeError, match="later handler failed"):
        services.workflow.act(cs, case.id, "forward", data)
    assert seen == [{(head.id, f"step:{case.id}:3")}]
    assert services.alerts.for_user(head) == []  # rolled back with the action
    with UnitOfWork(services.engine, readonly=True) as uow:
        assert uow.cases.get(case.id).current_step == S.FORWARD
    services.workflow.bus = MessageBus(services.workflow.tz)
    services.workflow.act(cs, case.id, "forward", data)
    [alert] = services.alerts.for_user(head)
    assert alert.key == f"step:{case.id}:3"


# The string kinds of the engine's old WorkflowEvent: no service compares with them
# ("closed" left out: it is also a case status, compared as such).
_OLD_KINDS = ("step_opened", "step_finished", "notify", "classified", "breach", "reopened",
              "extended", "completion_recorded")
_KINDS = "|".join(_OLD_KINDS)
_KIND_TEST = re.compile(
    rf"""(?:==|!=|\bin)\s*["'](?:{_KINDS})["']|["'](?:{_KINDS})["']\s*(?:==|!=|\bin\b)""")


def test_no_service_dispatches_on_a_string_event_kind():
    assert _KIND_TEST.search('finished = {e.step_key for e in events if e.kind == "step_finished"}')
    assert _KIND_TEST.search('if e.kind != "notify" or e in serious:')
    assert not _KIND_TEST.search('action="notify", entity="case"')
    src = Path(services_package.__file__).parent
    offenders = [f"{path.relative_to(src)}:{n}"
                 for path in sorted(src.rglob("*.py"))
                 for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
                 if _KIND_TEST.search(line)]
    assert offenders == []
    package = src.parent
    assert [p.name for p in package.rglob("*.py")
            if "WorkflowEvent" in p.read_text(encoding="utf-8")] == []


def _case(number: str = "FK-202611-9001") -> Case:
    from complaintdesk.domain.records import Intake
    from service_builders import T0

    return Case(None, number, FlowKind.FEEDBACK, FeedbackKind.COMPLAINT,
                Intake(customer_name="王小明", phone="13812345678", complained_at=T0), T0, None)


def test_a_case_written_without_the_bus_is_refused_and_nothing_is_stored(tmp_path):
    services, _clock = make_services(tmp_path)
    with UnitOfWork(services.engine) as uow:
        uow.cases.add(_case())
        with pytest.raises(RuntimeError, match="message bus"):
            uow.commit()
    with UnitOfWork(services.engine, readonly=True) as uow:
        assert uow.cases.id_by_number("FK-202611-9001") is None
    services.dispose()


def test_events_reach_their_handlers_in_order_with_the_stored_id_and_follow_ons(tmp_path):
    services, clock = make_services(tmp_path)
    seen: list[tuple[str, object]] = []

    def on_opened(event: E.StepOpened, uow: UnitOfWork, ctx: object) -> None:
        seen.append(("opened", event.case_id))
        case = uow.seen.case(event.case_id)
        assert case is not None and case.id == event.case_id  # the unit of work's own
        case.events.append(E.CaseClosed(None, event.at))  # a follow-on event
        uow.cases.save(case)

    def on_closed(event: E.CaseClosed, uow: UnitOfWork, ctx: object) -> None:
        seen.append(("closed", event.case_id))

    bus = MessageBus(services.intake.tz, {E.StepOpened: [on_opened], E.CaseClosed: [on_closed]})
    services.intake.bus = bus
    case = services.intake.register(add_user(services, "jd", "接待", Role.RECEPTION),
                                    intake(clock))
    assert case.id is not None
    assert seen == [("opened", case.id), ("closed", case.id)]
    assert case.events == []  # each handed out once
    services.dispose()


def test_a_handler_that_fails_takes_the_change_with_it(tmp_path):
    services, clock = make_services(tmp_path)

    def refuse(event: E.Event, uow: UnitOfWork, ctx: object) -> None:
        raise RuntimeError("handler failed")

    services.intake.bus = MessageBus(services.intake.tz, {E.StepOpened: [refuse]})
    reception = add_user(services, "jd", "接待", Role.RECEPTION)
    with pytest.raises(RuntimeError, match="handler failed"):
        services.intake.register(reception, intake(clock))
    with UnitOfWork(services.engine, readonly=True) as uow:
        assert uow.cases.load_period(None, None) == []
    services.dispose()


def test_a_late_registration_proposes_the_receivers_breach_slip_through_the_bus(tmp_path):
    """The intake service no longer calls the accountability side: the case's
    DeadlineBreached event does (DESIGN §4.1, step 0 is the receiver's)."""
    services, clock = make_services(tmp_path)
    reception = add_user(services, "jd", "接待", Role.RECEPTION)
    receiver = services.people.employees()[0]
    late = intake(clock, complained_at=clock.now() - timedelta(hours=5),
                  receiver_employee_id=receiver.id)
    case = services.intake.register(reception, late)
    with UnitOfWork(services.engine, readonly=True) as uow:
        [slip] = uow.slips.by_case(case.id)
    assert slip.from_breach and slip.employee_id == receiver.id
    assert "登记" in slip.facts or S.step_title(S.REGISTER) in slip.facts
    services.dispose()


def test_the_tallies_follow_a_write_that_raises_no_event(tmp_path):
    """A corrected category is no domain event, yet it moves the tallies: the read model
    follows every write, and they equal a recount after it."""
    services, clock = make_services(tmp_path)
    reception = add_user(services, "jd", "接待", Role.RECEPTION)
    case = services.intake.register(reception, intake(clock))
    with messagebus.unit_of_work(services.engine, services.intake.tz,
                                 now=clock.now) as uow:
        stored = uow.cases.get(case.id)
        stored.category = "收费价格"
        uow.cases.save(stored)
        uow.commit()
    with UnitOfWork(services.engine, readonly=True) as uow:
        counted, problems = uow.kpi_upkeep.verify()
        keys = {k[2] for k in sums_on_disk(uow.session.connection())}
    assert counted >= 1 and problems == []
    assert "收费价格" in keys
    services.dispose()
