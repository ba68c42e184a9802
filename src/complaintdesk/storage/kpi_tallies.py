"""Keeping the running KPI tallies (domain/kpi_tally.py) in step with the records.

Every unit of work that writes a case or a slip notes the owners it touches before
their first write (`KpiTallies.before_case` …: their tally as it was, worked out again
from the records on disk as of when it was written). At commit (`flush`) each touched
owner's tally is worked out from the records as they now are, and the difference goes
into the sums — in the same transaction, so the sums can never disagree with the
records they were made from. `rebuild` makes them all again from the records (first
start after the upgrade, a change of the tally definitions or of the time zone; the
`check` command compares the two). Once a month, `count_month_ends` writes again the
tallies of the complaints open across the month end that passed since their last write,
so the readers need not count that end for them on every read.

Portable SQL: the sums are added with INSERT … ON CONFLICT DO UPDATE, which SQLite and
PostgreSQL both have (other databases: update, then insert what was missing).
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Sequence
from datetime import UTC, datetime, timedelta, tzinfo
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import (
    BigInteger,
    Connection,
    Table,
    bindparam,
    delete,
    func,
    or_,
    select,
    text,
)
from sqlalchemy import case as sql_case
from sqlmodel import Session

from ..domain.kpi_index import KpiIndex, month_bounds
from ..domain.kpi_model import (
    CATEGORY,
    CHANNEL,
    DEPARTMENT,
    EMPLOYEE,
    OVERALL,
    SEVERITY,
    KpiLookups,
    MonthKey,
    shift_month,
)
from ..domain.kpi_tally import (
    FIELD_INDEX,
    FIELDS,
    TALLY_VERSION,
    OpenFigures,
    OpenState,
    OwnerTally,
    add_rows,
    expand,
    from_micros,
    micros,
    month_int,
    open_at,
    open_figures,
    owner_tally,
)
from ..domain.kpi_tally_read import Medians
from ..domain.records import FaultSlip
from .tables import (
    KPI_DURATION,
    KPI_MEDIAN,
    KPI_OPEN,
    KPI_OWNER,
    KPI_TALLY,
    CaseRow,
    FaultSlipRow,
    SettingRow,
)

log = logging.getLogger(__name__)

STATE_KEY = "kpi_tally_state"  # setting: "<TALLY_VERSION>:<time zone>" when the sums hold
Rows = dict[tuple[int, str, str], list[int]]


def tally_state(tz_name: str) -> str:
    return f"{TALLY_VERSION}:{tz_name}"


def _tz_name(session: Session) -> str:
    row = session.get(SettingRow, "timezone")
    return str(row.value) if row is not None and row.value else "Asia/Shanghai"


class KpiTallies:
    """The tallies of one unit of work's writes (see the module docstring)."""

    def __init__(self, session: Session, now: Callable[[], datetime] | None) -> None:
        self._s = session
        self._now = now
        self._old: dict[str, OwnerTally | None] = {}
        self._months: KpiIndex | None = None

    # ---- noting what is about to change ------------------------------------------------
    def case_added(self, case_id: int) -> None:
        self._old.setdefault(f"c{case_id}", None)

    def before_case(self, case_id: int) -> None:
        key = f"c{case_id}"
        if key not in self._old:
            self._old[key] = self._tally_on_disk(key)

    def before_cases(self, case_ids: Sequence[int]) -> None:
        """`before_case` for many cases, their tallies worked out in batches."""
        conn = self._s.connection()
        keys = [f"c{i}" for i in case_ids if f"c{i}" not in self._old]
        cases = CaseRow.__table__  # type: ignore[attr-defined]
        for i in range(0, len(keys), 500):
            chunk = keys[i:i + 500]
            if conn.dialect.name != "sqlite":  # as in `_tally_on_disk`; in id order, so
                # two PCs doing this at once queue instead of deadlocking
                conn.execute(select(cases.c.id).where(
                    cases.c.id.in_([int(k[1:]) for k in chunk])).order_by(cases.c.id)
                    .with_for_update())
            written = {o: from_micros(int(w)) for o, w in conn.execute(
                select(KPI_OWNER.c.owner, KPI_OWNER.c.written_us).where(
                    KPI_OWNER.c.owner.in_(chunk)))}
            found = self._tallies(list(written), written)
            for k in chunk:
                self._old[k] = found.get(k)

    def slip_added(self, slip: FaultSlip) -> None:
        if slip.case_id is not None:
            self.before_case(slip.case_id)  # the case's tally holds its slips
        else:
            self._old.setdefault(f"s{slip.id}", None)

    def before_slip(self, slip: FaultSlip) -> None:
        if slip.case_id is not None:
            self.before_case(slip.case_id)
        else:
            key = f"s{slip.id}"
            if key not in self._old:
                self._old[key] = self._tally_on_disk(key)

    # ---- at commit ----------------------------------------------------------------------
    def flush(self) -> None:
        """Put the difference each touched owner's change makes into the sums."""
        if not self._old:
            return
        now = self._now() if self._now is not None else datetime.now(UTC)
        keys = list(self._old)
        new = self._tallies(keys, {k: now for k in keys})
        delta: Rows = {}
        for key in keys:
            old = self._old[key]
            if old is not None:
                add_rows(delta, expand(old.counts, -1))
            fresh = new.get(key)
            if fresh is not None:
                add_rows(delta, expand(fresh.counts))
        conn = self._s.connection()
        add_to_sums(conn, delta)
        write_owner_rows(conn, {k: now for k in keys}, new,
                         [int(k[1:]) for k in keys if k[0] == "c"])
        self._old.clear()

    # ---- working tallies out from the records -------------------------------------------
    def months(self) -> KpiIndex:
        if self._months is None:
            self._months = KpiIndex([], [], ZoneInfo(_tz_name(self._s)), KpiLookups())
        return self._months

    def _tally_on_disk(self, key: str) -> OwnerTally | None:
        conn = self._s.connection()
        if conn.dialect.name != "sqlite":
            # Several PCs: hold the owner's row until commit, so a second transaction
            # changing it (a slip of the case, say) waits and then reads what this one
            # wrote, instead of both taking the same "before" out of the sums. SQLite
            # needs nothing: a writing unit of work holds the whole file (BEGIN IMMEDIATE).
            table = CaseRow.__table__ if key[0] == "c" else FaultSlipRow.__table__  # type: ignore[attr-defined]
            conn.execute(select(table.c.id).where(table.c.id == int(key[1:]))
                         .with_for_update())
        written = conn.execute(_WRITTEN, {"o": key}).scalar_one_or_none()
        if written is None:
            return None  # never tallied (new, or the sums are being rebuilt)
        return self._tallies([key], {key: from_micros(int(written))}).get(key)

    def _tallies(self, keys: Sequence[str], at: dict[str, datetime]
                 ) -> dict[str, OwnerTally]:
        """The tallies of these owners from the records on disk (an owner gone: none)."""
        from .repo_cases import CaseRepository
        from .repo_slips import SlipRepository

        cases_repo, slips_repo = CaseRepository(self._s), SlipRepository(self._s)
        case_ids = [int(k[1:]) for k in keys if k[0] == "c"]
        slip_ids = [int(k[1:]) for k in keys if k[0] == "s"]
        if len(keys) == 1 and case_ids:  # one case (nearly every write): statements built once
            one = cases_repo.for_kpis_one(case_ids[0])
            if one is None:
                return {}
            return {keys[0]: owner_tally(one, slips_repo.for_kpis_of_case(case_ids[0]),
                                         self.months(), at[keys[0]])}
        by_case: dict[int, list[FaultSlip]] = {}
        for s in slips_repo.for_kpis_of_cases(case_ids):
            by_case.setdefault(s.case_id, []).append(s)  # type: ignore[arg-type]
        months = self.months()
        out: dict[str, OwnerTally] = {}
        for case in cases_repo.for_kpis_by_ids(case_ids):
            key = f"c{case.id}"
            out[key] = owner_tally(case, by_case.get(case.id, []), months, at[key])  # type: ignore[arg-type]
        if slip_ids:
            t = slips_repo._T.c
            for s in slips_repo.for_kpis_where(t.id.in_(slip_ids), t.case_id.is_(None)):
                key = f"s{s.id}"
                out[key] = owner_tally(None, [s], months, at[key])
        return out


