"""Shared pieces of the Excel workbooks (DESIGN §8): styles, formats, progress, cancel.

The workbooks are written with openpyxl in write-only mode (rows stream to disk, which
is what keeps a 100,000-row 明细 sheet fast and small in memory); column widths, frozen
panes and charts are set before or beside the rows, as write-only mode requires.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from copy import copy
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, tzinfo
from pathlib import Path
from typing import IO, Any
from weakref import WeakKeyDictionary

from openpyxl import Workbook
from openpyxl.cell import Cell, WriteOnlyCell
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.styles.cell_style import StyleArray
from openpyxl.styles.numbers import is_date_format
from openpyxl.utils import get_column_letter
from openpyxl.worksheet._write_only import WriteOnlyWorksheet

from ..domain.errors import Cancelled
from ..domain.kpi.shapes import (
    KIND_COUNT,
    KIND_HOURS,
    KIND_MONEY,
    KIND_RATE,
    KIND_SMALL_RATE,
)
from .excel_memory import in_memory as _streams_in_memory
from .excel_memory import keep_in_memory, save_workbook
from .excel_rows import FixedStyleCell, install
from .safe_text import ExportRowError, clean, clean_value

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


def new_workbook(in_memory: bool = False) -> Workbook:
    """A write-only workbook; `in_memory`: its sheets are small, stream them into memory
    rather than a temporary file each (excel_memory.py)."""
    wb = Workbook(write_only=True)
    if in_memory:
        keep_in_memory(wb)
    return wb


def local_naive(dt: datetime | None, tz: tzinfo) -> datetime | None:
    """Excel has no time zones: show the dealership's wall-clock time."""
    if dt is None:
        return None
    return dt.astimezone(tz).replace(tzinfo=None)


_DATES = (datetime, date, time, timedelta)


_StyleKey = tuple[str | None, int, int, int, bool]
# (style array, its id in the workbook, and the style objects keyed by their id(),
# held so that no id is reused while the workbook lives)
_StyleEntry = tuple[StyleArray, int, tuple[Any, ...]]
_WORKBOOK_STYLES: WeakKeyDictionary[Workbook, dict[_StyleKey, _StyleEntry]] = (
    WeakKeyDictionary())


class _Slot:
    """One column of one kind of row (data, 合计, plain): its style, and its cells, made
    when first needed: the one rebound to each row's value, the one showing "—"."""

    __slots__ = ("fmt", "font", "fill", "border", "plain", "dates_ok", "cell", "missing")

    def __init__(self, fmt: str | None, font: Font | None, fill: PatternFill | None,
                 border: bool, plain: bool) -> None:
        self.fmt, self.font, self.fill, self.border = fmt, font, fill, border
        self.plain = plain  # a value goes in as it is, unstyled
        self.dates_ok = bool(fmt and is_date_format(fmt))
        self.cell: Cell | None = None
        self.missing: Cell | None = None


