"""Use case: import the dealership's existing Excel complaint ledger (issue 18 §3).

`read` opens the file, finds the header, applies the person's mapping, checks every row
(the domain's input rules) and marks what an earlier import brought in already — nothing
is written. `import_rows` stores the good rows as closed historical cases (历史导入), in one
transaction, with their provenance and one audit entry for the import: through
`store_imported_case`, the one place an imported case is saved, by the unit of work that
saves every case (so the KPI tallies count it in its month, as any closed case).
"""

from __future__ import annotations

from bisect import bisect_left, insort
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from ..documents.ledger_reader import LedgerFileError, SheetGrid, file_hash, read_ledger
from ..domain.ledger_import import (
    Column,
    HeaderLayout,
    HeaderTable,
    MappingError,
    apply_mapping,
    cell_text,
    default_header_table,
    find_header,
    local_date_text,
)
from ..domain.ledger_rows import IMPORT_PREFIX, LedgerPlan, LedgerProblem, LedgerRow, build_plan
from ..domain.pick_lists import live_categories
from ..domain.records import Case, CaseStatus, FlowKind, Role, StepRecord, User
from ..domain.steps import LEDGER_RECORD, REGISTER, REVISIT
from ..domain.validation import format_number
from ..storage.uow import UnitOfWork
from .base import ServiceBase
from .errors import ServiceError
from .settings import CATEGORIES_KEY, CATEGORIES_REMOVED_KEY

IMPORT_ROLES = (Role.ADMIN, Role.ASSESSOR)
REPEAT_WINDOW = timedelta(days=90)  # as at intake (DESIGN §5)
PREVIEW_HEADERS = ("行", "检查结果", "编号", "类型", "客户姓名", "手机", "固定电话", "车牌号",
                   "车架号", "投诉日期", "结案日期", "责任部门", "投诉类别", "严重程度",
                   "投诉内容", "处理结果", "满意度")
STATUS_COLUMN = 1


@dataclass
class LedgerPreview:
    """A ledger read and checked; nothing stored."""

    path: Path
    file_hash: str
    sheets: list[str]
    plan: LedgerPlan
    table: HeaderTable
    departments: dict[int, str] = field(default_factory=dict)
    samples: dict[int, str] = field(default_factory=dict)  # column → its first value

    @property
    def layout(self) -> HeaderLayout:
        return self.plan.layout

    @property
    def counts(self) -> tuple[int, int, int]:
        """(rows that can be imported, rows with errors, rows imported before)."""
        return len(self.plan.importable), len(self.plan.error_rows), len(self.plan.already)

    def summary(self) -> str:
        n, m, k = self.counts
        return f"可导入 {n} 行，错误 {m} 行" + (f"（另有 {k} 行已导入过）" if k else "")

    def problem_lines(self) -> list[str]:
        return [p.text() for p in self.plan.all_problems()]


def _complained_at(row: LedgerRow) -> datetime:
    """When an importable row's complaint came in (a row without one is an error row)."""
    at = row.intake.complained_at
    assert at is not None  # domain/ledger_rows: complained_at is required
    return at


def _row_status(row: LedgerRow, plan: LedgerPlan) -> str:
    if row.already_imported:
        return "已导入过"
    if plan.file_errors or row.has_errors:
        return "错误：" + "；".join(p.message for p in row.problems if p.error)
    warnings = [p.message for p in row.problems]
    return "可导入" + ("（" + "；".join(warnings) + "）" if warnings else "")


def preview_rows(preview: LedgerPreview, tz: Any, limit: int = 50) -> list[list[str]]:
    """The first rows as they will be stored (PREVIEW_HEADERS)."""
    out = []
    for r in preview.plan.rows[:limit]:
        i = r.intake
        dept = preview.departments.get(r.department_id or -1, "")
        if r.department and not dept:
            dept = f"（未匹配：{r.department}）"
        month = f"{i.complained_at.astimezone(tz):%Y%m}" if i.complained_at else ""
        number = r.ledger_number or (f"{IMPORT_PREFIX}-{month}-（自动）" if month else "—")
        out.append([
            str(r.row), _row_status(r, preview.plan), number, r.kind.label,
            i.customer_name, i.phone, i.landline, i.plate, i.vin,
            local_date_text(i.complained_at, tz) if i.complained_at else "",
            local_date_text(r.closed_at, tz) if r.closed_at else "", dept, r.category,
            r.severity.label if r.severity else "", i.description[:60], r.result[:60],
            r.satisfaction])
    return out