_WRITTEN = select(KPI_OWNER.c.written_us).where(KPI_OWNER.c.owner == bindparam("o"))


# ---- writing the sums ------------------------------------------------------------------
_UPSERTS: dict[str, Any] = {}


def _upsert(conn: Connection, table: Table, keys: Sequence[str], add: Sequence[str],
            replace: Sequence[str] = ()) -> Any:
    """INSERT … ON CONFLICT (keys) DO UPDATE: `add` columns summed, `replace` replaced;
    None for a dialect without it."""
    name = conn.dialect.name
    cache_key = f"{name}:{table.name}"
    if cache_key in _UPSERTS:
        return _UPSERTS[cache_key]
    if name == "sqlite":
        from sqlalchemy.dialects.sqlite import insert
    elif name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert  # type: ignore[assignment]
    else:
        _UPSERTS[cache_key] = None
        return None
    stmt = insert(table)
    stmt = stmt.on_conflict_do_update(index_elements=list(keys), set_={
        **{c: table.c[c] + stmt.excluded[c] for c in add},
        **{c: stmt.excluded[c] for c in replace}})
    _UPSERTS[cache_key] = stmt
    return stmt


_TALLY_KEYS = ("month", "dim", "key")


def add_to_sums(conn: Connection, delta: Rows) -> None:
    # in key order: two PCs adding to the same rows lock them in the same order, so on
    # PostgreSQL one waits for the other instead of both deadlocking
    rows = [{"month": m, "dim": d, "key": k, **dict(zip(FIELDS, v, strict=True))}
            for (m, d, k), v in sorted(delta.items()) if any(v)]
    if not rows:
        return
    stmt = _upsert(conn, KPI_TALLY, _TALLY_KEYS, FIELDS)
    if stmt is not None:
        conn.execute(stmt, rows)
        return
    c = KPI_TALLY.c
    update = KPI_TALLY.update().where(
        c.month == bindparam("b_month"), c.dim == bindparam("b_dim"),
        c.key == bindparam("b_key")).values({f: c[f] + bindparam(f) for f in FIELDS})
    for r in rows:
        done = conn.execute(update, {"b_month": r["month"], "b_dim": r["dim"],
                                     "b_key": r["key"], **{f: r[f] for f in FIELDS}})
        if done.rowcount == 0:
            conn.execute(KPI_TALLY.insert(), r)


