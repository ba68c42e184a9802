"""The fault-slip repository (过失单 / 处罚单 / 奖励单, DESIGN §6): FaultSlip records in and out.

Saving is optimistic: a slip is written back only if its version on disk is the one it
was read with, so two people changing the same slip get one success and one
"已被他人处理" (ConcurrentUpdateError, translated by the service layer).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import String, and_, bindparam, func, or_, select, type_coerce
from sqlmodel import Session

from ..domain.clock import utc
from ..domain.proposals import COUNTED_STATUSES
from ..domain.records import (
    FaultSlip,
    Penalty,
    PenaltyKind,
    Responsibility,
    SlipChange,
    SlipStatus,
)
from ..domain.rules import penalties_from_raw, penalties_to_raw
from .rawsql import RawStatement
from .rawvalues import raw_json, raw_time
from .repo_cases import ConcurrentUpdateError
from .tables import CaseRow, FaultSlipRow
from .tracking import Seen


@dataclass(frozen=True, slots=True)
class SlipQuery:
    """Filters of the 过失单 list; every field None/empty means "any"."""

    statuses: tuple[SlipStatus, ...] = ()
    department_id: int | None = None
    employee_id: int | None = None
    case_id: int | None = None
    issued_from: datetime | None = None  # aware UTC, inclusive
    issued_to: datetime | None = None  # aware UTC, exclusive
    from_breach: bool | None = None
    is_reward: bool | None = None
    limit: int = 2000


@dataclass(frozen=True, slots=True)
class SlipWithCase:
    slip: FaultSlip
    case_number: str  # "" when the slip has no case (team reward)


def _dt(v: datetime | None) -> datetime | None:
    return utc(v) if v is not None else None


def _change_to_raw(c: SlipChange) -> dict[str, Any]:
    return {"at": c.at.isoformat(), "by_user_id": c.by_user_id, "by_name": c.by_name,
            "what": c.what, "before": c.before, "after": c.after, "reason": c.reason}


def _change_from_raw(raw: dict[str, Any]) -> SlipChange:
    return SlipChange(at=utc(datetime.fromisoformat(raw["at"])), by_user_id=raw.get("by_user_id"),
                      by_name=raw.get("by_name", ""), what=raw.get("what", ""),
                      before=raw.get("before"), after=raw.get("after"),
                      reason=raw.get("reason", ""))


def _jsonable(value: Any) -> Any:
    """Appeal dicts may hold datetimes when built by hand; the JSON column needs text."""
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_jsonable(v) for v in value]
    return value


def _values(s: FaultSlip) -> dict[str, Any]:
    return dict(
        number=s.number, case_id=s.case_id, employee_id=s.employee_id,
        department_id=s.department_id, post=s.post, facts=s.facts,
        responsibility=s.responsibility.value if s.responsibility else "",
        penalties=penalties_to_raw(s.penalties), rule_ids=list(s.rule_ids),
        status=s.status.value, is_reward=s.is_reward, from_breach=s.from_breach,
        issued_by_user_id=s.issued_by_user_id, issued_at=s.issued_at,
        dept_opinion=s.dept_opinion, gm_opinion=s.gm_opinion,
        acknowledged_at=s.acknowledged_at, enforced_at=s.enforced_at,
        # None is SQL NULL (the column is JSON(none_as_null=True)), so that for_ledger
        # can find the slips that have an appeal
        appeal=_jsonable(s.appeal) if s.appeal is not None else None,
        changes=[_jsonable(_change_to_raw(c)) for c in s.changes], created_at=s.created_at,
    )


def row_to_slip(r: Any) -> FaultSlip:
    return FaultSlip(
        id=r.id, number=r.number, case_id=r.case_id, employee_id=r.employee_id,
        department_id=r.department_id, post=r.post, facts=r.facts,
        responsibility=Responsibility(r.responsibility) if r.responsibility else None,
        penalties=penalties_from_raw(list(r.penalties or [])), rule_ids=list(r.rule_ids or []),
        status=SlipStatus(r.status), is_reward=r.is_reward, from_breach=r.from_breach,
        issued_by_user_id=r.issued_by_user_id, issued_at=_dt(r.issued_at),
        dept_opinion=r.dept_opinion, gm_opinion=r.gm_opinion,
        acknowledged_at=_dt(r.acknowledged_at), enforced_at=_dt(r.enforced_at),
        appeal=dict(r.appeal) if r.appeal is not None else None,
        changes=[_change_from_raw(c) for c in (r.changes or [])],
        created_at=_dt(r.created_at), version=r.version,
    )


# The columns `for_kpis` reads, in the order `_kpi_slip` takes them; times and JSON raw.
_KPI_COLS = (
    "id", "number", "case_id", "employee_id", "department_id", "post", "facts",
    "responsibility", "penalties", "rule_ids", "status", "is_reward", "from_breach",
    "issued_by_user_id", "issued_at", "dept_opinion", "gm_opinion", "acknowledged_at",
    "enforced_at", "appeal", "created_at", "version",
)
_RAW_COLS = frozenset({"penalties", "rule_ids", "issued_at", "acknowledged_at", "enforced_at",
                       "appeal", "created_at"})
_STATUSES = {x.value: x for x in SlipStatus}
_RESPONSIBILITIES = {x.value: x for x in Responsibility}
_PENALTY_KINDS = {x.value: x for x in PenaltyKind}


def _raw_columns() -> list[Any]:
    """The slip columns `_kpi_slip` takes, times and JSON as raw column values."""
    t = FaultSlipRow.__table__.c  # type: ignore[attr-defined]
    return [type_coerce(t[n], String) if n in _RAW_COLS else t[n] for n in _KPI_COLS]


def _kpi_penalties(raw: Any) -> list[Penalty]:
    return [Penalty(_PENALTY_KINDS[p["kind"]], int(p.get("amount") or 0),
                    int(p.get("points") or 0), str(p.get("note") or ""))
            for p in (raw_json(raw) or ())]


def _kpi_slip(r: Any) -> FaultSlip:
    appeal = r[19]
    if isinstance(appeal, str):  # SQLite hands JSON out as text ("{}" stays a dict here)
        appeal = json.loads(appeal)
    return FaultSlip(
        r[0], r[1], r[2], r[3], r[4], r[5], r[6],
        _RESPONSIBILITIES[r[7]] if r[7] else None, _kpi_penalties(r[8]),
        list(raw_json(r[9]) or ()), _STATUSES[r[10]], bool(r[11]), bool(r[12]), r[13],
        raw_time(r[14]), r[15], r[16], raw_time(r[17]), raw_time(r[18]),
        dict(appeal) if appeal is not None else None, [], raw_time(r[20]), r[21],
    )


class SlipRepository:
    def __init__(self, session: Session, seen: Seen | None = None) -> None:
        self._s = session
        self._seen = seen  # the unit of work's: told of every write (storage/tracking.py)

    # ---- writing -------------------------------------------------------------------
    # Core statements with bound parameters (compiled once, cached): slips are written
    # inside workflow actions and by the demo seeder, where ORM statement building
    # dominated the time.
    _T = FaultSlipRow.__table__  # type: ignore[attr-defined]
    _INSERT = _T.insert().returning(_T.c.id)
    _UPDATE = _T.update().where(and_(_T.c.id == bindparam("b_id"),
                                     _T.c.version == bindparam("b_version")))

    def add(self, slip: FaultSlip) -> FaultSlip:
        """Insert a new slip; sets its id."""
        if self._seen is not None:
            self._seen.adding(slip)
        slip.id = self._s.connection().execute(
            self._INSERT, {**_values(slip), "version": slip.version}).scalar_one()
        if self._seen is not None:
            self._seen.added(slip)
        return slip

    def save(self, slip: FaultSlip) -> None:
        """Write back a changed slip; ConcurrentUpdateError if someone saved it meanwhile."""
        if self._seen is not None:
            self._seen.changing(slip)
        result = self._s.connection().execute(self._UPDATE, {
            **_values(slip), "b_id": slip.id, "b_version": slip.version,
            "version": slip.version + 1})
        if result.rowcount != 1:
            raise ConcurrentUpdateError(slip.number or f"#{slip.id}")
        slip.version += 1

    # ---- reading -------------------------------------------------------------------
    def get(self, slip_id: int) -> FaultSlip | None:
        found = self._select(FaultSlipRow.id == slip_id)
        return found[0] if found else None

    def id_by_number(self, number: str) -> int | None:
        """GS-…/CF-… → id; None for an unknown number (or a proposal, which has none)."""
        number = number.strip().upper()
        if not number:
            return None
        return self._s.execute(
            select(FaultSlipRow.id).where(FaultSlipRow.number == number).limit(1)
        ).scalar_one_or_none()

    def _select(self, *conds: Any) -> list[FaultSlip]:
        stmt = select(self._T).where(*conds).order_by(self._T.c.id)
        return [row_to_slip(r) for r in self._s.connection().execute(stmt)]

    # a case's slips (`by_case`, read by every workflow action and print of the case):
    # the full records as raw column values on the DBAPI cursor (rawsql.py)
    _BY_CASE = RawStatement(
        select(*_raw_columns(), type_coerce(_T.c.changes, String))
        .where(_T.c.case_id == bindparam("b_case")).order_by(_T.c.id))

    def by_case(self, case_id: int) -> list[FaultSlip]:
        conn = self._s.connection()
        out = []
        for r in self._BY_CASE.fetchall(conn.dialect, conn.connection, {"b_case": case_id}):
            slip = _kpi_slip(r)
            slip.changes = [_change_from_raw(c) for c in raw_json(r[22]) or ()]
            out.append(slip)
        return out

    def by_employee(self, employee_id: int) -> list[FaultSlip]:
        """An employee's whole history."""
        return self._select(FaultSlipRow.employee_id == employee_id)

    def proposal_history(self, employee_id: int, now: datetime) -> list[FaultSlip]:
        """Just the slips the rules can look at (DESIGN §6): the employee's two latest
        counted fault slips (a second within 90 days doubles, a third within 12 months
        escalates) and the latest counted breach slip (a second in a month adds ¥50).
        Reading the whole history made every proposal slower as the years went by."""
        counted = [s.value for s in COUNTED_STATUSES]
        when = func.coalesce(FaultSlipRow.issued_at, FaultSlipRow.created_at)
        out: list[FaultSlip] = []
        for breach, limit in ((False, 2), (True, 1)):
            stmt = (select(self._T)
                    .where(FaultSlipRow.employee_id == employee_id,
                           FaultSlipRow.status.in_(counted),  # type: ignore[attr-defined]
                           FaultSlipRow.is_reward == False,  # noqa: E712
                           FaultSlipRow.from_breach == breach, when <= now)
                    .order_by(when.desc()).limit(limit))
            out.extend(row_to_slip(r) for r in self._s.connection().execute(stmt))
        return out

    def by_ids(self, ids: Iterable[int]) -> list[FaultSlip]:
        ids = list(ids)
        return self._select(FaultSlipRow.id.in_(ids)) if ids else []  # type: ignore[union-attr]

    def for_ledger(self, start: datetime, end: datetime) -> list[FaultSlip]:
        """Slips that can have a ledger entry in [start, end): enforced in it, or enforced
        before it with an appeal (whose correction may be booked in it). The domain
        (ledger.py) decides which entries fall in the month."""
        return self._select(
            FaultSlipRow.enforced_at.is_not(None),  # type: ignore[union-attr]
            FaultSlipRow.enforced_at < end,  # type: ignore[operator]
            or_(FaultSlipRow.enforced_at >= start,  # type: ignore[operator]
                FaultSlipRow.appeal.is_not(None)),  # type: ignore[attr-defined]
        )

    def for_kpis(self, start: datetime, end: datetime) -> list[FaultSlip]:
        """Slips the statistics of [start, end) can count: issued in it, or appealed (the
        appeal's filing date, inside the JSON, is for the domain to read).

        Read as raw column values and converted here (tens of thousands of slips in a year
        at a big dealership); the records carry no change history (`changes` is empty —
        nothing in the statistics reads it)."""
        t = self._T.c
        return self.for_kpis_where(or_(
            and_(t.issued_at >= start, t.issued_at < end),
            t.appeal.is_not(None),
        ))

    def issued_between(self, start: datetime, end: datetime) -> list[FaultSlip]:
        """Slips issued in [start, end), as the statistics read them (see `for_kpis`)."""
        t = self._T.c
        return self.for_kpis_where(t.issued_at >= start, t.issued_at < end)

    def for_kpis_where(self, *conds: Any) -> list[FaultSlip]:
        """Slips as the statistics read them (see `for_kpis`), in id order."""
        t = self._T.c
        stmt = select(*_raw_columns()).where(*conds).order_by(t.id)
        return [_kpi_slip(r) for r in self._s.connection().execute(stmt).all()]

    _KPI_OF_CASE: Any = None

    def for_kpis_of_case(self, case_id: int) -> list[FaultSlip]:
        """One case's slips as the statistics read them (a statement built once)."""
        if SlipRepository._KPI_OF_CASE is None:
            t = self._T.c
            SlipRepository._KPI_OF_CASE = select(*_raw_columns()).where(
                t.case_id == bindparam("cid")).order_by(t.id)
        return [_kpi_slip(r) for r in self._s.connection().execute(
            SlipRepository._KPI_OF_CASE, {"cid": case_id}).all()]

    def for_kpis_of_cases(self, case_ids: Sequence[int]) -> list[FaultSlip]:
        return self.for_kpis_where(self._T.c.case_id.in_(list(case_ids))) if case_ids else []

    def list(self, q: SlipQuery) -> list[SlipWithCase]:
        """The 过失单 list, newest first, with each slip's case number."""
        conds: list[Any] = []
        if q.statuses:
            conds.append(FaultSlipRow.status.in_([s.value for s in q.statuses]))  # type: ignore[attr-defined]
        for col, val in ((FaultSlipRow.department_id, q.department_id),
                         (FaultSlipRow.employee_id, q.employee_id),
                         (FaultSlipRow.case_id, q.case_id),
                         (FaultSlipRow.from_breach, q.from_breach),
                         (FaultSlipRow.is_reward, q.is_reward)):
            if val is not None:
                conds.append(col == val)
        if q.issued_from is not None:
            conds.append(FaultSlipRow.issued_at >= q.issued_from)  # type: ignore[operator]
        if q.issued_to is not None:
            conds.append(FaultSlipRow.issued_at < q.issued_to)  # type: ignore[operator]
        stmt = (
            select(FaultSlipRow, CaseRow.number)
            .outerjoin(CaseRow, CaseRow.id == FaultSlipRow.case_id)
            .where(*conds)
            .order_by(FaultSlipRow.id.desc())  # type: ignore[union-attr]
            .limit(q.limit)
        )
        return [SlipWithCase(row_to_slip(r), number or "") for r, number in self._s.execute(stmt)]

    def case_numbers(self, case_ids: Sequence[int]) -> dict[int, str]:
        """Case numbers by id (a month's slips name thousands of cases: asked 500 at a
        time, within every database's limit of bound parameters)."""
        ids = sorted({c for c in case_ids if c is not None})
        out: dict[int, str] = {}
        for i in range(0, len(ids), 500):
            out.update((r[0], r[1]) for r in self._s.execute(
                select(CaseRow.id, CaseRow.number).where(
                    CaseRow.id.in_(ids[i:i + 500]))))  # type: ignore[union-attr]
        return out
