"""Customer data through the services (DESIGN §3, seed 002): masked in lists, search
results, the case view, tasks, prints and workbooks for anyone who does not handle the
case; a request with a reason, approved by the case's department head or the GM, opens
them for 24 h (a setting); request, approval and every view are audited."""

import io
from datetime import timedelta

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader
from sqlalchemy import select

from acc_builders import cast
from complaintdesk.domain.clock import FixedClock
from complaintdesk.domain.masking import ACCESS_HOURS_SETTING
from complaintdesk.domain.query import CaseQuery
from complaintdesk.domain.records import Role
from complaintdesk.services.base import SYSTEM_USER
from complaintdesk.services.container import open_services
from complaintdesk.services.errors import PermissionDenied, ServiceError
from complaintdesk.storage.database import DatabaseConfig
from complaintdesk.storage.tables import AuditRow
from pg_support import URL as PG_URL
from pg_support import skip_or_fail_without_server, wipe
from service_builders import T0, add_user, intake, make_services

PHONE, LANDLINE, VIN = "13812345678", "010-68880061", "LSVAB2BR5KN001234"
MASKED = ("138****5678", "010-****0061", "LSVAB********1234")


@pytest.fixture(params=["sqlite", "postgresql"])
def world(request, tmp_path):
    """The cast and one complaint forwarded to 售后服务部; on PostgreSQL too when
    COMPLAINTDESK_TEST_PG_URL is set (the grants' time comparison runs in SQL)."""
    if request.param == "sqlite":
        services, clock = make_services(tmp_path)
    else:
        skip_or_fail_without_server()  # under CI it runs (tests/pg_support.py)
        wipe(PG_URL)
        clock = FixedClock(T0)
        services = open_services(DatabaseConfig(PG_URL), clock=clock, data_dir=tmp_path)
    c = cast(services)
    other = next(d.id for d in services.people.departments() if d.name != "售后服务部")
    c.other_head = add_user(services, "xs", "刘洋", Role.DEPT_HEAD, department_id=other)
    case = services.intake.register(SYSTEM_USER, intake(clock, phone=PHONE, landline=LANDLINE,
                                                        vin=VIN))
    clock.advance(timedelta(minutes=10))
    services.workflow.act(c.cs, case.id, "forward", {"category": "维修质量",
                                                     "severity": "normal",
                                                     "department_id": c.dept_id})
    yield services, clock, c, case.id
    services.dispose()


def _numbers(view):
    i = view.case.intake
    return i.phone, i.landline, i.vin


def _audit(services, action):
    with services.cases.uow(readonly=True) as uow:
        rows = list(uow.session.execute(select(AuditRow).where(AuditRow.action == action)
                                        .order_by(AuditRow.id)).scalars())
        for r in rows:
            uow.session.expunge(r)
        return rows


def _pdf_text(data: bytes) -> str:
    return "".join("".join(p.extract_text() for p in PdfReader(io.BytesIO(data)).pages).split())


def test_case_view_masks_all_three_for_someone_who_does_not_handle_it(world):
    services, _, c, case_id = world
    cs2 = add_user(services, "kf2", "客服小周", Role.CS_CENTER)  # the case is not at revisit
    for outsider in (c.reception, c.other_head, c.admin, cs2):
        view = services.cases.open_case(outsider, case_id)
        assert view.masked and _numbers(view) == MASKED and not view.may_reveal
    assert _audit(services, "view_contact") == []  # nothing read, nothing to audit


def test_handlers_read_the_numbers_and_every_view_is_audited(world):
    services, _, c, case_id = world
    for handler in (c.head, c.supervisor, c.assessor, c.gm):
        view = services.cases.open_case(handler, case_id)
        assert not view.masked and _numbers(view) == (PHONE, LANDLINE, VIN)
    entries = _audit(services, "view_contact")
    assert [e.user_name for e in entries] == ["陈静", "杨帆", "郭平", "高远"]
    assert entries[0].after["how"] == "case_view"


