"""Whole cases (with their steps) as the fast paths read them: opening or printing one
case, and the bulk reads of the reports and the KPI tallies.

Plain Core selects of raw column values (no ORM objects, no per-value type processors:
the times, dates and JSON are converted here, see `values`). Each select takes the
columns named in `CASE_COLUMNS` / `STEP_COLUMNS`, and a row becomes a record by those
names (`builder.RecordBuilder`: each field from the column of its name, checked when
declared), so a column added or moved cannot shift the others.
Tested against an ORM read of the same rows, field by field (tests/storage/
test_read_models.py), on SQLite and PostgreSQL.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import String, and_, bindparam, func, null, or_, select, type_coerce
from sqlalchemy import case as case_
from sqlalchemy.engine import Connection

from ...domain.records import (
    Attachment,
    Case,
    CaseStatus,
    FeedbackKind,
    FlowKind,
    Intake,
    Severity,
    StepRecord,
)
from ..rawsql import RawStatement
from ..tables import AttachmentRow, CaseRow, StepRow, table_of
from .builder import RecordBuilder
from .values import json_dict, json_list, raw_date, raw_time, required_time

_CASES = table_of(CaseRow)
_STEPS = table_of(StepRow)
_ATTACHMENTS = table_of(AttachmentRow)

# The case columns a Case is built from (by these names, `case_from_row`).
CASE_COLUMNS = (
    "id", "number", "flow", "kind", "customer_name", "phone", "landline", "vehicle_model",
    "plate", "vin", "purchase_date", "channel", "location", "description", "persons_involved",
    "demand", "mood", "received_by", "complained_at", "registered_at", "registered_by_user_id",
    "self_report_department_id", "status", "current_step", "category", "severity",
    "department_id", "supervisor_user_id", "reopen_count", "repeat_of_id", "needs_revisit",
    "closed_at", "version", "receiver_employee_id", "resolved_on_spot", "on_spot_action",
    "on_spot_reaction", "simple_path", "notice_from", "notice_due", "notified_at",
    "approval_role", "approval_due",
)
# read as raw column values (text on SQLite) and converted here
_RAW_CASE_COLUMNS = frozenset({"complained_at", "registered_at", "closed_at", "purchase_date",
                               "notice_from", "notice_due", "notified_at", "approval_due"})
# The step columns a StepRecord is built from (`steps_by_case`).
STEP_COLUMNS = (
    "id", "case_id", "step_key", "seq", "due_since", "deadline", "finished_at", "data",
    "extensions", "assignee_user_id", "actor_user_id", "on_behalf_of_user_id", "outcome",
    "breach",
)
_STEP_CASE_ID = STEP_COLUMNS.index("case_id")
_RAW_STEP_COLUMNS = frozenset({"due_since", "deadline", "finished_at", "data", "extensions"})

_FLOWS = {f.value: f for f in FlowKind}
_KINDS = {k.value: k for k in FeedbackKind}
_STATUSES = {x.value: x for x in CaseStatus}
_SEVERITIES = {x.value: x for x in Severity}


def case_columns() -> list[Any]:
    """The columns `case_from_row` takes, labelled with their names."""
    c = _CASES.c
    return [(type_coerce(c[n], String) if n in _RAW_CASE_COLUMNS else c[n]).label(n)
            for n in CASE_COLUMNS]


def step_columns(data_col: Any = None) -> list[Any]:
    """The columns `steps_by_case` takes (`data_col`: instead of the data column)."""
    s = _STEPS.c
    cols = {n: type_coerce(s[n], String) if n in _RAW_STEP_COLUMNS else s[n]
            for n in STEP_COLUMNS}
    if data_col is not None:
        cols["data"] = type_coerce(data_col, String)
    return [cols[n].label(n) for n in STEP_COLUMNS]


def _severity(v: str) -> Severity | None:
    return _SEVERITIES[v] if v else None


def _text(v: str | None) -> str:
    return v or ""


_INTAKE = RecordBuilder(Intake, CASE_COLUMNS, convert={
    "purchase_date": raw_date, "complained_at": raw_time, "kind": _KINDS.__getitem__,
    "resolved_on_spot": bool})
_CASE = RecordBuilder(Case, CASE_COLUMNS, computed={"intake": _INTAKE.build}, convert={
    "flow": _FLOWS.__getitem__, "kind": _KINDS.__getitem__, "registered_at": required_time,
    "status": _STATUSES.__getitem__, "severity": _severity, "needs_revisit": bool,
    "closed_at": raw_time, "simple_path": bool, "notice_from": raw_time,
    "notice_due": raw_time, "notified_at": raw_time, "approval_role": _text,
    "approval_due": raw_time})
_STEP = RecordBuilder(StepRecord, STEP_COLUMNS, convert={
    "due_since": raw_time, "finished_at": raw_time, "deadline": raw_time,  # due_since: NOT NULL
    "data": json_dict, "extensions": json_list, "breach": bool})


def case_from_row(row: Sequence[Any]) -> Case:
    """A case row selected as `case_columns()` (no steps, no attachments)."""
    return _CASE.build(row)


def steps_by_case(rows: Sequence[Sequence[Any]]) -> dict[int, list[StepRecord]]:
    """Step rows selected as `step_columns()`, ordered by case and seq, filed by case."""
    out: dict[int, list[StepRecord]] = {}
    build = _STEP.build
    for row in rows:
        case_id: int = row[_STEP_CASE_ID]
        steps = out.get(case_id)
        if steps is None:
            steps = out[case_id] = []
        steps.append(build(row))
    return out


class CaseReader:
    """The fast reads of whole cases, on the connection of a unit of work's session."""

    # opening one case (`get`): raw statements on the DBAPI cursor (rawsql.py)
    _GET_CASE = RawStatement(select(*case_columns()).where(_CASES.c.id == bindparam("b_id")))
    _GET_STEPS = RawStatement(select(*step_columns())
                              .where(_STEPS.c.case_id == bindparam("b_id"))
                              .order_by(_STEPS.c.seq))
    _GET_ATTACHMENTS = RawStatement(
        select(_ATTACHMENTS.c.id, _ATTACHMENTS.c.filename, _ATTACHMENTS.c.mime,
               _ATTACHMENTS.c.size)
        .where(_ATTACHMENTS.c.case_id == bindparam("b_id"))
        .order_by(_ATTACHMENTS.c.id))
    _KPI_ONE: tuple[Any, Any] | None = None

    def __init__(self, connection: Connection) -> None:
        self._conn = connection

    def get(self, case_id: int) -> Case | None:
        """The case with its steps and its attachments' listing (not their data).

        Three statements compiled once per dialect and run on the DBAPI cursor of the
        unit of work's transaction: the ORM's per-statement and per-object work was most
        of opening or printing a case (≈ 2.5 ms of ORM against ≈ 0.3 ms)."""
        dialect, dbapi = self._conn.dialect, self._conn.connection
        params = {"b_id": case_id}
        rows = self._GET_CASE.fetchall(dialect, dbapi, params)
        if not rows:
            return None
        case = case_from_row(rows[0])
        steps = self._GET_STEPS.fetchall(dialect, dbapi, params)
        case.steps = steps_by_case(steps).get(case_id, []) if steps else []
        case.attachments = [Attachment(id=i, filename=f, mime=m, size=n) for i, f, m, n in
                            self._GET_ATTACHMENTS.fetchall(dialect, dbapi, params)]
        return case

    def load_period(self, start: datetime | None, end: datetime | None,
                    flow: str | None = "feedback", batch: int = 5000,
                    progress: Any = None, open_at_start: bool = False,
                    data_keys: Sequence[str] | None = None) -> list[Case]:
        """Every case registered in [start, end) with its steps, for KPIs and workbooks.
        `open_at_start` adds the cases registered before `start` and not closed by then
        (their steps, revisits and open state still count in the period). `data_keys`, when
        given, loads what the steps recorded only for those step keys (the rest get {}).
        Read in id order in batches, each fetched whole; no attachments."""
        conds: list[Any] = []
        c = _CASES.c
        if start is not None and open_at_start:
            conds.append(or_(c.registered_at >= start, c.closed_at.is_(None),
                             c.closed_at >= start))
        elif start is not None:
            conds.append(c.registered_at >= start)
        if end is not None:
            conds.append(c.registered_at < end)
        if flow:
            conds.append(c.flow == flow)
        total = int(self._conn.execute(select(func.count()).select_from(_CASES)
                                       .where(*conds)).scalar_one())
        out: list[Case] = []
        for cases in self.iter_where(conds, batch, data_keys):
            out += cases
            if progress is not None:
                progress(len(out), total)
        return out

    def for_month_details(self, start: datetime, end: datetime, as_of: datetime | None,
                          data_keys: Sequence[str] | None = None) -> list[Case]:
        """The customer-feedback cases registered in [start, end) (a month's 明细) and the
        complaints open at `as_of` (its 月末未结: registered before, not closed before;
        None: none), each read once, in id order (see `load_period`)."""
        c = _CASES.c
        wanted = and_(c.registered_at >= start, c.registered_at < end)
        if as_of is not None:
            wanted = or_(wanted, and_(c.kind == "complaint", c.registered_at < as_of,
                                      or_(c.closed_at.is_(None), c.closed_at >= as_of)))
        out: list[Case] = []
        for cases in self.iter_where([c.flow == "feedback", wanted], data_keys=data_keys):
            out += cases
        return out

    def iter_where(self, conds: Sequence[Any], batch: int = 5000,
                   data_keys: Sequence[str] | None = None) -> Iterator[list[Case]]:
        """The cases matching `conds` (on the case table), with their steps, a batch at a
        time in id order."""
        c, s = _CASES.c, _STEPS.c
        last_id = 0
        case_cols, step_cols = self._columns(data_keys)
        while True:
            rows = self._conn.execute(select(*case_cols).where(c.id > last_id, *conds)
                                      .order_by(c.id).limit(batch)).all()
            if not rows:
                break
            ids: list[int] = [r.id for r in rows]
            last_id = ids[-1]
            steps = steps_by_case(self._conn.execute(
                select(*step_cols).where(s.case_id.in_(ids)).order_by(s.case_id, s.seq)).all())
            cases = []
            for case_id, r in zip(ids, rows, strict=True):
                case = case_from_row(r)
                case.steps = steps.get(case_id, [])
                cases.append(case)
            yield cases

    @staticmethod
    def _columns(data_keys: Sequence[str] | None) -> tuple[list[Any], list[Any]]:
        s = _STEPS.c
        return case_columns(), step_columns(
            None if data_keys is None  # the statistics read the data of a few steps only
            else case_((s.step_key.in_(data_keys), s.data), else_=null()))

    def one_for_kpis(self, case_id: int, data_keys: Sequence[str]) -> Case | None:
        """One case as the statistics read it: two statements built once (a case's KPI
        tally is worked out twice in every write of it)."""
        if CaseReader._KPI_ONE is None:
            case_cols, step_cols = self._columns(data_keys)
            CaseReader._KPI_ONE = (
                select(*case_cols).where(_CASES.c.id == bindparam("cid")),
                select(*step_cols).where(_STEPS.c.case_id == bindparam("cid"))
                .order_by(_STEPS.c.seq))
        one_case, its_steps = CaseReader._KPI_ONE
        row = self._conn.execute(one_case, {"cid": case_id}).first()
        if row is None:
            return None
        case = case_from_row(row)
        case.steps = steps_by_case(self._conn.execute(its_steps, {"cid": case_id}).all()).get(
            case_id, [])
        return case

    def by_ids_for_kpis(self, ids: Sequence[int], data_keys: Sequence[str]) -> list[Case]:
        """These cases as the statistics read them (500 ids a statement)."""
        out: list[Case] = []
        ids = sorted(set(ids))
        for i in range(0, len(ids), 500):
            for cases in self.iter_where([_CASES.c.id.in_(ids[i:i + 500])],
                                         data_keys=data_keys):
                out += cases
        return out
