"""The form of an action, as a table the UI renders (ui/cases/step_form.py): which fields it
asks for and in which order, what they start with, and which field only counts while
another has a given value. The engine checks what comes back (guards.py); the form only
helps the person fill it in.

Moved out of the widget (issue 17): the rule "a recording action shows what its step
records" belongs beside the flows it reads.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from .. import steps as S
from ..records import Case
from . import flows as F
from .events import ActionSpec
from .fields import FIELDS, FieldKind, FieldSpec
from .guards import UNSATISFIED

# Recorded fields without an entry in FIELDS: what a person may fill in ...
EXTRA_FIELDS: dict[str, FieldSpec] = {
    "note": FieldSpec("备注", FieldKind.TEXT),
    "instructions": FieldSpec("总经理指示", FieldKind.TEXT),
    "no_responsible": FieldSpec("无责任人", FieldKind.BOOL),
    "revisit_at": FieldSpec("回访时间", FieldKind.DATETIME),
    # internal complaints and rework orders (what the engine records beside the fields)
    "passed_on_by_user_id": FieldSpec("转交的部门负责人", FieldKind.ID),
    "passed_on_at": FieldSpec("部门负责人转交时间", FieldKind.DATETIME),
    "to_department_id": FieldSpec("转交至（部门考核主管）", FieldKind.ID),
    "notified_department_id": FieldSpec("已告知投诉部门负责人", FieldKind.ID),
    "gm_opinion": FieldSpec("反馈的总经理意见", FieldKind.TEXT),
}
# ... and flags the engine records itself: never asked for in a form.
SYSTEM_FIELDS: dict[str, str] = {
    "handle_myself": "部门负责人亲自处理",
    "customer_unreachable": "24小时内未联系上客户",
    "skipped": "无需回访",
    "demand_unreasonable": "诉求无法合理满足",
    "simple_path": "简易投诉（当场解决）",
    "cross_department": "跨部门投诉（转交被投诉部门考核主管）",
}

# Actions that finish the step on what it records: their form shows the step's fields.
RECORDING_EFFECTS = (F.FINISH, F.FORWARD, F.ASSIGN, F.REVISIT,
                     # internal complaints and rework orders (§4.2, §4.3)
                     F.OPEN_INTERNAL, F.FORWARD_INTERNAL, F.TELL_REPORTER, F.FEED_BACK,
                     F.REPORT_COMPLETION)
# Actions that record only why: a 备注.
NOTE_EFFECTS = (F.HANDLE_MYSELF, F.SKIP_REVISIT)


@dataclass(frozen=True, slots=True)
class AskedWhen:
    """`field` counts only while `depends_on` holds one of `values`; otherwise the form
    greys it out and does not send it."""

    field: str
    depends_on: str
    values: tuple[Any, ...]


FIELD_CONDITIONS: tuple[AskedWhen, ...] = (
    # 满意度 only from a customer who was reached (the engine drops any other: guards.py)
    AskedWhen("satisfaction", "reached", (True,)),
    # where a 不满意 revisit sends the case back to
    AskedWhen("reopen_department_id", "satisfaction", (UNSATISFIED,)),
)


def field_spec(name: str) -> FieldSpec | None:
    """What a field is (label, kind), for the fields a person may fill in."""
    return FIELDS.get(name) or EXTRA_FIELDS.get(name)


def action_def(case: Case, spec: ActionSpec) -> tuple[F.StepDef, F.ActionDef]:
    flow = F.flow_for(case.flow)
    sdef = flow.steps[spec.step_key]
    adef = next(a for a in sdef.actions + flow.common_actions if a.key == spec.key)
    return sdef, adef


def form_fields(case: Case, spec: ActionSpec) -> list[str]:
    """The fields of the action's form, in the order the step lists them: the action's
    required fields; all the step records for an action that finishes the step on them;
    a 备注 for an action that records only why; for the revisit, where a 不满意 case goes
    back to."""
    sdef, adef = action_def(case, spec)
    names = list(adef.required)
    if adef.effect in RECORDING_EFFECTS and adef.leads_to != F.STAY:
        names = list(sdef.records) + [n for n in names if n not in sdef.records]
    if adef.effect in NOTE_EFFECTS:
        names.append("note")
    if adef.effect == F.REVISIT and sdef.key == S.REVISIT:
        names.append("reopen_department_id")  # 不满意: where the case goes back to
    seen: list[str] = []
    for n in names:
        if n not in seen and n not in SYSTEM_FIELDS and field_spec(n) is not None:
            seen.append(n)
    return seen


def form_prefill(case: Case, name: str) -> Any:
    """What a field starts with: the case's classification, the 竣工 time already
    recorded, the latest list of responsible people. None: empty."""
    if name in ("category", "department_id"):
        return getattr(case, name) or None
    if name == "severity":
        return case.severity.value if case.severity else None
    if name == "completed_at":  # 竣工 already recorded: the report keeps it
        step = case.open_step
        return step.data.get("completed_at") if step is not None else None
    if name == "responsible":
        for s in reversed(case.steps):
            if not s.is_open and isinstance(s.data.get("responsible"), list):
                return s.data["responsible"]
    return None


def asked(name: str, values: dict[str, Any]) -> bool:
    """Whether `name` counts, given the other fields' current values (a field whose
    condition's field is not on the form always counts)."""
    for c in FIELD_CONDITIONS:
        if c.field == name and c.depends_on in values and values[c.depends_on] not in c.values:
            return False
    return True
