"""The paper loop (DESIGN §4.7, issue 18 part 4): signed copies attached to the step they
complete (stored with their hash, audited), the missing ones per case and across cases
(待归档), the weekly summary's flag, 典型案例 and the 案例库 PDF without customer data."""

from __future__ import annotations

import hashlib
import io
from datetime import timedelta

import pytest
from pypdf import PdfReader
from sqlalchemy import select

from acc_builders import cast, gm_signs, walk_to_approve, walk_to_enforced, walk_to_issue
from complaintdesk.domain import steps as S
from complaintdesk.domain.records import Role
from complaintdesk.domain.weekly import week_start_of
from complaintdesk.services.errors import NotFound, PermissionDenied, ServiceError
from complaintdesk.storage.tables import AuditRow
from complaintdesk.storage.uow import UnitOfWork
from service_builders import make_services

PDF = b"%PDF-1.4\n% signed and stamped\n" + b"0" * 100
PNG = b"\x89PNG\r\n\x1a\n" + b"1" * 64


@pytest.fixture
def env(tmp_path):
    services, clock = make_services(tmp_path)
    yield services, clock, cast(services)
    services.dispose()


def _closed_case(env):
    services, clock, c = env
    slip = walk_to_enforced(services, clock, c)
    return slip.case_id


def _audit(services, action):
    with UnitOfWork(services.engine, readonly=True) as uow:
        rows = list(uow.session.execute(select(AuditRow).where(AuditRow.action == action)
                                        .order_by(AuditRow.id)).scalars())
        for r in rows:
            uow.session.expunge(r)  # loaded: read after the session closes
        return rows


def _pdf_text(data: bytes) -> str:
    return "\n".join(p.extract_text() or "" for p in PdfReader(io.BytesIO(data)).pages)


def test_a_closed_complaint_owes_its_handling_form_and_slip_until_they_are_attached(env):
    services, clock, c = env
    case_id = _closed_case(env)
    copies = services.paper.case_copies(c.cs, case_id)
    assert copies.may_attach
    assert {(s.rule.title, s.rule.step) for s in copies.missing} == {
        ("客户信息反馈意见处理单", S.APPROVE), ("过失单", S.ENFORCE)}

    clock.advance(timedelta(hours=1))
    saved = services.paper.attach(c.cs, case_id, S.APPROVE, "feedback_form", "处理单.pdf", PDF)
    assert saved.sha256 == hashlib.sha256(PDF).hexdigest()
    assert saved.mime == "application/pdf"
    stored = services.paper.copy_data(c.cs, saved.id)
    assert stored.data == PDF and stored.filename == "处理单.pdf"
    assert [e.after["sha256"] for e in _audit(services, "signed_copy:view")] == [saved.sha256]
    # the signed paper shows the customer's numbers: not for someone outside the case
    with pytest.raises(PermissionDenied, match="申请查看"):
        services.paper.copy_data(c.reception, saved.id)
    left = services.paper.case_copies(c.cs, case_id).missing
    assert [s.rule.title for s in left] == ["过失单"]

    entries = _audit(services, "signed_copy:attach")
    assert len(entries) == 1
    assert entries[0].after["sha256"] == saved.sha256
    assert entries[0].after["step"] == S.APPROVE and entries[0].user_name == c.cs.display_name

    services.paper.attach(c.assessor, case_id, S.ENFORCE, "fault_slip", "过失单.png", PNG)
    assert services.paper.case_copies(c.cs, case_id).missing == []


def test_attaching_refuses_the_wrong_people_files_and_steps(env):
    services, clock, c = env
    case = walk_to_issue(services, clock, c)  # at step 5: 总经理签批 still to come
    with pytest.raises(PermissionDenied):
        services.paper.attach(c.supervisor, case.id, S.APPROVE, "feedback_form", "a.pdf", PDF)
    with pytest.raises(ServiceError, match="尚未完成"):
        services.paper.attach(c.cs, case.id, S.APPROVE, "feedback_form", "a.pdf", PDF)
    case_id = _closed_case(env)
    with pytest.raises(ServiceError, match="不是 PDF、PNG 或 JPG") as err:
        services.paper.attach(c.cs, case_id, S.APPROVE, "feedback_form", "a.pdf", b"MZ\x90")
    assert err.value.message.endswith("。") and "签字存档" in err.value.message
    with pytest.raises(ServiceError, match="没有需要存档"):
        services.paper.attach(c.cs, case_id, S.REVISIT, "feedback_form", "a.pdf", PDF)
    services.paper.attach(c.cs, case_id, S.APPROVE, "feedback_form", "a.pdf", PDF)
    with pytest.raises(ServiceError, match="已经上传过"):
        services.paper.attach(c.cs, case_id, S.APPROVE, "feedback_form", "b.pdf", PDF)


