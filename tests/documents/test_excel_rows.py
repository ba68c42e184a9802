"""Our row writer (excel_rows) against openpyxl's own: the same sheet XML for any value, the
same errors, and openpyxl's writer for what ours leaves to it."""

from __future__ import annotations

import io
import zipfile
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal

import pytest
from lxml import etree
from openpyxl import load_workbook

from complaintdesk.documents import excel_rows
from complaintdesk.documents.excel_common import (
    DATETIME_FORMAT,
    TOTAL_FONT,
    Col,
    Job,
    TableSheet,
    new_workbook,
    write_workbook,
)
from complaintdesk.documents.safe_text import ExportRowError

COLS = [Col("文本", 20), Col("数", 10, "0.0"), Col("时间", 16, DATETIME_FORMAT), Col("备注", 12)]
ROWS: list[list[object]] = [
    ["a & b < c > d", 1.5, datetime(2026, 3, 1, 9, 30), "中文，全角"],
    ["  leading", 0.1, date(2026, 3, 1), "trailing  "],
    ["line\r\nbreak\rcr", -0.0, None, "tab\tand\nnewline"],
    ["", 12345678901234567, datetime(1900, 2, 1), "😀 emoji"],
    [None, 1e-300, None, None],
    ["数", 7, datetime(2026, 12, 31, 23, 59, 59, 999999), 3],
    ["=SUM(B2:B3)", 1, None, "a formula: openpyxl's writer"],
    ["#N/A", 2, None, "an error value: openpyxl's writer"],
    ["nan", float("nan"), None, "not finite"],
    ["inf", float("inf"), None, True],
    ["decimal", Decimal("1.25"), None, False],
    ["time", 3, time(9, 30), timedelta(hours=5)],
    ["date under a text column", 4, None, datetime(2026, 3, 2, 8, 0)],
]


def build(rows: list[list[object]] = ROWS, in_memory: bool = False) -> bytes:
    wb = new_workbook(in_memory)

    def body() -> None:
        sheet = TableSheet(wb, "表", COLS, heading="标题 & <说明>", notes=[" 注 "])
        for r in rows:
            sheet.add(r)
        sheet.add(["合计", 9.5, None, None], total=True)
        sheet.blank()
        sheet.add(["本月", 0.25, None, None], [None, "0.0%", None, None])
        sheet.note("注：a < b")
        plain = TableSheet(wb, "明细", COLS)
        for r in rows:
            plain.add_plain(r)
        plain.ws.append(["raw", 1, datetime(2026, 1, 2, 3, 4), ""])  # as openpyxl takes it

    buf = io.BytesIO()
    write_workbook(wb, buf, Job(1, None, None), body)
    return buf.getvalue()


def sheets_c14n(xlsx: bytes) -> dict[str, bytes]:
    z = zipfile.ZipFile(io.BytesIO(xlsx))
    return {n: etree.tostring(etree.fromstring(z.read(n)), method="c14n")
            for n in z.namelist() if n.startswith("xl/worksheets/sheet")
            or n == "xl/styles.xml"}


@pytest.fixture
def openpyxl_writes(monkeypatch):
    """Rows written by openpyxl's own writer, as without lxml."""
    monkeypatch.setattr(excel_rows, "fromstring", None)


@pytest.fixture
def ours_written(monkeypatch) -> list[int]:
    """Counts the rows our writer wrote itself."""
    seen: list[int] = []
    real = excel_rows._row_text

    def spy(ws, values, row_idx):
        text = real(ws, values, row_idx)
        if text is not None:
            seen.append(row_idx)
        return text

    monkeypatch.setattr(excel_rows, "_row_text", spy)
    return seen


def test_same_xml_as_openpyxls_writer(ours_written, monkeypatch):
    ours = build()
    assert len(ours_written) >= 20  # most rows, not all: some are left to openpyxl
    monkeypatch.setattr(excel_rows, "fromstring", None)
    theirs = build()
    assert sheets_c14n(ours) == sheets_c14n(theirs)


def sheet_bytes(xlsx: bytes) -> dict[str, bytes]:
    z = zipfile.ZipFile(io.BytesIO(xlsx))
    return {n: z.read(n) for n in z.namelist() if n.startswith("xl/worksheets/sheet")}


