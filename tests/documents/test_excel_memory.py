"""Sheets streamed into memory (excel_memory.py): the year workbook's archive holds the same
parts, byte for byte, as when its sheets go through openpyxl's temporary files; no
temporary file is made; a cancelled export leaves nothing behind."""

from __future__ import annotations

import io
import zipfile

import pytest
from openpyxl.worksheet import _writer as openpyxl_writer

from complaintdesk.documents import excel_year
from complaintdesk.documents.excel_common import Cancelled, new_workbook
from complaintdesk.documents.excel_memory import in_memory
from complaintdesk.documents.excel_year import build_year_report, write_year_workbook
from kpi_scenario import LOOKUPS, NOW, SH, VOLUMES, build_cases, build_slips


@pytest.fixture(scope="module")
def data():
    return build_year_report(build_cases(), build_slips(), VOLUMES, 2026, SH, NOW, LOOKUPS,
                             dealership="杭州东方汽车")


def parts(xlsx: bytes) -> dict[str, bytes]:
    z = zipfile.ZipFile(io.BytesIO(xlsx))
    # docProps/core.xml carries the moment of saving
    return {n: z.read(n) for n in z.namelist() if n != "docProps/core.xml"}


def write(data, monkeypatch, memory: bool) -> tuple[bytes, list[str]]:
    """The year workbook, its sheets in memory or not, and the temporary files made."""
    monkeypatch.setattr(excel_year, "new_workbook", lambda in_memory=False: new_workbook(memory))
    made: list[str] = []
    real = openpyxl_writer.create_temporary_file

    def spy(suffix: str = "") -> str:
        made.append(name := real(suffix))
        return name

    monkeypatch.setattr(openpyxl_writer, "create_temporary_file", spy)
    buf = io.BytesIO()
    write_year_workbook(buf, data)
    return buf.getvalue(), made


def test_sheets_in_memory_give_the_same_workbook_without_temporary_files(data, monkeypatch):
    ours, made = write(data, monkeypatch, memory=True)
    assert made == []
    theirs, made_by_openpyxl = write(data, monkeypatch, memory=False)
    assert len(made_by_openpyxl) == 8  # one per sheet
    a, b = parts(ours), parts(theirs)
    assert sorted(a) == sorted(b) and len([n for n in a if "worksheets/sheet" in n]) == 8
    assert a == b


def test_the_year_workbook_makes_no_temporary_file(data, monkeypatch):
    made: list[str] = []
    monkeypatch.setattr(openpyxl_writer, "create_temporary_file",
                        lambda suffix="": made.append(suffix) or "")
    buf = io.BytesIO()
    write_year_workbook(buf, data)
    assert made == [] and len(parts(buf.getvalue())) > 8


def test_a_cancelled_year_workbook_leaves_nothing(data, tmp_path, monkeypatch):
    target = tmp_path / "y.xlsx"
    sheets: list[object] = []
    real = excel_year.TableSheet.__init__

    def spy(self, wb, *a, **kw):
        real(self, wb, *a, **kw)
        sheets.append(self.ws)

    monkeypatch.setattr(excel_year.TableSheet, "__init__", spy)
    with pytest.raises(Cancelled):
        write_year_workbook(target, data, cancelled=lambda: len(sheets) >= 3)
    assert not target.exists()
    assert len(sheets) == 3
    assert all(ws.closed and in_memory(ws._writer) for ws in sheets)  # type: ignore[attr-defined]
