"""Importing a dealership's own Excel complaint ledger (issue 18 §3): the pure part.

A ledger arrives as a grid of cell values (merged cells already filled with their value by
the reader). Here: which row holds the headers (not always row 1; a title or a group row
may stand above it, and a two-level header is read from both rows), which column is which
field (a synonym table shipped as data, `resources/ledger_headers.json`, plus what the
person maps by hand), and what each cell means (dates as text or as Excel dates, numbers
typed as numbers). The row checks and what a row becomes are in `ledger_rows.py`.

No Qt, no SQL, no clock: "now" and the time zone come in as arguments.
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from functools import cache
from typing import Any

from ..resources_path import resource_path

IGNORE = "__ignore__"  # a column mapped to nothing (忽略)
IGNORE_WORDS = ("忽略", "不导入", "ignore", "-")
HEADER_SCAN_ROWS = 20  # the header is looked for in the first rows only
MIN_HEADER_FIELDS = 2  # a row is a header when it names at least this many fields


@dataclass(frozen=True, slots=True)
class LedgerField:
    key: str
    label: str  # what the person reads (映射对话框, messages)
    synonyms: tuple[str, ...]
    required: bool = False


def normalise_header(text: Any) -> str:
    """Full-width to half-width, no spaces or line breaks, no trailing colon or required
    mark (*), lower case: 「 联系 电话： 」 and 「联系电话」 are the same header."""
    if text is None:
        return ""
    s = unicodedata.normalize("NFKC", str(text))
    s = re.sub(r"\s+", "", s).strip("*:：")
    return s.lower()


_BRACKETED = re.compile(r"[(（\[【][^)）\]】]*[)）\]】]")


@dataclass(frozen=True)
class HeaderTable:
    """The fields a ledger column may be, and the header words that name each."""

    fields: tuple[LedgerField, ...]
    ignored: frozenset[str]
    satisfaction: Mapping[str, str]  # normalised word → 满意/基本满意/不满意
    kinds: Mapping[str, str]  # normalised word → complaint/suggestion/praise
    severities: Mapping[str, str]  # normalised word → normal/important/major
    _lookup: Mapping[str, str] = field(default_factory=dict)

    @classmethod
    def from_dict(cls, raw: Mapping[str, Any]) -> HeaderTable:
        fields = tuple(LedgerField(f["key"], f["label"], tuple(f["synonyms"]),
                                   bool(f.get("required", False))) for f in raw["fields"])
        lookup: dict[str, str] = {}
        for f in fields:
            for word in (f.key, f.label, *f.synonyms):
                lookup.setdefault(normalise_header(word), f.key)

        def words(section: str) -> dict[str, str]:
            return {normalise_header(w): value
                    for value, ws in raw.get(section, {}).items() for w in ws}

        return cls(fields, frozenset(normalise_header(w) for w in raw.get("ignored", ())),
                   words("satisfaction"), words("kind"), words("severity"), lookup)

    def label(self, key: str) -> str:
        return next((f.label for f in self.fields if f.key == key), key)

    def field_for(self, header: Any) -> str | None:
        """The field a header names: exactly, else without its bracketed note
        (「联系电话（手机）」); IGNORE for the row-number columns; None when unknown."""
        h = normalise_header(header)
        if not h:
            return None
        if h in self.ignored:
            return IGNORE
        found = self._lookup.get(h)
        if found is None:
            bare = _BRACKETED.sub("", h)
            found = self._lookup.get(bare) if bare else None
            if found is None and bare in self.ignored:
                return IGNORE
        return found

    def target(self, text: str) -> str | None:
        """What a person names as the field of a column (`--map 表头=字段`, the mapping
        dialog): a field's key, label or any of its header words, or 忽略."""
        t = normalise_header(text)
        if text == IGNORE or t in IGNORE_WORDS:
            return IGNORE
        found = self.field_for(text)
        return None if found is None else found


@cache
def default_header_table() -> HeaderTable:
    """The shipped synonym table (resources/ledger_headers.json), read once."""
    raw = json.loads(resource_path("ledger_headers.json").read_text(encoding="utf-8"))
    return HeaderTable.from_dict(raw)


# ---- where the headers are ---------------------------------------------------------------
def column_letter(index: int) -> str:
    """0 → A, 26 → AA (the column as Excel names it)."""
    out = ""
    n = index + 1
    while n:
        n, r = divmod(n - 1, 26)
        out = chr(65 + r) + out
    return out


@dataclass(frozen=True, slots=True)
class Column:
    index: int  # 0-based
    header: str  # the header text as the ledger shows it ("" when none)
    field: str | None  # a field key, IGNORE, or None (not mapped: not imported)

    @property
    def letter(self) -> str:
        return column_letter(self.index)

    @property
    def name(self) -> str:
        """How messages name the column: its header, else its letter."""
        return self.header or f"第 {self.letter} 列"


@dataclass(frozen=True, slots=True)
class HeaderLayout:
    row: int  # 1-based row of the (lower) header row; data starts below it
    columns: tuple[Column, ...]

    def field_columns(self) -> dict[str, Column]:
        return {c.field: c for c in self.columns if c.field not in (None, IGNORE)}

    def unmapped(self) -> list[Column]:
        """Columns with a header that no field takes: the mapping dialog asks for them."""
        return [c for c in self.columns if c.field is None and c.header]


def _text(value: Any) -> str:
    return "" if value is None else str(value).strip()


