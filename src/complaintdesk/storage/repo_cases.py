"""The case repository: hands Case records in and out; the case list's paged query."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import (
    String,
    and_,
    bindparam,
    delete,
    func,
    insert,
    null,
    or_,
    select,
    type_coerce,
)
from sqlalchemy import case as case_
from sqlmodel import Session

from ..domain.clock import utc
from ..domain.records import (
    Attachment,
    Case,
    CaseStatus,
    FeedbackKind,
    FlowKind,
    Intake,
    Severity,
    StepRecord,
)
from ..domain.validation import normalize_plate, normalize_vin
from .rawsql import RawStatement
from .rawvalues import raw_date, raw_json, raw_time
from .repo_case_list import CaseListQueries
from .search import case_grams
from .tables import AttachmentRow, CaseRow, SearchGramRow, StepRow
from .tracking import Seen


class ConcurrentUpdateError(Exception):
    """Someone else saved the case since it was read (optimistic locking)."""


_INTAKE_FIELDS = (
    "customer_name", "phone", "landline", "vehicle_model", "plate", "vin", "purchase_date",
    "channel", "location", "description", "persons_involved", "demand", "mood", "received_by",
    "complained_at",
)


# The case columns `load_period` reads, in the order `_fast_case` takes them.
_FAST_CASE_COLS = (
    "id", "number", "flow", "kind", "customer_name", "phone", "landline", "vehicle_model",
    "plate", "vin", "purchase_date", "channel", "location", "description", "persons_involved",
    "demand", "mood", "received_by", "complained_at", "registered_at", "registered_by_user_id",
    "self_report_department_id", "status", "current_step", "category", "severity",
    "department_id", "supervisor_user_id", "reopen_count", "repeat_of_id", "needs_revisit",
    "closed_at", "version",
    # migration 0006_policy_flow
    "receiver_employee_id", "resolved_on_spot", "on_spot_action", "on_spot_reaction",
    "simple_path", "notice_from", "notice_due", "notified_at", "approval_role", "approval_due",
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
    )
    return values


def _step_values(s: StepRecord) -> dict[str, Any]:
    return dict(
        step_key=s.step_key, seq=s.seq, due_since=s.due_since, deadline=s.deadline,
        assignee_user_id=s.assignee_user_id, actor_user_id=s.actor_user_id,
        on_behalf_of_user_id=s.on_behalf_of_user_id, finished_at=s.finished_at,
        outcome=s.outcome, data=s.data, breach=s.breach, extensions=s.extensions,
    )


def row_to_case(r: Any, steps: Sequence[Any] = (), attachments: Sequence[Any] = ()) -> Case:
    intake = Intake(**{f: getattr(r, f) for f in _INTAKE_FIELDS})
    intake.self_report_department_id = r.self_report_department_id
    intake.kind = FeedbackKind(r.kind)
    intake.complained_at = utc(r.complained_at)
    return Case(
        id=r.id, number=r.number, flow=FlowKind(r.flow), kind=FeedbackKind(r.kind),
        intake=intake, registered_at=utc(r.registered_at),
        registered_by_user_id=r.registered_by_user_id, status=CaseStatus(r.status),
        current_step=r.current_step, category=r.category,
        severity=Severity(r.severity) if r.severity else None,
        department_id=r.department_id, supervisor_user_id=r.supervisor_user_id,
        reopen_count=r.reopen_count, repeat_of_id=r.repeat_of_id,
        needs_revisit=r.needs_revisit,
        closed_at=utc(r.closed_at) if r.closed_at else None, version=r.version,
        steps=[row_to_step(s) for s in steps],
        attachments=[
            Attachment(id=a.id, filename=a.filename, mime=a.mime, size=a.size,
                       data=getattr(a, "data", None))
            for a in attachments
        ],
    )


def row_to_step(s: Any) -> StepRecord:
    return StepRecord(
        id=s.id, case_id=s.case_id, step_key=s.step_key, seq=s.seq, due_since=utc(s.due_since),
        deadline=utc(s.deadline) if s.deadline else None, assignee_user_id=s.assignee_user_id,
        actor_user_id=s.actor_user_id, on_behalf_of_user_id=s.on_behalf_of_user_id,
        finished_at=utc(s.finished_at) if s.finished_at else None, outcome=s.outcome,
        data=dict(s.data or {}), breach=s.breach, extensions=list(s.extensions or []),
    )


_FLOWS = {f.value: f for f in FlowKind}
_KINDS = {k.value: k for k in FeedbackKind}
_STATUSES = {x.value: x for x in CaseStatus}
_SEVERITIES = {x.value: x for x in Severity}


def _fast_case(r: Any) -> Case:
    """A case row selected as `_FAST_CASE_COLS` (times and dates as raw column values)."""
    complained = raw_time(r[18])
    intake = Intake(r[4], r[5], r[6], r[7], r[8], r[9], raw_date(r[10]), r[11], r[12],
                    r[13], r[14], r[15], r[16], r[17], complained, _KINDS[r[3]], r[21])
    intake.receiver_employee_id = r[33]
    intake.resolved_on_spot = bool(r[34])
    intake.on_spot_action, intake.on_spot_reaction = r[35], r[36]
    case = Case(
        r[0], r[1], _FLOWS[r[2]], _KINDS[r[3]], intake, raw_time(r[19]), r[20],  # type: ignore[arg-type]
        _STATUSES[r[22]], r[23], r[24], _SEVERITIES[r[25]] if r[25] else None, r[26], r[27],
        r[28], r[29], bool(r[30]), raw_time(r[31]), r[32],
    )
    case.simple_path = bool(r[37])
    case.notice_from, case.notice_due, case.notified_at = (
        raw_time(r[38]), raw_time(r[39]), raw_time(r[40]))
    case.approval_role, case.approval_due = r[41] or "", raw_time(r[42])
    return case


def _fast_steps(rows: Sequence[Any]) -> dict[int, list[StepRecord]]:
    """Step rows selected as (id, case_id, key, seq, due_since, deadline, finished_at, data,
    extensions, assignee, actor, on_behalf, outcome, breach) with raw columns, ordered by
    case and seq, filed by case. A step becomes due when the one before it finishes, so
    the previous finish time is reused instead of parsed again."""
    out: dict[int, list[StepRecord]] = {}
    last_text: Any = None
    last_time: datetime | None = None
    steps: list[StepRecord] = []
    case_id = None
    for r in rows:
        if r[1] != case_id:
            case_id = r[1]
            steps = out[case_id] = []
        due = last_time if r[4] == last_text and last_text is not None else raw_time(r[4])
        last_text = r[6]
        last_time = raw_time(last_text)
        data = r[7]
        ext = r[8]
        steps.append(StepRecord(
            r[0], case_id, r[2], r[3], due, raw_time(r[5]), r[9], r[10], r[11],  # type: ignore[arg-type]
            last_time, r[12],
            (raw_json(data) or {}) if data is not None else {},
            bool(r[13]), (raw_json(ext) or []) if ext is not None else [],
        ))
    return out


_CASE_TABLE = CaseRow.__table__  # type: ignore[attr-defined]
_STEP_TABLE = StepRow.__table__  # type: ignore[attr-defined]
_ATTACHMENT_TABLE = AttachmentRow.__table__  # type: ignore[attr-defined]
_RAW_CASE_COLS = frozenset({"complained_at", "registered_at", "closed_at", "purchase_date",
                            "notice_from", "notice_due", "notified_at", "approval_due"})


def _case_columns() -> list[Any]:
    """The case columns `_fast_case` takes, times and dates as raw column values."""
    c = _CASE_TABLE.c
    return [type_coerce(c[n], String) if n in _RAW_CASE_COLS else c[n] for n in _FAST_CASE_COLS]


def _step_columns(data_col: Any = None) -> list[Any]:
    """The step columns `_fast_steps` takes (`data_col`: instead of the data column)."""
    s = _STEP_TABLE.c
    return [s.id, s.case_id, s.step_key, s.seq, *(
        type_coerce(col, String) for col in (s.due_since, s.deadline, s.finished_at,
                                             s.data if data_col is None else data_col,
                                             s.extensions)),
        s.assignee_user_id, s.actor_user_id, s.on_behalf_of_user_id, s.outcome, s.breach]


class CaseRepository(CaseListQueries):
    def __init__(self, session: Session, seen: Seen | None = None) -> None:
        self._s = session
        self._seen = seen  # the unit of work's: told of every write (storage/tracking.py)

    # ---- writing -------------------------------------------------------------------
    # Core statements with bound parameters: compiled once and cached, so a bulk seed of
    # 100,000 cases is not dominated by statement construction.
    _CASES = CaseRow.__table__  # type: ignore[attr-defined]
    _STEPS = StepRow.__table__  # type: ignore[attr-defined]
    _INSERT_CASE = _CASES.insert().returning(_CASES.c.id)
    _UPDATE_CASE = _CASES.update().where(
        and_(_CASES.c.id == bindparam("b_id"), _CASES.c.version == bindparam("b_version")))
    _UPDATE_STEP = _STEPS.update().where(_STEPS.c.id == bindparam("b_id"))
    _INSERT_GRAM = SearchGramRow.__table__.insert()  # type: ignore[attr-defined]
    # reading one case (`get`): raw statements on the DBAPI cursor (rawsql.py)
    _GET_CASE = RawStatement(select(*_case_columns())
                             .where(_CASE_TABLE.c.id == bindparam("b_id")))
    _GET_STEPS = RawStatement(select(*_step_columns())
                              .where(_STEP_TABLE.c.case_id == bindparam("b_id"))
                              .order_by(_STEP_TABLE.c.seq))
    _GET_ATTACHMENTS = RawStatement(
        select(_ATTACHMENT_TABLE.c.id, _ATTACHMENT_TABLE.c.filename, _ATTACHMENT_TABLE.c.mime,
               _ATTACHMENT_TABLE.c.size)
        .where(_ATTACHMENT_TABLE.c.case_id == bindparam("b_id"))
        .order_by(_ATTACHMENT_TABLE.c.id))

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
        t = _STEP_TABLE.c
        rows = self._conn().execute(
            select(t.assignee_user_id, func.count())
            .where(t.finished_at.is_(None), t.assignee_user_id.in_(list(user_ids)))
            .group_by(t.assignee_user_id)).all()
        return {int(uid): int(n) for uid, n in rows}

    # ---- reading -------------------------------------------------------------------
    def get(self, case_id: int) -> Case | None:
        """The case with its steps and its attachments' listing (not their data).

        Three statements compiled once per dialect and run on the DBAPI cursor of the
        unit of work's transaction, their raw column values converted here (`_fast_case`,
        `_fast_steps`): the ORM's per-statement and per-object work was most of opening
        or printing a case (≈ 2.5 ms of ORM against ≈ 0.3 ms)."""
        dialect, connection = self._dbapi()
        params = {"b_id": case_id}
        rows = self._GET_CASE.fetchall(dialect, connection, params)
        if not rows:
            return None
        case = _fast_case(rows[0])
        steps = self._GET_STEPS.fetchall(dialect, connection, params)
        case.steps = _fast_steps(steps).get(case_id, []) if steps else []
        case.attachments = [Attachment(r[0], r[1], r[2], r[3]) for r in
                            self._GET_ATTACHMENTS.fetchall(dialect, connection, params)]
        return case

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
        rows = self._s.execute(stmt.order_by(CaseRow.registered_at.desc())).all()  # type: ignore[attr-defined]
        return [(r[0], r[1], utc(r[2])) for r in rows]

    # ---- bulk reading for reports ------------------------------------------------------
    def load_period(self, start: datetime | None, end: datetime | None,
                    flow: str | None = "feedback", batch: int = 5000,
                    progress: Any = None, open_at_start: bool = False,
                    data_keys: Sequence[str] | None = None) -> list[Case]:
        """Every case registered in [start, end) with its steps, for KPIs and workbooks.
        `open_at_start` adds the cases registered before `start` and not closed by then
        (their steps, revisits and open state still count in the period). `data_keys`, when
        given, loads what the steps recorded only for those step keys (the rest get {}).

        Reads the case and step tables in id order in batches with plain Core selects of
        raw column values (no ORM, no per-value type processors: the times and JSON are
        converted here, see `rawvalues`), each batch fetched whole. The records carry no
        attachments."""
        conds: list[Any] = []
        c = self._CASES.c
        if start is not None and open_at_start:
            conds.append(or_(c.registered_at >= start, c.closed_at.is_(None),
                             c.closed_at >= start))
        elif start is not None:
            conds.append(c.registered_at >= start)
        if end is not None:
            conds.append(c.registered_at < end)
        if flow:
            conds.append(c.flow == flow)
        total = int(self._conn().execute(select(func.count()).select_from(self._CASES)
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
        c = self._CASES.c
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
        time in id order (the fast raw read of `load_period`)."""
        c = self._CASES.c
        conn = self._conn()
        last_id = 0
        s = self._STEPS.c
        case_cols, step_cols = self._fast_columns(data_keys)
        while True:
            rows = conn.execute(select(*case_cols).where(c.id > last_id, *conds)
                                .order_by(c.id).limit(batch)).all()
            if not rows:
                break
            ids = [r[0] for r in rows]
            last_id = ids[-1]
            steps = _fast_steps(conn.execute(select(*step_cols).where(s.case_id.in_(ids))
                                             .order_by(s.case_id, s.seq)).all())
            cases = []
            for r in rows:
                case = _fast_case(r)
                case.steps = steps.get(r[0], [])
                cases.append(case)
            yield cases

    @classmethod
    def _fast_columns(cls, data_keys: Sequence[str] | None) -> tuple[list[Any], list[Any]]:
        """The case and step columns of the fast raw read (times and JSON as text)."""
        s = cls._STEPS.c
        step_cols = _step_columns(
            None if data_keys is None  # the statistics read the data of a few steps only
            else case_((s.step_key.in_(data_keys), s.data), else_=null()))
        return _case_columns(), step_cols

    _KPI_ONE: tuple[Any, Any] | None = None

    def for_kpis_one(self, case_id: int) -> Case | None:
        """One case as the statistics read it: two statements built once (a case's KPI
        tally is worked out twice in every write of it)."""
        from ..domain.kpi import STEPS_WITH_DATA_USED

        if CaseRepository._KPI_ONE is None:
            case_cols, step_cols = self._fast_columns(STEPS_WITH_DATA_USED)
            s = self._STEPS.c
            CaseRepository._KPI_ONE = (
                select(*case_cols).where(self._CASES.c.id == bindparam("cid")),
                select(*step_cols).where(s.case_id == bindparam("cid")).order_by(s.seq))
        one_case, its_steps = CaseRepository._KPI_ONE
        conn = self._conn()
        row = conn.execute(one_case, {"cid": case_id}).first()
        if row is None:
            return None
        case = _fast_case(row)
        case.steps = _fast_steps(conn.execute(its_steps, {"cid": case_id}).all()).get(
            case_id, [])
        return case

    def for_kpis_by_ids(self, ids: Sequence[int]) -> list[Case]:
        """These cases as the statistics read them (see `load_period`)."""
        from ..domain.kpi import STEPS_WITH_DATA_USED

        out: list[Case] = []
        ids = sorted(set(ids))
        for i in range(0, len(ids), 500):
            for cases in self.iter_where([self._CASES.c.id.in_(ids[i:i + 500])],
                                         data_keys=STEPS_WITH_DATA_USED):
                out += cases
        return out
