"""Validation of intake fields (DESIGN §5). Messages are Chinese and name the field."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime

from .records import CHANNELS, MOODS, FlowKind, Intake

MOBILE_RE = re.compile(r"^1[3-9]\d{9}$")
LANDLINE_RE = re.compile(r"^(0\d{2,3}-?)?\d{7,8}(-\d{1,6})?$")
_PROVINCES = "京津沪渝冀豫云辽黑湘皖鲁新苏浙赣鄂桂甘晋蒙陕吉闽贵粤青藏川宁琼使领"
_LETTER = "A-HJ-NP-Z"  # plate letters exclude I and O
PLATE_RE = re.compile(
    rf"^[{_PROVINCES}][{_LETTER}]"
    rf"(?:[{_LETTER}0-9]{{4}}[{_LETTER}0-9挂学警港澳]"  # ordinary 7-character plate
    rf"|[DF][{_LETTER}0-9]\d{{4}}"  # new-energy small car: 8 characters, D/F third
    rf"|\d{{5}}[DF])$"  # new-energy large vehicle: 8 characters, D/F last
)
_VIN_VALUES = {
    **{str(d): d for d in range(10)},
    "A": 1, "B": 2, "C": 3, "D": 4, "E": 5, "F": 6, "G": 7, "H": 8,
    "J": 1, "K": 2, "L": 3, "M": 4, "N": 5, "P": 7, "R": 9,
    "S": 2, "T": 3, "U": 4, "V": 5, "W": 6, "X": 7, "Y": 8, "Z": 9,
}
_VIN_WEIGHTS = (8, 7, 6, 5, 4, 3, 2, 10, 0, 9, 8, 7, 6, 5, 4, 3, 2)
VIN_RE = re.compile(r"^[A-HJ-NPR-Z0-9]{17}$")


def normalize_plate(plate: str) -> str:
    return plate.strip().replace(" ", "").replace("·", "").replace("-", "").upper()


def normalize_vin(vin: str) -> str:
    return vin.strip().replace(" ", "").upper()


def is_valid_mobile(phone: str) -> bool:
    return bool(MOBILE_RE.match(phone.strip()))


def is_valid_plate(plate: str) -> bool:
    return bool(PLATE_RE.match(normalize_plate(plate)))


def vin_check_digit(vin: str) -> str:
    """The check digit (position 9) per GB 16735 / ISO 3779: weighted sum mod 11, 10 → X."""
    total = sum(_VIN_VALUES[c] * w for c, w in zip(vin.upper(), _VIN_WEIGHTS, strict=True))
    rem = total % 11
    return "X" if rem == 10 else str(rem)


def vin_format_ok(vin: str) -> bool:
    return bool(VIN_RE.match(normalize_vin(vin)))


def vin_check_ok(vin: str) -> bool:
    v = normalize_vin(vin)
    return vin_format_ok(v) and vin_check_digit(v) == v[8]


def mask_phone(phone: str) -> str:
    """Kept for callers of the old name: the masks live in domain/masking.py (DESIGN §3)."""
    from .masking import mask_mobile

    return mask_mobile(phone)


def mask_vin(vin: str) -> str:
    """Kept for callers of the old name: the masks live in domain/masking.py (DESIGN §3)."""
    from .masking import mask_vin as _mask_vin

    return _mask_vin(vin)


@dataclass
class ValidationResult:
    errors: dict[str, str] = field(default_factory=dict)  # field → message (blocks saving)
    warnings: dict[str, str] = field(default_factory=dict)  # field → message (can override)

    @property
    def ok(self) -> bool:
        return not self.errors


# What the intake fields are called on each flow's form: the messages below name the field
# the person sees. An internal complaint (内部投诉) reuses the intake record with the
# reporter in customer_name, the incident time in complained_at and 事情经过 in description.
FIELD_LABELS: dict[FlowKind, dict[str, str]] = {
    FlowKind.FEEDBACK: {"customer_name": "客户姓名", "description": "客户反映的内容",
                        "complained_at": "客户投诉时间", "department_id": "部门"},
    FlowKind.INTERNAL: {"customer_name": "投诉人", "description": "事情经过",
                        "complained_at": "发生时间", "department_id": "被投诉部门",
                        "demand": "违反的制度/流程"},
    FlowKind.REWORK: {"customer_name": "客户姓名", "description": "返修原因及内容",
                      "complained_at": "开单时间", "department_id": "所属部门"},
}


def validate_intake(intake: Intake, now: datetime) -> ValidationResult:
    """Check the intake form; `now` is the clock's time (a complaint cannot be in the future)."""
    return validate_registration(intake, now, FlowKind.FEEDBACK)


def validate_registration(intake: Intake, now: datetime, flow: FlowKind,
                          department_id: int | None = None) -> ValidationResult:
    """The intake rules for `flow`. Customer feedback and rework orders have a customer who
    must be reachable (a phone); an internal complaint has a reporter instead, and internal
    complaints and rework orders need their department (the reported / owning one)."""
    labels = FIELD_LABELS[flow]
    r = ValidationResult()
    name = labels["customer_name"]
    if not intake.customer_name.strip():
        r.errors["customer_name"] = f"请填写{name}"
    elif len(intake.customer_name.strip()) > 40:
        r.errors["customer_name"] = f"{name}不能超过 40 个字"
    if flow is not FlowKind.FEEDBACK and department_id is None:
        r.errors["department_id"] = f"请选择{labels['department_id']}"
    phone = intake.phone.strip()
    if phone and not is_valid_mobile(phone):
        r.errors["phone"] = "手机号码应为 11 位数字，以 13–19 开头（例如 13812345678）"
    landline = intake.landline.strip()
    if landline and not LANDLINE_RE.match(landline):
        r.errors["landline"] = "固定电话格式不正确（例如 010-68880061）"
    if not phone and not landline and flow is not FlowKind.INTERNAL:
        r.errors["phone"] = "请至少填写手机号码或固定电话"
    if intake.plate.strip() and not is_valid_plate(intake.plate):
        r.errors["plate"] = "车牌号格式不正确（例如 京A12345，新能源 京AD12345）"
    vin = normalize_vin(intake.vin)
    if vin:
        if len(vin) != 17:
            r.errors["vin"] = f"车架号(VIN)应为 17 位，当前 {len(vin)} 位"
        elif not vin_format_ok(vin):
            r.errors["vin"] = "车架号(VIN)只能包含数字和字母，且不能含 I、O、Q"
        elif not vin_check_ok(vin) and not intake.override_vin_check:
            r.warnings["vin"] = (
                f"车架号第 9 位校验码应为 {vin_check_digit(vin)}，实际为 {vin[8]}；"
                "部分进口车无校验位，确认无误可忽略此提示"
            )
    if intake.channel not in CHANNELS:
        r.errors["channel"] = "请选择投诉渠道"
    if intake.mood and intake.mood not in MOODS:
        r.errors["mood"] = "请选择客户情绪"
    if not intake.description.strip():
        r.errors["description"] = f"请填写{labels['description']}"
    when = labels["complained_at"]
    if intake.complained_at is None:
        r.errors["complained_at"] = f"请填写{when}"
    elif intake.complained_at > now:
        r.errors["complained_at"] = f"{when}不能晚于当前时间"
    if intake.purchase_date and intake.purchase_date > now.date():
        r.errors["purchase_date"] = "购车/维修日期不能晚于今天"
    return r


def format_number(prefix: str, year: int, month: int, seq: int) -> str:
    """FK-202611-0001: gapless per prefix and month (DESIGN §5)."""
    return f"{prefix}-{year:04d}{month:02d}-{seq:04d}"
