"""The fault-slip repository (过失单 / 处罚单 / 奖励单, DESIGN §6): FaultSlip records in and out.

Saving is optimistic: a slip is written back only if its version on disk is the one it
was read with, so two people changing the same slip get one success and one
"已被他人处理" (ConcurrentUpdateError, translated by the service layer).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import and_, bindparam, func, or_, select
from sqlmodel import Session

from ..domain.proposals import COUNTED_STATUSES
from ..domain.records import FaultSlip, SlipChange, SlipStatus
from ..domain.rules import penalties_to_raw
from .read_models.slips import SlipReader
from .repo_cases import ConcurrentUpdateError
from .tables import CaseRow, FaultSlipRow, table_of
from .tracking import Seen

_CASES = table_of(CaseRow)


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


def _change_to_raw(c: SlipChange) -> dict[str, Any]:
    return {"at": c.at.isoformat(), "by_user_id": c.by_user_id, "by_name": c.by_name,
            "what": c.what, "before": c.before, "after": c.after, "reason": c.reason}


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


class SlipRepository:
    def __init__(self, session: Session, seen: Seen | None = None) -> None:
        self._s = session
        self._seen = seen  # the unit of work's: told of every write (storage/tracking.py)

    # ---- writing -------------------------------------------------------------------
    # Core statements with bound parameters (compiled once, cached): slips are written
    # inside workflow actions and by the demo seeder, where ORM statement building
    # dominated the time.
    _T = table_of(FaultSlipRow)
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

    # ---- reading (read_models.slips) ------------------------------------------------
    def _read(self) -> SlipReader:
        return SlipReader(self._s.connection())

    def get(self, slip_id: int) -> FaultSlip | None:
        found = self._read().where(self._T.c.id == slip_id)
        return found[0] if found else None

    def id_by_number(self, number: str) -> int | None:
        """GS-…/CF-… → id; None for an unknown number (or a proposal, which has none)."""
        number = number.strip().upper()
        if not number:
            return None
        return self._s.execute(
            select(FaultSlipRow.id).where(FaultSlipRow.number == number).limit(1)
        ).scalar_one_or_none()

    def by_case(self, case_id: int) -> list[FaultSlip]:
        return self._read().by_case(case_id)

    def by_employee(self, employee_id: int) -> list[FaultSlip]:
        """An employee's whole history."""
        return self._read().where(self._T.c.employee_id == employee_id)

    def proposal_history(self, employee_id: int, now: datetime) -> list[FaultSlip]:
        """Just the slips the rules can look at (DESIGN §6): the employee's two latest
        counted fault slips (a second within 90 days doubles, a third within 12 months
        escalates) and the latest counted breach slip (a second in a month adds ¥50).
        Reading the whole history made every proposal slower as the years went by."""
        t = self._T.c
        counted = [s.value for s in COUNTED_STATUSES]
        when = func.coalesce(t.issued_at, t.created_at)
        out: list[FaultSlip] = []
        for breach, limit in ((False, 2), (True, 1)):
            out += self._read().where(
                t.employee_id == employee_id, t.status.in_(counted), t.is_reward == False,  # noqa: E712
                t.from_breach == breach, when <= now, order_by=(when.desc(),), limit=limit)
        return out

    def by_ids(self, ids: Iterable[int]) -> list[FaultSlip]:
        ids = list(ids)
        return self._read().where(self._T.c.id.in_(ids)) if ids else []

    def for_ledger(self, start: datetime, end: datetime) -> list[FaultSlip]:
        """Slips that can have a ledger entry in [start, end): enforced in it, or enforced
        before it with an appeal (whose correction may be booked in it). The domain
        (ledger.py) decides which entries fall in the month."""
        t = self._T.c
        return self._read().where(t.enforced_at.is_not(None), t.enforced_at < end,
                                  or_(t.enforced_at >= start, t.appeal.is_not(None)))

    def for_kpis(self, start: datetime, end: datetime) -> list[FaultSlip]:
        """Slips the statistics of [start, end) can count: issued in it, or appealed (the
        appeal's filing date, inside the JSON, is for the domain to read). The records
        carry no change history (`changes` is empty — nothing in the statistics reads it)."""
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
        return self._read().where(*conds, changes=False)

    def for_kpis_of_case(self, case_id: int) -> list[FaultSlip]:
        """One case's slips as the statistics read them."""
        return self._read().of_case_for_kpis(case_id)

    def for_kpis_of_cases(self, case_ids: Sequence[int]) -> list[FaultSlip]:
        return self.for_kpis_where(self._T.c.case_id.in_(list(case_ids))) if case_ids else []

    def list(self, q: SlipQuery) -> list[SlipWithCase]:
        """The 过失单 list, newest first, with each slip's case number."""
        t = self._T.c
        conds: list[Any] = []
        if q.statuses:
            conds.append(t.status.in_([s.value for s in q.statuses]))
        for col, val in ((t.department_id, q.department_id), (t.employee_id, q.employee_id),
                         (t.case_id, q.case_id), (t.from_breach, q.from_breach),
                         (t.is_reward, q.is_reward)):
            if val is not None:
                conds.append(col == val)
        if q.issued_from is not None:
            conds.append(t.issued_at >= q.issued_from)
        if q.issued_to is not None:
            conds.append(t.issued_at < q.issued_to)
        return [SlipWithCase(slip, number or "") for slip, number in
                self._read().with_case_numbers(conds, _CASES, q.limit)]

    def case_numbers(self, case_ids: Sequence[int]) -> dict[int, str]:
        """Case numbers by id (a month's slips name thousands of cases: asked 500 at a
        time, within every database's limit of bound parameters)."""
        ids = sorted({c for c in case_ids if c is not None})
        c = _CASES.c
        out: dict[int, str] = {}
        for i in range(0, len(ids), 500):
            out.update((r[0], r[1]) for r in self._s.execute(
                select(c.id, c.number).where(c.id.in_(ids[i:i + 500]))))
        return out
