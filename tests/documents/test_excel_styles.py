"""The look of the KPI workbooks, cell by cell: title, note, header, data, "—" and 合计 cells
keep their fonts, fills, borders, alignments and number formats however the styles are
built and written (they are cached per workbook and written by our own row writer)."""

from __future__ import annotations

import io

import pytest
from openpyxl import load_workbook

from complaintdesk.documents.excel_common import MISSING
from complaintdesk.documents.excel_month import build_month_report, write_month_workbook
from complaintdesk.documents.excel_year import build_year_report, write_year_workbook
from kpi_scenario import LOOKUPS, NOW, SH, VOLUMES, build_cases, build_slips

FONT = "微软雅黑"


@pytest.fixture(scope="module")
def month():
    data = build_month_report(build_cases(), build_slips(), VOLUMES, 2026, 3, SH, NOW, LOOKUPS,
                              dealership="杭州东方汽车")
    buf = io.BytesIO()
    write_month_workbook(buf, data)
    return load_workbook(io.BytesIO(buf.getvalue()))


@pytest.fixture(scope="module")
def year():
    data = build_year_report(build_cases(), build_slips(), VOLUMES, 2026, SH, NOW, LOOKUPS)
    buf = io.BytesIO()
    write_year_workbook(buf, data)
    return load_workbook(io.BytesIO(buf.getvalue()))


def rgb(color) -> str | None:
    return color.rgb[-6:] if color is not None and color.rgb else None


def bordered(cell) -> bool:
    sides = (cell.border.left, cell.border.right, cell.border.top, cell.border.bottom)
    return all(s.style == "thin" and rgb(s.color) == "BFBFBF" for s in sides)


def unbordered(cell) -> bool:
    b = cell.border
    return not any(s.style for s in (b.left, b.right, b.top, b.bottom))


def is_header(cell) -> bool:
    f = cell.font
    return (f.name == FONT and f.b and f.sz == 10 and rgb(f.color) == "FFFFFF"
            and cell.fill.fill_type == "solid" and rgb(cell.fill.fgColor) == "305496"
            and cell.alignment.horizontal == "center" and cell.alignment.vertical == "center"
            and cell.alignment.wrap_text and bordered(cell))


def is_body(cell, fmt: str = "General") -> bool:
    f = cell.font
    return (f.name == FONT and not f.b and not f.i and f.sz == 10
            and cell.fill.fill_type is None and bordered(cell) and cell.number_format == fmt)


def is_total(cell, fmt: str = "General") -> bool:
    f = cell.font
    return (f.name == FONT and f.b and f.sz == 10 and cell.fill.fill_type == "solid"
            and rgb(cell.fill.fgColor) == "D9E1F2" and bordered(cell)
            and cell.number_format == fmt)


def row_of(ws, label: str, col: int = 1) -> int:
    return next(r for r in range(1, ws.max_row + 1) if ws.cell(r, col).value == label)


def test_month_overview_title_note_and_header(month):
    ws = month["概览"]
    title, note = ws["A1"], ws["A2"]
    assert (title.font.name, title.font.b, title.font.sz) == (FONT, True, 14)
    assert title.fill.fill_type is None and unbordered(title)
    assert (note.font.name, note.font.i, note.font.sz, rgb(note.font.color)) == (
        FONT, True, 9, "595959")
    assert not note.font.b and unbordered(note)
    assert all(is_header(c) for c in ws[3])
    notes = [r for r in range(4, ws.max_row + 1) if str(ws.cell(r, 1).value).startswith("口径说明")]
    assert notes and ws.cell(notes[0], 1).font.i and unbordered(ws.cell(notes[0], 1))


def test_month_overview_data_cells(month):
    ws = month["概览"]
    r = row_of(ws, "结案率")
    assert is_body(ws.cell(r, 1))  # the label
    assert is_body(ws.cell(r, 2), "0.0%")
    assert is_body(ws.cell(r, 3))  # n / d, text
    assert is_body(ws.cell(r, 5), "+0.0%;-0.0%;0.0%")
    assert is_body(ws.cell(row_of(ws, "罚款金额"), 2), "¥#,##0")
    r = row_of(ws, "投诉率")
    missing = ws.cell(r, 6)
    assert missing.value == MISSING
    assert is_body(missing) and missing.alignment.horizontal == "right"
    assert ws.cell(r, 2).alignment.horizontal is None


