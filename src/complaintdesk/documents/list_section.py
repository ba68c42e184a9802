"""One table of an exported list (台账, 过失单, 我的待办, the case list): what the services
hand to `documents/list_export.py`. Apart from it, so that the services and the UI name it
without importing openpyxl and reportlab, which the writers load on first use."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any


@dataclass(slots=True)
class ListSection:
    """One table: its heading, the column headers, the rows (str, int or float cells) and
    whether the last row is a total (bold, shaded)."""

    title: str
    headers: Sequence[str]
    rows: list[list[Any]] = field(default_factory=list)
    total_last: bool = False
    numeric: Sequence[bool] = ()