def test_the_archive_list_gathers_missing_copies_across_cases_for_the_archiving_roles(env):
    services, clock, c = env
    first = _closed_case(env)
    open_case = walk_to_approve(services, clock, c, walk_to_issue(services, clock, c))
    services.workflow.act(c.gm, open_case.id, "approve", gm_signs(services, open_case.id))
    # the second case is at 责任追究: its 处理单 is owed (step 8 done), its slip not yet
    rows = services.paper.archive_list(c.assessor)
    got = [(r.number, r.form, r.status) for r in rows]
    numbers = {r.case_id: r.number for r in rows}
    assert (numbers[first], "客户信息反馈意见处理单", "已结案") in got
    assert (numbers[first], "过失单", "已结案") in got
    assert (numbers[open_case.id], "客户信息反馈意见处理单", "处理中") in got
    assert not any(r.case_id == open_case.id and r.form == "过失单" for r in rows)
    assert [r.step_finished_at for r in rows] == sorted(r.step_finished_at for r in rows)
    assert all(r.department == "售后服务部" and r.flow == "客户反馈" for r in rows)

    services.paper.attach(c.cs, first, S.APPROVE, "feedback_form", "a.pdf", PDF)
    after = services.paper.archive_list(c.cs)
    assert not any(r.case_id == first and r.form == "客户信息反馈意见处理单" for r in after)
    with pytest.raises(PermissionDenied):
        services.paper.archive_list(c.supervisor)


def test_the_weekly_summary_flags_a_closed_handling_form_without_its_signed_copy(env):
    from openpyxl import load_workbook

    from complaintdesk.documents.excel_weekly import write_weekly_workbook

    services, clock, c = env
    unsigned = _closed_case(env)
    signed = _closed_case(env)
    services.paper.attach(c.cs, signed, S.APPROVE, "feedback_form", "a.pdf", PDF)
    monday = week_start_of(clock.now().astimezone(services.reports.tz).date())
    summary = services.reports.weekly_summary(c.assessor, monday)
    flags = {r.number: r.unsigned for r in summary.closed_cases}
    with UnitOfWork(services.engine, readonly=True) as uow:
        n_unsigned, n_signed = uow.cases.get(unsigned).number, uow.cases.get(signed).number
    assert flags == {n_unsigned: "客户信息反馈意见处理单", n_signed: ""}

    text = _pdf_text(services.printing.weekly_summary_pdf(c.assessor, monday))
    assert "结案未存档签字处理单（1 件）" in text
    flagged = text[text.index("结案未存档签字处理单"):]
    assert n_unsigned in flagged and n_signed not in flagged

    buf = io.BytesIO()
    write_weekly_workbook(buf, summary, services.reports.tz)
    wb = load_workbook(io.BytesIO(buf.getvalue()))
    ws = wb["已结案"]
    header = [c.value for c in next(ws.iter_rows(min_row=1, max_row=5)) if c.value]
    rows = [[c.value for c in r] for r in ws.iter_rows()]
    head_row = next(i for i, r in enumerate(rows) if "编号" in r)
    col = rows[head_row].index("签字存档")
    by_number = {r[0]: r[col] for r in rows[head_row + 1:] if r[0]}
    assert by_number[n_unsigned] == "未存档" and by_number[n_signed] in (None, "")
    assert header  # the sheet has its heading
    summary_sheet = {r[0].value: r[1].value for r in wb["概要"].iter_rows() if r[0].value}
    assert summary_sheet["结案未存档签字处理单"] == 1