_SEL_MONTH = select(KPI_DURATION.c.month).where(KPI_DURATION.c.case_id == bindparam("cid"))
_DEL_OPEN = delete(KPI_OPEN).where(KPI_OPEN.c.case_id == bindparam("cid"))
_DEL_DURATION = delete(KPI_DURATION).where(KPI_DURATION.c.case_id == bindparam("cid"))
_DEL_OWNER = delete(KPI_OWNER).where(KPI_OWNER.c.owner == bindparam("o"))
_DEL_MEDIAN = delete(KPI_MEDIAN).where(KPI_MEDIAN.c.scope == bindparam("sc"))


def write_owner_rows(conn: Connection, written: dict[str, datetime],
                     tallies: dict[str, OwnerTally], case_ids: Sequence[int],
                     fresh: bool = False) -> None:
    """When each owner was tallied, and its open state and durations (replaced).
    Statements built once, run for many rows: a write of one case costs a few of them."""
    months: set[int] = set()
    if not fresh and case_ids:
        ids = [{"cid": i} for i in case_ids]
        for p in ids:
            months.update(conn.execute(_SEL_MONTH, p).scalars())
        conn.execute(_DEL_OPEN, ids)
        conn.execute(_DEL_DURATION, ids)
    owners = [{"owner": k, "written_us": micros(at)} for k, at in written.items()
              if k in tallies]
    gone = [{"o": k} for k in written if k not in tallies]
    if gone:
        conn.execute(_DEL_OWNER, gone)
    if owners:
        stmt = None if fresh else _upsert(conn, KPI_OWNER, ("owner",), (), ("written_us",))
        if stmt is not None:
            conn.execute(stmt, owners)
        else:
            if not fresh:
                conn.execute(_DEL_OWNER, [{"o": o["owner"]} for o in owners])
            conn.execute(KPI_OWNER.insert(), owners)
    opens = [_open_row(t.open) for t in tallies.values() if t.open is not None]
    if opens:
        conn.execute(KPI_OPEN.insert(), opens)
    durations = [{"case_id": d.case_id, "month": d.month, "year": d.month // 100,
                  "handled_h": d.handled_h, "closed_h_m": d.closed_h_m,
                  "closed_h_y": d.closed_h_y}
                 for t in tallies.values() if (d := t.durations) is not None]
    if durations:
        conn.execute(KPI_DURATION.insert(), durations)
    if not fresh:  # the medians those durations were part of are worked out again
        months.update(d["month"] for d in durations)
        scopes = [{"sc": f"{col}:{scope}"} for m in months for col in _MEDIAN_COLUMNS
                  for scope in (m, f"y{m // 100}")]
        if scopes:
            conn.execute(_DEL_MEDIAN, scopes)


