"""What the engine hands back: events for the service layer, action specs for the UI."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ..records import Role, StepRecord


@dataclass(slots=True)
class WorkflowEvent:
    """Something that happened to a case. kind: step_finished / step_opened / breach /
    reopened / closed / notify / extended / classified."""

    kind: str
    step_key: str = ""
    user_id: int | None = None  # who acted; for a breach: the holder of the step
    to_user_ids: tuple[int, ...] = ()  # whom to notify
    to_roles: tuple[Role, ...] = ()
    department_id: int | None = None  # narrows to_roles to one department
    detail: dict[str, Any] = field(default_factory=dict)


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
    events: list[WorkflowEvent]
    step: StepRecord | None = None  # the step acted on