class TableSheet:
    """A write-only sheet: optional title lines, one header row (frozen), data rows."""

    def __init__(self, wb: Workbook, title: str, cols: Sequence[Col],
                 heading: str | None = None, notes: Iterable[str] = (),
                 freeze_col: int = 1) -> None:
        ws: WriteOnlyWorksheet = wb.create_sheet(title)
        self.ws = ws
        self.cols = list(cols)
        # neighbours of one width share one <col min= max=>: a column's dimension is a
        # costly object to make and to write, a 12-month table has a dozen alike
        first = 1
        for i, c in enumerate(self.cols, 1):
            if i == len(self.cols) or self.cols[i].width != c.width:
                dim = ws.column_dimensions[get_column_letter(first)]
                dim.width = c.width
                if i > first:
                    dim.min, dim.max = first, i
                first = i + 1
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
        styles = _WORKBOOK_STYLES.get(wb)
        if styles is None:
            styles = _WORKBOOK_STYLES[wb] = {}
        self._styles = styles  # shared by the workbook's sheets
        self._slots: dict[tuple[bool, tuple[str | None, ...] | None] | None, list[_Slot]] = {}
        install(ws)  # our row writer: begins the sheet's XML, up to its rows
        for n, text in enumerate(lines):
            font = TITLE_FONT if (heading and n == 0) else NOTE_FONT
            self._append([self._styled(text, None, font, None, None, False)])
        self._append([self._header(c.header) for c in self.cols])

    def _append(self, cells: list[Any]) -> None:
        self.ws.append(cells)
        self.row += 1

    def _add_row(self, values: Sequence[Any], slots: list[_Slot]) -> None:
        """A write-only sheet writes the row as it is appended: what still fails names
        the row and its first value (the case or slip number)."""
        try:
            self._append(self._row(values, slots))
        except Cancelled:
            raise
        except Exception as exc:  # openpyxl/lxml refusing a value: say which row
            raise ExportRowError(self.ws.title, self.row + 1, values[0] if values else None,
                                 exc) from exc

    def _header(self, text: str) -> Cell:
        return self._styled(text, None, HEADER_FONT, HEADER_FILL, CENTER, True)

    def _style(self, fmt: str | None, font: Font | None, fill: PatternFill | None,
               align: Alignment | None, border: bool) -> _StyleEntry:
        """The style array of one combination and its id, built once per workbook:
        setting font/fill/border attribute by attribute hashes the style objects every
        time, which costs more than writing the cell."""
        key = (fmt, id(font), id(fill), id(align), border)
        entry = self._styles.get(key)
        if entry is None:
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
            sid = proto.style_id  # (makes the array of a cell with no style at all)
            entry = self._styles[key] = (proto._style, sid, (font, fill, align))
        return entry

    def _styled(self, value: Any, fmt: str | None, font: Font | None,
                fill: PatternFill | None, align: Alignment | None, border: bool) -> Cell:
        """A new cell of that style holding `value`."""
        value = clean_value(value)
        arr, sid, _ = self._style(fmt, font, fill, align, border)
        if isinstance(value, _DATES) and not (fmt and is_date_format(fmt)):
            # binding it changes the cell's number format: an ordinary cell
            return Cell(self.ws, row=1, column=1, value=value, style_array=copy(arr))
        return FixedStyleCell(self.ws, arr, sid, value)

    def cell(self, value: Any, fmt: str | None = None, font: Font = BODY_FONT,
             fill: PatternFill | None = None) -> Cell:
        """A bordered cell for `value` (None shows "—"). Its style is fixed: the id it
        is written with was looked up when it was made, so set no font, fill… on it."""
        if value is None:
            return self._styled(MISSING, None, font, fill, RIGHT, True)
        return self._styled(value, fmt, font, fill, None, True)

    def add(self, values: Sequence[Any], fmts: Sequence[str | None] | None = None,
            total: bool = False) -> int:
        """Append one data row (None shows "—"); returns its row number."""
        key = (total, tuple(fmts) if fmts else None)
        slots = self._slots.get(key)
        if slots is None:
            font = TOTAL_FONT if total else BODY_FONT
            fill = TOTAL_FILL if total else None
            slots = self._slots[key] = [_Slot(f, font, fill, True, False)
                                        for f in fmts or [c.fmt for c in self.cols]]
        self._add_row(values, slots)
        return self.row

    def add_plain(self, values: Sequence[Any]) -> int:
        """A fast row for big sheets: number formats only, no font or border."""
        slots = self._slots.get(None)
        if slots is None:
            slots = self._slots[None] = [_Slot(c.fmt, None, None, False, c.fmt is None)
                                         for c in self.cols]
        self._add_row(values, slots)
        return self.row

    def _row(self, values: Sequence[Any], slots: list[_Slot]) -> list[Any]:
        """The cells of one row: each column's own cell rebound to the row's value (a
        write-only sheet writes a row out as soon as it is appended, so the cell is free
        again by the next row), or its "—" cell, or the plain value."""
        row: list[Any] = []
        for v, slot in zip(values, slots, strict=False):
            if type(v) is str:  # stored text never stops the writer (safe_text.py)
                v = clean(v)
            if v is None:
                cell = slot.missing
                row.append(cell if cell is not None else self._missing(slot))
            elif slot.plain:
                row.append(v)
            elif (cell := slot.cell) is not None and (slot.dates_ok
                                                      or not isinstance(v, _DATES)):
                if type(v) is int or type(v) is float:  # what openpyxl binds, unchecked
                    cell._value, cell.data_type = v, "n"
                else:
                    cell.value = v
                row.append(cell)
            else:
                row.append(self._slot_cell(slot, v))
        return row

    def _missing(self, slot: _Slot) -> Cell:
        slot.missing = self._styled(MISSING, None, slot.font, slot.fill, RIGHT, slot.border)
        return slot.missing

    def _slot_cell(self, slot: _Slot, value: Any) -> Cell:
        """The column's first value, or a date under a non-date format: binding it sets
        the cell's number format, so it gets a cell of its own."""
        cell = self._styled(value, slot.fmt, slot.font, slot.fill, None, slot.border)
        if not isinstance(value, _DATES) or slot.dates_ok:
            slot.cell = cell
        return cell

    def note(self, text: str) -> None:
        self._append([self._styled(text, None, NOTE_FONT, None, None, False)])

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
    save_workbook(wb, target)


def discard(wb: Workbook) -> None:
    for ws in wb.worksheets:
        writer = getattr(ws, "_writer", None)
        if writer is None:
            continue
        try:
            if not ws.closed:
                ws.close()
            if not _streams_in_memory(writer):  # no file to delete
                writer.cleanup()
        except (OSError, ValueError):  # already closed or removed: nothing left to free
            pass
