"""The case repository: hands Case records in and out; the case list's paged query."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import (
    and_,
    bindparam,
    delete,
    func,
    insert,
    or_,
    select,
)
from sqlmodel import Session, col

from ..domain.clock import utc
from ..domain.records import (
    Attachment,
    Case,
    StepRecord,
)
from ..domain.validation import normalize_plate, normalize_vin
from .read_models.case_list import CaseListQueries
from .read_models.cases import CaseReader
from .search import case_grams
from .tables import AttachmentRow, CaseRow, SearchGramRow, StepRow, table_of
from .tracking import Seen


class ConcurrentUpdateError(Exception):
    """Someone else saved the case since it was read (optimistic locking)."""


_INTAKE_FIELDS = (
    "customer_name", "phone", "landline", "vehicle_model", "plate", "vin", "purchase_date",
    "channel", "location", "description", "persons_involved", "demand", "mood", "received_by",
    "complained_at",
)


def _case_values(case: Case) -> dict[str, Any]:
    i = case.intake
    open_step = case.open_step
    values: dict[str, Any] = {f: getattr(i, f) for f in _INTAKE_FIELDS}
    values.update(
        plate=normalize_plate(i.plate), vin=normalize_vin(i.vin),
        number=case.number, flow=case.flow.value, kind=case.kind.value,
        registered_at=case.registered_at, registered_by_user_id=case.registered_by_user_id,
        self_report_department_id=i.self_report_department_id, status=case.status.value,
        current_step=case.current_step,
        current_deadline=open_step.deadline if open_step else None,
        current_due_since=open_step.due_since if open_step else None,
        category=case.category, severity=case.severity.value if case.severity else "",
        department_id=case.department_id, supervisor_user_id=case.supervisor_user_id,
        reopen_count=case.reopen_count, repeat_of_id=case.repeat_of_id,
        needs_revisit=case.needs_revisit, closed_at=case.closed_at,
        receiver_employee_id=i.receiver_employee_id, resolved_on_spot=i.resolved_on_spot,
        on_spot_action=i.on_spot_action, on_spot_reaction=i.on_spot_reaction,
        simple_path=case.simple_path, notice_from=case.notice_from,
        notice_due=case.notice_due, notified_at=case.notified_at,
        approval_role=case.approval_role, approval_due=case.approval_due,
        # the reminder scan works the next mark out again from what was written (its
        # deadline, its step): storage knows nothing of marks, only that it is not known
        next_mark_at=None,
    )
    return values


def _step_values(s: StepRecord) -> dict[str, Any]:
    return dict(
        step_key=s.step_key, seq=s.seq, due_since=s.due_since, deadline=s.deadline,
        assignee_user_id=s.assignee_user_id, actor_user_id=s.actor_user_id,
        on_behalf_of_user_id=s.on_behalf_of_user_id, finished_at=s.finished_at,
        outcome=s.outcome, data=s.data, breach=s.breach, extensions=s.extensions,
    )


class CaseRepository(CaseListQueries):
    def __init__(self, session: Session, seen: Seen | None = None) -> None:
        self._s = session
        self._seen = seen  # the unit of work's: told of every write (storage/tracking.py)

    # ---- writing -------------------------------------------------------------------
    # Core statements with bound parameters: compiled once and cached, so a bulk seed of
    # 100,000 cases is not dominated by statement construction.
    _CASES = table_of(CaseRow)
    _STEPS = table_of(StepRow)
    _INSERT_CASE = _CASES.insert().returning(_CASES.c.id)
    _UPDATE_CASE = _CASES.update().where(
        and_(_CASES.c.id == bindparam("b_id"), _CASES.c.version == bindparam("b_version")))
    _UPDATE_STEP = _STEPS.update().where(_STEPS.c.id == bindparam("b_id"))
    _INSERT_GRAM = table_of(SearchGramRow).insert()

    def _conn(self) -> Any:
        return self._s.connection()

    def add(self, case: Case) -> Case:
        """Insert a new case with its steps and attachments; sets the ids."""
        values = _case_values(case)
        values["version"] = case.version
        conn = self._conn()
        if self._seen is not None:
            self._seen.adding(case)
        case.id = conn.execute(self._INSERT_CASE, values).scalar_one()
        if self._seen is not None:
            self._seen.added(case)
        for s in case.steps:
            s.case_id = case.id
        self._insert_steps(case.steps)
        for a in case.attachments:
            self.add_attachment(case.id, a)
        self._write_grams(case.id, case, fresh=True)
        return case

    def save(self, case: Case) -> None:
        """Write back a changed case. Refuses (ConcurrentUpdateError) when the version on
        disk is not the one this case was read with — someone else acted first."""
        if self._seen is not None:
            self._seen.changing(case)
        values = _case_values(case)
        values.update(b_id=case.id, b_version=case.version, version=case.version + 1)
        conn = self._conn()
        result = conn.execute(self._UPDATE_CASE, values)
        if result.rowcount != 1:
            raise ConcurrentUpdateError(case.number)
        case.version += 1
        changed = [{"b_id": s.id, **_step_values(s)} for s in case.steps if s.id is not None]
        if changed:
            conn.execute(self._UPDATE_STEP, changed)
        new_steps = [s for s in case.steps if s.id is None]
        for s in new_steps:
            s.case_id = case.id
        self._insert_steps(new_steps)

    _INSERT_STEPS = _STEPS.insert().returning(_STEPS.c.id, sort_by_parameter_order=True)

    def _insert_steps(self, steps: Sequence[StepRecord]) -> None:
        if not steps:
            return
        ids = self._conn().execute(
            self._INSERT_STEPS, [{"case_id": s.case_id, **_step_values(s)} for s in steps]
        ).scalars().all()
        for s, sid in zip(steps, ids, strict=True):
            s.id = sid

    @staticmethod
    def _grams(case: Case) -> set[str]:
        i = case.intake
        return case_grams(i.customer_name, (i.phone, i.landline, normalize_plate(i.plate),
                                            normalize_vin(i.vin), case.number))

    def _write_grams(self, case_id: int, case: Case, fresh: bool = False) -> None:
        if not fresh:
            self._s.execute(delete(SearchGramRow).where(SearchGramRow.case_id == case_id))
        rows = [{"gram": g, "case_id": case_id} for g in self._grams(case)]
        if rows:
            self._conn().execute(self._INSERT_GRAM, rows)

    def add_attachment(self, case_id: int, a: Attachment) -> Attachment:
        a.id = self._s.execute(
            insert(AttachmentRow).values(case_id=case_id, filename=a.filename, mime=a.mime,
                                         size=a.size, data=a.data or b"")
            .returning(AttachmentRow.id)
        ).scalar_one()
        return a

    def open_steps_held(self, user_ids: Sequence[int]) -> dict[int, int]:
        """How many open steps each of these users holds (DESIGN §4.8 "least loaded")."""
        if not user_ids:
            return {}
        t = self._STEPS.c
        rows = self._conn().execute(
            select(t.assignee_user_id, func.count())
            .where(t.finished_at.is_(None), t.assignee_user_id.in_(list(user_ids)))
            .group_by(t.assignee_user_id)).all()
        return {int(uid): int(n) for uid, n in rows}

    # ---- reading -------------------------------------------------------------------
    def get(self, case_id: int) -> Case | None:
        """The case with its steps and its attachments' listing (read_models.cases)."""
        return CaseReader(self._conn()).get(case_id)

    def id_by_number(self, number: str) -> int | None:
        return self._s.execute(
            select(CaseRow.id).where(CaseRow.number == number.strip().upper())
        ).scalar_one_or_none()

    def attachment_data(self, attachment_id: int) -> Attachment | None:
        a = self._s.execute(
            select(AttachmentRow).where(AttachmentRow.id == attachment_id)
        ).scalar_one_or_none()
        if a is None:
            return None
        return Attachment(id=a.id, filename=a.filename, mime=a.mime, size=a.size, data=a.data)

    def recent_by_phone_or_vin(self, phone: str, vin: str, since: datetime,
                               exclude_id: int | None = None) -> list[tuple[int, str, datetime]]:
        """Cases by the same mobile phone or VIN registered since `since` (repeat check)."""
        conds = []
        if phone.strip():
            conds.append(CaseRow.phone == phone.strip())
        if normalize_vin(vin):
            conds.append(CaseRow.vin == normalize_vin(vin))
        if not conds:
            return []
        stmt = select(CaseRow.id, CaseRow.number, CaseRow.registered_at).where(
            or_(*conds), CaseRow.registered_at >= since
        )
        if exclude_id is not None:
            stmt = stmt.where(CaseRow.id != exclude_id)
        rows = self._s.execute(stmt.order_by(col(CaseRow.registered_at).desc())).all()
        return [(r[0], r[1], utc(r[2])) for r in rows]

    # ---- bulk reading for reports and the KPI tallies (read_models.cases) ------------
    def load_period(self, start: datetime | None, end: datetime | None,
                    flow: str | None = "feedback", batch: int = 5000,
                    progress: Any = None, open_at_start: bool = False,
                    data_keys: Sequence[str] | None = None) -> list[Case]:
        """See `CaseReader.load_period`."""
        return CaseReader(self._conn()).load_period(start, end, flow, batch, progress,
                                                    open_at_start, data_keys)

    def for_month_details(self, start: datetime, end: datetime, as_of: datetime | None,
                          data_keys: Sequence[str] | None = None) -> list[Case]:
        """See `CaseReader.for_month_details`."""
        return CaseReader(self._conn()).for_month_details(start, end, as_of, data_keys)

    def iter_where(self, conds: Sequence[Any], batch: int = 5000,
                   data_keys: Sequence[str] | None = None) -> Iterator[list[Case]]:
        """See `CaseReader.iter_where`."""
        return CaseReader(self._conn()).iter_where(conds, batch, data_keys)

    def by_ids(self, ids: Sequence[int], batch: int = 500) -> list[Case]:
        """These cases, whole (steps and their data), in no particular order."""
        out: list[Case] = []
        for i in range(0, len(ids), batch):
            for part in self.iter_where([col(CaseRow.id).in_(ids[i:i + batch])]):
                out += part
        return out

    def for_kpis_one(self, case_id: int) -> Case | None:
        """One case as the statistics read it."""
        from ..domain.kpi import STEPS_WITH_DATA_USED

        return CaseReader(self._conn()).one_for_kpis(case_id, STEPS_WITH_DATA_USED)

    def for_kpis_by_ids(self, ids: Sequence[int]) -> list[Case]:
        """These cases as the statistics read them."""
        from ..domain.kpi import STEPS_WITH_DATA_USED

        return CaseReader(self._conn()).by_ids_for_kpis(ids, STEPS_WITH_DATA_USED)