@dataclass(frozen=True)
class ImportResult:
    imported: int
    numbers: tuple[str, ...]
    skipped_errors: int
    already: int


def _best_sheet(grids: Sequence[SheetGrid], table: HeaderTable,
                sheet: str | None) -> tuple[SheetGrid, HeaderLayout | None]:
    if sheet is not None:
        for g in grids:
            if g.title == sheet:
                return g, find_header(g.rows, table)
        raise ServiceError(f"台账中没有名为“{sheet}”的工作表。", field="sheet")
    best: tuple[int, SheetGrid, HeaderLayout | None] | None = None
    for g in grids:
        layout = find_header(g.rows, table)
        score = len(layout.field_columns()) if layout else 0
        if best is None or score > best[0]:
            best = (score, g, layout)
    if best is None:
        raise ServiceError("该工作簿中没有可见的工作表。")
    return best[1], best[2]


def _fallback_layout(rows: Sequence[Sequence[Any]]) -> HeaderLayout:
    """No row names two fields: the first non-blank row is taken as the header, every
    column left for the person to map."""
    for i, row in enumerate(rows):
        if any(v not in (None, "") for v in row):
            return HeaderLayout(i + 1, tuple(Column(c, "" if v is None else str(v).strip(), None)
                                             for c, v in enumerate(row)))
    return HeaderLayout(1, ())


def _samples(rows: Sequence[Sequence[Any]], layout: HeaderLayout) -> dict[int, str]:
    """The first value below the header of each column (the mapping dialog shows it)."""
    out: dict[int, str] = {}
    for row in rows[layout.row:layout.row + 200]:
        for c in layout.columns:
            if c.index not in out and c.index < len(row) and cell_text(row[c.index]):
                out[c.index] = cell_text(row[c.index])[:40]
    return out


def store_imported_cases(service: ServiceBase, uow: UnitOfWork, actor: User,
                         cases: Sequence[Case], provenance: Sequence[Mapping[str, Any]]) -> None:
    """Save imported cases as every case is saved — the unit of work's `cases.add`, whose
    commit brings the KPI tallies up to date with them — and write each one's
    registration entry (with the digest `check` holds the row against) and its
    provenance. The one place of the import that saves cases.

    A negative `repeat_of_id` names an earlier case of `cases` (−1: the first), stored
    before it, so its id is known by then."""
    for case in cases:
        if case.repeat_of_id is not None and case.repeat_of_id < 0:
            case.repeat_of_id = cases[-case.repeat_of_id - 1].id
        uow.cases.add(case)
    digests = uow.audit.intake_digests([c.id for c in cases if c.id is not None])
    for case, source in zip(cases, provenance, strict=True):
        service.audit(uow, actor, "register", "case", case.number, None, {
            "intake_digest": digests[case.id or 0], "number": case.number,
            "customer": case.intake.customer_name, "kind": case.kind.value,
            "channel": case.intake.channel, "repeat_of": case.repeat_of_id,
            "flow": case.flow.value, "status": case.status.value, "imported": True,
            "file_hash": source["file_hash"], "sheet": source["sheet"],
            "row": source["source_row"]})
    uow.ledger.add([{**p, "case_id": c.id} for c, p in zip(cases, provenance, strict=True)])


