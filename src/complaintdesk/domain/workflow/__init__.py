"""The workflow engine and the three flows (DESIGN §3, §4).

flows.py holds the flows as tables of steps; engine.py interprets them on a Case;
deadlines.py and calendar.py compute and judge deadlines; permissions.py says who acts.
"""

from .calendar import BusinessCalendar
from .deadlines import (
    NO_DEADLINE,
    SAME_DAY,
    DeadlineKind,
    DeadlineRule,
    StepStatus,
    WorkflowSettings,
    compute_deadline,
    days,
    hours,
    overdue_steps,
    step_status,
)
from .engine import (
    ActionSpec,
    ActResult,
    action_slips,
    available_actions,
    perform,
    start_case,
)
from .errors import WorkflowError
from .fields import FIELDS, field_label
from .flows import FLOWS, ActionDef, FlowDef, StepDef, flow_for
from .permissions import Delegation, Holder, Who

__all__ = [
    "FIELDS", "FLOWS", "NO_DEADLINE", "SAME_DAY",
    "ActResult", "ActionDef", "ActionSpec", "BusinessCalendar", "DeadlineKind",
    "DeadlineRule", "Delegation", "FlowDef", "Holder", "StepDef", "StepStatus", "Who",
    "WorkflowError", "WorkflowSettings",
    "action_slips", "available_actions", "compute_deadline", "days", "field_label", "flow_for", "hours",
    "overdue_steps", "perform", "start_case", "step_status",
]
