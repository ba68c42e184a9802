"""Random and hostile registrations thrown at the intake service and at each flow's
registration (customer feedback, internal complaint, rework order), on SQLite and — when
COMPLAINTDESK_TEST_PG_URL names a server — on PostgreSQL: no traceback ever, every
refusal names its field, and nothing is stored that the input rules refuse."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from complaintdesk.domain.clock import FixedClock
from complaintdesk.domain.input_rules.registration import FIELD_LABELS, LABELS, check_registration
from complaintdesk.domain.records import FlowKind, Intake
from complaintdesk.domain.workflow.fields import field_label
from complaintdesk.services.base import SYSTEM_USER
from complaintdesk.services.container import Services, open_services
from complaintdesk.services.errors import ServiceError
from complaintdesk.services.intake import NewAttachment
from complaintdesk.storage.database import DatabaseConfig
from hostile_inputs import attachment_names, flows, ids, intakes, text_for
from pg_support import URL as PG_URL
from pg_support import skip_or_fail_without_server, wipe
from service_builders import T0, make_services

attachments = st.lists(st.builds(NewAttachment, attachment_names,
                                 text_for(("image/jpeg", "application/pdf")),
                                 st.binary(max_size=64)), max_size=2)
registrations = st.tuples(intakes(), flows, ids, attachments)


def _stored(services: Services, case_id: int) -> Any:
    with services.intake.uow(readonly=True) as uow:
        return uow.cases.get(case_id)


def _throw(services: Services, clock: FixedClock, intake: Intake, flow: FlowKind,
           department_id: Any, files: list[NewAttachment]) -> str:
    """One registration: "stored" or "refused"; anything else escapes as the test failure."""
    before = services.cases.total()
    try:
        case = services.intake.register(SYSTEM_USER, intake, files, flow=flow,
                                        department_id=department_id)
    except ServiceError as exc:
        labels = {**FIELD_LABELS[flow], "attachments": LABELS["attachments"]}
        assert exc.fields, exc.message
        for field, message in exc.fields.items():  # step-1 fields of a self-report too
            label = labels.get(field) or field_label(field)
            assert label in message and message.endswith("。"), (field, message)
        assert services.cases.total() == before  # nothing stored, nothing half-stored
        return "refused"
    stored = _stored(services, case.id)
    # what was stored passes the rules as it stands and is already normalised
    again, result = check_registration(stored.intake, clock.now(), flow, case.department_id)
    assert result.ok, result.errors
    assert again == stored.intake
    assert stored.intake.phone == case.intake.phone and stored.number == case.number
    return "stored"


def _run(services: Services, clock: FixedClock, examples: int) -> dict[str, int]:
    outcomes = {"stored": 0, "refused": 0}

    # derandomize: CI runs the same inputs every time (a new find fails here first, not
    # in an unrelated landing); set it False locally to explore other inputs
    @settings(max_examples=examples, deadline=None, database=None, derandomize=True,
              suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
    @given(registrations)
    def throw(registration: tuple[Intake, FlowKind, Any, list[NewAttachment]]) -> None:
        outcomes[_throw(services, clock, *registration)] += 1

    throw()
    return outcomes


def test_hostile_registrations_never_raise_and_store_only_what_the_rules_allow(tmp_path):
    services, clock = make_services(tmp_path)
    try:
        outcomes = _run(services, clock, examples=300)
    finally:
        services.dispose()
    # both ways were exercised: the strategies are not all refusals
    assert outcomes["stored"] >= 5 and outcomes["refused"] >= 100, outcomes


def test_hostile_registrations_on_postgresql_never_reach_a_raw_database_error(tmp_path):
    services, clock = _pg_services(tmp_path)
    try:
        outcomes = _run(services, clock, examples=150)
    finally:
        services.dispose()
    assert outcomes["stored"] >= 3 and outcomes["refused"] >= 50, outcomes


def _pg_services(tmp_path: Any) -> tuple[Services, FixedClock]:
    """Services on the test server (skipped without one on a PC, failed so under CI)."""
    skip_or_fail_without_server()
    assert PG_URL is not None
    wipe(PG_URL)  # a clean schema every time
    clock = FixedClock(T0)
    return open_services(DatabaseConfig(PG_URL), clock=clock, data_dir=tmp_path), clock


def test_every_field_at_its_limit_is_stored_on_postgresql_and_one_more_is_refused(tmp_path):
    services, clock = _pg_services(tmp_path)
    try:
        at_limit = Intake(customer_name="王" * 40, phone="+86 138 1234 5678",
                          landline="0755-23456789 转 123456", vehicle_model="车" * 60,
                          plate="临时号牌京A12345"[:10], vin="1M8GDM9AXKP042788",
                          location="地" * 200, description="述" * 10_000,
                          persons_involved="人" * 200, demand="求" * 1000, received_by="受" * 40,
                          complained_at=clock.now() - timedelta(minutes=5))
        case = services.intake.register(SYSTEM_USER, at_limit)
        stored = _stored(services, case.id).intake
        assert stored.landline == "0755-23456789-123456" and len(stored.landline) == 20
        assert (stored.location, stored.description) == (at_limit.location, at_limit.description)
        for field in ("customer_name", "vehicle_model", "location", "persons_involved",
                      "demand", "received_by"):
            longer = getattr(at_limit, field) + "多"
            with pytest.raises(ServiceError) as exc:
                services.intake.register(SYSTEM_USER, _with(at_limit, **{field: longer}))
            assert set(exc.value.fields) == {field}
    finally:
        services.dispose()


def _with(intake: Intake, **changes: Any) -> Intake:
    from dataclasses import replace

    return replace(intake, **changes)


@pytest.mark.parametrize("field,value", [
    ("location", "地" * 201), ("persons_involved", "人" * 201), ("vehicle_model", "车" * 61),
    ("received_by", "受" * 41), ("customer_name", "王" * 41), ("demand", "求" * 1001),
    ("description", "述" * 10_001), ("plate", "临时" * 6), ("landline", "010-68880061 转 1234567"),
])
def test_over_long_fields_are_refused_by_the_service_with_the_fields_name(tmp_path, field, value):
    services, clock = make_services(tmp_path)
    values: dict[str, Any] = dict(customer_name="王小明", phone="13812345678",
                                  description="刹车异响",
                                  complained_at=clock.now() - timedelta(minutes=5))
    intake = Intake(**{**values, field: value})
    with pytest.raises(ServiceError) as exc:
        services.intake.register(SYSTEM_USER, intake)
    assert set(exc.value.fields) == {field}
    assert exc.value.message.startswith(FIELD_LABELS[FlowKind.FEEDBACK][field])
    assert services.cases.total() == 0


def test_a_naive_time_is_refused_with_the_fields_name_not_a_type_error(tmp_path):
    services, clock = make_services(tmp_path)
    naive = (clock.now() - timedelta(hours=1)).replace(tzinfo=None)
    for flow, dept in ((FlowKind.FEEDBACK, None), (FlowKind.INTERNAL, 1), (FlowKind.REWORK, 1)):
        intake = Intake(customer_name="王小明", phone="13812345678", description="刹车异响",
                        complained_at=naive)
        with pytest.raises(ServiceError) as exc:
            services.intake.register(SYSTEM_USER, intake, flow=flow, department_id=dept)
        assert set(exc.value.fields) == {"complained_at"}
        assert exc.value.message.startswith(FIELD_LABELS[flow]["complained_at"])
        assert "时区" in exc.value.message


def test_phones_plate_and_vin_are_stored_normalised(tmp_path):
    services, clock = make_services(tmp_path)
    typed = Intake(customer_name=" 王小明 ", phone="13８ １２３４ ５６７８",
                   landline="+86 (10) 6888-0061 转 801", plate="粤 b·a12345",
                   vin="1m8gdm9axkp042788", description="刹车异响\r\n再次来店",
                   complained_at=clock.now() - timedelta(minutes=5))
    case = services.intake.register(SYSTEM_USER, typed)
    stored = _stored(services, case.id).intake
    assert (stored.customer_name, stored.phone, stored.landline, stored.plate, stored.vin,
            stored.description) == ("王小明", "13812345678", "010-68880061-801", "粤BA12345",
                                    "1M8GDM9AXKP042788", "刹车异响\n再次来店")
    # the same customer typed another way is found as a repeat
    hits = services.intake.find_repeats("+86 138-1234-5678", "")
    assert [h.number for h in hits] == [case.number]


def test_an_unusual_plate_needs_confirming_then_is_stored(tmp_path):
    services, clock = make_services(tmp_path)
    typed = Intake(customer_name="王小明", phone="13812345678", plate="京AAAAAA",
                   description="刹车异响", complained_at=clock.now() - timedelta(minutes=5))
    with pytest.raises(ServiceError) as exc:
        services.intake.register(SYSTEM_USER, typed)
    assert set(exc.value.fields) == {"plate"} and services.cases.total() == 0
    typed.override_plate_check = True
    case = services.intake.register(SYSTEM_USER, typed)
    assert _stored(services, case.id).intake.plate == "京AAAAAA"


@pytest.mark.parametrize("name,mime,fragment", [
    ("照片\x00.jpg", "image/jpeg", "控制字符"), ("长" * 201 + ".jpg", "image/jpeg", "200"),
    ("", "image/jpeg", "文件名"), ("ok.jpg", "x" * 101, "文件类型"),
])
def test_attachment_names_are_checked_before_the_database_sees_them(tmp_path, name, mime,
                                                                     fragment):
    services, clock = make_services(tmp_path)
    typed = Intake(customer_name="王小明", phone="13812345678", description="刹车异响",
                   complained_at=clock.now() - timedelta(minutes=5))
    with pytest.raises(ServiceError) as exc:
        services.intake.register(SYSTEM_USER, typed, [NewAttachment(name, mime, b"x")])
    assert set(exc.value.fields) == {"attachments"} and fragment in exc.value.message
    assert exc.value.message.startswith("证据附件")


def test_an_unknown_self_report_department_is_refused_by_name(tmp_path):
    services, clock = make_services(tmp_path)
    typed = Intake(customer_name="王小明", phone="13812345678", description="刹车异响",
                   complained_at=clock.now() - timedelta(minutes=5),
                   self_report_department_id=2**40)
    with pytest.raises(ServiceError) as exc:
        services.intake.register(SYSTEM_USER, typed)
    assert set(exc.value.fields) == {"self_report_department_id"}
    assert "自查部门" in exc.value.message


@pytest.mark.parametrize("kind,field,value", [
    ("department", "name", "部" * 61), ("department", "code", "C" * 21),
    ("employee", "name", "员" * 41), ("employee", "post", "岗" * 41),
    ("user", "username", "u" * 41), ("user", "display_name", "名" * 41),
    ("employee", "name", "王\x00五"),
])
def test_administration_names_are_checked_before_the_database_sees_them(tmp_path, kind, field,
                                                                        value):
    from complaintdesk.domain.records import Department, Employee, Role, User

    services, _clock = make_services(tmp_path)
    dept = services.people.departments()[0].id
    record: Any = {
        "department": Department(None, "新部门", "XB"),
        "employee": Employee(None, "王五", dept, "顾问"),
        "user": User(None, "wangwu", "王五", frozenset({Role.RECEPTION})),
    }[kind]
    setattr(record, field, value)
    save = {"department": services.people.save_department,
            "employee": services.people.save_employee,
            "user": lambda actor, rec: services.people.save_user(actor, rec, "secret123")}[kind]
    with pytest.raises(ServiceError) as exc:
        save(SYSTEM_USER, record)
    assert set(exc.value.fields) == {field} and exc.value.message.endswith("。")
