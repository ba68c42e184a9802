"""Importing a ledger (issue 18 §3): each data row checked and turned into what will be
stored — a closed historical case — with every problem named by row and column.

The intake fields go through the same input rules as a registration (DESIGN §5,
`input_rules.registration.check_registration`): phones normalised and checked, plates,
VINs, lengths, characters, the date range. What only a ledger has (the closing date, the
outcome, the satisfaction, the department as text, a number of its own) is read here.
Errors keep a row out; warnings are listed and the row is imported.
"""

from __future__ import annotations

import hashlib
import json
import re
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, tzinfo
from typing import Any

from .input_rules import check_mobile
from .input_rules.registration import check_registration
from .input_rules.text import InputLimits, default_limits
from .ledger_import import (
    IGNORE,
    HeaderLayout,
    HeaderTable,
    cell_text,
    normalise_header,
    parse_when,
)
from .records import CHANNELS, FeedbackKind, FlowKind, Intake, Severity

DEFAULT_CHANNEL = "其他"
# the numbers this system hands out: a ledger's own number may not look like one of them
RESERVED_PREFIXES = ("FK", "NB", "FX", "GS", "CF", "LS")
IMPORT_PREFIX = "LS"  # 历史导入 cases are numbered LS-YYYYMM-NNNN
_LEDGER_NUMBER = re.compile(r"^[A-Z0-9][A-Z0-9\-_/.]{0,19}$")
# the intake fields of the registration check, by the ledger field whose column holds them
_INTAKE_COLUMN = {
    "customer_name": "customer_name", "phone": "phone", "landline": "landline",
    "vehicle_model": "vehicle_model", "plate": "plate", "vin": "vin", "channel": "channel",
    "description": "description", "demand": "demand", "received_by": "received_by",
    "complained_at": "complained_at", "persons_involved": "responsible", "kind": "kind",
}


@dataclass(frozen=True, slots=True)
class LedgerProblem:
    row: int  # the Excel row (0: the file as a whole)
    column: str  # the column's header ("" for the row or the file)
    message: str
    error: bool = True  # False: a warning, the row is still imported

    def text(self) -> str:
        where = f"第 {self.row} 行" if self.row else "台账"
        col = f"「{self.column}」" if self.column else ""
        return f"{where}{col}：{self.message}"


@dataclass(slots=True)
class LedgerRow:
    """One data row as it will be stored."""

    row: int
    intake: Intake
    kind: FeedbackKind
    closed_at: datetime | None
    category: str = ""
    severity: Severity | None = None
    department: str = ""  # as the ledger writes it
    department_id: int | None = None
    result: str = ""
    satisfaction: str = ""  # 满意 / 基本满意 / 不满意 / ""
    note: str = ""
    ledger_number: str = ""  # kept as the case number ("" → an LS- number)
    extra: dict[str, str] = field(default_factory=dict)  # unmapped columns, kept as text
    row_hash: str = ""
    problems: list[LedgerProblem] = field(default_factory=list)
    already_imported: bool = False  # the same row came in with an earlier import

    @property
    def ok(self) -> bool:
        return not self.already_imported and not any(p.error for p in self.problems)

    @property
    def has_errors(self) -> bool:
        return any(p.error for p in self.problems)


@dataclass(slots=True)
class LedgerPlan:
    """A whole ledger read: the rows, the problems, nothing stored yet."""

    sheet: str
    layout: HeaderLayout
    rows: list[LedgerRow]
    problems: list[LedgerProblem] = field(default_factory=list)  # the file as a whole
    blank_rows: int = 0

    @property
    def importable(self) -> list[LedgerRow]:
        return [] if self.file_errors else [r for r in self.rows if r.ok]

    @property
    def file_errors(self) -> bool:
        return any(p.error for p in self.problems)

    @property
    def error_rows(self) -> list[LedgerRow]:
        if self.file_errors:
            return [r for r in self.rows if not r.already_imported]
        return [r for r in self.rows if r.has_errors and not r.already_imported]

    @property
    def already(self) -> list[LedgerRow]:
        return [r for r in self.rows if r.already_imported]

    def all_problems(self) -> list[LedgerProblem]:
        out = list(self.problems)
        for r in self.rows:
            if not r.already_imported:
                out += r.problems
        return out


def _lookup(words: Mapping[str, str], text: str) -> str | None:
    return words.get(normalise_header(text))


def match_department(text: str, departments: Mapping[str, int]) -> int | None:
    """The department a ledger names: by its name, else the one department whose name
    holds the text or is held by it (售后 → 售后服务部); None when none or several."""
    t = normalise_header(text)
    if not t:
        return None
    names = {normalise_header(n): i for n, i in departments.items()}
    if t in names:
        return names[t]
    hits = {i for n, i in names.items() if n and (t in n or n in t)}
    return hits.pop() if len(hits) == 1 else None


def row_hash(values: Mapping[str, str]) -> str:
    """The content of a row (its mapped fields as text): the same row imported again is
    known by it, wherever it stands in the file."""
    raw = json.dumps(sorted((k, v) for k, v in values.items() if v), ensure_ascii=False)
    return hashlib.sha256(raw.encode("utf-8")).hexdigest()


