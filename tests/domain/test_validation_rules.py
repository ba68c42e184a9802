"""The input rules of DESIGN §5 as tables: each rule with valid and invalid examples, and
what is stored for the valid ones (the normalised value)."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, timedelta, timezone

import pytest

from complaintdesk.domain.input_rules import (
    bad_character,
    check_landline,
    check_mobile,
    check_plate,
    default_limits,
)
from complaintdesk.domain.input_rules.registration import FIELD_LABELS, check_registration
from complaintdesk.domain.records import FlowKind, Intake
from complaintdesk.domain.validation import is_valid_mobile, normalize_intake, validate_intake

NOW = datetime(2026, 11, 23, 4, 0, tzinfo=UTC)


def _intake(**kw: object) -> Intake:
    values: dict[str, object] = dict(customer_name="王小明", phone="13812345678",
                                     description="保养后刹车异响",
                                     complained_at=NOW - timedelta(hours=1))
    values.update(kw)
    return Intake(**values)  # type: ignore[arg-type]


# ---- mobile phones: normalised, then 1[3-9] + 9 digits ------------------------------------
@pytest.mark.parametrize("typed,stored", [
    ("13812345678", "13812345678"),
    ("+86 138 1234 5678", "13812345678"),
    ("+8613812345678", "13812345678"),
    ("0086 13812345678", "13812345678"),
    ("(+86)138-1234-5678", "13812345678"),
    ("8613812345678", "13812345678"),
    ("138 1234 5678", "13812345678"),
    ("138-1234-5678", "13812345678"),
    ("138.1234.5678", "13812345678"),
    ("13８１２３４５６７８", "13812345678"),  # full-width digits (NFKC)
    ("１３８－１２３４－５６７８", "13812345678"),
    (" 19912345678 ", "19912345678"),
])
def test_mobile_numbers_are_stored_normalised(typed, stored):
    assert check_mobile(typed).value == stored and check_mobile(typed).problem is None
    assert is_valid_mobile(typed)


@pytest.mark.parametrize("typed,problem", [
    ("12812345678", "format"), ("1381234567", "format"), ("138123456789", "format"),
    ("1381234567a", "format"), ("+1 138 1234 5678", "format"), ("13000000000", "repeated"),
    ("13888888888", "repeated"), ("010-68880061", "landline_in_mobile"),
    ("١٣٨١٢٣٤٥٦٧٨", "format"),  # Arabic-Indic digits are digits to Python, not to us
])
def test_mobile_numbers_refused(typed, problem):
    assert check_mobile(typed).problem == problem
    assert not is_valid_mobile(typed)


# ---- landlines: area code + 7–8 digits, brackets, extension; 400/800 ---------------------
@pytest.mark.parametrize("typed,stored", [
    ("010-68880061", "010-68880061"),
    ("01068880061", "010-68880061"),
    ("(010)68880061", "010-68880061"),
    ("（010）6888 0061", "010-68880061"),
    ("010 6888 0061", "010-68880061"),
    ("010-6888-0061", "010-68880061"),
    ("010.6888.0061", "010-68880061"),
    ("０１０－６８８８００６１", "010-68880061"),
    ("0755-2345678", "0755-2345678"),
    ("0755 2345 6789", "0755-23456789"),
    ("+86 10 6888 0061", "010-68880061"),  # the trunk 0 comes back
    ("0086-755-23456789", "0755-23456789"),
    ("+86 (755) 2345 6789", "0755-23456789"),
    ("010-68880061 转 801", "010-68880061-801"),
    ("（0755）2345 6789 转 801", "0755-23456789-801"),
    ("010-68880061分机12", "010-68880061-12"),
    ("010 6888 0061 ext. 12", "010-68880061-12"),
    ("010-68880061#3", "010-68880061-3"),
    ("010-68880061-801", "010-68880061-801"),  # after an unbroken number: an extension
    ("0755-2345678-8", "0755-2345678-8"),
    ("400-800-1234", "4008001234"),
    ("400 820 8820", "4008208820"),
    ("800-810-8888", "8008108888"),
    ("4008001234 转 2", "4008001234-2"),
])
def test_landlines_are_stored_normalised(typed, stored):
    assert check_landline(typed) == check_landline(stored)
    assert check_landline(typed).value == stored and check_landline(typed).problem is None


@pytest.mark.parametrize("typed,problem", [
    ("0000000", "repeated"), ("00000000", "repeated"), ("010-00000000", "repeated"),
    ("010-88888888", "repeated"), ("68880061", "no_area_code"), ("010-688800", "format"),
    ("010-123456789", "format"), ("010-08880061", "format"), ("0010-68880061", "format"),
    ("010-6888abcd", "format"), ("13812345678", "mobile_in_landline"),
    ("400-800-123", "format"), ("500-800-1234", "format"), ("转801", "format"),
    ("010-68880061/62", "format"),  # two numbers: one a field
])
def test_landlines_refused(typed, problem):
    assert check_landline(typed).problem == problem


# ---- plates (GA 36, as DESIGN §5 words them) -----------------------------------------------
@pytest.mark.parametrize("typed,stored", [
    ("京A12345", "京A12345"), ("京AB1234", "京AB1234"), ("京A1B23C", "京A1B23C"),
    ("京 a·12345", "京A12345"), ("京Ａ１２３４５", "京A12345"), ("京A-12345", "京A12345"),
    ("粤B8888挂", "粤B8888挂"), ("沪A1234领", "沪A1234领"), ("京A1234学", "京A1234学"),
    ("京A0001警", "京A0001警"), ("粤Z1234港", "粤Z1234港"), ("粤Z1234澳", "粤Z1234澳"),
    ("京A1234试", "京A1234试"), ("京A1234超", "京A1234超"),
    ("粤BD12345", "粤BD12345"), ("粤BDF1234", "粤BDF1234"), ("粤BA12345", "粤BA12345"),
    ("粤BG12345", "粤BG12345"), ("粤BK12345", "粤BK12345"), ("沪AF12345", "沪AF12345"),
    ("苏E12345D", "苏E12345D"), ("粤B12345F", "粤B12345F"),
    ("使123456", "使123456"), ("使 123 456", "使123456"),
    ("临时", "临时"), ("临时 京A 1234", "临时 京A 1234"),  # recorded as such, unchecked
    ("", ""),  # a new car may have none
])
def test_plates_accepted(typed, stored):
    checked = check_plate(typed)
    assert (checked.value, checked.problem) == (stored, None)


@pytest.mark.parametrize("typed", [
    "使A12345", "领A12345",  # 使 and 领 are never a province
    "京A1234", "京A123456", "京I12345", "京AO1234", "京A1I234", "A12345", "京AD123",
    "粤BL12345",  # L is not a new-energy small-car letter
    "粤BDI1234", "粤BD1234A", "粤B1234DD", "粤BA123", "使12345", "使1234567", "沪A12345领",
    "港A12345", "京A1234使", "京a", "12345",
])
def test_plates_refused(typed):
    assert check_plate(typed).problem == "format"


@pytest.mark.parametrize("typed", ["京AAAAAA", "冀AJTPSU", "京ABCD12", "京A1BCD2"])
def test_plates_with_more_than_two_letters_are_a_warning_not_an_error(typed):
    assert check_plate(typed).problem == "letters"
    r = validate_intake(_intake(plate=typed), NOW)
    assert r.ok and "plate" in r.warnings and r.warnings["plate"].startswith("车牌号")
    assert validate_intake(_intake(plate=typed, override_plate_check=True), NOW).warnings == {}


# ---- text: lengths as data, characters ---------------------------------------------------
LIMITED = ("customer_name", "vehicle_model", "location", "description", "persons_involved",
           "demand", "received_by")


@pytest.mark.parametrize("field", LIMITED)
@pytest.mark.parametrize("flow", list(FlowKind))
def test_every_text_field_has_a_maximum_length_named_in_its_message(field, flow):
    limit = default_limits().limit(field)
    assert limit is not None
    dept = None if flow is FlowKind.FEEDBACK else 1
    at_limit = check_registration(_intake(**{field: "字" * limit}), NOW, flow, dept)[1]
    assert field not in at_limit.errors
    over = check_registration(_intake(**{field: "字" * (limit + 1)}), NOW, flow, dept)[1]
    label = FIELD_LABELS[flow][field]
    assert over.errors[field] == f"{label}不能超过 {limit} 个字（当前 {limit + 1} 个字）。"


def test_the_limits_design_names():
    limits = default_limits()
    assert {f: limits.limit(f) for f in LIMITED} == {
        "customer_name": 40, "vehicle_model": 60, "location": 200, "description": 10_000,
        "persons_involved": 200, "demand": 1000, "received_by": 40}


@pytest.mark.parametrize("text,long_text,refused", [
    ("王小明", False, False), ("第一行\n第二行\t缩进", True, False),
    ("王\n小明", False, True), ("王\t小明", False, True), ("王\x00小明", True, True),
    ("bell\x07", True, True), ("esc\x1b[31m", True, True), ("del\x7f", True, True),
    ("c1\x85", True, True), ("\ud800", True, True), ("x\udfffy", False, True),
    ("名字\u202e反转", False, True), ("emoji 😀 ok", True, False), ("全角，标点。", False, False),
])
def test_control_characters(text, long_text, refused):
    assert (bad_character(text, long_text) is not None) is refused


@pytest.mark.parametrize("field,value", [
    ("customer_name", "王\x00"), ("description", "刹车\x00异响"), ("demand", "\x1b"),
    ("location", "展厅\n二楼"), ("persons_involved", "\ud83d"), ("vehicle_model", "速腾\x7f"),
    ("received_by", "接待\u202e"), ("phone", "138\x0012345678"), ("plate", "京A\x0012345"),
    ("vin", "1M8GDM9AXKP04278\x00"), ("landline", "010-6888\x000061"),
])
def test_control_characters_refused_with_the_fields_name(field, value):
    r = validate_intake(_intake(**{field: value}), NOW)
    label = FIELD_LABELS[FlowKind.FEEDBACK][field]
    assert r.errors[field].startswith(label) and "控制字符" in r.errors[field]
    assert r.errors[field].endswith("。")


def test_long_text_keeps_its_lines_and_windows_line_ends_become_newlines():
    stored = normalize_intake(_intake(description="第一行\r\n第二行\r第三行\t完 "), NOW)
    assert stored.description == "第一行\n第二行\n第三行\t完"


# ---- dates and times ---------------------------------------------------------------------
@pytest.mark.parametrize("bought,ok", [
    (date(1990, 1, 1), True), (date(1989, 12, 31), False), (NOW.date(), True),
    (NOW.date() + timedelta(days=1), True),  # tomorrow: a PC a time zone ahead
    (NOW.date() + timedelta(days=2), False), (date(2027, 1, 1), False),
])
def test_purchase_date_between_1990_and_tomorrow(bought, ok):
    r = validate_intake(_intake(purchase_date=bought), NOW)
    assert ("purchase_date" not in r.errors) is ok
    if not ok:
        assert r.errors["purchase_date"] == "购车/维修日期应在 1990-01-01 至 2026-11-24 之间。"


@pytest.mark.parametrize("at,message", [
    (NOW, None), (NOW - timedelta(days=3000), None),
    (NOW.astimezone(timezone(timedelta(hours=8))), None),
    (NOW + timedelta(minutes=1), "客户投诉时间不能晚于当前时间。"),
    (datetime(1989, 12, 31, 12, tzinfo=UTC), "客户投诉时间不能早于 1990-01-01。"),
    (datetime(2026, 11, 23, 9, 0), "客户投诉时间缺少时区，无法确定具体时刻，请重新选择。"),
    (None, "请填写客户投诉时间。"),
    (date(2026, 11, 23), "客户投诉时间应为日期和时间，请重新选择。"),
])
def test_complaint_time_is_aware_and_not_in_the_future(at, message):
    r = validate_intake(_intake(complained_at=at), NOW)
    assert r.errors.get("complained_at") == message


def test_a_naive_time_never_raises_and_names_the_flows_field():
    naive = datetime(2026, 11, 23, 9, 0)
    r = check_registration(_intake(complained_at=naive), NOW, FlowKind.INTERNAL, 1)[1]
    assert r.errors["complained_at"].startswith("发生时间")


# ---- the stored intake is the normalised one ---------------------------------------------
def test_normalised_intake_is_what_would_be_stored():
    typed = _intake(customer_name="  王小明 ", phone="+86 138-1234-5678",
                    landline="（010）6888 0061 转 801", plate="粤 b·a12345",
                    vin="1m8gdm9axkp042788 ", vehicle_model=" 速腾 ")
    stored, result = check_registration(typed, NOW, FlowKind.FEEDBACK)
    assert result.ok and not result.warnings
    assert (stored.customer_name, stored.phone, stored.landline, stored.plate, stored.vin,
            stored.vehicle_model) == ("王小明", "13812345678", "010-68880061-801", "粤BA12345",
                                      "1M8GDM9AXKP042788", "速腾")
    assert replace(stored, phone=typed.phone) != typed  # more than the phone changed


@pytest.mark.parametrize("field,value", [
    ("phone", 13812345678), ("customer_name", ["王"]), ("plate", b"\xe4\xba\xac"),
])
def test_a_value_of_the_wrong_type_is_refused_not_raised(field, value):
    r = validate_intake(_intake(**{field: value}), NOW)
    assert r.errors[field].endswith("格式不正确，请重新填写。")


def test_every_message_ends_with_a_full_stop_and_names_its_field():
    bad = _intake(customer_name="", phone="123", landline="12", plate="ABC", vin="123",
                  description="", channel="飞鸽传书", mood="狂喜",
                  complained_at=NOW + timedelta(hours=1), purchase_date=date(1980, 1, 1))
    r = validate_intake(bad, NOW)
    labels = FIELD_LABELS[FlowKind.FEEDBACK]
    assert set(r.errors) == {"customer_name", "phone", "landline", "plate", "vin", "description",
                             "channel", "mood", "complained_at", "purchase_date"}
    for field, message in r.errors.items():
        assert message.endswith("。") and labels[field] in message, (field, message)


# ---- what steps record: the category is a column of its own ------------------------------
@pytest.mark.parametrize("name,value,fragment", [
    ("category", "类" * 21, "不能超过 20 个字"), ("category", "物\n流", "控制字符"),
    ("opinion", "意" * 10_001, "不能超过 10000 个字"), ("opinion", "同意\x00", "控制字符"),
])
def test_step_text_is_held_to_the_same_rules(name, value, fragment):
    from complaintdesk.domain.workflow.errors import WorkflowError
    from complaintdesk.domain.workflow.fields import check_value

    with pytest.raises(WorkflowError) as exc:
        check_value(name, value)
    assert fragment in exc.value.message_zh and exc.value.field == name
    check_value(name, value[:5].replace("\x00", "").replace("\n", "") or "好")
    check_value("opinion", "第一段\n第二段\t完")  # long text keeps its lines
