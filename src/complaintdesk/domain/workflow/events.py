"""What the engine hands back: the events of an action (domain/events.py), action specs
for the UI."""

from __future__ import annotations

from dataclasses import dataclass

from ..events import Event
from ..records import StepRecord


@dataclass(frozen=True, slots=True)
class ActionSpec:
    """An action a user may take now (the UI shows one button per spec)."""

    key: str
    label: str
    step_key: str
    required: tuple[str, ...]
    on_behalf_of_user_id: int | None = None  # set when acting as a delegate (代 X 处理)


@dataclass(slots=True)
class ActResult:
    events: list[Event]  # what the action did, in order (also on case.events)
    step: StepRecord | None = None  # the step acted on
