"""How the rows of a write-only sheet go out: faster than openpyxl writes them, the same XML.

openpyxl writes each cell of a row through lxml's incremental writer, opening and closing
two or three elements from Python per cell: most of the time a KPI workbook takes. Here a
row becomes one piece of XML text, parsed by lxml into one element and written out: the
elements, attributes and text openpyxl would write, byte for byte but for a cell holding
an empty string (`<c …/>` where openpyxl writes `<c …></c>`, the same element).

This leans on private openpyxl behaviour (3.1), shadowed per sheet and guarded:
`WriteOnlyWorksheet._write_rows` passes each appended row through the sheet's
`_values_to_row(values, row_idx)` and hands the result to its writer's
`write_row(xf, row, row_idx)`. Both are replaced on the instance: `_values_to_row` returns a
`_Row`, which still iterates as openpyxl's own cells, so openpyxl's `write_row` can write it
as before; our `write_row` writes a `_Row` itself and leaves to openpyxl's anything else and
any row with something it does not write (a formula, an error value, rich text, a time or
timedelta, a non-finite or Decimal number, an empty styled cell, a comment, a hyperlink, a
row height, an empty row, a string lxml refuses…). Without lxml (openpyxl's `LXML`) or
without those methods, the sheet is left as openpyxl makes it but for `values_to_row`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from datetime import date, datetime
from functools import partial
from io import BytesIO
from math import isfinite
from typing import Any

from openpyxl import LXML
from openpyxl.cell import Cell, WriteOnlyCell
from openpyxl.utils import get_column_letter
from openpyxl.utils.datetime import to_excel
from openpyxl.worksheet._write_only import WriteOnlyWorksheet

from .excel_memory import begin_sheet
from .safe_text import clean, clean_value

try:
    from lxml.etree import XMLSyntaxError, fromstring
except ImportError:  # pragma: no cover - lxml is a dependency; openpyxl then says LXML False
    fromstring = None


class FixedStyleCell(Cell):
    """A cell whose style is set when it is made, with that style's id in the workbook's
    table looked up once: openpyxl's `style_id` hashes the style array into the table
    again for every cell it writes. Nothing may change such a cell's style afterwards (so
    no date under a non-date number format: binding it would)."""

    __slots__ = ("_sid",)

    def __init__(self, ws: WriteOnlyWorksheet, style_array: Any, style_id: int,
                 value: Any = None) -> None:
        super().__init__(ws, row=1, column=1, value=value, style_array=style_array)
        self._sid = style_id

    @property
    def style_id(self) -> int:
        return self._sid

    @property
    def has_style(self) -> bool:
        return self._sid != 0  # the workbook's style 0 is the empty one


def values_to_row(ws: WriteOnlyWorksheet, values: Sequence[Any],
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
        cell.value = clean_value(value)
        cell.column = col_idx
        cell.row = row_idx
        yield cell


class _Row:
    """An appended row: its values for our writer, its cells for openpyxl's."""

    __slots__ = ("ws", "values", "idx")

    def __init__(self, ws: WriteOnlyWorksheet, values: Sequence[Any], idx: int) -> None:
        self.ws, self.values, self.idx = ws, values, idx

    def __iter__(self) -> Iterator[Cell]:
        return values_to_row(self.ws, self.values, self.idx)


def install(ws: WriteOnlyWorksheet) -> None:
    """Have this sheet's rows written by `_write_row` (see the module's doc). Call it once
    the sheet's column widths, frozen panes and properties are set: the sheet's XML is
    begun here, up to its rows."""
    if not hasattr(ws, "_values_to_row"):
        return  # not the openpyxl this was written for: its own way
    if LXML and fromstring is not None and hasattr(ws, "_get_writer"):
        begin_sheet(ws)  # into memory for a workbook that asked (excel_memory.py)
        original = getattr(getattr(ws, "_writer", None), "write_row", None)
        if original is not None:
            ws._values_to_row = partial(_Row, ws)
            ws._writer.write_row = partial(_write_row, ws, original)
            return
    ws._values_to_row = partial(values_to_row, ws)


def _write_row(ws: WriteOnlyWorksheet, original: Callable[[Any, Any, int], None],
               xf: Any, row: Any, row_idx: int) -> None:
    if isinstance(row, _Row):
        text = _row_text(ws, row.values, row_idx)
        if text is not None:
            out = ws._writer.out
            if isinstance(out, BytesIO):
                # a sheet in memory (excel_memory.py): the row's text goes straight after
                # what the stream holds (flushed first), in the bytes lxml would write —
                # ASCII, other characters as decimal references — with no parse and no
                # serialising: the text is well-formed by construction (`_row_text`)
                xf.flush()
                out.write(text.encode("ascii", "xmlcharrefreplace"))
                return
            el = _parse(text)
            if el is not None:
                xf.write(el)
                return
    original(xf, row, row_idx)


def _parse(text: str) -> Any:
    try:
        return fromstring(text)
    except (XMLSyntaxError, ValueError):  # e.g. a character XML does not allow
        return None


_PRESERVE = ' xml:space="preserve"'


def _row_text(ws: WriteOnlyWorksheet, values: Sequence[Any], row_idx: int) -> str | None:
    """The XML text of the <row> openpyxl would write for `values` (well-formed: its text
    cleaned of what XML cannot hold and escaped), or None for openpyxl to write it."""
    dims = ws.row_dimensions
    if dims and row_idx in dims:
        return None
    r = str(row_idx)
    parts = [f'<row r="{r}">']
    scratch: Cell | None = None
    for col, v in enumerate(values, 1):
        if v is None:
            continue
        if type(v) is FixedStyleCell:
            cell: Cell = v
            sid = v._sid
        else:
            if isinstance(v, Cell):
                cell = v
            else:  # bound as openpyxl binds a value: its type, its checks
                if scratch is None or scratch.has_style:
                    scratch = WriteOnlyCell(ws)
                scratch.value = v
                cell = scratch
            sid = cell.style_id if cell.has_style else 0
        if cell._comment is not None or cell._hyperlink is not None:
            return None
        x = cell._value
        if x is None:
            if sid:
                return None
            continue
        s = f' s="{sid}"' if sid else ""
        t = cell.data_type
        if t == "n":
            tx = type(x)
            if not (tx is int or (tx is float and isfinite(x))):
                return None
            parts.append(f'<c r="{get_column_letter(col)}{r}"{s} t="n"><v>{x:.16g}</v></c>')
        elif t == "s":
            if type(x) is not str:
                return None
            if not x:  # openpyxl: <c …></c>, the same element
                parts.append(f'<c r="{get_column_letter(col)}{r}"{s} t="inlineStr"/>')
                continue
            x = clean(x)  # what XML cannot hold (safe_text.py): never a failed export
            text = x.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;") \
                    .replace("\r", "&#13;")  # the parser would make a bare CR a LF
            sp = _PRESERVE if x != x.strip() else ""
            parts.append(f'<c r="{get_column_letter(col)}{r}"{s} t="inlineStr">'
                         f'<is><t{sp}>{text}</t></is></c>')
        elif t == "d":
            tx = type(x)
            if not (tx is date or (tx is datetime and x.tzinfo is None)) or ws.parent.iso_dates:
                return None
            parts.append(f'<c r="{get_column_letter(col)}{r}"{s} t="n">'
                         f'<v>{to_excel(x, ws.parent.epoch):.16g}</v></c>')
        else:
            return None
    if len(parts) == 1:
        return None  # openpyxl writes an empty row as <row r=".."></row>
    parts.append("</row>")
    return "".join(parts)