_MEDIAN_COLUMNS = ("handled_h", "closed_h_m", "closed_h_y")


_SIG = (DEPARTMENT, CATEGORY, SEVERITY, CHANNEL)


def _open_row(st: OpenState) -> dict[str, Any]:
    sig = dict(st.target[:4])
    return {"case_id": st.case_id, "written_us": micros(st.written_at),
            "deadline_us": micros(st.deadline) if st.deadline is not None else None,
            "until_us": micros(st.until) if st.until is not None else None,
            **{dim: sig[dim] for dim in _SIG},
            "employees": json.dumps([k for _d, k in st.target[4:]], separators=(",", ":")),
            "sig": "\x1f".join(sig[dim] for dim in _SIG)}


def _open_state(r: Any) -> OpenState:
    """A kpi_open row (case_id, written_us, deadline_us, until_us, the four keys,
    employees) as the domain's `OpenState`."""
    target = (*zip(_SIG, r[4:8], strict=True),
              *((EMPLOYEE, k) for k in json.loads(r[8])))
    return OpenState(r[0], from_micros(r[1]), target,  # type: ignore[arg-type]
                     from_micros(r[2]) if r[2] is not None else None,
                     from_micros(r[3]) if r[3] is not None else None)


# the reader's statements, built once
_KEPT_MEDIANS = select(KPI_MEDIAN.c.scope, KPI_MEDIAN.c.n, KPI_MEDIAN.c.value).where(
    KPI_MEDIAN.c.scope.in_(bindparam("scopes", expanding=True)))
_ROWS = select(*(KPI_TALLY.c[n] for n in (*_TALLY_KEYS, *FIELDS))).where(
    KPI_TALLY.c.month >= bindparam("first"), KPI_TALLY.c.month <= bindparam("last"))
_OPEN_SINCE = select(func.min(KPI_OPEN.c.written_us))
_OPEN_STATEMENTS: dict[bool, tuple[Any, Any, Any]] = {}


def _open_statements(month_end: bool) -> tuple[Any, Any, Any]:
    """The open complaints at an instant `a`: by key, by employees, and those whose open
    step may have changed since their tally (statements built once)."""
    found = _OPEN_STATEMENTS.get(month_end)
    if found is not None:
        return found
    c = KPI_OPEN.c
    a = bindparam("a", type_=BigInteger)
    late = c.deadline_us < a
    cols = [func.count(), func.sum(sql_case((late, 1), else_=0)),
            func.sum(sql_case((late, a - c.deadline_us), else_=0))]
    counted = [or_(c.until_us.is_(None), c.until_us >= a)]
    stale = [c.until_us < a]
    if month_end:  # the others counted that month end in their own tally
        counted.append(c.written_us < a)
        stale.append(c.written_us < a)
    found = _OPEN_STATEMENTS[month_end] = (
        select(c.sig, *cols).where(*counted).group_by(c.sig),
        select(c.employees, *cols).where(*counted, c.employees != "[]")
        .group_by(c.employees),
        select(c.case_id, c.written_us, c.deadline_us, c.until_us, *(c[d] for d in _SIG),
               c.employees).where(*stale))
    return found


# ---- month ends ------------------------------------------------------------------------
def month_ends_due(session: Session, now: datetime, tz: tzinfo) -> bool:
    """Whether an open complaint's tally was written before the last month end (by
    `now`): the readers count that end for it themselves until `count_month_ends`."""
    start, _ = month_bounds(_local_month(now, tz), tz)
    first = session.connection().execute(_OPEN_SINCE).scalar_one_or_none()
    return first is not None and int(first) < micros(start)