def ledger_number(text: str) -> tuple[str, str | None]:
    """(the number kept, a warning) for a ledger's own number."""
    if not text:
        return "", None
    n = unicodedata.normalize("NFKC", text).strip().upper()
    if any(re.match(rf"^{p}[-_]", n) for p in RESERVED_PREFIXES):
        return "", f"台账编号“{text}”与本系统的编号格式相同，改用 {IMPORT_PREFIX}- 编号。"
    if not _LEDGER_NUMBER.match(n):
        return "", (f"台账编号“{text}”含字母、数字和 - _ / . 以外的字符或超过 20 位，"
                    f"改用 {IMPORT_PREFIX}- 编号。")
    return n, None


class RowReader:
    """Reads the data rows of one layout (see `build_plan`)."""

    def __init__(self, layout: HeaderLayout, table: HeaderTable, now: datetime, tz: tzinfo,
                 departments: Mapping[str, int], categories: Sequence[str],
                 limits: InputLimits | None = None) -> None:
        self.layout, self.table, self.now, self.tz = layout, table, now, tz
        self.departments = departments
        self.categories = frozenset(categories)
        self.limits = limits or default_limits()
        self.cols = layout.field_columns()
        self.extra_cols = [c for c in layout.columns if c.field is None and c.header]

    def name(self, key: str) -> str:
        c = self.cols.get(key)
        return c.name if c is not None else self.table.label(key)

    def read(self, number: int, cells: Sequence[Any]) -> LedgerRow | None:
        """The row at Excel row `number`; None when it is blank."""
        if all(cell_text(v) == "" for v in cells):
            return None
        raw = {k: (cells[c.index] if c.index < len(cells) else None) for k, c in self.cols.items()}
        text = {k: cell_text(v) for k, v in raw.items()}
        problems: list[LedgerProblem] = []

        def problem(key: str, message: str, error: bool = True) -> None:
            problems.append(LedgerProblem(number, self.name(key) if key else "", message, error))

        complained = self._when(raw, text, "complained_at", problem, required=True)
        closed = self._when(raw, text, "closed_at", problem)
        kind = self._kind(text.get("kind", ""), problem)
        intake = self._intake(text, complained, kind)
        checked, result = check_registration(intake, self.now, FlowKind.FEEDBACK,
                                             limits=self.limits)
        for f, message in result.errors.items():
            if f == "complained_at" and complained is None:
                continue  # said already, in the ledger's words
            problem(_INTAKE_COLUMN.get(f, f), message)
        for f, message in result.warnings.items():  # VIN check digit, unusual plate
            problem(_INTAKE_COLUMN.get(f, f), message.split("；")[0].split("确认")[0]
                    .rstrip("，,；;") + "（按原样导入）。", error=False)
        checked.override_vin_check = checked.override_plate_check = True
        out = LedgerRow(number, checked, kind, None, row_hash=row_hash(text),
                        extra={c.header: cell_text(cells[c.index]) for c in self.extra_cols
                               if c.index < len(cells) and cell_text(cells[c.index])})
        if complained is not None:
            out.closed_at = self._closed(complained, closed, text, problem)
        self._ledger_fields(out, text, problem)
        out.problems = problems
        return out

    # ---- the pieces ----------------------------------------------------------------------
    def _when(self, raw: Mapping[str, Any], text: Mapping[str, str], key: str, problem: Any,
              required: bool = False) -> datetime | None:
        if key not in raw or not text.get(key):
            if required:
                problem(key, f"请填写{self.table.label(key)}。")
            return None
        at = parse_when(raw[key], self.tz)
        if at is None:
            problem(key, f"“{text[key][:30]}”不是有效的日期（例如 2025-03-05、2025/3/5 "
                         "或 2025年3月5日）。")
        return at

    def _kind(self, text: str, problem: Any) -> FeedbackKind:
        if not text:
            return FeedbackKind.COMPLAINT
        found = _lookup(self.table.kinds, text)
        if found is None:
            hits = {v for w, v in self.table.kinds.items() if w in normalise_header(text)}
            found = hits.pop() if len(hits) == 1 else None
        if found is None:
            problem("kind", f"类型“{text[:20]}”无法识别，应为 投诉、建议 或 表扬。")
            return FeedbackKind.COMPLAINT
        return FeedbackKind(found)

    def _intake(self, text: Mapping[str, str], complained: datetime | None,
                kind: FeedbackKind) -> Intake:
        phone, landline = text.get("phone", ""), text.get("landline", "")
        if phone and not landline and check_mobile(phone).problem == "landline_in_mobile":
            phone, landline = "", phone  # 联系电话 holding a landline: its own field
        channel = text.get("channel", "") or DEFAULT_CHANNEL
        return Intake(
            customer_name=text.get("customer_name", ""), phone=phone, landline=landline,
            vehicle_model=text.get("vehicle_model", ""), plate=text.get("plate", ""),
            vin=text.get("vin", ""), channel=channel if channel in CHANNELS else DEFAULT_CHANNEL,
            description=text.get("description", ""), demand=text.get("demand", ""),
            persons_involved=text.get("responsible", ""), mood="",
            received_by=text.get("received_by", ""), complained_at=complained, kind=kind)

    def _closed(self, complained: datetime, closed: datetime | None,
                text: Mapping[str, str], problem: Any) -> datetime | None:
        if "closed_at" not in self.cols:
            return complained  # said once for the whole file
        if not text.get("closed_at"):
            problem("closed_at", "结案日期为空，按投诉日期当日结案导入。", error=False)
            return complained
        if closed is None:
            return None  # not a date: said by `_when`
        if closed.astimezone(self.tz).date() < complained.astimezone(self.tz).date():
            problem("closed_at", "结案日期早于投诉日期。")
            return None
        if closed > self.now:
            problem("closed_at", "结案日期不能晚于当前时间。")
            return None
        return max(closed, complained)  # a date alone, the same day as a timed complaint

    def _ledger_fields(self, out: LedgerRow, text: Mapping[str, str], problem: Any) -> None:
        t = self.table
        channel = text.get("channel", "")
        if channel and channel not in CHANNELS:
            problem("channel", f"渠道“{channel[:20]}”不在渠道列表中，按“{DEFAULT_CHANNEL}”导入。",
                    error=False)
        category = text.get("category", "")
        limit = self.limits.limit("category") or 20
        if len(category) > limit:
            problem("category", f"投诉类别不能超过 {limit} 个字。")
        elif category and self.categories and category not in self.categories:
            problem("category", f"投诉类别“{category}”不在类别列表中，按原文导入。", error=False)
        out.category = category[:limit]
        severity = text.get("severity", "")
        if severity:
            found = _lookup(t.severities, severity)
            if found is None:
                problem("severity", f"严重程度“{severity[:20]}”无法识别（应为 一般、重要、重大），"
                                    "导入后为空。", error=False)
            else:
                out.severity = Severity(found)
        out.department = text.get("department", "")
        out.department_id = match_department(out.department, self.departments)
        if out.department and out.department_id is None:
            problem("department", f"系统中找不到部门“{out.department[:20]}”，导入后部门为空"
                                  "（原文保留在台账记录中）。", error=False)
        satisfaction = text.get("satisfaction", "")
        if satisfaction:
            found = _lookup(t.satisfaction, satisfaction)
            if found is None:
                problem("satisfaction", f"满意度“{satisfaction[:20]}”无法识别（应为 满意、基本满意、"
                                        "不满意），导入后不计回访。", error=False)
            else:
                out.satisfaction = found
        out.result = text.get("result", "")
        out.note = text.get("note", "")
        step_limit = self.limits.limit("step_text") or 10000
        for key, value in (("result", out.result), ("note", out.note)):
            if len(value) > step_limit:
                problem(key, f"{t.label(key)}不能超过 {step_limit} 个字。")
        number, warning = ledger_number(text.get("number", ""))
        out.ledger_number = number
        if warning:
            problem("number", warning, error=False)


