"""A customer's and a vehicle's history (issue 18 §2): found by mobile, landline, plate and
VIN (the plate standing in where a case has no VIN), from a case or a search, with
outcomes, slips, revisits, satisfaction and the repeat chain; imported ledger rows among
them; the numbers masked for whoever does not handle a case (DESIGN §3)."""

from datetime import timedelta

import pytest
from openpyxl import Workbook
from sqlalchemy import select

from complaintdesk.domain.clock import FixedClock
from complaintdesk.domain.records import Role
from complaintdesk.services.base import SYSTEM_USER
from complaintdesk.services.container import open_services
from complaintdesk.services.errors import ServiceError
from complaintdesk.services.history import parse_lookup
from complaintdesk.storage.database import DatabaseConfig
from complaintdesk.storage.tables import AuditRow
from complaintdesk.storage.uow import UnitOfWork
from pg_support import URL as PG_URL
from pg_support import skip_or_fail_without_server, wipe
from service_builders import T0, add_user, intake, make_services

VIN = "1M8GDM9AXKP042788"


@pytest.fixture(params=["sqlite", "postgresql"])
def env(request, tmp_path):
    """On PostgreSQL too when COMPLAINTDESK_TEST_PG_URL is set (portable SQL)."""
    if request.param == "sqlite":
        services, clock = make_services(tmp_path)
    else:
        skip_or_fail_without_server()  # under CI it runs (tests/pg_support.py)
        wipe(PG_URL)
        clock = FixedClock(T0)
        services = open_services(DatabaseConfig(PG_URL), clock=clock, data_dir=tmp_path)
    reg = services.intake.register
    a = reg(SYSTEM_USER, intake(clock, customer_name="王小明", phone="13812345678",
                                plate="京A12345", vin=VIN))
    clock.advance(timedelta(days=3))
    b = reg(SYSTEM_USER, intake(clock, customer_name="王小明", phone="138 1234 5678",
                                plate="", vin="", description="再次反映异响"))  # a repeat
    clock.advance(timedelta(days=1))
    c = reg(SYSTEM_USER, intake(clock, customer_name="王太太", phone="13900009999",
                                plate="京A12345", vin="", description="同一辆车，换人来"))
    d = reg(SYSTEM_USER, intake(clock, customer_name="李四", phone="13700007777",
                                plate="京A12345", vin="LSVAB2BJ7DN012345",
                                description="另一辆车挂过同一车牌"))
    other = reg(SYSTEM_USER, intake(clock, customer_name="路人", phone="13600006666",
                                    plate="沪B54321", vin=""))
    ws_path = tmp_path / "l.xlsx"
    wb = Workbook()
    ws = wb.active
    ws.append(["客户姓名", "手机", "车架号", "投诉日期", "投诉内容", "处理结果", "满意度",
               "结案日期"])
    ws.append(["王小明", "13812345678", VIN, "2024-06-01", "空调不凉", "加氟", "满意",
               "2024-06-02"])
    wb.save(ws_path)
    services.ledger.import_rows(SYSTEM_USER, services.ledger.read(ws_path))
    yield services, clock, {"a": a, "b": b, "c": c, "d": d, "other": other}
    services.dispose()


def _numbers(history):
    return {e.number for e in history.entries}


def test_from_a_case_the_customer_by_phone_and_the_vehicle_by_vin_then_plate(env):
    services, _, cases = env
    history = services.history.of_case(SYSTEM_USER, cases["a"].id)
    found = _numbers(history)
    # b: the same phone; c: the same plate and no VIN; the imported ledger row: phone + VIN
    assert found == {cases["a"].number, cases["b"].number, cases["c"].number, "LS-202406-0001"}
    assert cases["d"].number not in found  # another VIN on the same plate: another car
    by = {e.number: e for e in history.entries}
    assert by[cases["b"].number].matched == "同一客户"
    assert by[cases["c"].number].matched == "同一车辆"
    assert by[cases["a"].number].matched == "同一客户、同一车辆"
    imported = by["LS-202406-0001"]
    assert imported.imported and imported.outcome == "（历史台账）加氟"
    assert imported.satisfaction == "满意" and imported.revisits[0].reached
    assert imported.status == "已结案"
    # newest first; the repeat chain through the case
    assert history.entries[0].registered_at >= history.entries[-1].registered_at
    assert by[cases["b"].number].repeat_of == cases["a"].number
    assert by[cases["a"].number].repeated_by == (cases["b"].number,)
    assert history.chain == (cases["a"].number, cases["b"].number)
    assert "投诉 4" in history.summary()