class _Repeats:
    """What each imported row repeats (DESIGN §5: the latest case by the same mobile or
    VIN in the 90 days before it) — among the cases stored and the rows imported before
    it, found in memory (rows go in in time order)."""

    def __init__(self, known: Sequence[tuple[int, datetime, str, str]]) -> None:
        self._by: dict[str, list[tuple[datetime, int]]] = {}
        for cid, at, phone, vin in known:
            self.add(cid, at, phone, vin)

    def add(self, case_id: int, at: datetime, phone: str, vin: str) -> None:
        for key in (f"p{phone}" if phone else "", f"v{vin}" if vin else ""):
            if key:
                insort(self._by.setdefault(key, []), (at, case_id))

    def earlier(self, at: datetime, phone: str, vin: str) -> int | None:
        best: tuple[datetime, int] | None = None
        for key in (f"p{phone}" if phone else "", f"v{vin}" if vin else ""):
            found = self._by.get(key) if key else None
            if not found:
                continue
            i = bisect_left(found, (at, -1)) - 1
            if i >= 0 and found[i][0] >= at - REPEAT_WINDOW and (best is None or found[i] > best):
                best = found[i]
        return best[1] if best else None


def imported_case(row: LedgerRow, number: str, actor: User, repeat_of: int | None,
                  sheet: str) -> Case:
    """What a ledger row becomes: a closed customer-feedback case registered when the
    customer complained, with the ledger's record as a step and its satisfaction as a
    revisit that reached the customer (steps without deadlines: no 按时处理率)."""
    at = row.intake.complained_at
    closed = row.closed_at
    assert at is not None and closed is not None
    steps = [
        StepRecord(None, None, REGISTER, 1, at, None, finished_at=at, outcome="imported",
                   data={"imported": True}),
        StepRecord(None, None, LEDGER_RECORD, 2, at, None, finished_at=closed,
                   outcome="imported", data={
                       "imported": True, "result": row.result, "department": row.department,
                       "note": row.note, "extra": row.extra, "sheet": sheet,
                       "source_row": row.row, "ledger_number": row.ledger_number}),
    ]
    if row.satisfaction:
        steps.append(StepRecord(None, None, REVISIT, 3, closed, None, finished_at=closed,
                                outcome="done", data={
                                    "reached": True, "satisfaction": row.satisfaction,
                                    "method": "", "customer_words": "", "imported": True}))
    return Case(
        id=None, number=number, flow=FlowKind.FEEDBACK, kind=row.kind, intake=row.intake,
        registered_at=at, registered_by_user_id=actor.id, status=CaseStatus.CLOSED,
        current_step="", category=row.category, severity=row.severity,
        department_id=row.department_id, repeat_of_id=repeat_of,
        needs_revisit=bool(row.satisfaction), closed_at=closed, steps=steps)