def test_the_holder_of_a_past_step_and_cs_center_at_revisit_handle_the_case(world):
    services, clock, c, case_id = world
    # 朱红 (客服中心) forwarded the case at step 1: a past step's holder reads the numbers
    assert not services.cases.open_case(c.cs, case_id).masked
    cs2 = add_user(services, "kf2", "客服小周", Role.CS_CENTER)
    assert services.cases.open_case(cs2, case_id).masked
    wf = services.workflow
    wf.act(c.head, case_id, "assign", {"supervisor_user_id": c.supervisor.id})
    wf.act(c.supervisor, case_id, "handle", {
        "process": "核实", "solution_kind": "补偿", "solution_text": "退还工时费",
        "customer_attitude": "接受", "no_responsible": True, "responsible": []})
    case = services.cases.open_case(c.assessor, case_id).case
    if case.current_step == "revisit":  # a case at 回访: 客服中心 calls the customer
        assert not services.cases.open_case(cs2, case_id).masked


def test_list_and_search_results_mask_the_mobile_and_never_show_landline_or_vin(world):
    services, _, c, case_id = world
    for q in (CaseQuery(), CaseQuery(keyword="王小明"), CaseQuery(keyword="68880061")):
        outsider_rows = services.cases.list_page(c.reception, q)
        handler_rows = services.cases.list_page(c.head, q)
        assert [r.phone for r in outsider_rows] == ["138****5678"]
        assert [r.phone for r in handler_rows] == [PHONE]
        for r in outsider_rows + handler_rows:
            assert LANDLINE not in tuple(r) and VIN not in tuple(r)


def test_request_approve_reveal_and_expiry_after_24_hours(world):
    services, clock, c, case_id = world
    da = services.data_access
    with pytest.raises(PermissionDenied):
        da.reveal(c.reception, case_id)
    with pytest.raises(ServiceError, match="查阅理由"):
        da.request_access(c.reception, case_id, "  ")
    req = da.request_access(c.reception, case_id, "客户来电要求核对登记的联系电话")
    with pytest.raises(ServiceError, match="待批准"):
        da.request_access(c.reception, case_id, "再次申请")
    # the case's department head and the GM see it; another department's head does not
    assert [v.request.id for v in da.pending_for(c.head)] == [req.id]
    # ... and find it in their 提醒
    for approver in (c.head, c.gm):
        assert any("接待小李 申请查看 FK-202611-0001" in a.text
                   for a in services.alerts.for_user(approver))
    assert not any("申请查看" in a.text for a in services.alerts.for_user(c.other_head))
    assert [v.request.id for v in da.pending_for(c.gm)] == [req.id]
    assert da.pending_for(c.other_head) == [] and da.pending_for(c.supervisor) == []
    with pytest.raises(PermissionDenied):
        da.approve(c.other_head, req.id)
    assert services.cases.open_case(c.reception, case_id).may_reveal is False

    clock.advance(timedelta(minutes=30))
    da.approve(c.head, req.id)
    assert da.pending_for(c.head) == []
    assert any("已由陈静批准" in a.text for a in services.alerts.for_user(c.reception))
    view = services.cases.open_case(c.reception, case_id)
    assert view.masked and view.may_reveal  # shown masked; reading them is an act of its own
    n = da.reveal(c.reception, case_id)
    assert (n.phone, n.landline, n.vin) == (PHONE, LANDLINE, VIN)
    assert services.cases.reveal_contact(c.reception, case_id) == (PHONE, LANDLINE, VIN)
    # an approval does not unmask lists or prints: those are for the handlers
    assert services.cases.list_page(c.reception, CaseQuery())[0].phone == "138****5678"

    clock.advance(timedelta(hours=23, minutes=59))
    da.reveal(c.reception, case_id)  # still inside the 24 h
    clock.advance(timedelta(minutes=1))  # 24 h after the approval
    with pytest.raises(PermissionDenied, match="申请"):
        da.reveal(c.reception, case_id)
    assert not services.cases.open_case(c.reception, case_id).may_reveal

    kinds = [(e.action, e.user_name) for e in _audit(services, "request_contact_access")
             + _audit(services, "approve_contact_access")]
    assert kinds == [("request_contact_access", "接待小李"), ("approve_contact_access", "陈静")]
    reveals = [e for e in _audit(services, "view_contact") if e.user_name == "接待小李"]
    assert len(reveals) == 3 and {e.after["how"] for e in reveals} == {"reveal"}
    approval = _audit(services, "approve_contact_access")[0]
    assert approval.after["expires_at"].startswith("2026-11-11T02:40")


