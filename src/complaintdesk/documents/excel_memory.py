"""Small sheets streamed into memory instead of a temporary file, and the save that puts
them into the workbook's archive.

openpyxl's write-only sheet streams its XML into a temporary file of its own, which the
save copies into the archive and deletes: right for a 100,000-row 明细 sheet, but for the
few hundred rows of a KPI sheet, making, reopening, reading and deleting that file costs
more than writing the rows (about half a millisecond a sheet here; more on Windows). A
workbook made with `new_workbook(in_memory=True)` streams its sheets into a `BytesIO`
(the same XML, byte for byte); `save_workbook` writes those into the archive as they are
and leaves any other sheet to openpyxl.

Private openpyxl behaviour (3.1), guarded: `WorksheetWriter(ws, out)` takes a file-like
`out` (its `read()` handles a `BytesIO`), the write-only sheet keeps it as `_writer`, and
`ExcelWriter.write_worksheet` copies `writer.out` into the archive by file name. Without
those, the sheet keeps openpyxl's temporary file.
"""

from __future__ import annotations

import datetime
from io import BytesIO
from typing import IO, Any
from weakref import WeakSet
from zipfile import ZIP_DEFLATED, ZipFile

from openpyxl import Workbook
from openpyxl.drawing.spreadsheet_drawing import SpreadsheetDrawing
from openpyxl.worksheet._write_only import WriteOnlyWorksheet
from openpyxl.writer.excel import ExcelWriter

try:
    from openpyxl.worksheet._writer import WorksheetWriter
except ImportError:  # pragma: no cover - not the openpyxl this was written for
    WorksheetWriter = None

_IN_MEMORY: WeakSet[Workbook] = WeakSet()


def keep_in_memory(wb: Workbook) -> None:
    """The sheets of `wb` made after this stream into memory (`begin_sheet`)."""
    _IN_MEMORY.add(wb)


def begin_sheet(ws: WriteOnlyWorksheet) -> None:
    """Begin the sheet's XML (up to its rows): into memory when its workbook asked for it
    and this openpyxl allows it, else into openpyxl's temporary file."""
    if getattr(ws, "_writer", None) is None and ws.parent in _IN_MEMORY \
            and WorksheetWriter is not None:
        ws._writer = WorksheetWriter(ws, out=BytesIO())
        ws._writer.write_top()
        return
    ws._get_writer()


def in_memory(writer: Any) -> bool:
    return writer is not None and isinstance(getattr(writer, "out", None), BytesIO)


class _Writer(ExcelWriter):
    """openpyxl's writer, but a sheet streamed into memory goes into the archive from
    there (what `ExcelWriter.write_worksheet` does, without the file)."""

    def write_worksheet(self, ws: Any) -> None:
        writer = getattr(ws, "_writer", None)
        if not (self.workbook.write_only and in_memory(writer)):
            super().write_worksheet(ws)
            return
        ws._drawing = SpreadsheetDrawing()
        ws._drawing.charts = ws._charts
        ws._drawing.images = ws._images
        if not ws.closed:
            ws.close()
        ws._rels = writer._rels
        self._archive.writestr(ws.path[1:], writer.out.getvalue())
        self.manifest.append(ws)


def save_workbook(wb: Workbook, target: str | Any | IO[bytes]) -> None:
    """`Workbook.save` (openpyxl's `save_workbook`), with sheets kept in memory saved from
    there."""
    if wb.write_only and not wb.worksheets:
        wb.create_sheet()
    archive = ZipFile(target, "w", ZIP_DEFLATED, allowZip64=True)
    wb.properties.modified = datetime.datetime.now(tz=datetime.UTC).replace(tzinfo=None)
    _Writer(wb, archive).save()