def test_month_breakdown_header_data_and_total(month):
    ws = month["部门"]
    assert all(is_header(c) for c in ws[1])
    header = {c.value: c.column for c in ws[1]}
    r = row_of(ws, "销售部")
    assert is_body(ws.cell(r, 1))
    assert is_body(ws.cell(r, header["投诉量"]), "0")
    assert is_body(ws.cell(r, header["结案率"]), "0.0%")
    assert is_body(ws.cell(r, header["投诉率"]), "0.00%")
    assert is_body(ws.cell(r, header["环比变化"]), "+0;-0;0")
    t = row_of(ws, "合计")
    assert is_total(ws.cell(t, 1))
    assert is_total(ws.cell(t, header["投诉量"]), "0")
    assert is_total(ws.cell(t, header["结案率"]), "0.0%")
    after = row_of(ws, "售后部")
    assert ws.cell(after, header["投诉率"]).value == MISSING
    assert is_body(ws.cell(after, header["投诉率"]))
    emp = month["员工考核"]
    col = {c.value: c.column for c in emp[1]}
    t = row_of(emp, "合计")
    rate = emp.cell(t, col["按时处理率"])
    assert rate.value == MISSING and is_total(rate) and rate.alignment.horizontal == "right"


def test_month_detail_rows_are_plain_but_formatted(month):
    ws = month["明细"]
    assert all(is_header(c) for c in ws[1])
    header = {c.value: c.column for c in ws[1]}
    number, when = ws.cell(2, 1), ws.cell(2, header["登记时间"])
    hours = ws.cell(2, header["受理→主管处理（小时）"])
    assert number.font.name != FONT and unbordered(number) and number.number_format == "General"
    assert when.number_format == "yyyy-mm-dd hh:mm" and unbordered(when)
    assert hours.number_format == "0.0" and unbordered(hours)


def test_year_workbook_styles(year):
    ws = year["全年概览"]
    assert ws["A1"].font.b and ws["A1"].font.sz == 14
    assert ws["A2"].font.i and ws["A2"].font.sz == 9
    assert all(is_header(c) for c in ws[3])
    r = row_of(ws, "结案率")
    assert is_body(ws.cell(r, 1))
    assert ws.cell(r, 2).value == MISSING and ws.cell(r, 2).alignment.horizontal == "right"
    assert is_body(ws.cell(r, 14), "0.0%")
    assert is_body(ws.cell(row_of(ws, "投诉量"), 3), "0")
    m = year["部门投诉率"]
    assert m["A1"].font.i and all(is_header(c) for c in m[2])
    r = row_of(m, "销售部")
    assert is_body(m.cell(r, 3), "0.00%") and is_body(m.cell(r, 14), "0.00%")
    t = row_of(m, "合计")
    assert is_total(m.cell(t, 1)) and is_total(m.cell(t, 14), "0.00%")
    assert is_total(year["部门投诉量"].cell(row_of(year["部门投诉量"], "合计"), 2), "0")


def test_sheet_setup_is_kept(year, month):
    for wb in (year, month):
        for ws in wb:
            assert ws.page_setup.orientation == "landscape"
            assert ws.page_setup.fitToWidth == 1 and ws.page_setup.fitToHeight == 0
            assert ws.sheet_properties.pageSetUpPr.fitToPage
    assert widths(year["全年概览"]) == [34] + [9] * 12 + [11]
    assert widths(year["部门投诉量"]) == [14] + [9] * 12 + [11]
    assert widths(month["概览"]) == [36, 12, 16, 12, 12, 12, 12]
    assert widths(month["趋势"]) == [10] + [11] * 9
    assert year["部门投诉量"].freeze_panes == "B3"


def widths(ws) -> list[float]:
    """Each column's width, whether its <col> is its own or a range's (min..max)."""
    by_col: dict[int, float] = {}
    for dim in ws.column_dimensions.values():
        for c in range(dim.min, dim.max + 1):
            assert c not in by_col
            by_col[c] = dim.width
    assert sorted(by_col) == list(range(1, len(by_col) + 1))
    return [by_col[c] for c in sorted(by_col)]