def test_rows_written_straight_into_a_sheet_in_memory_are_the_bytes_lxml_writes(
        ours_written):
    """A sheet in memory takes our row text as it is (no parse, no serialising): byte for
    byte what lxml writes after parsing it on a sheet in a temporary file."""
    in_memory = build(in_memory=True)
    assert len(ours_written) >= 20
    on_disk = build()
    assert sheet_bytes(in_memory) == sheet_bytes(on_disk)
    assert "😀".encode() not in b"".join(sheet_bytes(in_memory).values())  # &#128512;


@pytest.mark.parametrize("bad", ["\x01 control", "\ufffe not a character", "lone \udc80",
                                 "a\r\nb & <c>\t\"d\" 中文 😀"])
def test_text_in_a_sheet_in_memory_is_what_lxml_writes(bad):
    rows = [["x", 1, None, bad], [bad, 2.5, date(2026, 1, 2), " 空格 "]]
    assert sheet_bytes(build(rows, in_memory=True)) == sheet_bytes(build(rows))
    ws = load_workbook(io.BytesIO(build(rows, in_memory=True)))["表"]
    assert ws["D4"].value == bad.replace("\x01", "").replace("\ufffe", "").replace(
        "\udc80", "\ufffd")


def test_values_read_back(ours_written):
    wb = load_workbook(io.BytesIO(build()))
    ws = wb["表"]
    assert ws["A1"].value == "标题 & <说明>" and ws["A2"].value == " 注 "
    assert ws["A4"].value == "a & b < c > d" and ws["B4"].value == 1.5
    assert ws["C4"].value == datetime(2026, 3, 1, 9, 30)
    assert ws["C4"].number_format == DATETIME_FORMAT
    assert ws["A5"].value == "  leading" and ws["D5"].value == "trailing  "
    assert ws["A6"].value == "line\r\nbreak\rcr" and ws["D6"].value == "tab\tand\nnewline"
    assert ws["B7"].value == 1.234567890123457e16  # 16 digits, as openpyxl writes numbers
    assert ws["D7"].value == "😀 emoji"
    assert ws["A8"].value == "—" and ws["B8"].value == 1e-300
    assert ws["A10"].value == "=SUM(B2:B3)"
    assert ws["D16"].value == datetime(2026, 3, 2, 8, 0)  # a date under a text column
    assert ws["D16"].is_date
    total = ws["B17"]
    assert total.value == 9.5 and total.font.b and total.font.sz == TOTAL_FONT.sz
    assert ws["B19"].value == 0.25 and ws["B19"].number_format == "0.0%"


def test_openpyxls_own_writer_without_lxml(openpyxl_writes):
    wb = load_workbook(io.BytesIO(build()))
    assert wb["表"]["A4"].value == "a & b < c > d"


def test_the_same_errors_named_by_row(monkeypatch):
    """A value neither writer takes fails in both alike, named by its row's first value."""
    bad = datetime(2026, 3, 1, tzinfo=UTC)  # refused by openpyxl's writer
    with pytest.raises(ExportRowError) as exc:
        build([["x", 1, None, bad]])
    assert isinstance(exc.value.__cause__, TypeError) and exc.value.key == "x"
    monkeypatch.setattr(excel_rows, "fromstring", None)
    with pytest.raises(ExportRowError) as exc:
        build([["x", 1, None, bad]])
    assert isinstance(exc.value.__cause__, TypeError)


@pytest.mark.parametrize("bad", ["\x01 control", "\ufffe not a character", "lone \udc80"])
def test_text_xml_cannot_hold_is_cleaned_by_both_writers(bad, monkeypatch):
    """What openpyxl refuses when bound (a control character) or lxml when written (U+FFFE,
    a lone surrogate) is cleaned on the way out (safe_text.py): the export goes through."""
    for lxml_writer in (True, False):
        if not lxml_writer:
            monkeypatch.setattr(excel_rows, "fromstring", None)
        ws = load_workbook(io.BytesIO(build([["x", 1, None, bad]])))["表"]
        value = ws["D4"].value
        assert value == bad.replace("\x01", "").replace("\ufffe", "").replace("\udc80", "\ufffd")
