"""Alerts (DESIGN §4.5) and what the reminder scan reads: the open steps whose mark has come.

Writing is "insert unless this person already has this key" (ON CONFLICT DO NOTHING, which
SQLite and PostgreSQL both have), so that two PCs scanning at once send an alert once.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import and_, bindparam, func, select, union_all, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Session

from ..domain.alerts import Alert, AlertKind, NewAlert, OpenStep
from .tables import AlertRow, CaseRow, DelegationRow, StepRow, table_of

_A = table_of(AlertRow)
_C = table_of(CaseRow)
_S = table_of(StepRow)
_D = table_of(DelegationRow)
_COLUMNS = (_A.c.id, _A.c.person_id, _A.c.kind, _A.c.text, _A.c.ref, _A.c.key,
            _A.c.created_at, _A.c.send_at, _A.c.read_at)


def _alert(r: Any) -> Alert:
    try:
        kind = AlertKind(r.kind)
    except ValueError:
        kind = AlertKind.NOTICE
    return Alert(r.id, r.person_id, kind, r.text, r.ref, r.key, r.created_at, r.send_at,
                 r.read_at)


class AlertRepository:
    def __init__(self, session: Session) -> None:
        self._s = session

    def _insert(self) -> Any:
        name = self._s.connection().dialect.name
        if name == "postgresql":
            return postgresql.insert(_A).on_conflict_do_nothing(
                index_elements=["person_id", "key"])
        if name == "sqlite":
            return sqlite.insert(_A).on_conflict_do_nothing(index_elements=["person_id", "key"])
        raise NotImplementedError(f"alerts on {name}")  # the two databases the app runs on

    def add_many(self, alerts: Sequence[NewAlert], now: datetime, count: bool = True) -> int:
        """Write the alerts not sent before; returns how many were new (count=False: the
        workflow's hot path, one cached statement run for the rows, returns 0)."""
        if not alerts:
            return 0
        rows = [{"person_id": a.person_id, "kind": a.kind.value, "ref": a.ref[:40],
                 "text": a.text[:300], "key": a.key[:120], "created_at": now,
                 "send_at": a.send_at, "read_at": None} for a in alerts]
        if not count:
            self._s.connection().execute(self._insert(), rows)
            return 0
        # one multi-row INSERT … RETURNING: the rows it hands back are the new ones (the
        # drivers' rowcount of an executemany is not reliable)
        stmt = self._insert().values(rows).returning(_A.c.id)
        return len(self._s.connection().execute(stmt).all())

    def active_delegations(self, now: datetime) -> list[tuple[int, int]]:
        """(absent user, delegate) of the delegations running at `now`."""
        rows = self._s.connection().execute(
            select(_D.c.absent_user_id, _D.c.delegate_user_id).where(
                _D.c.start <= now, _D.c.end > now)).all()
        return [(r[0], r[1]) for r in rows]

    def for_person(self, person_id: int, now: datetime, unread_only: bool = False,
                   limit: int = 200, oldest_first: bool = False) -> list[Alert]:
        cond = and_(_A.c.person_id == person_id, _A.c.send_at <= now)
        if unread_only:
            cond = and_(cond, _A.c.read_at.is_(None))
        order = (_A.c.send_at.asc(), _A.c.id.asc()) if oldest_first \
            else (_A.c.send_at.desc(), _A.c.id.desc())
        rows = self._s.connection().execute(
            select(*_COLUMNS).where(cond).order_by(*order).limit(limit)).all()
        return [_alert(r) for r in rows]

    def unread_count(self, person_id: int, now: datetime) -> int:
        return int(self._s.connection().execute(
            select(func.count()).select_from(_A).where(
                _A.c.person_id == person_id, _A.c.send_at <= now, _A.c.read_at.is_(None))
        ).scalar_one())

    def mark_read(self, person_id: int, ids: Sequence[int] | None, now: datetime) -> int:
        """Mark the person's alerts read (all shown by now when `ids` is None)."""
        cond = and_(_A.c.person_id == person_id, _A.c.read_at.is_(None), _A.c.send_at <= now)
        if ids is not None:
            if not ids:
                return 0
            cond = and_(cond, _A.c.id.in_(list(ids)))
        return int(self._s.connection().execute(
            update(_A).where(cond).values(read_at=now)).rowcount or 0)

    def settle_step(self, case_id: int, seq: int, now: datetime) -> int:
        """A finished step's alerts and reminders are settled for everyone (marked read):
        they stay in the list, no longer unread. Keys: "step:<case>:<seq>" and
        "<kind>:<case>:<seq>:<deadline>"."""
        ref = f"case:{case_id}"
        cond = and_(_A.c.ref == ref, _A.c.read_at.is_(None),
                    (_A.c.key == f"step:{case_id}:{seq}")
                    | _A.c.key.like(f"remind%:{case_id}:{seq}:%")
                    | _A.c.key.like(f"deadline:{case_id}:{seq}:%"))
        return int(self._s.connection().execute(
            update(_A).where(cond).values(read_at=now)).rowcount or 0)

    def keys_of(self, keys: Sequence[str]) -> set[tuple[int, str]]:
        """(person, key) of the given keys already written (tests, diagnostics)."""
        if not keys:
            return set()
        rows = self._s.connection().execute(
            select(_A.c.person_id, _A.c.key).where(_A.c.key.in_(list(keys)))).all()
        return {(r.person_id, r.key) for r in rows}

    # ---- what the reminder scan reads and writes -------------------------------------------
    def steps_to_mark(self, now: datetime) -> tuple[list[OpenStep], list[int]]:
        """The open cases whose next reminder mark has come (by `now`) or is not known
        (NULL: the case was written since, or never looked at), read off ix_case_next_mark:
        their open current steps, and the ids of all these cases (a case without such a step
        has no mark to wait for). The others have nothing due: their mark is still ahead."""
        cols = (_C.c.id, _C.c.number, _C.c.flow, _C.c.current_step, _C.c.current_deadline,
                _C.c.department_id, _C.c.supervisor_user_id)
        # two range reads of the index, not one OR (which both databases walk in full)
        conn = self._s.connection()
        cases = conn.execute(union_all(
            select(*cols).where(_C.c.status == "open", _C.c.next_mark_at.is_(None)),
            select(*cols).where(_C.c.status == "open", _C.c.next_mark_at <= now))).all()
        by_id = {c.id: c for c in cases if c.current_deadline is not None}
        out: list[OpenStep] = []
        ids = list(by_id)
        for i in range(0, len(ids), 500):
            steps = conn.execute(select(
                _S.c.case_id, _S.c.step_key, _S.c.seq, _S.c.due_since, _S.c.deadline,
                _S.c.assignee_user_id,
            ).where(_S.c.case_id.in_(ids[i:i + 500]), _S.c.finished_at.is_(None))).all()
            for s in steps:
                c = by_id[s.case_id]
                if s.step_key != c.current_step:
                    continue  # a scheduled step beside the current one (二次回访 …)
                out.append(OpenStep(c.id, c.number, c.flow, s.step_key, s.seq, s.due_since,
                                    s.deadline, c.department_id, c.supervisor_user_id,
                                    s.assignee_user_id))
        return out, [c.id for c in cases]

    _SET_MARK = _C.update().where(_C.c.id == bindparam("b_id")).values(
        next_mark_at=bindparam("b_mark"))

    def set_marks(self, marks: Mapping[int, datetime]) -> None:
        """Store each case's next mark (the case's version is not touched: a mark is the
        scan's bookkeeping, not a change of the case)."""
        if marks:
            self._s.connection().execute(
                self._SET_MARK, [{"b_id": k, "b_mark": v} for k, v in marks.items()])

    def forget_marks(self) -> int:
        """Every open case's mark becomes not known: the next scan works them all out again
        (the calendar or the reminder fractions changed)."""
        return int(self._s.connection().execute(
            update(_C).where(_C.c.status == "open", _C.c.next_mark_at.is_not(None))
            .values(next_mark_at=None)).rowcount or 0)
