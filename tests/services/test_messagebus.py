"""The message bus (services/messagebus.py): the events a change raised go to their
handlers in the change's own transaction; the tallies follow every write; nothing writes
a case or a slip behind the bus's back."""

from __future__ import annotations

from datetime import timedelta

import pytest

from complaintdesk.domain import events as E
from complaintdesk.domain import steps as S
from complaintdesk.domain.records import Case, FeedbackKind, FlowKind, Role
from complaintdesk.services import messagebus
from complaintdesk.services.handlers import accountability
from complaintdesk.services.messagebus import HANDLERS, MessageBus
from complaintdesk.storage.kpi_reader import sums_on_disk
from complaintdesk.storage.uow import UnitOfWork
from service_builders import add_user, intake, make_services


def test_the_accountability_rules_are_handlers_of_the_cases_events():
    """What happens after a workflow action is this one list (no action names)."""
    assert HANDLERS[E.StepOpened] == [accountability.propose_on_open]
    assert HANDLERS[E.DeadlineBreached] == [accountability.propose_breach]
    assert HANDLERS[E.SlipsSigned] == [accountability.sign_slips]
    assert HANDLERS[E.EnforcementOrdered] == [accountability.enforce_slips]


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