def count_month_ends(tracker: KpiTallies, session: Session, now: datetime, tz: tzinfo) -> int:
    """Note for `tracker` (a unit of work's, whose commit writes them) the open complaints
    whose tallies were written before the last month end: written again, their tallies
    count the month ends passed since (open at the end, how overdue) and the readers need
    not (`month_end_figures`). Once a month, for the complaints open across it; returns
    how many."""
    start, _ = month_bounds(_local_month(now, tz), tz)
    ids = list(session.connection().execute(
        select(KPI_OPEN.c.case_id).where(KPI_OPEN.c.written_us < micros(start))
        .order_by(KPI_OPEN.c.case_id)).scalars())
    tracker.before_cases(ids)
    return len(ids)


def _local_month(at: datetime, tz: tzinfo) -> MonthKey:
    local = at.astimezone(tz)
    return (local.year, local.month)


# ---- rebuilding ------------------------------------------------------------------------
_STATE = select(SettingRow.__table__.c.value).where(  # type: ignore[attr-defined]
    SettingRow.__table__.c.key == STATE_KEY)  # type: ignore[attr-defined]


def tallies_current(session: Session, tz_name: str) -> bool:
    """Whether the sums hold for this version and time zone (as committed, or flushed:
    read on the connection, no ORM object, as every report asks it first)."""
    return session.connection().execute(_STATE).scalar_one_or_none() == tally_state(tz_name)


def rebuild_if_due(session: Session, tz_name: str, now: datetime,
                   progress: Callable[[int, int], None] | None = None) -> int | None:
    """`rebuild` unless the tallies hold for this time zone; None when they did. Several
    PCs starting at once on PostgreSQL: one makes them, the others wait and find them
    made (a transaction-scoped advisory lock; SQLite's BEGIN IMMEDIATE already queues)."""
    if session.connection().dialect.name == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(727275)"))
    if tallies_current(session, tz_name):
        return None
    return rebuild(session, now, progress)


def rebuild(session: Session, now: datetime, progress: Callable[[int, int], None] | None = None
            ) -> int:
    """Make every tally again from the records (in the caller's transaction); returns
    how many owners were tallied."""
    from .repo_cases import CaseRepository
    from .repo_slips import SlipRepository

    conn = session.connection()
    for table in (KPI_TALLY, KPI_OWNER, KPI_OPEN, KPI_DURATION, KPI_MEDIAN):
        conn.execute(delete(table))
    cases_repo, slips_repo = CaseRepository(session), SlipRepository(session)
    tz_name = _tz_name(session)
    months = KpiIndex([], [], ZoneInfo(tz_name), KpiLookups())
    total = int(conn.execute(select(func.count()).select_from(CaseRow.__table__))  # type: ignore[attr-defined]
                .scalar_one())
    sums: Rows = {}
    done = 0
    for cases in cases_repo.iter_where([], batch=2000, data_keys=_data_keys()):
        by_case: dict[int, list[FaultSlip]] = {}
        for s in slips_repo.for_kpis_of_cases([c.id for c in cases]):  # type: ignore[misc]
            by_case.setdefault(s.case_id, []).append(s)  # type: ignore[arg-type]
        tallies = {f"c{c.id}": owner_tally(c, by_case.get(c.id, []), months, now)  # type: ignore[arg-type]
                   for c in cases}
        for t in tallies.values():
            add_rows(sums, expand(t.counts))
        write_owner_rows(conn, {k: now for k in tallies}, tallies, [], fresh=True)
        done += len(cases)
        if progress is not None:
            progress(done, total)
    loose = slips_repo.for_kpis_where(slips_repo._T.c.case_id.is_(None))
    tallies = {f"s{s.id}": owner_tally(None, [s], months, now) for s in loose}
    for t in tallies.values():
        add_rows(sums, expand(t.counts))
    write_owner_rows(conn, {k: now for k in tallies}, tallies, [], fresh=True)
    rows = [{"month": m, "dim": d, "key": k, **dict(zip(FIELDS, v, strict=True))}
            for (m, d, k), v in sums.items() if any(v)]
    for i in range(0, len(rows), 2000):
        conn.execute(KPI_TALLY.insert(), rows[i:i + 2000])
    row = session.get(SettingRow, STATE_KEY)
    if row is None:
        session.add(SettingRow(key=STATE_KEY, value=tally_state(tz_name)))
    else:
        row.value = tally_state(tz_name)
        session.add(row)
    session.flush()
    return done + len(tallies)


