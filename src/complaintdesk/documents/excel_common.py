"""Shared pieces of the Excel workbooks (DESIGN §8): styles, formats, progress, cancel.

The workbooks are written with openpyxl in write-only mode (rows stream to disk, which
is what keeps a 100,000-row 明细 sheet fast and small in memory); column widths, frozen
panes and charts are set before or beside the rows, as write-only mode requires.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from copy import copy
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, tzinfo
from functools import partial
from pathlib import Path
from typing import IO, Any

from openpyxl import Workbook
from openpyxl.cell import Cell, WriteOnlyCell
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.styles.numbers import is_date_format
from openpyxl.utils import get_column_letter
from openpyxl.worksheet._write_only import WriteOnlyWorksheet

from ..domain.kpi_model import (
    KIND_COUNT,
    KIND_HOURS,
    KIND_MONEY,
    KIND_RATE,
    KIND_SMALL_RATE,
)

Progress = Callable[[int, int], None]
IsCancelled = Callable[[], bool]
Target = str | Path | IO[bytes]

MISSING = "—"  # a rate without a denominator, a change without a base
FORMATS: dict[str, str] = {
    KIND_COUNT: "0",
    KIND_RATE: "0.0%",
    KIND_SMALL_RATE: "0.00%",
    KIND_HOURS: "0.0",
    KIND_MONEY: "¥#,##0",
}
CHANGE_FORMATS: dict[str, str] = {
    KIND_COUNT: "+0;-0;0",
    KIND_RATE: "+0.0%;-0.0%;0.0%",
    KIND_SMALL_RATE: "+0.00%;-0.00%;0.00%",
    KIND_HOURS: "+0.0;-0.0;0.0",
    KIND_MONEY: "+¥#,##0;-¥#,##0;¥0",
}
DATETIME_FORMAT = "yyyy-mm-dd hh:mm"
DATE_FORMAT = "yyyy-mm-dd"

FONT_NAME = "微软雅黑"
_THIN = Side(style="thin", color="BFBFBF")
BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
HEADER_FONT = Font(name=FONT_NAME, bold=True, color="FFFFFF", size=10)
HEADER_FILL = PatternFill("solid", fgColor="305496")
TITLE_FONT = Font(name=FONT_NAME, bold=True, size=14)
NOTE_FONT = Font(name=FONT_NAME, italic=True, size=9, color="595959")
BODY_FONT = Font(name=FONT_NAME, size=10)
TOTAL_FONT = Font(name=FONT_NAME, size=10, bold=True)
TOTAL_FILL = PatternFill("solid", fgColor="D9E1F2")
ALERT_FONT = Font(name=FONT_NAME, size=10, color="C00000")
CENTER = Alignment(horizontal="center", vertical="center", wrap_text=True)
RIGHT = Alignment(horizontal="right")


class Cancelled(Exception):  # noqa: N818 - the UI catches it by this plain name
    """The user cancelled the export; the half-written target should be discarded."""


@dataclass(frozen=True, slots=True)
class Col:
    """One column of a table sheet: header, width (characters) and number format."""

    header: str
    width: float = 12
    fmt: str | None = None


class Job:
    """Counts written rows against a total, reports progress and honours a cancel."""

    def __init__(self, total: int, progress: Progress | None, cancelled: IsCancelled | None,
                 every: int = 500) -> None:
        self.total = max(total, 1)
        self.done = 0
        self._progress = progress
        self._cancelled = cancelled
        self._every = every
        self._next = 0

    def check(self) -> None:
        if self._cancelled is not None and self._cancelled():
            raise Cancelled("导出已取消")

    def step(self, n: int = 1) -> None:
        self.done += n
        if self.done >= self._next:
            self._next = self.done + self._every
            self.check()
            if self._progress is not None:
                self._progress(min(self.done, self.total), self.total)

    def finish(self) -> None:
        self.check()
        if self._progress is not None:
            self._progress(self.total, self.total)


def new_workbook() -> Workbook:
    return Workbook(write_only=True)


def local_naive(dt: datetime | None, tz: tzinfo) -> datetime | None:
    """Excel has no time zones: show the dealership's wall-clock time."""
    if dt is None:
        return None
    return dt.astimezone(tz).replace(tzinfo=None)


_DATES = (datetime, date, time, timedelta)


def _values_to_row(ws: WriteOnlyWorksheet, values: Sequence[Any],
                   row_idx: int) -> Iterator[Cell]:
    """openpyxl's write-only `_values_to_row` without its slow path for ready-made cells:
    it first tries each as a value, and the refusal formats the cell's repr — for every
    styled cell of a 100,000-row sheet. Plain values go in as openpyxl puts them."""
    cell: Cell | None = None
    for col_idx, value in enumerate(values, 1):
        if value is None:
            continue
        if isinstance(value, Cell):
            value.column = col_idx
            value.row = row_idx
            yield value
            continue
        if cell is None or cell.has_style:
            cell = WriteOnlyCell(ws)
        cell.value = value
        cell.column = col_idx
        cell.row = row_idx
        yield cell


