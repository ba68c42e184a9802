"""The message bus: what happens after a change, in one list (cosmicpython chapters 8–9).

The domain records what happened on the aggregate (`case.events`, `slip.events`,
domain/events.py). The unit of work collects the events of the cases and slips it wrote
(`collect_new_events`); `MessageBus.handle` hands each to its handlers in HANDLERS, and
the events those handlers raise in turn, until none is left — all inside the caller's
transaction, so a proposed slip, an alert or a notice commits or rolls back with the
action that caused it.

HANDLERS is that list, one row per event type, its handlers in the order they run:
- the accountability rules (handlers/accountability.py): step 5 / ic_review opened →
  the slips proposed; a deadline breach → a breach slip proposed; signed, enforced;
- the alerts (handlers/alerts.py, DESIGN §4.5): a finished step's alerts settled; an
  opened step → its holders; 重要/重大 → the department head and the GM; a notice →
  its recipients; a breach → the assessors (after its slip was proposed); the issue
  step → each issued slip waits on its employee; a slip changed by a slip use case
  (any slip event: issued, discarded, signed, enforced, acknowledged, appealed, an
  appeal reviewed or decided …) → whoever it now waits on;
- the notices (handlers/notices.py): each in the audit log as "notify".
Events are handed out in the order the domain raised them, so within one action the slips
are proposed before the alerts that tell of them.

A use case calls `handle` after the domain changed the aggregate, where the order matters
(the workflow action: its slips are proposed before the next step is assigned and the
audit entry is written; a slip use case: whoever the slip now waits on is alerted before
the audit entry); the unit of work calls `finish` at commit for whatever is left,
then brings the read models (READ_MODELS: the running KPI tallies) up to date with every
write — also in the same transaction, so the tallies never disagree with the records.
The demo seeder replays history that nobody was told of: it runs QUIET_HANDLERS (the
accountability rules only).
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Mapping, Sequence
from datetime import tzinfo
from typing import Any

from sqlalchemy import Engine

from ..domain.events import (
    CaseSlipsIssued,
    Classified,
    DeadlineBreached,
    EnforcementOrdered,
    Event,
    NoticeRaised,
    SlipAppealDecided,
    SlipAppealed,
    SlipApproved,
    SlipChanged,
    SlipDiscarded,
    SlipEnforced,
    SlipIssued,
    SlipsSigned,
    StepFinished,
    StepOpened,
)
from ..domain.records import Case, FaultSlip
from ..storage.tracking import WriteListener
from ..storage.uow import UnitOfWork
from .handlers import accountability, alerts, notices
from .handlers.context import Context
from .handlers.tallies import TallyReadModel

Handler = Callable[[Any, UnitOfWork, Context], None]

# What happens after a change: every event type the domain raises that something reacts
# to, and who reacts (in this order). Events with no entry are recorded and let go.
HANDLERS: dict[type[Event], list[Handler]] = {
    StepFinished: [alerts.settle_finished_step],
    StepOpened: [accountability.propose_on_open, alerts.alert_step_holders],
    DeadlineBreached: [accountability.propose_breach, alerts.alert_breach],
    Classified: [alerts.alert_severity],
    NoticeRaised: [alerts.alert_notice, notices.record_notice],
    CaseSlipsIssued: [alerts.alert_issued_slips],
    SlipsSigned: [accountability.sign_slips],
    EnforcementOrdered: [accountability.enforce_slips],
    # a slip's own events (domain/slips.py): whoever it now waits on is told
    SlipIssued: [alerts.alert_slip_waiting],
    SlipDiscarded: [alerts.alert_slip_waiting],
    SlipApproved: [alerts.alert_slip_waiting],
    SlipEnforced: [alerts.alert_slip_waiting],
    SlipAppealed: [alerts.alert_slip_waiting],
    SlipAppealDecided: [alerts.alert_slip_waiting],
    SlipChanged: [alerts.alert_slip_waiting],
}

# The handlers that tell people (alerts, the audit's notices).
_TELLING = {alerts.__name__, notices.__name__}

# HANDLERS without those that tell people: the demo seeder's, whose history happened
# before anyone used the app (it sends no alert and records no notice, as before).
QUIET_HANDLERS: dict[type[Event], list[Handler]] = {
    kind: quiet for kind, handlers in HANDLERS.items()
    if (quiet := [h for h in handlers if h.__module__ not in _TELLING])
}

# The read models that follow every write of a unit of work (see handlers/tallies.py).
READ_MODELS: list[Callable[[UnitOfWork], WriteListener]] = [
    lambda uow: TallyReadModel(uow.kpis),
]


class MessageBus:
    """One per service (shared by its units of work; the per-transaction state lives on
    the unit of work)."""

    def __init__(self, tz: tzinfo,
                 handlers: Mapping[type[Event], Sequence[Handler]] | None = None) -> None:
        self.context = Context(tz)
        self.handlers = HANDLERS if handlers is None else handlers

    def start(self, uow: UnitOfWork) -> None:
        uow.seen.listeners.extend(make(uow) for make in READ_MODELS)

    def handle(self, uow: UnitOfWork, *changed: Case | FaultSlip,
               everything: bool = False) -> None:
        """Hand the new events of `changed` (aggregates changed but not written yet) and of
        what the unit of work wrote since the last call to their handlers, until none is
        left (a handler's writes raise more)."""
        for record in changed:
            uow.seen.saw(record)
        queue = deque(uow.collect_new_events(everything))
        while queue:
            event = queue.popleft()
            for handler in self.handlers.get(type(event), ()):
                handler(event, uow, self.context)
            queue.extend(uow.collect_new_events())

    def finish(self, uow: UnitOfWork) -> None:
        self.handle(uow, everything=True)
        for model in uow.seen.listeners:
            model.flush()


def unit_of_work(engine: Engine, tz: tzinfo, readonly: bool = False,
                 now: Callable[[], Any] | None = None) -> UnitOfWork:
    """A unit of work with the message bus, for code outside a service (the demo seeder,
    tests that write records directly)."""
    return UnitOfWork(engine, readonly=readonly, now=now, bus=MessageBus(tz))
