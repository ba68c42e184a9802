"""What a unit of work saw: the cases and slips it wrote, their new domain events, and the
read models that follow its writes (cosmicpython's `seen` and `collect_new_events`).

The repositories only store; they tell this tracker what they are about to write and what
they wrote, without knowing who listens. The service layer's message bus
(services/messagebus.py) registers the read models — the running KPI tallies — as
listeners when the unit of work opens, and hands the collected events to their handlers.

A read model needs the record *before* the write as well: the tallies take an owner's old
contribution out of the sums, worked out again from the records as they were, and once a
row is overwritten the database no longer has them. Hence `adding` / `changing` before
the statement and `added` after it (a new record's id is known only then).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from typing import Any, Protocol

from ..domain.events import CaseEvent, Event, SlipEvent
from ..domain.records import Case, FaultSlip

Record = Case | FaultSlip


class WriteListener(Protocol):
    """A read model kept in step with the writes of one unit of work."""

    def adding(self, record: Record) -> None:
        """Before a new record is inserted (its id is not known yet)."""

    def added(self, record: Record) -> None:
        """After a new record was inserted (its id is set)."""

    def changing(self, record: Record) -> None:
        """Before a stored record is written back."""

    def flush(self) -> None:
        """At commit, after every handler ran: write what the changes made of it."""


class Seen:
    """The aggregates one unit of work wrote (or was told of), in the order first seen."""

    def __init__(self) -> None:
        self._all: dict[int, Record] = {}  # by identity: records are mutable dataclasses
        self._fresh: list[Record] = []  # seen since the last collection
        self._cases: dict[int, Case] = {}  # by id, the latest seen
        self.listeners: list[WriteListener] = []
        self.wrote = False  # a case or slip was written

    # ---- told by the repositories ----------------------------------------------------
    def saw(self, record: Record) -> None:
        self._all.setdefault(id(record), record)
        self._fresh.append(record)
        if isinstance(record, Case) and record.id is not None:
            self._cases[record.id] = record

    def adding(self, record: Record) -> None:
        self.wrote = True
        for listener in self.listeners:
            listener.adding(record)

    def added(self, record: Record) -> None:
        for listener in self.listeners:
            listener.added(record)
        self.saw(record)

    def changing(self, record: Record) -> None:
        self.wrote = True
        for listener in self.listeners:
            listener.changing(record)
        self.saw(record)

    # ---- read by the message bus -------------------------------------------------------
    def case(self, case_id: int) -> Case | None:
        """The case with this id that this unit of work holds, if any (the latest seen)."""
        return self._cases.get(case_id)

    def collect_new_events(self, everything: bool = False) -> Iterator[Event]:
        """The events raised since they were last collected: from the records seen since
        then, or (`everything`, at commit) from every record this unit of work saw."""
        records = list(self._all.values()) if everything else self._fresh
        self._fresh = []
        done: set[int] = set()
        for record in records:
            if id(record) in done:
                continue
            done.add(id(record))
            while record.events:
                yield _with_ids(record.events.pop(0), record)


def _with_ids(event: Any, record: Record) -> Any:
    """The event with the ids its record had no value for when it was raised."""
    if isinstance(event, CaseEvent) and event.case_id is None and isinstance(record, Case):
        return replace(event, case_id=record.id)
    if isinstance(event, SlipEvent) and isinstance(record, FaultSlip) and (
            event.slip_id is None or event.case_id is None):
        return replace(event, slip_id=record.id, case_id=record.case_id)
    return event
