"""The cells of the rows of a write-only sheet.

`FixedStyleCell` carries its style's id in the workbook, looked up once; `values_to_row`
shadows openpyxl's private write-only `_values_to_row` on a sheet (guarded: a sheet
without it is left as it is).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from functools import partial
from typing import Any

from openpyxl.cell import Cell, WriteOnlyCell
from openpyxl.worksheet._write_only import WriteOnlyWorksheet


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
    def style_id(self) -> int:  # type: ignore[override]
        return self._sid

    @property
    def has_style(self) -> bool:  # type: ignore[override]
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
        cell.value = value
        cell.column = col_idx
        cell.row = row_idx
        yield cell


def install(ws: WriteOnlyWorksheet) -> None:
    """Have this sheet's appended rows turned into cells by `values_to_row`."""
    if hasattr(ws, "_values_to_row"):  # openpyxl's own, shadowed for this sheet
        ws._values_to_row = partial(values_to_row, ws)  # type: ignore[method-assign]
