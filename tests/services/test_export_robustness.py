"""Writers never fail on stored text (issue 16, item 3): old data can hold what input rules
now refuse. Every text field of a case (and its steps and slip) is filled, in SQL, with
control characters, the longest text its column allows, emoji and mixed scripts; the month,
year and week workbooks and every PDF still come out, with the text in them."""

from __future__ import annotations

import io
import json
import re
from datetime import timedelta

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader
from sqlalchemy import text

from acc_builders import cast, walk_to_approve, walk_to_issue
from complaintdesk.storage.tables import CaseRow, FaultSlipRow
from service_builders import make_services

CONTROLS = "".join(chr(c) for c in (*range(0, 9), 11, 12, *range(14, 32)))
EMOJI = "😀👨‍👩‍👧🚗"
SCRIPTS = "Ελληνικά Кириллица العربية हिन्दी 한국어 日本語カナ <b>&amp;</b>"
HOSTILE = f"甲{CONTROLS}{EMOJI}{SCRIPTS}"
# free text a case's record holds (enumerations — flow, kind, status, step — stay valid)
CASE_TEXT = ("customer_name", "landline", "vehicle_model", "plate", "channel", "location",
             "description", "persons_involved", "demand", "received_by", "category")
SLIP_TEXT = ("post", "facts", "dept_opinion", "gm_opinion")
LONG = 3000  # description and demand have no column limit: a long text


def _fill(column) -> str:
    limit = getattr(column.type, "length", None) or LONG
    return (HOSTILE * (limit // len(HOSTILE) + 1))[:limit]


def _hostile_json(value):
    if isinstance(value, str):
        return HOSTILE
    if isinstance(value, dict):
        return {k: _hostile_json(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_hostile_json(v) for v in value]
    return value


@pytest.fixture(scope="module")
def hostile(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("hostile")
    services, clock = make_services(tmp)
    c = cast(services)
    case = walk_to_approve(services, clock, c, walk_to_issue(services, clock, c))
    cases = CaseRow.__table__.c
    slips = FaultSlipRow.__table__.c
    with services.engine.begin() as conn:
        conn.execute(text("UPDATE complaint_case SET " + ", ".join(
            f"{n} = :{n}" for n in CASE_TEXT) + " WHERE id = :id"),
            {**{n: _fill(cases[n]) for n in CASE_TEXT}, "id": case.id})
        conn.execute(text("UPDATE fault_slip SET " + ", ".join(
            f"{n} = :{n}" for n in SLIP_TEXT)), {n: _fill(slips[n]) for n in SLIP_TEXT})
        for step_id, data in conn.execute(text("SELECT id, data FROM case_step")).all():
            raw = json.loads(data) if isinstance(data, str) else data
            conn.execute(text("UPDATE case_step SET data = :d WHERE id = :i"),
                         {"d": json.dumps(_hostile_json(raw), ensure_ascii=False), "i": step_id})
    clock.advance(timedelta(hours=1))
    yield services, c, case, tmp
    services.dispose()


def _no_controls(value: object) -> bool:
    return not (isinstance(value, str) and re.search(f"[{CONTROLS}]", value))


def _cells(path) -> list[object]:
    wb = load_workbook(path, read_only=True)
    return [v for ws in wb.worksheets for row in ws.iter_rows(values_only=True) for v in row]


def test_month_year_and_week_workbooks_still_produce_with_the_text(hostile):
    services, c, case, tmp = hostile
    local = case.registered_at.astimezone(services.reports.tz)
    month = services.reports.write_month(c.assessor, local.year, local.month, tmp / "m.xlsx")
    year = services.reports.write_year(c.assessor, local.year, tmp / "y.xlsx")
    monday = local.date() - timedelta(days=local.weekday())
    week = services.reports.write_weekly(c.assessor, monday, tmp / "w.xlsx")
    for path in (month, year, week):
        cells = _cells(path)
        assert all(_no_controls(v) for v in cells), path
    month_cells = [v for v in _cells(month) if isinstance(v, str)]
    assert case.number in month_cells
    # the text kept but for the control characters: emoji, scripts, markup as typed
    assert any(f"甲{EMOJI}{SCRIPTS}" in v for v in month_cells)
    assert any(v == _fill(CaseRow.__table__.c["vehicle_model"]).replace(
        "".join(CONTROLS), "") for v in month_cells)  # the longest allowed 车型
    assert case.number in [v for v in _cells(week) if isinstance(v, str)]


def _pdf_text(data: bytes) -> str:
    assert data.startswith(b"%PDF")
    return "".join("".join(p.extract_text().split()) for p in PdfReader(io.BytesIO(data)).pages)


def test_every_pdf_still_produces(hostile):
    services, c, case, tmp = hostile
    p = services.printing
    form = _pdf_text(p.case_pdf(c.cs, case.id))
    assert case.number in form and "Ελληνικά" in form
    slip = services.accountability.list_slips(c.assessor)[0].slip
    assert slip.number in _pdf_text(p.slip_pdf(c.assessor, slip.id))
    local = case.registered_at.astimezone(services.reports.tz).date()
    assert slip.number in _pdf_text(p.week_slips_pdf(c.assessor, local))
    monday = local - timedelta(days=local.weekday())
    assert case.number in _pdf_text(p.weekly_summary_pdf(c.assessor, monday))
    weekly = services.reports.write_weekly(c.assessor, monday, tmp / "w.pdf", pdf=True)
    assert case.number in _pdf_text(weekly.read_bytes())


def test_a_lone_surrogate_and_controls_in_a_cell_are_cleaned_not_fatal(tmp_path):
    from complaintdesk.documents.excel_common import Col, TableSheet, new_workbook

    wb = new_workbook()
    sheet = TableSheet(wb, "明细", [Col("编号", 16), Col("车型", 20)], heading="标题\x0b")
    sheet.add(["FK-202611-0001", "车\x0b型\ud83d尾"])
    sheet.add_plain(["FK-202611-0002", "\x00\x1f"])
    wb.save(tmp_path / "x.xlsx")
    ws = load_workbook(tmp_path / "x.xlsx")["明细"]
    assert ws["A1"].value == "标题"
    assert [ws["B3"].value, ws["B4"].value] == ["车型\ufffd尾", None]


def test_a_row_that_still_fails_names_its_case_number(tmp_path, monkeypatch):
    from complaintdesk.documents import excel_common, excel_rows
    from complaintdesk.documents.excel_common import Col, TableSheet, new_workbook
    from complaintdesk.documents.safe_text import ExportRowError

    wb = new_workbook()
    sheet = TableSheet(wb, "明细", [Col("编号", 16), Col("车型", 20)])
    for name in ("clean", "clean_value"):  # as if cleaning had missed one
        monkeypatch.setattr(excel_common, name, lambda s: s)
        monkeypatch.setattr(excel_rows, name, lambda s: s)
    with pytest.raises(ExportRowError) as exc:
        sheet.add(["FK-202611-0009", "车\x0b型"])
    excel_common.discard(wb)
    assert "FK-202611-0009" in str(exc.value) and "“明细”表第 2 行" in str(exc.value)
