"""Printing use cases (DESIGN §7): the right form by number, with names, the customer and
the opinions recorded in the workflow; phone masked for people who do not handle the case."""

import io
from datetime import timedelta

import pytest
from pypdf import PdfReader

from acc_builders import cast, walk_to_approve, walk_to_issue
from complaintdesk.documents.pdf_common import PrintContext
from complaintdesk.domain.records import FlowKind, Role
from complaintdesk.services.base import SYSTEM_USER
from complaintdesk.services.errors import NotFound, PermissionDenied, ServiceError
from complaintdesk.services.printing import _case_form, week_start_of
from service_builders import add_user, make_services


def pdf_text(data: bytes) -> str:
    assert data.startswith(b"%PDF")
    return "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(data)).pages)


def squeeze(text: str) -> str:
    return "".join(text.split())


@pytest.fixture
def walked(tmp_path):
    services, clock = make_services(tmp_path)
    c = cast(services)
    case = walk_to_issue(services, clock, c)
    case = walk_to_approve(services, clock, c, case)  # step 5 issues GS-202611-0001
    yield services, clock, c, case
    services.dispose()


def test_case_form_has_number_customer_and_the_supervisors_opinion(walked):
    services, _clock, c, case = walked
    text = squeeze(pdf_text(services.printing.pdf_by_number(c.cs, case.number)))
    assert case.number in text
    assert "客户信息反馈意见处理单" in text
    assert "王小明" in text
    assert "服务顾问未告知客户需加收工时费" in text  # 事情经过 of step 3
    assert "同意主管意见" in text  # the department head's opinion (step 4)
    assert "GS-202611-0001" in text and "赵磊" in text  # the slip issued at step 5
    assert "13812345678" in text  # cs_center handles every case: full phone


def test_the_phone_is_masked_for_someone_who_does_not_handle_the_case(walked):
    services, _clock, c, case = walked
    text = squeeze(pdf_text(services.printing.case_pdf(c.reception, case.id)))
    assert "王小明" in text and "13812345678" not in text and "138****5678" in text


def test_slip_by_number_is_a_fault_slip_with_the_case_number(walked):
    services, _clock, c, case = walked
    text = squeeze(pdf_text(services.printing.pdf_by_number(c.assessor, "gs-202611-0001")))
    assert "过失单" in text and "GS-202611-0001" in text and case.number in text
    assert "赵磊" in text and "售后服务部" in text


def test_a_slip_is_printed_only_for_those_who_may_see_it(walked):
    services, _clock, c, _case = walked
    stranger = add_user(services, "xs", "张伟", Role.DEPT_HEAD, department_id=1)
    with pytest.raises(PermissionDenied):
        services.printing.pdf_by_number(stranger, "GS-202611-0001")
    assert services.printing.pdf_by_number(c.zhao, "GS-202611-0001").startswith(b"%PDF")


@pytest.mark.parametrize("number", ["FK-209901-0001", "GS-209901-0009", "XX-1", ""])
def test_an_unknown_number_is_a_clear_error(walked, number):
    services, *_ = walked
    with pytest.raises(NotFound) as exc:
        services.printing.pdf_by_number(SYSTEM_USER, number)
    assert "找不到" in exc.value.message


def test_the_week_batch_holds_the_slips_issued_that_week(walked):
    services, clock, c, _case = walked
    today = clock.now().date()
    assert week_start_of(today).weekday() == 0
    data = services.printing.week_slips_pdf(c.assessor, today + timedelta(days=1))
    reader = PdfReader(io.BytesIO(data))
    assert len(reader.pages) == 1
    assert "GS-202611-0001" in squeeze(reader.pages[0].extract_text())


def test_an_empty_week_says_so(walked):
    services, clock, c, _case = walked
    with pytest.raises(ServiceError) as exc:
        services.printing.week_slips_pdf(c.assessor, clock.now().date() - timedelta(days=7))
    assert "该周没有开具过失单" in exc.value.message


@pytest.mark.parametrize("flow, title", [(FlowKind.REWORK, "车辆厂外返修作业单"),
                                         (FlowKind.INTERNAL, "内部投诉意见处理单"),
                                         (FlowKind.FEEDBACK, "客户信息反馈意见处理单")])
def test_the_form_follows_the_flow_of_the_case(walked, flow, title):
    services, _clock, c, case = walked
    case.flow = flow
    slips = [v.slip for v in services.accountability.proposals_for_case(c.assessor, case.id)]
    ctx = PrintContext("某4S店", services.clock.now())
    text = squeeze(pdf_text(_case_form(case, ctx, slips)))
    assert title in text and case.number in text


def test_the_weekly_summary_lists_the_weeks_case_and_slip(walked):
    services, clock, c, case = walked
    text = squeeze(pdf_text(services.printing.weekly_summary_pdf(c.assessor, clock.now().date())))
    assert "客户投诉处理周报" in text and case.number in text and "GS-202611-0001" in text