def verify(session: Session, limit: int = 20) -> tuple[int, list[str]]:
    """Count every owner again as of when it was last tallied and compare with the sums
    kept: (owners counted, problems in Chinese). Nothing is written."""
    from .repo_cases import CaseRepository
    from .repo_slips import SlipRepository

    conn = session.connection()
    written = {k: from_micros(int(v)) for k, v in conn.execute(
        select(KPI_OWNER.c.owner, KPI_OWNER.c.written_us))}
    months = KpiIndex([], [], ZoneInfo(_tz_name(session)), KpiLookups())
    cases_repo, slips_repo = CaseRepository(session), SlipRepository(session)
    sums: Rows = {}
    opens: set[int] = set()
    durations: set[int] = set()
    problems: list[str] = []
    counted = 0

    def count(key: str, tally: OwnerTally) -> None:
        add_rows(sums, expand(tally.counts))
        if tally.open is not None:
            opens.add(tally.open.case_id)
        if tally.durations is not None:
            durations.add(tally.durations.case_id)

    for cases in cases_repo.iter_where([], batch=2000, data_keys=_data_keys()):
        by_case: dict[int, list[FaultSlip]] = {}
        for sl in slips_repo.for_kpis_of_cases([c.id for c in cases]):  # type: ignore[misc]
            by_case.setdefault(sl.case_id, []).append(sl)  # type: ignore[arg-type]
        for c in cases:
            at = written.get(f"c{c.id}")
            if at is None:
                problems.append(f"案件 #{c.id} 未计入统计汇总")
                continue
            count(f"c{c.id}", owner_tally(c, by_case.get(c.id, []), months, at))  # type: ignore[arg-type]
            counted += 1
    for sl in slips_repo.for_kpis_where(slips_repo._T.c.case_id.is_(None)):
        at = written.get(f"s{sl.id}")
        if at is None:
            problems.append(f"过失单 #{sl.id} 未计入统计汇总")
            continue
        count(f"s{sl.id}", owner_tally(None, [sl], months, at))
        counted += 1
    kept = {k: v for k, v in sums_on_disk(conn).items() if any(v)}
    recount = {k: v for k, v in sums.items() if any(v)}
    for k in sorted(set(kept) | set(recount)):
        a, b = kept.get(k, [0] * len(FIELDS)), recount.get(k, [0] * len(FIELDS))
        for name, x, y in zip(FIELDS, a, b, strict=True):
            if x != y:
                problems.append(f"统计汇总 {k[0]} {k[1]}={k[2] or '（全部）'} {name}："
                                f"记录为 {x}，重新计数为 {y}")
    if set(conn.execute(select(KPI_OPEN.c.case_id)).scalars()) != opens:
        problems.append("统计汇总：未结案件的记录与案件不符")
    if set(conn.execute(select(KPI_DURATION.c.case_id)).scalars()) != durations:
        problems.append("统计汇总：处理时长的记录与案件不符")
    return counted, problems[:limit] + ([f"……另有 {len(problems) - limit} 处"]
                                        if len(problems) > limit else [])


def _data_keys() -> Sequence[str]:
    from ..domain.kpi_index import STEPS_WITH_DATA_USED

    return STEPS_WITH_DATA_USED


def sums_on_disk(conn: Connection) -> Rows:
    """Every stored sum (for the check against a rebuild)."""
    cols = [KPI_TALLY.c[n] for n in (*_TALLY_KEYS, *FIELDS)]
    return {(r[0], r[1], r[2]): list(r[3:]) for r in conn.execute(select(*cols))}