def test_only_the_assessor_marks_a_closed_case_as_example(env):
    services, clock, c = env
    open_case = walk_to_issue(services, clock, c)
    with pytest.raises(ServiceError, match="已结案"):
        services.paper.mark_example(c.assessor, open_case.id, "教训")
    case_id = _closed_case(env)
    for who in (c.cs, c.gm, c.admin, c.head):
        with pytest.raises(PermissionDenied, match="考核主管"):
            services.paper.mark_example(who, case_id, "教训")
    with pytest.raises(ServiceError, match="「案例教训」"):
        services.paper.mark_example(c.assessor, case_id, "  ")
    services.paper.mark_example(c.assessor, case_id, "收费前须告知客户")
    assert services.paper.example_of(case_id).note == "收费前须告知客户"
    assert _audit(services, "example:mark")[0].after == {"lesson": "收费前须告知客户"}
    services.paper.unmark_example(c.assessor, case_id)
    assert services.paper.examples(c.reception) == []


def test_the_case_library_and_its_pdf_carry_no_customer_data(env):
    services, clock, c = env
    case_id = _closed_case(env)
    services.paper.mark_example(
        c.assessor, case_id, "王小明（13812345678，京A12345）投诉后才发现收费未告知：收费前须告知客户")
    [view] = services.paper.examples(c.reception)  # all staff read the library
    for leaked in ("王小明", "13812345678", "京A12345", "1M8GDM9AXKP042788"):
        assert leaked not in repr(view)
    assert "收费前须告知客户" in view.lesson and view.department == "售后服务部"
    text = _pdf_text(services.paper.examples_pdf(c.reception))
    assert "典型案例库" in text and "收费前须告知客户" in text and view.number in text
    assert "003 一.11" in text
    for leaked in ("王小明", "13812345678", "京A12345", "1M8GDM9AXKP042788", "5678"):
        assert leaked not in text


def test_a_scanned_number_finds_its_case_or_slip_respecting_who_may_see_a_slip(env):
    services, clock, c = env
    slip = walk_to_enforced(services, clock, c)
    with UnitOfWork(services.engine, readonly=True) as uow:
        number = uow.cases.get(slip.case_id).number
    assert services.paper.find_number(c.reception, number.lower()) == ("case", slip.case_id)
    assert services.paper.find_number(c.assessor, slip.number) == ("slip", slip.id)
    with pytest.raises(PermissionDenied, match="没有权限查看"):
        services.paper.find_number(c.cs, slip.number)
    with pytest.raises(NotFound, match="FK-209901-0001"):
        services.paper.find_number(c.reception, "FK-209901-0001")
    with pytest.raises(ServiceError, match="不是案件或过失单编号"):
        services.paper.find_number(c.reception, "hello")


def test_a_rule_table_in_the_settings_replaces_the_defaults(env):
    services, clock, c = env
    with UnitOfWork(services.engine) as uow:
        uow.settings.put("signed_copy_rules", {"rules": [
            {"flow": "feedback", "form": "revisit", "title": "回访记录", "step": "revisit"}]})
        uow.commit()
    case_id = _closed_case(env)
    assert [s.rule.title for s in services.paper.case_copies(c.cs, case_id).missing] == ["回访记录"]
    assert Role.CS_CENTER in c.cs.roles


def test_the_demo_files_the_older_paper_and_marks_examples(tmp_path):
    from complaintdesk.services.base import SYSTEM_USER
    from complaintdesk.services.demo import seed_demo

    services, _clock = make_services(tmp_path)
    try:
        summary = seed_demo(services, cases=120, seed=11)
        assert "典型案例 3 个" in summary
        filed = int(summary.split("签字存档 ")[1].split(" 份")[0])
        assert filed > 0
        assert len(services.paper.examples(SYSTEM_USER)) == 3
        kefu = next(u for u in services.people.users() if u.username == "kefu")
        waiting = services.paper.archive_list(kefu)
        assert waiting  # the recent paper still waits in 待归档
        with UnitOfWork(services.engine, readonly=True) as uow:
            assert len(uow.paper.missing(services.paper.rules())) == len(waiting)
    finally:
        services.dispose()
