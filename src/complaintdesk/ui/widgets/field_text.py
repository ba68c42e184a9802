"""How step data reads to a person: field labels, values, durations (timeline, forms, 待办).

Labels come from the workflow's FIELDS table; the few recorded fields that the table does
not list (notes, flags the engine sets) get their label here.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta, tzinfo
from typing import Any

from ...domain.records import RESPONSIBILITY_LABELS, Severity
from ...domain.workflow.fields import FIELDS, FieldKind, FieldSpec, parse_datetime

# what a person may fill in beyond FIELDS, and the flags the engine records itself: the
# domain's table of forms (domain/workflow/forms.py)
from ...domain.workflow.forms import EXTRA_FIELDS, SYSTEM_FIELDS, field_spec

# Recorded for the engine, not for reading (the 考核主管 routing snapshot, corrections of 竣工)
HIDDEN_FIELDS = frozenset({"routing", "completion_corrections"})
# What the special cases record (DESIGN §4.1), shown by `special_text`
SPECIAL_LABELS: dict[str, str] = {
    "solution_approvals": "解决方案审批",
    "receiver_employee_id": "受理人",
    "awaiting_other_issuer": "待行政部负责人或总经理开具的过失单",
}
_APPROVAL_STATUS = {"pending": "待审批", "approved": "已批准", "returned": "已退回"}
_APPROVERS = {"dept_head": "部门负责人", "general_manager": "总经理"}

CHOICE_LABELS: dict[str, str] = {
    **{s.value: s.label for s in Severity},
    **{r.value: label for r, label in RESPONSIBILITY_LABELS.items()},
}


def spec_for(name: str) -> FieldSpec | None:
    return field_spec(name)


def label_for(name: str) -> str:
    spec = spec_for(name)
    if spec is not None:
        return spec.label
    return SYSTEM_FIELDS.get(name) or SPECIAL_LABELS.get(name, name)


def special_text(name: str, value: Any, names: Names, tz: tzinfo) -> str:
    """The 重要/重大 approval history, the receiver, slips awaiting the GM."""
    if name == "receiver_employee_id":
        return names.employees.get(value, str(value)) if isinstance(value, int) else str(value)
    if name == "awaiting_other_issuer":
        ids = value if isinstance(value, list) else []
        return "、".join(names.slips.get(i, f"#{i}") for i in ids) or "无"
    lines = []
    for a in value if isinstance(value, list) else []:
        if not isinstance(a, Mapping):
            continue
        status = _APPROVAL_STATUS.get(str(a.get("status")), str(a.get("status")))
        who = _APPROVERS.get(str(a.get("approver")), "")
        when = _local(a.get("decided_at") or a.get("requested_at"), tz)
        reason = f"：{a['reason']}" if a.get("reason") else ""
        late = "（超时）" if a.get("breach") else ""
        lines.append(f"{status}（{who}，{when}）{late}{reason}")
    return "\n".join(lines)


def choice_label(value: str) -> str:
    return CHOICE_LABELS.get(value, value)


def duration_text(delta: timedelta) -> str:
    """"3 天 2 小时", "3 小时 20 分", "45 分" — the two largest units that matter."""
    minutes = max(0, int(delta.total_seconds() // 60))
    d, rest = divmod(minutes, 24 * 60)
    h, m = divmod(rest, 60)
    if d:
        return f"{d} 天 {h} 小时" if h else f"{d} 天"
    if h:
        return f"{h} 小时 {m} 分" if m else f"{h} 小时"
    return f"{m} 分"


def remaining_text(deadline: datetime | None, now: datetime) -> str:
    if deadline is None:
        return "无时限"
    if now > deadline:
        return f"超期 {duration_text(now - deadline)}"
    return f"剩余 {duration_text(deadline - now)}"


@dataclass
class Names:
    """Id → name lookups for showing recorded ids as people and departments."""

    users: dict[int, str] = field(default_factory=dict)
    departments: dict[int, str] = field(default_factory=dict)
    employees: dict[int, str] = field(default_factory=dict)
    slips: dict[int, str] = field(default_factory=dict)

    def user(self, uid: int | None) -> str:
        return "" if uid is None else self.users.get(uid, f"用户#{uid}")


def _local(value: Any, tz: tzinfo) -> str:
    when = parse_datetime(value)
    return when.astimezone(tz).strftime("%Y-%m-%d %H:%M") if when else str(value)


def responsible_text(items: Any, names: Names) -> str:
    if not isinstance(items, list) or not items:
        return "无"
    lines = []
    for item in items:
        if not isinstance(item, Mapping):
            continue
        who = names.employees.get(item.get("employee_id") or -1, "（未选择员工）")
        level = item.get("responsibility") or ""
        level_text = choice_label(str(level))
        proposal = str(item.get("proposal") or "").strip()
        lines.append(f"{who}（{level_text}）" + (f"：{proposal}" if proposal else ""))
    return "\n".join(lines)


def value_text(name: str, value: Any, names: Names, tz: tzinfo) -> str:
    """A recorded value as a person reads it."""
    spec = spec_for(name)
    if name in SPECIAL_LABELS:
        return special_text(name, value, names, tz)
    if name in SYSTEM_FIELDS or isinstance(value, bool):
        return "是" if value else "否"
    if spec is None:
        return str(value)
    match spec.kind:
        case FieldKind.RESPONSIBLE:
            return responsible_text(value, names)
        case FieldKind.ID:
            lookup = names.users if name.endswith("user_id") else (
                names.departments if "department" in name else names.employees)
            return lookup.get(value, str(value)) if isinstance(value, int) else str(value)
        case FieldKind.IDS:
            ids = value if isinstance(value, list | tuple) else []
            return "、".join(names.slips.get(i, f"#{i}") for i in ids) or "无"
        case FieldKind.CHOICE:
            return choice_label(str(value))
        case FieldKind.DATETIME:
            return _local(value, tz)
    return str(value)


def shown_items(data: Mapping[str, Any], names: Names, tz: tzinfo) -> list[tuple[str, str]]:
    """(label, text) for every recorded value worth showing, in FIELDS order first."""
    order = list(FIELDS) + list(EXTRA_FIELDS) + list(SYSTEM_FIELDS) + list(SPECIAL_LABELS)
    keys = sorted(data, key=lambda k: order.index(k) if k in order else len(order))
    out = []
    for k in keys:
        v = data[k]
        if v is None or v == "" or v == [] or k in HIDDEN_FIELDS:
            continue
        if k in SYSTEM_FIELDS and v is not True:
            continue
        if k == "no_responsible" and v is not True:
            continue
        out.append((label_for(k), value_text(k, v, names, tz)))
    return out


def names_from(services: Any) -> Names:
    """The lookups from the people service (inactive people included: history keeps them)."""
    people = services.people
    return Names(
        users={u.id: u.display_name for u in people.users(True) if u.id is not None},
        departments={d.id: d.name for d in people.departments(True) if d.id is not None},
        employees={e.id: e.name for e in people.employees(True) if e.id is not None},
    )