def find_header(rows: Sequence[Sequence[Any]], table: HeaderTable,
                scan: int = HEADER_SCAN_ROWS) -> HeaderLayout | None:
    """The row naming the most fields among the first `scan` rows (at least two). A
    column the row leaves empty or unknown takes the header of the row above when that
    one names a field (a two-level header: 客户信息 over 姓名 | 电话, or 投诉日期 merged
    down over both rows). A field named twice is taken by its first column."""
    best, best_score = -1, 0
    for i, row in enumerate(rows[:scan]):
        score = len({f for f in (table.field_for(v) for v in row) if f not in (None, IGNORE)})
        if score > best_score:
            best, best_score = i, score
    if best_score < MIN_HEADER_FIELDS:
        return None
    row = rows[best]
    above = rows[best - 1] if best > 0 else ()
    width = max(len(row), len(above))
    taken: set[str] = set()
    columns: list[Column] = []
    for c in range(width):
        text = _text(row[c]) if c < len(row) else ""
        found = table.field_for(text)
        if not text and c < len(above):
            up = table.field_for(above[c])
            if up not in (None, IGNORE):
                text, found = _text(above[c]), up
        if found not in (None, IGNORE):
            if found in taken:
                found = None  # the second column naming a field: the person decides
            else:
                taken.add(found)
        columns.append(Column(c, text, found))
    while columns and not columns[-1].header and columns[-1].field is None:
        columns.pop()
    return HeaderLayout(best + 1, tuple(columns))


class MappingError(ValueError):
    """A mapping that names a header or a field that is not there (a Chinese message)."""


def apply_mapping(layout: HeaderLayout, mapping: Mapping[str, str],
                  table: HeaderTable) -> HeaderLayout:
    """The layout with the person's choices: header text (or column letter) → field
    (key, label or header word) or 忽略. A field chosen for one column leaves the column
    that had it."""
    columns = list(layout.columns)
    for header, target in mapping.items():
        key = table.target(target)
        if key is None:
            raise MappingError(f"映射“{header}={target}”中的字段“{target}”无法识别。")
        h = normalise_header(header)
        hits = [i for i, c in enumerate(columns)
                if normalise_header(c.header) == h or c.letter.lower() == h]
        if not hits:
            raise MappingError(f"映射“{header}={target}”中的表头“{header}”在台账中找不到。")
        i = hits[0]
        if key != IGNORE:
            columns = [replace(c, field=None) if c.field == key and j != i else c
                       for j, c in enumerate(columns)]
        columns[i] = replace(columns[i], field=key)
    return HeaderLayout(layout.row, tuple(columns))


def parse_map_options(options: Sequence[str]) -> dict[str, str]:
    """`--map 表头=字段` options as a mapping (the header may hold no "=")."""
    out: dict[str, str] = {}
    for opt in options:
        for part in re.split(r"[,，;；]", opt):
            if not part.strip():
                continue
            header, sep, target = part.rpartition("=")
            if not sep:
                header, sep, target = part.rpartition("＝")
            if not sep or not header.strip() or not target.strip():
                raise MappingError(f"映射“{part}”应写作“表头=字段”，例如 反映问题=投诉内容。")
            out[header.strip()] = target.strip()
    return out


# ---- what a cell means ---------------------------------------------------------------------
EXCEL_EPOCH = datetime(1899, 12, 30)  # serial 1 = 1900-01-01 (Excel's leap-year bug kept)
_SERIAL_RANGE = (20000, 80000)  # 1954 … 2119: a plain number in a date column is a serial
_DATE_TEXT = re.compile(
    r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?"
    r"(?:[\sT]*(\d{1,2})\s*[:：时]\s*(\d{1,2})(?:\s*[:：分]\s*(\d{1,2}))?\s*秒?)?$")
_COMPACT_DATE = re.compile(r"^(\d{4})(\d{2})(\d{2})$")


def cell_text(value: Any) -> str:
    """A cell as text: 13812345678.0 (a phone typed as a number) → "13812345678"."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e16:
        return str(int(value))
    if isinstance(value, datetime):
        return value.isoformat(sep=" ", timespec="minutes") if value.time() != time(0) \
            else value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    return unicodedata.normalize("NFC", str(value)).strip()


def parse_when(value: Any, tz: tzinfo) -> datetime | None:
    """A date or date-time cell as an aware UTC instant, read in the dealership's time
    zone (a date alone is the start of that local day). Excel dates (datetime cells or
    serial numbers) and text (2025-03-05, 2025/3/5 14:30, 2025年3月5日, 20250305).
    None when the cell is not a date; raises nothing."""
    if value is None or value == "":
        return None
    local: datetime | None = None
    if isinstance(value, datetime):
        local = value.replace(tzinfo=None)
    elif isinstance(value, date):
        local = datetime.combine(value, time(0))
    elif isinstance(value, int | float) and not isinstance(value, bool):
        if _SERIAL_RANGE[0] <= value <= _SERIAL_RANGE[1]:
            local = EXCEL_EPOCH + timedelta(days=float(value))
            local = local.replace(microsecond=0)
        elif float(value).is_integer():
            return parse_when(str(int(value)), tz)  # 20250305 typed as a number
    else:
        s = unicodedata.normalize("NFKC", str(value)).strip()
        m = _DATE_TEXT.match(s) or _COMPACT_DATE.match(s)
        if m is None:
            return None
        parts = [int(g) if g else 0 for g in m.groups()]
        parts += [0] * (6 - len(parts))
        try:
            year, month, day, hour, minute, second = parts
            local = datetime(year, month, day, hour, minute, second)
        except ValueError:
            return None
    if local is None:
        return None
    return local.replace(tzinfo=tz).astimezone(UTC)


def local_date_text(at: datetime, tz: tzinfo) -> str:
    """How a stored instant reads back in the preview: 2025-03-05 or 2025-03-05 14:30."""
    local = at.astimezone(tz)
    return f"{local:%Y-%m-%d}" if local.time() == time(0) else f"{local:%Y-%m-%d %H:%M}"