class LedgerImportService(ServiceBase):
    def read(self, path: Path, mapping: Mapping[str, str] | None = None,
             sheet: str | None = None) -> LedgerPreview:
        """Read and check a ledger; `mapping`: header (or column letter) → field."""
        path = Path(path)
        try:
            grids = read_ledger(path)
            digest = file_hash(path)
        except LedgerFileError as exc:
            raise ServiceError(str(exc), field="file") from exc
        except OSError as exc:
            raise ServiceError(f"无法读取文件 {path.name}：{exc.strerror or exc}。",
                               field="file") from exc
        table = default_header_table()
        grid, layout = _best_sheet(grids, table, sheet)
        if layout is None:
            layout = _fallback_layout(grid.rows)
        try:
            layout = apply_mapping(layout, mapping or {}, table)
        except MappingError as exc:
            raise ServiceError(str(exc), field="mapping") from exc
        now = self.clock.now()
        with self.uow(readonly=True) as uow:
            departments = {d.name: d.id for d in uow.people.departments() if d.id is not None}
            categories = live_categories(uow.settings.get(CATEGORIES_KEY),
                                         uow.settings.get(CATEGORIES_REMOVED_KEY) or ())
            plan = build_plan(grid.title, grid.rows, layout, table, now, self.tz,
                              departments, categories)
            _mark_known(uow, plan)
        return LedgerPreview(path, digest, [g.title for g in grids], plan, table,
                             {i: n for n, i in departments.items()},
                             _samples(grid.rows, layout))

    def import_rows(self, actor: User, preview: LedgerPreview,
                    skip_errors: bool = False) -> ImportResult:
        """Store the good rows (all rows must be good unless `skip_errors`), one
        transaction; rows imported meanwhile (another PC) are left out."""
        self.require(actor, *IMPORT_ROLES, what="导入历史台账")
        plan = preview.plan
        if plan.file_errors:
            raise ServiceError(next(p.text() for p in plan.problems if p.error))
        errors = len(plan.error_rows)
        if errors and not skip_errors:
            raise ServiceError(f"台账有 {errors} 行错误，未导入任何数据：请改正后重新导入，"
                               "或选择跳过错误行、只导入无误的行。")
        now = self.clock.now()
        with self.uow() as uow:
            _mark_known(uow, plan)  # as of this transaction
            rows = sorted(plan.importable, key=lambda r: (_complained_at(r), r.row))
            numbers = self._numbers(uow, rows)
            first = min((_complained_at(r) for r in rows), default=now)
            repeats = _Repeats(uow.ledger.cases_by_phone_or_vin(
                (r.intake.phone for r in rows), (r.intake.vin for r in rows),
                first - REPEAT_WINDOW))
            cases: list[Case] = []
            provenance: list[dict[str, Any]] = []
            for row, number in zip(rows, numbers, strict=True):
                at = _complained_at(row)
                case = imported_case(row, number, actor,
                                     repeats.earlier(at, row.intake.phone, row.intake.vin),
                                     plan.sheet)
                cases.append(case)
                provenance.append(dict(
                    row_hash=row.row_hash, file_hash=preview.file_hash,
                    file_name=preview.path.name[:200], sheet=plan.sheet[:100],
                    source_row=row.row, ledger_number=row.ledger_number, imported_at=now,
                    imported_by_user_id=actor.id))
                # in time order, so a later row may repeat it (its id comes when stored:
                # −n stands for the n-th case of the list, see store_imported_cases)
                repeats.add(-len(cases), at, row.intake.phone, row.intake.vin)
            store_imported_cases(self, uow, actor, cases, provenance)
            numbers = [c.number for c in cases]
            self.audit(uow, actor, "import_ledger", "ledger", preview.file_hash[:16], None, {
                "file": preview.path.name, "file_hash": preview.file_hash,
                "sheet": plan.sheet, "imported": len(numbers),
                "first": numbers[0] if numbers else "", "last": numbers[-1] if numbers else "",
                "skipped_errors": errors, "already": len(plan.already),
                "mapping": {c.header or c.letter: c.field for c in plan.layout.columns
                            if c.field}})
            uow.commit()
        return ImportResult(len(numbers), tuple(numbers), errors, len(plan.already))

    def _numbers(self, uow: UnitOfWork, rows: Sequence[LedgerRow]) -> list[str]:
        """The case number of each row (in order): the ledger's own where it keeps one,
        else LS-YYYYMM-NNNN of its month, reserved a month's block at a time."""
        need: dict[str, int] = {}
        months: list[str] = []
        for row in rows:
            local = _complained_at(row).astimezone(self.tz)
            period = f"{local.year:04d}{local.month:02d}"
            months.append(period)
            if not row.ledger_number:
                need[period] = need.get(period, 0) + 1
        nxt = {p: uow.sequences.reserve_block(IMPORT_PREFIX, p, n) for p, n in need.items()}
        out = []
        for row, period in zip(rows, months, strict=True):
            if row.ledger_number:
                out.append(row.ledger_number)
            else:
                out.append(format_number(IMPORT_PREFIX, int(period[:4]), int(period[4:]),
                                         nxt[period]))
                nxt[period] += 1
        return out


def _mark_known(uow: UnitOfWork, plan: LedgerPlan) -> None:
    """Rows an earlier import stored are marked; a ledger number another case holds is
    dropped (the row gets an LS- number) with a warning."""
    known = uow.ledger.known_hashes(r.row_hash for r in plan.rows)
    taken = uow.ledger.numbers_taken(r.ledger_number for r in plan.rows if r.ledger_number)
    for r in plan.rows:
        r.already_imported = r.row_hash in known
        if r.ledger_number in taken and not r.already_imported:
            r.problems.append(LedgerProblem(
                r.row, "", f"台账编号“{r.ledger_number}”已被系统中的案件使用，改用 "
                           f"{IMPORT_PREFIX}- 编号。", error=False))
            r.ledger_number = ""


__all__ = ["ImportResult", "LedgerImportService", "LedgerPreview", "preview_rows",
           "store_imported_cases"]