def test_search_by_phone_plate_vin_and_landline(env):
    services, _, cases = env
    assert _numbers(services.history.search(SYSTEM_USER, "+86 138-1234-5678")) == {
        cases["a"].number, cases["b"].number, "LS-202406-0001"}
    by_plate = _numbers(services.history.search(SYSTEM_USER, "京a 12345"))
    assert by_plate == {cases["a"].number, cases["c"].number, cases["d"].number}
    by_vin = services.history.search(SYSTEM_USER, VIN.lower())
    # the VIN's cases, and the plate it carried where a case has no VIN
    assert _numbers(by_vin) == {cases["a"].number, cases["c"].number, "LS-202406-0001"}
    assert "车牌 京A12345" in by_vin.searched
    assert _numbers(services.history.search(SYSTEM_USER, "13000001234")) == set()
    assert "没有找到" in services.history.search(SYSTEM_USER, "13000001234").summary()


def test_what_the_search_box_takes(env):
    assert parse_lookup("138 1234 5678").phone == "13812345678"
    assert parse_lookup("010-68880061").landline == "010-68880061"
    assert parse_lookup("粤BD12345").plate == "粤BD12345"
    assert parse_lookup(VIN).vin == VIN
    for bad in ("", "王", "1381234", "临时"):
        with pytest.raises(ServiceError, match="请输入完整的手机号码"):
            parse_lookup(bad)


def test_numbers_masked_for_whoever_does_not_handle_the_case(env):
    services, _, cases = env
    clerk = add_user(services, "jd", "接待员甲", Role.RECEPTION)
    history = services.history.search(clerk, "13812345678")
    for e in history.entries:
        assert e.masked and e.phone == "138****5678"
        assert not e.vin or "*" in e.vin
    assert "138****5678" in history.searched
    assessor = add_user(services, "kh", "考核", Role.ASSESSOR)
    full = services.history.of_case(assessor, cases["a"].id)
    assert all(not e.masked for e in full.entries)
    assert any(e.phone == "13812345678" for e in full.entries)
    with UnitOfWork(services.engine, readonly=True) as uow:
        rows = uow.session.execute(select(AuditRow.user_name, AuditRow.after).where(
            AuditRow.action == "view_contact", AuditRow.entity == "history")).all()
    assert [r[0] for r in rows] == ["考核"]  # the clerk read nothing in full
    assert cases["a"].number in rows[0][1]["cases"]


def test_slips_of_a_case_are_in_its_history(env):
    from complaintdesk.domain.records import FaultSlip, Penalty, PenaltyKind, SlipStatus

    services, clock, cases = env
    with services.accountability.uow() as uow:  # with the message bus (the tallies)
        emp = uow.people.employees()[0]
        uow.slips.add(FaultSlip(None, "GS-202611-0001", cases["a"].id, emp.id,
                                emp.department_id, "", "未按时处理", None,
                                [Penalty(PenaltyKind.FINE, amount=100)],
                                status=SlipStatus.ISSUED, issued_at=clock.now()))
        uow.commit()
    history = services.history.of_case(SYSTEM_USER, cases["b"].id)
    (entry,) = [e for e in history.entries if e.number == cases["a"].number]
    assert [(s.number, s.employee, s.penalties) for s in entry.slips] == [
        ("GS-202611-0001", emp.name, "罚款¥100")]