def build_plan(sheet: str, rows: Sequence[Sequence[Any]], layout: HeaderLayout,
               table: HeaderTable, now: datetime, tz: tzinfo,
               departments: Mapping[str, int] | None = None,
               categories: Sequence[str] = (), limits: InputLimits | None = None) -> LedgerPlan:
    """Every data row below the header checked (blank rows skipped, a row repeating an
    earlier one reported with the row it repeats, two rows with one ledger number: the
    later one numbered by the system)."""
    reader = RowReader(layout, table, now, tz, departments or {}, categories, limits)
    plan = LedgerPlan(sheet, layout, [])
    cols = layout.field_columns()
    for key in ("customer_name", "complained_at", "description"):
        if key not in cols:
            plan.problems.append(LedgerProblem(
                0, "", f"没有找到“{table.label(key)}”列：请在映射中指定哪一列是{table.label(key)}。"))
    if "closed_at" not in cols:
        plan.problems.append(LedgerProblem(
            0, "", "没有“结案日期”列：各行按投诉日期当日结案导入。", error=False))
    seen: dict[str, int] = {}
    numbers: dict[str, int] = {}
    for i, cells in enumerate(rows[layout.row:], start=layout.row + 1):
        row = reader.read(i, cells)
        if row is None:
            plan.blank_rows += 1
            continue
        first = seen.setdefault(row.row_hash, row.row)
        if first != row.row:
            row.problems.append(LedgerProblem(row.row, "", f"与第 {first} 行内容相同（重复行），不导入。"))
        if row.ledger_number:
            other = numbers.setdefault(row.ledger_number, row.row)
            if other != row.row:
                row.problems.append(LedgerProblem(
                    row.row, reader.name("number"),
                    f"台账编号“{row.ledger_number}”与第 {other} 行相同，改用 {IMPORT_PREFIX}- 编号。",
                    error=False))
                row.ledger_number = ""
        plan.rows.append(row)
    return plan


__all__ = [
    "IGNORE", "IMPORT_PREFIX", "LedgerPlan", "LedgerProblem", "LedgerRow", "build_plan",
    "ledger_number", "match_department", "row_hash",
]