# ---- reading ---------------------------------------------------------------------------
class TallyReader:
    """What the year's figures are read from (see `domain/kpi_tally.yearly_from_tallies`)."""

    def __init__(self, session: Session, tz: tzinfo) -> None:
        self._s = session
        self.tz = tz
        self.worked_out: dict[str, tuple[int, float | None]] = {}  # medians not kept yet
        self.kept: dict[str, tuple[int, float | None]] | None = None  # see `keep_medians`

    def read_kept_medians(self, scopes: Sequence[str]) -> None:
        """Read these kept medians in one statement (`median` then looks here first)."""
        self.kept = {r[0]: (r[1], r[2]) for r in self._s.connection().execute(
            _KEPT_MEDIANS, {"scopes": list(scopes)}).all()}

    def rows(self, first: MonthKey, last: MonthKey) -> Rows:
        return {(r[0], r[1], r[2]): r[3:] for r in self._s.connection().execute(
            _ROWS, {"first": month_int(first), "last": month_int(last)}).all()}

    def open_since(self) -> datetime | None:
        """When the earliest tally of a still-open complaint was written."""
        first = self._s.connection().execute(_OPEN_SINCE).scalar_one_or_none()
        return from_micros(int(first)) if first is not None else None

    def open_at(self, as_of: datetime, month_end: bool) -> OpenFigures:
        """The complaints open at `as_of` that their tallies did not count (see
        `domain/kpi_tally.open_figures`), added up in SQL by group; the few whose open
        step changed since their tally was written are worked out from the case."""
        by_sig, by_employees, stale_rows = _open_statements(month_end)
        params = {"a": micros(as_of)}
        conn = self._s.connection()
        out = OpenFigures()
        counts, late, late_us = out.n, out.overdue, out.overdue_us
        whole = (OVERALL, "")
        groups: dict[str, list[tuple[str, str]]] = {}  # a sig's groups, worked out once

        def add(gs: Sequence[tuple[str, str]], n: int, overdue: int, us: int) -> None:
            for g in gs:
                counts[g] = counts.get(g, 0) + n
                if overdue:
                    late[g] = late.get(g, 0) + overdue
                    late_us[g] = late_us.get(g, 0) + us

        for sig, n, overdue, us in conn.execute(by_sig, params).all():  # fetched at once
            gs = groups.get(sig)
            if gs is None:
                gs = groups[sig] = [whole, *zip(_SIG, sig.split("\x1f"), strict=True)]
            add(gs, int(n), int(overdue or 0), int(us or 0))  # PostgreSQL: SUM is numeric
        for emps, n, overdue, us in conn.execute(by_employees, params).all():
            add([(EMPLOYEE, k) for k in json.loads(emps)], int(n), int(overdue or 0),
                int(us or 0))
        stale = [_open_state(r) for r in conn.execute(stale_rows, params).all()]
        if stale:
            from .repo_cases import CaseRepository

            cases = {x.id: x for x in CaseRepository(self._s).for_kpis_by_ids(
                [st.case_id for st in stale])}

            def overdue_of(st: OpenState, at: datetime) -> timedelta | None:
                return open_at(cases[st.case_id], at)[1]

            out.merge(open_figures(stale, as_of, overdue_of, month_end))
        return out

    def overdue_candidates(self, now: datetime) -> list[int]:
        """The open complaints that may be past their deadline now (those whose open
        step may have changed since their tally included)."""
        c = KPI_OPEN.c
        a = micros(now)
        return list(self._s.connection().execute(select(c.case_id).where(
            or_(c.deadline_us < a, c.until_us < a))).scalars())

    def median(self, column: str, month: int | None, year: int | None, n: int
               ) -> float | None:
        """The median of a duration column over `n` values (the count the sums hold):
        kept in kpi_median, else worked out (and noted in `worked_out`, for `keep`)."""
        if n <= 0:
            return None
        scope = f"{column}:{month if month is not None else f'y{year}'}"
        kept = self.kept.get(scope) if self.kept is not None else self._s.connection().execute(
            select(KPI_MEDIAN.c.n, KPI_MEDIAN.c.value).where(
                KPI_MEDIAN.c.scope == scope)).first()
        if kept is not None and kept[0] == n:
            return kept[1]
        value = self._median(column, month, year, n)
        self.worked_out[scope] = (n, value)
        return value

    def _median(self, column: str, month: int | None, year: int | None, n: int
                ) -> float | None:
        col = KPI_DURATION.c[column]
        where = [col.is_not(None)]
        where.append(KPI_DURATION.c.month == month if month is not None
                     else KPI_DURATION.c.year == year)
        stmt = select(col).where(*where).order_by(col).offset((n - 1) // 2).limit(
            1 if n % 2 else 2)
        vals = [float(v) for v in self._s.connection().execute(stmt).scalars()]
        if not vals:
            return None
        return vals[0] if len(vals) == 1 else (vals[0] + vals[1]) / 2


