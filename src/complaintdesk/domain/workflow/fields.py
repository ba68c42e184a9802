"""The data fields steps record (names from domain/steps.py), their Chinese labels and checks.

Messages name the field in Chinese and say what to enter (DESIGN §10).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum
from typing import Any

from ..records import SATISFACTION, SOLUTIONS, Responsibility, Severity
from .errors import WorkflowError


class FieldKind(StrEnum):
    TEXT = "text"  # non-empty text
    ID = "id"  # an integer id
    IDS = "ids"  # a list of integer ids
    BOOL = "bool"  # True or False (must be given)
    CONFIRM = "confirm"  # must be True (a box that has to be ticked)
    CHOICE = "choice"  # one of `choices`
    DATETIME = "datetime"  # an aware datetime or an ISO-8601 string with offset
    RESPONSIBLE = "responsible"  # [{employee_id, responsibility, proposal}]


@dataclass(frozen=True, slots=True)
class FieldSpec:
    label: str
    kind: FieldKind
    choices: tuple[str, ...] = ()
    hint: str = ""  # guidance shown beside the field


# Step 1's severity guidance, in the policy's words: 000 二(二) (一般/重要/重大, 重大 e.g.
# safety, group incidents, media exposure) and 003 一.9(3) (生产质量、产品质量、客户要求过高
# are 重大 — a kind of complaint, not a reason to close one)
SEVERITY_GUIDANCE = (
    "一般：事实清楚、影响较小的投诉；\n"
    "重要：须立即上报部门负责人和总经理，解决方案须经部门负责人审批；\n"
    "重大：涉及安全、群体性事件、媒体曝光风险，或生产质量、产品质量、客户要求过高等"
    "（003 一.9(3)），由业务主管亲自处理，解决方案须经总经理审批。"
)


_REVISIT_METHODS = ("电话", "短信", "上门")

FIELDS: dict[str, FieldSpec] = {
    "category": FieldSpec("投诉类别", FieldKind.TEXT),
    "severity": FieldSpec("严重程度", FieldKind.CHOICE, tuple(s.value for s in Severity),
                          hint=SEVERITY_GUIDANCE),
    "department_id": FieldSpec("责任部门", FieldKind.ID),
    "supervisor_user_id": FieldSpec("处理主管", FieldKind.ID),
    "process": FieldSpec("事情经过", FieldKind.TEXT),
    "solution_kind": FieldSpec("解决办法", FieldKind.CHOICE, SOLUTIONS),
    "solution_text": FieldSpec("解决办法说明", FieldKind.TEXT),
    "customer_attitude": FieldSpec("客户对处理的感受和态度", FieldKind.TEXT),
    "responsible": FieldSpec("责任人", FieldKind.RESPONSIBLE),
    "opinion": FieldSpec("处理意见", FieldKind.TEXT),
    "slip_ids": FieldSpec("过失单", FieldKind.IDS),
    "method": FieldSpec("回访方式", FieldKind.CHOICE, _REVISIT_METHODS),
    "reached": FieldSpec("是否联系上客户", FieldKind.BOOL),
    "satisfaction": FieldSpec("满意度", FieldKind.CHOICE, SATISFACTION),
    "customer_words": FieldSpec("客户意见", FieldKind.TEXT),
    "reopen_department_id": FieldSpec("重新处理的部门", FieldKind.ID),
    "evaluation": FieldSpec("评估意见", FieldKind.TEXT),
    "on_time": FieldSpec("是否按时处理", FieldKind.BOOL),
    "proper": FieldSpec("处理是否得当", FieldKind.BOOL),
    "approval": FieldSpec("签批意见", FieldKind.TEXT),
    "feedback_to_department": FieldSpec("反馈业务部门的意见", FieldKind.TEXT),
    "findings": FieldSpec("调查结果", FieldKind.TEXT),
    "review": FieldSpec("审核意见", FieldKind.TEXT),
    "notified": FieldSpec("已告知投诉部门负责人", FieldKind.CONFIRM),
    "deadline": FieldSpec("新的期限", FieldKind.DATETIME),
    "reason": FieldSpec("原因", FieldKind.TEXT),
    "no_revisit": FieldSpec("无需回访", FieldKind.BOOL),
    # internal complaints and rework orders (DESIGN §4.2, §4.3)
    "against_department": FieldSpec("针对部门整体的投诉", FieldKind.BOOL),
    "completed_at": FieldSpec("竣工时间", FieldKind.DATETIME),
    "cs_revisit_assessment": FieldSpec("对客服中心回访情况的考核记录", FieldKind.TEXT),
}


def field_label(name: str) -> str:
    spec = FIELDS.get(name)
    return spec.label if spec else name


def parse_datetime(value: Any) -> datetime | None:
    """An aware datetime from a datetime or an ISO string; None when not parseable/naive."""
    if isinstance(value, str):
        try:
            value = datetime.fromisoformat(value)
        except ValueError:
            return None
    if isinstance(value, datetime) and value.tzinfo is not None:
        return value.astimezone(UTC)
    return None


def _is_id(v: Any) -> bool:
    return isinstance(v, int) and not isinstance(v, bool)


def _check_responsible(name: str, value: Any) -> None:
    label = field_label(name)
    if not isinstance(value, list):
        raise WorkflowError(f"「{label}」格式不正确，请重新选择责任人。", name)
    valid = {r.value for r in Responsibility}
    for i, item in enumerate(value, start=1):
        if not isinstance(item, Mapping) or not _is_id(item.get("employee_id")):
            raise WorkflowError(f"「{label}」第 {i} 行未选择员工，请选择责任人。", name)
        if item.get("responsibility") not in valid:
            raise WorkflowError(
                f"「{label}」第 {i} 行未选择责任类别，请选择主要/次要/管理/连带责任。", name
            )


def check_value(name: str, value: Any) -> None:
    """Raise WorkflowError when a given value has the wrong shape for its field."""
    spec = FIELDS.get(name)
    if spec is None:
        return
    label = spec.label
    match spec.kind:
        case FieldKind.TEXT:
            if not isinstance(value, str) or not value.strip():
                raise WorkflowError(f"请填写「{label}」。", name)
        case FieldKind.ID:
            if not _is_id(value):
                raise WorkflowError(f"请选择「{label}」。", name)
        case FieldKind.IDS:
            if not isinstance(value, list | tuple) or not all(_is_id(v) for v in value):
                raise WorkflowError(f"「{label}」格式不正确，请重新选择。", name)
        case FieldKind.BOOL:
            if not isinstance(value, bool):
                raise WorkflowError(f"请选择「{label}」（是/否）。", name)
        case FieldKind.CONFIRM:
            if value is not True:
                raise WorkflowError(f"请确认「{label}」后再提交。", name)
        case FieldKind.CHOICE:
            if value not in spec.choices:
                options = "/".join(spec.choices)
                raise WorkflowError(f"请选择「{label}」({options})。", name)
        case FieldKind.DATETIME:
            if parse_datetime(value) is None:
                raise WorkflowError(f"「{label}」不是有效的日期时间，请重新选择。", name)
        case FieldKind.RESPONSIBLE:
            _check_responsible(name, value)


def _missing(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def check_fields(data: Mapping[str, Any], required: Iterable[str]) -> None:
    """Required fields must be present; every known field given must have the right shape."""
    missing: dict[str, str] = {}
    for name in required:  # every missing field is named at once, not one per attempt
        if _missing(data.get(name)):
            spec = FIELDS.get(name)
            verb = "填写" if spec is None or spec.kind is FieldKind.TEXT else "选择"
            missing[name] = f"请{verb}「{field_label(name)}」。"
    if missing:
        first = next(iter(missing))
        raise WorkflowError(missing[first], first, fields=missing)
    for name in required:
        check_value(name, data[name])
    for name, value in data.items():
        if name in FIELDS and not _missing(value):
            check_value(name, value)
