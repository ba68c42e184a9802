from datetime import UTC, date, datetime, timedelta

import pytest

from complaintdesk.domain.records import Intake
from complaintdesk.domain.validation import (
    is_valid_mobile,
    is_valid_plate,
    validate_intake,
    vin_check_digit,
    vin_check_ok,
)

NOW = datetime(2026, 11, 23, 4, 0, tzinfo=UTC)


@pytest.mark.parametrize("vin,digit", [
    ("1M8GDM9AXKP042788", "X"),  # the classic ISO 3779 example
    ("11111111111111111", "1"),
    ("1HGCM82633A004352", "3"),
    ("JHMCM56557C404453", "5"),
    ("LSVAB4187E2123457", "7"),
])
def test_vin_check_digit_vectors(vin, digit):
    assert vin_check_digit(vin) == digit
    assert vin_check_ok(vin)


def test_wrong_vin_check_digit_is_a_warning_that_can_be_overridden():
    base = Intake(customer_name="王", phone="13812345678", description="x",
                  complained_at=NOW - timedelta(hours=1), vin="1M8GDM9A1KP042788")
    r = validate_intake(base, NOW)
    assert r.ok and "vin" in r.warnings and "X" in r.warnings["vin"]
    base.override_vin_check = True
    assert validate_intake(base, NOW).warnings == {}


@pytest.mark.parametrize("vin,fragment", [
    ("1M8GDM9AXKP04278", "17 位"), ("1M8GDM9AXKP04278O", "I、O、Q"), ("IM8GDM9AXKP042788", "I、O、Q"),
])
def test_vin_format_errors_name_the_field(vin, fragment):
    r = validate_intake(Intake(customer_name="王", phone="13812345678", description="x",
                               complained_at=NOW, vin=vin), NOW)
    assert fragment in r.errors["vin"] and "车架号" in r.errors["vin"]


@pytest.mark.parametrize("phone,ok", [
    ("13812345678", True), ("19912345678", True), ("12812345678", False),
    ("1381234567", False), ("138123456789", False), ("1381234567a", False),
])
def test_mobile_phone(phone, ok):
    assert is_valid_mobile(phone) is ok


@pytest.mark.parametrize("plate,ok", [
    ("京A12345", True), ("粤B8888挂", True), ("沪AD12345", True), ("沪AFA1234", True),
    ("苏E12345D", True), ("京 A·12345", True), ("京A1234", False), ("京I12345", False),
    ("A12345", False), ("京AD123", False), ("京A123456", False),
])
def test_plates_including_8_character_new_energy(plate, ok):
    assert is_valid_plate(plate) is ok


def test_intake_errors_are_chinese_and_per_field():
    r = validate_intake(Intake(customer_name="", phone="123", plate="ABC", description="",
                               complained_at=NOW + timedelta(minutes=5),
                               purchase_date=date(2027, 1, 1)), NOW)
    assert set(r.errors) == {"customer_name", "phone", "plate", "description", "complained_at",
                             "purchase_date"}
    assert "手机号码" in r.errors["phone"]
    assert "车牌" in r.errors["plate"]