def keep_medians(session: Session, worked_out: dict[str, tuple[int, float | None]]) -> None:
    """Keep medians a reader worked out (in a transaction of the caller's)."""
    if not worked_out:
        return
    conn = session.connection()
    rows = [{"scope": k, "n": n, "value": v} for k, (n, v) in worked_out.items()]
    stmt = _upsert(conn, KPI_MEDIAN, ("scope",), (), ("n", "value"))
    if stmt is not None:  # two PCs keeping the same one: the later wins, no error
        conn.execute(stmt, rows)
        return
    conn.execute(delete(KPI_MEDIAN).where(KPI_MEDIAN.c.scope.in_(list(worked_out))))
    conn.execute(KPI_MEDIAN.insert(), rows)


def month_end_figures(reader: TallyReader, months: Sequence[MonthKey], now: datetime
                      ) -> dict[int, OpenFigures]:
    """The open complaints counted at the ends of these months (those ended by `now`) that
    no tally counted: the ones last written before that end (see `period_from_tallies`)."""
    since = reader.open_since()
    out: dict[int, OpenFigures] = {}
    for ym in months:
        _, end = month_bounds(ym, reader.tz)
        if end <= now and since is not None and since < end:
            out[month_int(ym)] = reader.open_at(end, True)
    return out


def _month_medians(reader: TallyReader, rows: Rows, months: Sequence[MonthKey],
                   more_scopes: Sequence[str] = ()) -> dict[int | str, Medians]:
    """The whole's medians of these months (kept ones read in one statement with
    `more_scopes`, the others worked out)."""
    mis = [month_int(ym) for ym in months]
    reader.read_kept_medians([*(f"{col}:{mi}" for mi in mis for col in ("handled_h", "closed_h_m")),
                              *more_scopes])
    hi, ci = FIELD_INDEX["handled"], FIELD_INDEX["closed_m"]
    out: dict[int | str, Medians] = {}
    for mi in mis:
        whole = rows.get((mi, OVERALL, ""))
        if whole is not None:
            out[mi] = Medians(reader.median("handled_h", mi, None, whole[hi]),
                              reader.median("closed_h_m", mi, None, whole[ci]))
    return out


def year_inputs(reader: TallyReader, year: int, now: datetime
                ) -> tuple[Rows, OpenFigures, dict[int, OpenFigures], dict[int | str, Medians]]:
    """Everything `yearly_from_tallies` needs besides volumes and names."""
    months = [(year, m) for m in range(1, 13)]
    rows = reader.rows(months[0], months[-1])
    month_ends = month_end_figures(reader, months, now)
    open_now = reader.open_at(now, False)
    medians = _month_medians(reader, rows, months,
                             [f"handled_h:y{year}", f"closed_h_y:y{year}"])
    year_n = {"handled": 0, "closed_y": 0}
    hi, cyi = FIELD_INDEX["handled"], FIELD_INDEX["closed_y"]
    for ym in months:
        whole = rows.get((month_int(ym), OVERALL, ""))
        if whole is not None:
            year_n["handled"] += whole[hi]
            year_n["closed_y"] += whole[cyi]
    medians["year"] = Medians(reader.median("handled_h", None, year, year_n["handled"]),
                              reader.median("closed_h_y", None, year, year_n["closed_y"]))
    return rows, open_now, month_ends, medians


def month_inputs(reader: TallyReader, ym: MonthKey, trend_months: int, now: datetime
                 ) -> tuple[Rows, OpenFigures, dict[int, OpenFigures], dict[int | str, Medians]]:
    """Everything `monthly_from_tallies` needs besides volumes and names: the month, its
    trend and the same month a year before (medians of the three the workbook shows)."""
    months = [shift_month(ym, -i) for i in range(max(13, trend_months) - 1, -1, -1)]
    rows = reader.rows(months[0], ym)
    month_ends = month_end_figures(reader, months, now)
    open_now = reader.open_at(now, False)
    medians = _month_medians(reader, rows, [shift_month(ym, -12), shift_month(ym, -1), ym])
    return rows, open_now, month_ends, medians
