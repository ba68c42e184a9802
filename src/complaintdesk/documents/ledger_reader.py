"""Reading a dealership's Excel ledger (issue 18 §3) into plain grids of cell values.

Merged cells are filled with their value in every cell they cover (a header merged over
two rows or a date merged down over several cases then reads the same in each), formulas
read as their last computed value. What the cells mean is `domain/ledger_import.py`'s.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path
from typing import Any


class LedgerFileError(Exception):
    """The file is not a workbook openpyxl can read (a Chinese message)."""


@dataclass(frozen=True, slots=True)
class SheetGrid:
    title: str
    rows: list[list[Any]]


def file_hash(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def read_ledger(path: Path) -> list[SheetGrid]:
    """Every visible worksheet of the workbook as rows of values (merges filled)."""
    from openpyxl import load_workbook

    path = Path(path)
    if path.suffix.lower() not in (".xlsx", ".xlsm"):
        raise LedgerFileError(f"只能导入 Excel 2007 及以后的 .xlsx 文件：{path.name}。"
                              "请在 Excel 中“另存为”.xlsx 后再导入。")
    try:
        wb = load_workbook(path, data_only=True)
    except FileNotFoundError as exc:
        raise LedgerFileError(f"找不到文件：{path}。") from exc
    except Exception as exc:  # zipfile, XML and openpyxl's own errors alike
        raise LedgerFileError(f"无法读取文件 {path.name}：不是有效的 Excel 工作簿。") from exc
    out: list[SheetGrid] = []
    try:
        for ws in wb.worksheets:
            if ws.sheet_state != "visible":
                continue
            rows = [list(r) for r in ws.iter_rows(values_only=True)]
            for rng in ws.merged_cells.ranges:
                value = ws.cell(rng.min_row, rng.min_col).value
                for r in range(rng.min_row, min(rng.max_row, len(rows)) + 1):
                    row = rows[r - 1]
                    if len(row) < rng.max_col:
                        row.extend([None] * (rng.max_col - len(row)))
                    for c in range(rng.min_col, rng.max_col + 1):
                        row[c - 1] = value
            out.append(SheetGrid(ws.title, rows))
    finally:
        wb.close()
    return out
