"""Fault slips (过失单 / 处罚单 / 奖励单) as every read hands them out: one select of raw
column values (times and JSON converted here, see `values`), a row made a FaultSlip by
column name (`builder.RecordBuilder`). Tested against an ORM read of the same rows, field by
field (tests/storage/test_read_models.py), on SQLite and PostgreSQL."""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import String, bindparam, select, type_coerce

from ...domain.clock import utc
from ...domain.records import (
    FaultSlip,
    Penalty,
    PenaltyKind,
    Responsibility,
    SlipChange,
    SlipStatus,
)
from ..rawsql import RawStatement
from ..tables import FaultSlipRow, table_of
from .builder import RecordBuilder
from .values import raw_json, raw_time

_SLIPS = table_of(FaultSlipRow)

# The slip columns a FaultSlip is built from (by these names); "changes" is optional.
SLIP_COLUMNS = (
    "id", "number", "case_id", "employee_id", "department_id", "post", "facts",
    "responsibility", "penalties", "rule_ids", "status", "is_reward", "from_breach",
    "issued_by_user_id", "issued_at", "dept_opinion", "gm_opinion", "acknowledged_at",
    "enforced_at", "appeal", "created_at", "version",
)
_RAW = frozenset({"penalties", "rule_ids", "issued_at", "acknowledged_at", "enforced_at",
                  "appeal", "created_at", "changes"})
_STATUSES = {x.value: x for x in SlipStatus}
_RESPONSIBILITIES = {x.value: x for x in Responsibility}
_PENALTY_KINDS = {x.value: x for x in PenaltyKind}


def slip_columns(changes: bool = True) -> list[Any]:
    """The columns `slip_from_row` takes, labelled with their names (`changes`: with the
    change history, which the statistics never read)."""
    t = _SLIPS.c
    names = (*SLIP_COLUMNS, "changes") if changes else SLIP_COLUMNS
    return [(type_coerce(t[n], String) if n in _RAW else t[n]).label(n) for n in names]


def _penalties(raw: Any) -> list[Penalty]:
    return [Penalty(_PENALTY_KINDS[p["kind"]], int(p.get("amount") or 0),
                    int(p.get("points") or 0), str(p.get("note") or ""))
            for p in (raw_json(raw) or ())]


def change_from_raw(raw: dict[str, Any]) -> SlipChange:
    return SlipChange(at=utc(datetime.fromisoformat(raw["at"])), by_user_id=raw.get("by_user_id"),
                      by_name=raw.get("by_name", ""), what=raw.get("what", ""),
                      before=raw.get("before"), after=raw.get("after"),
                      reason=raw.get("reason", ""))


def _appeal(v: Any) -> dict[str, Any] | None:
    if isinstance(v, str):  # SQLite hands JSON out as text ("{}" stays a dict here)
        v = json.loads(v)
    return dict(v) if v is not None else None


def _responsibility(v: str) -> Responsibility | None:
    return _RESPONSIBILITIES[v] if v else None


def _rule_ids(v: Any) -> list[str]:
    return list(raw_json(v) or ())


def _changes(v: Any) -> list[SlipChange]:
    return [change_from_raw(c) for c in raw_json(v) or ()]


_CONVERT: dict[str, Any] = {
    "responsibility": _responsibility, "penalties": _penalties, "rule_ids": _rule_ids,
    "status": _STATUSES.__getitem__, "is_reward": bool, "from_breach": bool,
    "issued_at": raw_time, "acknowledged_at": raw_time, "enforced_at": raw_time,
    "appeal": _appeal, "created_at": raw_time}
_SLIP = RecordBuilder(FaultSlip, (*SLIP_COLUMNS, "changes"),
                      convert={**_CONVERT, "changes": _changes})
_SLIP_NO_HISTORY = RecordBuilder(FaultSlip, SLIP_COLUMNS, convert=_CONVERT)


def slip_from_row(row: Sequence[Any], changes: bool = True) -> FaultSlip:
    """A row selected as `slip_columns(changes)` (further columns after them ignored)."""
    return (_SLIP if changes else _SLIP_NO_HISTORY).build(row)


class SlipReader:
    """The slip reads, on the connection of a unit of work's session."""

    _FULL = slip_columns()
    # a case's slips (`by_case`, read by every workflow action and print of the case) on
    # the DBAPI cursor (rawsql.py)
    _BY_CASE = RawStatement(select(*_FULL).where(_SLIPS.c.case_id == bindparam("b_case"))
                            .order_by(_SLIPS.c.id))
    _KPI_OF_CASE: Any = None

    def __init__(self, connection: Any) -> None:
        self._conn = connection

    def where(self, *conds: Any, order_by: Sequence[Any] = (), limit: int | None = None,
              changes: bool = True) -> list[FaultSlip]:
        """The slips matching `conds`, in id order unless `order_by` says otherwise."""
        cols = self._FULL if changes else slip_columns(changes=False)
        stmt = select(*cols).where(*conds).order_by(*(order_by or (_SLIPS.c.id,)))
        if limit is not None:
            stmt = stmt.limit(limit)
        build = (_SLIP if changes else _SLIP_NO_HISTORY).build
        return [build(r) for r in self._conn.execute(stmt).all()]

    def by_case(self, case_id: int) -> list[FaultSlip]:
        rows = self._BY_CASE.fetchall(self._conn.dialect, self._conn.connection,
                                      {"b_case": case_id})
        return [_SLIP.build(r) for r in rows]

    def of_case_for_kpis(self, case_id: int) -> list[FaultSlip]:
        """One case's slips as the statistics read them (no change history; a statement
        built once)."""
        if SlipReader._KPI_OF_CASE is None:
            SlipReader._KPI_OF_CASE = select(*slip_columns(changes=False)).where(
                _SLIPS.c.case_id == bindparam("cid")).order_by(_SLIPS.c.id)
        return [_SLIP_NO_HISTORY.build(r) for r in self._conn.execute(
            SlipReader._KPI_OF_CASE, {"cid": case_id}).all()]

    def with_case_numbers(self, conds: Sequence[Any], case_table: Any, limit: int
                          ) -> list[tuple[FaultSlip, str | None]]:
        """The 过失单 list: slips newest first, each with its case's number."""
        stmt = (select(*self._FULL, case_table.c.number.label("case_number"))
                .outerjoin(case_table, case_table.c.id == _SLIPS.c.case_id)
                .where(*conds).order_by(_SLIPS.c.id.desc()).limit(limit))
        return [(_SLIP.build(r), r[-1])
                for r in self._conn.execute(stmt).all()]