class TableSheet:
    """A write-only sheet: optional title lines, one header row (frozen), data rows."""

    def __init__(self, wb: Workbook, title: str, cols: Sequence[Col],
                 heading: str | None = None, notes: Iterable[str] = (),
                 freeze_col: int = 1) -> None:
        ws: WriteOnlyWorksheet = wb.create_sheet(title)
        self.ws = ws
        self.cols = list(cols)
        for i, c in enumerate(self.cols, 1):
            ws.column_dimensions[get_column_letter(i)].width = c.width
        self.row = 0
        lines = ([heading] if heading else []) + list(notes)
        self.header_row = len(lines) + 1
        # write-only: the sheet view goes out with the first row, so freeze first
        ws.freeze_panes = f"{get_column_letter(freeze_col + 1)}{self.header_row + 1}"
        # printable as it is: landscape, all columns on one page width
        ws.page_setup.orientation = "landscape"
        ws.page_setup.paperSize = "9"  # A4
        ws.page_setup.fitToWidth = 1
        ws.page_setup.fitToHeight = 0
        ws.sheet_properties.pageSetUpPr.fitToPage = True
        for n, text in enumerate(lines):
            cell = WriteOnlyCell(ws, text)
            cell.font = TITLE_FONT if (heading and n == 0) else NOTE_FONT
            self._append([cell])
        self._styles: dict[tuple[Any, ...], Any] = {}
        self._cells: dict[tuple[Any, ...], Cell] = {}
        if hasattr(ws, "_values_to_row"):  # openpyxl's own, shadowed for this sheet
            ws._values_to_row = partial(_values_to_row, ws)  # type: ignore[method-assign]
        self._append([self._header(c.header) for c in self.cols])

    def _append(self, cells: list[Any]) -> None:
        self.ws.append(cells)
        self.row += 1

    def _header(self, text: str) -> WriteOnlyCell:
        cell = WriteOnlyCell(self.ws, text)
        cell.font, cell.fill, cell.alignment, cell.border = (
            HEADER_FONT, HEADER_FILL, CENTER, BORDER)
        return cell

    def _styled(self, value: Any, fmt: str | None, font: Font | None,
                fill: PatternFill | None, align: Alignment | None, border: bool,
                col: int | None = None) -> Cell:
        """A cell with a style built once per combination: setting font/fill/border
        attribute by attribute hashes the style objects every time, which costs more than
        writing the cell.

        With `col`, the cell is one kept for that column and style and reused row after
        row: a write-only sheet writes a row out as soon as it is appended, so the cell is
        free again by the next row. (Not for a date value under a non-date format: binding
        it changes the cell's number format.)"""
        key = (fmt, id(font), id(fill), id(align), border)
        arr = self._styles.get(key)
        if arr is None:
            proto = WriteOnlyCell(self.ws)
            if font is not None:
                proto.font = font
            if fill is not None:
                proto.fill = fill
            if align is not None:
                proto.alignment = align
            if border:
                proto.border = BORDER
            if fmt:
                proto.number_format = fmt
            arr = self._styles[key] = proto._style
        if col is None or (isinstance(value, _DATES) and not (fmt and is_date_format(fmt))):
            return Cell(self.ws, row=1, column=1, value=value, style_array=copy(arr))
        ckey = (col, key)
        cell = self._cells.get(ckey)
        if cell is None:
            cell = self._cells[ckey] = Cell(self.ws, row=1, column=col,
                                            style_array=copy(arr))
        cell.value = value
        return cell

    def cell(self, value: Any, fmt: str | None = None, font: Font = BODY_FONT,
             fill: PatternFill | None = None, col: int | None = None) -> Cell:
        if value is None:
            return self._styled(MISSING, None, font, fill, RIGHT, True, col)
        return self._styled(value, fmt, font, fill, None, True, col)

    def add(self, values: Sequence[Any], fmts: Sequence[str | None] | None = None,
            total: bool = False) -> int:
        """Append one data row (None shows "—"); returns its row number."""
        fmts = fmts or [c.fmt for c in self.cols]
        font = TOTAL_FONT if total else BODY_FONT
        fill = TOTAL_FILL if total else None
        self._append([self.cell(v, f, font, fill, i)
                      for i, (v, f) in enumerate(zip(values, fmts, strict=False), 1)])
        return self.row

    def add_plain(self, values: Sequence[Any]) -> int:
        """A fast row for big sheets: number formats only, no font or border."""
        styled = self._styled
        self._append([
            (v if c.fmt is None else styled(v, c.fmt, None, None, None, False, i))
            if v is not None else styled(MISSING, None, None, None, RIGHT, False, i)
            for i, (v, c) in enumerate(zip(values, self.cols, strict=False), 1)
        ])
        return self.row

    def note(self, text: str) -> None:
        c = WriteOnlyCell(self.ws, text)
        c.font = NOTE_FONT
        self._append([c])

    def blank(self) -> None:
        self._append([])


def write_workbook(wb: Workbook, target: Target, job: Job, body: Callable[[], None]) -> None:
    """Run `body` (which fills `wb`), then save; on any error (e.g. `Cancelled`) close
    the half-written sheets and delete their temporary files, leaving `target` untouched."""
    try:
        job.check()
        body()
        job.finish()
    except BaseException:
        discard(wb)
        raise
    wb.save(target)


def discard(wb: Workbook) -> None:
    for ws in wb.worksheets:
        writer = getattr(ws, "_writer", None)
        if writer is None:
            continue
        try:
            if not ws.closed:
                ws.close()
            writer.cleanup()
        except (OSError, ValueError):  # already closed or removed: nothing left to free
            pass
