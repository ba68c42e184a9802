"""The table of input rules for registering a case (DESIGN §5), one row per intake field,
and the check that applies it. The same rules for customer feedback, internal complaints
and rework orders; only the field names the person sees differ per flow."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime
from typing import Any

from ..records import CHANNELS, MOODS, FeedbackKind, FlowKind, Intake
from .phones import check_landline, check_mobile
from .plates import check_plate
from .result import ValidationResult
from .text import InputLimits, clean_text, default_limits, is_aware, text_problem
from .vin import normalize_vin, vin_check_digit, vin_check_ok, vin_format_ok

# What each field is called on the customer-feedback form (客户投诉登记表).
LABELS: dict[str, str] = {
    "customer_name": "客户姓名", "phone": "手机号码", "landline": "固定电话",
    "vehicle_model": "车型", "plate": "车牌号", "vin": "车架号（VIN）",
    "purchase_date": "购车/维修日期", "channel": "投诉渠道", "location": "发生地点",
    "description": "客户反映的内容", "persons_involved": "涉及人员", "demand": "客户诉求",
    "mood": "客户情绪", "received_by": "接待人", "complained_at": "客户投诉时间",
    "kind": "类型", "department_id": "部门", "self_report_department_id": "自查部门",
    # a self-report carries step 1's fields (DESIGN §4.1; the engine checks them)
    "self_report_category": "投诉类别", "self_report_severity": "严重程度",
    "attachments": "证据附件",
}
# The other flows reuse the intake record: an internal complaint (内部投诉) has the reporter
# in customer_name, the incident time in complained_at and 事情经过 in description.
FIELD_LABELS: dict[FlowKind, dict[str, str]] = {
    FlowKind.FEEDBACK: dict(LABELS),
    FlowKind.INTERNAL: {**LABELS, "customer_name": "投诉人", "description": "事情经过",
                        "complained_at": "发生时间", "department_id": "被投诉部门",
                        "demand": "违反的制度/流程", "persons_involved": "被投诉员工"},
    FlowKind.REWORK: {**LABELS, "description": "返修原因及内容", "complained_at": "开单时间",
                      "department_id": "所属部门", "location": "返修地点"},
}

TEXT_FIELDS: tuple[str, ...] = (
    "customer_name", "phone", "landline", "vehicle_model", "plate", "vin", "channel",
    "location", "description", "persons_involved", "demand", "mood", "received_by",
)
REQUIRED: tuple[str, ...] = ("customer_name", "description")

_PHONE_MESSAGES = {
    "format": "{label}应为 11 位数字、以 13–19 开头（例如 13812345678，可带 +86、空格或短横线）。",
    "landline_in_mobile": "{label}应为 11 位手机号码；固定电话请填在“固定电话”一栏。",
    "repeated": "{label}不能全部是同一个数字，请填写客户的真实号码。",
}
_LANDLINE_MESSAGES = {
    "format": ("{label}格式不正确：应为区号加 7–8 位号码，可带分机（例如 010-68880061、"
               "（0755）1234 5678 转 801），或 400/800 号码。"),
    "no_area_code": "{label}缺少区号，请在号码前加区号（例如 010-68880061）。",
    "mobile_in_landline": "{label}填的是手机号码，请填在“手机号码”一栏。",
    "repeated": "{label}不能全部是同一个数字，请填写真实号码。",
}
_PLATE_FORMAT = ("{label}格式不正确：应为省份简称 + 字母 + 5 位号码（例如 京A12345、沪A1234领），"
                 "新能源 8 位（例如 粤BD12345、粤B12345D），使馆车 使123456；临时号牌请填“临时”，"
                 "无车牌可留空。")
_PLATE_LETTERS = "{label}的序号含 3 个以上字母，较少见，请核对；确认无误请勾选下方的“仍然保存”。"


def _text_values(intake: Intake, labels: dict[str, str], limits: InputLimits,
                 r: ValidationResult) -> dict[str, str]:
    """Every text field cleaned and checked for characters; a non-text value is refused."""
    values: dict[str, str] = {}
    for f in TEXT_FIELDS:
        raw: Any = getattr(intake, f)
        if raw is None:
            raw = ""
        if not isinstance(raw, str):
            r.errors[f] = f"{labels[f]}格式不正确，请重新填写。"
            values[f] = ""
            continue
        values[f] = clean_text(raw, f in limits.long_text)
        problem = text_problem(values[f], labels[f], None, f in limits.long_text)
        if problem:
            r.errors[f] = problem
    return values


def _check_phones(values: dict[str, str], labels: dict[str, str], flow: FlowKind,
                  r: ValidationResult) -> None:
    for f, check, messages in (("phone", check_mobile, _PHONE_MESSAGES),
                               ("landline", check_landline, _LANDLINE_MESSAGES)):
        if f in r.errors or not values[f]:
            continue
        checked = check(values[f])
        values[f] = checked.value
        if checked.problem:
            r.errors[f] = messages[checked.problem].format(label=labels[f])
    if (flow is not FlowKind.INTERNAL and not values["phone"] and not values["landline"]
            and "phone" not in r.errors and "landline" not in r.errors):
        r.errors["phone"] = "请至少填写手机号码或固定电话。"


def _check_vehicle(intake: Intake, values: dict[str, str], labels: dict[str, str],
                   r: ValidationResult) -> None:
    if "plate" not in r.errors and values["plate"]:
        plate = check_plate(values["plate"])
        values["plate"] = plate.value
        if plate.problem == "format":
            r.errors["plate"] = _PLATE_FORMAT.format(label=labels["plate"])
        elif plate.problem == "letters" and not getattr(intake, "override_plate_check", False):
            r.warnings["plate"] = _PLATE_LETTERS.format(label=labels["plate"])
    if "vin" in r.errors or not values["vin"]:
        return
    vin = values["vin"] = normalize_vin(values["vin"])
    label = labels["vin"]
    if len(vin) != 17:
        r.errors["vin"] = f"{label}应为 17 位，当前 {len(vin)} 位。"
    elif not vin_format_ok(vin):
        r.errors["vin"] = f"{label}只能包含数字和字母，且不能含 I、O、Q。"
    elif not vin_check_ok(vin) and not intake.override_vin_check:
        r.warnings["vin"] = (f"{label}第 9 位校验码应为 {vin_check_digit(vin)}，实际为 {vin[8]}；"
                             "部分进口车无校验位，确认无误可忽略此提示。")


def _check_dates(intake: Intake, now: datetime, labels: dict[str, str], limits: InputLimits,
                 r: ValidationResult) -> None:
    earliest = limits.earliest_date
    when, at = labels["complained_at"], intake.complained_at
    if at is None:
        r.errors["complained_at"] = f"请填写{when}。"
    elif not isinstance(at, datetime):
        r.errors["complained_at"] = f"{when}应为日期和时间，请重新选择。"
    elif not is_aware(at):  # a time without a zone is ambiguous by hours: never guessed
        r.errors["complained_at"] = f"{when}缺少时区，无法确定具体时刻，请重新选择。"
    elif at.astimezone(UTC).date() < earliest:
        r.errors["complained_at"] = f"{when}不能早于 {earliest:%Y-%m-%d}。"
    elif at > now:
        r.errors["complained_at"] = f"{when}不能晚于当前时间。"
    bought = intake.purchase_date
    label = labels["purchase_date"]
    if bought is None:
        return
    if not isinstance(bought, date) or isinstance(bought, datetime):
        r.errors["purchase_date"] = f"{label}应为日期，请重新选择。"
        return
    latest = limits.latest_date(now.date())
    if not earliest <= bought <= latest:
        r.errors["purchase_date"] = f"{label}应在 {earliest:%Y-%m-%d} 至 {latest:%Y-%m-%d} 之间。"


def _check_ids(intake: Intake, flow: FlowKind, department_id: Any, labels: dict[str, str],
               r: ValidationResult) -> None:
    def is_id(value: Any) -> bool:
        return isinstance(value, int) and not isinstance(value, bool)

    if flow is not FlowKind.FEEDBACK:
        if department_id is None:
            r.errors["department_id"] = f"请选择{labels['department_id']}。"
        elif not is_id(department_id):
            r.errors["department_id"] = f"{labels['department_id']}无效，请重新选择。"
    sr = intake.self_report_department_id
    if sr is not None and not is_id(sr):
        r.errors["self_report_department_id"] = f"{labels['self_report_department_id']}无效，请重新选择。"
    if not isinstance(intake.kind, FeedbackKind):
        r.errors["kind"] = f"请选择{labels['kind']}。"


def check_registration(intake: Intake, now: datetime, flow: FlowKind,
                       department_id: int | None = None,
                       limits: InputLimits | None = None) -> tuple[Intake, ValidationResult]:
    """Normalise and check a registration: (the intake as it would be stored, the messages).
    `now` is the clock's (aware) time. Feedback and rework orders have a customer who must be
    reachable (a phone); an internal complaint has a reporter instead, and internal
    complaints and rework orders need their department (the reported / owning one)."""
    limits = limits or default_limits()
    labels = FIELD_LABELS[flow]
    r = ValidationResult()
    values = _text_values(intake, labels, limits, r)
    for f in REQUIRED:
        if f not in r.errors and not values[f]:
            r.errors[f] = f"请填写{labels[f]}。"
    _check_phones(values, labels, flow, r)
    _check_vehicle(intake, values, labels, r)
    for f, options, what in (("channel", CHANNELS, "请选择"), ("mood", MOODS, "请选择")):
        if f not in r.errors and values[f] not in options and (f == "channel" or values[f]):
            r.errors[f] = f"{what}{labels[f]}。"
    for f in TEXT_FIELDS:  # lengths of what would be stored
        if f not in r.errors:
            problem = text_problem(values[f], labels[f], limits.limit(f), f in limits.long_text)
            if problem:
                r.errors[f] = problem
    _check_dates(intake, now, labels, limits, r)
    _check_ids(intake, flow, department_id, labels, r)
    return replace(intake, **values), r


def check_attachment(filename: Any, mime: Any, size: int, max_bytes: int,
                     limits: InputLimits | None = None) -> str | None:
    """The message for an attachment that may not be stored, or None."""
    limits = limits or default_limits()
    label = LABELS["attachments"]
    if not isinstance(filename, str) or not isinstance(mime, str) or not filename.strip():
        return f"{label}缺少文件名，请重新添加。"
    name_problem = text_problem(filename.strip(), f"{label}的文件名",
                                limits.limit("attachment_name"), False)
    if name_problem:
        return name_problem
    if text_problem(mime, f"{label}的文件类型", limits.limit("attachment_mime"), False):
        return f"{label}“{filename.strip()[:40]}”的文件类型无法识别，请重新添加。"
    if size > max_bytes:
        return f"{label}“{filename.strip()[:40]}”超过 {max_bytes // (1024 * 1024)} MB，请压缩后再上传。"
    return None