def test_the_approval_period_is_a_setting(world):
    services, clock, c, case_id = world
    services.settings.put(c.admin, ACCESS_HOURS_SETTING, 2)
    req = services.data_access.request_access(c.reception, case_id, "核对车架号")
    services.data_access.approve(c.gm, req.id)
    clock.advance(timedelta(hours=1, minutes=59))
    services.data_access.reveal(c.reception, case_id)
    clock.advance(timedelta(minutes=1))
    with pytest.raises(PermissionDenied):
        services.data_access.reveal(c.reception, case_id)


def test_a_refused_request_opens_nothing_and_nobody_approves_their_own(world):
    services, _, c, case_id = world
    da = services.data_access
    req = da.request_access(c.reception, case_id, "想看看")
    da.refuse(c.gm, req.id)
    with pytest.raises(PermissionDenied):
        da.reveal(c.reception, case_id)
    assert [v.status_label for v in da.my_requests(c.reception, case_id)] == ["已拒绝"]
    assert _audit(services, "refuse_contact_access")[0].user_name == "高远"
    with pytest.raises(ServiceError, match="已被处理"):
        da.approve(c.gm, req.id)
    with pytest.raises(ServiceError, match="无需申请"):
        da.request_access(c.head, case_id, "我是负责人")


def test_printed_form_is_full_for_a_handler_and_masked_for_others(world):
    services, _, c, case_id = world
    full = _pdf_text(services.printing.case_pdf(c.head, case_id))
    assert PHONE in full and LANDLINE in full and VIN in full
    assert [e.after["how"] for e in _audit(services, "view_contact")] == ["print"]
    req = services.data_access.request_access(c.reception, case_id, "打印给客户")
    services.data_access.approve(c.head, req.id)
    for other in (c.reception, c.other_head):  # an approval does not unmask a print
        text = _pdf_text(services.printing.case_pdf(other, case_id))
        assert all(m in text for m in MASKED)
        assert PHONE not in text and "68880061" not in text and VIN not in text
    with pytest.raises(PermissionDenied):
        services.printing.case_pdf(c.gm, case_id, unmasked=True)  # only the system asks so


def test_the_month_workbook_is_always_masked_even_for_the_gm(world, tmp_path):
    services, _, c, case_id = world
    path = services.reports.write_month(c.gm, 2026, 11, tmp_path / "m.xlsx")
    values = [v for ws in load_workbook(path).worksheets for row in ws.iter_rows(values_only=True)
              for v in row if isinstance(v, str)]
    assert "138****5678" in values and "LSVAB********1234" in values
    assert not any(PHONE in v or VIN in v for v in values)
    landline_only = services.intake.register(
        SYSTEM_USER, intake(services.clock, phone="", landline=LANDLINE, vin=""))
    assert landline_only.id
    path = services.reports.write_month(c.gm, 2026, 11, tmp_path / "m2.xlsx")
    values = [v for ws in load_workbook(path).worksheets for row in ws.iter_rows(values_only=True)
              for v in row if isinstance(v, str)]
    assert "010-****0061" in values and not any("68880061" in v for v in values)


def test_tasks_mask_like_the_list(world):
    services, _, c, case_id = world
    rows = services.workflow.my_tasks(c.head)  # the head's 指定处理人 step
    assert [t.row.phone for t in rows if t.row.id == case_id] == [PHONE]


def test_the_other_flows_forms_mask_too(world):
    services, _, c, _case_id = world
    from complaintdesk.domain.records import FlowKind

    for flow in (FlowKind.INTERNAL, FlowKind.REWORK):
        case = services.intake.register(
            SYSTEM_USER, intake(services.clock, phone="", landline=LANDLINE, vin=VIN),
            flow=flow, department_id=c.dept_id)
        text = _pdf_text(services.printing.case_pdf(c.reception, case.id))
        assert "68880061" not in text and VIN not in text, flow
        if flow is FlowKind.REWORK:  # (the internal form prints no customer numbers)
            assert "010-****0061" in text
            assert LANDLINE in _pdf_text(services.printing.case_pdf(c.head, case.id))


def test_the_delegate_of_a_handler_reads_the_numbers_while_the_delegation_runs(world):
    services, clock, c, case_id = world
    now = clock.now()
    services.people.add_delegation(c.head, c.head.id, c.reception.id, now,
                                   now + timedelta(days=2), "休假")
    view = services.cases.open_case(c.reception, case_id)
    assert not view.masked and view.case.intake.landline == LANDLINE
    clock.advance(timedelta(days=2))
    assert services.cases.open_case(c.reception, case_id).masked
