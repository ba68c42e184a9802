"""Reading the running KPI tallies (DESIGN §8, §10): the sums of a span of months, the
complaints open at an instant their tallies did not count (added up in SQL by group: the
same count as `domain/kpi/figures.open_figures`), the medians of the whole (kept once
worked out). `storage/kpi_tallies.py` keeps the sums in step with every write;
`storage/kpi_maintenance.py` rebuilds and checks them."""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import datetime, timedelta, tzinfo
from typing import Any

from sqlalchemy import (
    BigInteger,
    Connection,
    Table,
    Text,
    bindparam,
    cast,
    delete,
    func,
    or_,
    select,
)
from sqlalchemy import case as sql_case
from sqlmodel import Session

from ..domain.kpi.calendar import (
    MonthKey,
    from_micros,
    micros,
    month_bounds,
    month_int,
    shift_month,
)
from ..domain.kpi.figures import Medians, OpenFigures, Rows, open_figures
from ..domain.kpi.shapes import CATEGORY, CHANNEL, DEPARTMENT, EMPLOYEE, OVERALL, SEVERITY
from ..domain.kpi.tally import FIELD_INDEX, FIELDS, TALLY_VERSION, OpenState, overdue_at
from .rawsql import RawStatement
from .tables import KPI_DURATION, KPI_MEDIAN, KPI_OPEN, KPI_TALLY, SettingRow, table_of

STATE_KEY = "kpi_tally_state"  # setting: "<TALLY_VERSION>:<time zone>" when the sums hold


def tally_state(tz_name: str) -> str:
    return f"{TALLY_VERSION}:{tz_name}"



def tallies_current(session: Session, tz_name: str) -> bool:
    """Whether the sums hold for this version and time zone (as committed, or flushed:
    read on the connection, no ORM object, as every report asks it first)."""
    return state_of(session) == tally_state(tz_name)


def state_of(session: Session) -> str | None:
    """The tallies' state setting ("<version>:<time zone>"), None before they were made.
    Its JSON read as text and parsed here (as `Settings.get`: PostgreSQL's driver would
    parse it, SQLite's not)."""
    conn = session.connection()
    rows = _RAW_STATE.fetchall(conn.dialect, conn.connection, {})
    value = json.loads(rows[0][0]) if rows and rows[0][0] is not None else None
    return str(value) if value is not None else None


_UPSERTS: dict[str, Any] = {}


def upsert(conn: Connection, table: Table, keys: Sequence[str], add: Sequence[str],
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
        from sqlalchemy.dialects.postgresql import insert  # type: ignore[assignment]  # sqlalchemy: each dialect's insert() is its own type
    else:
        _UPSERTS[cache_key] = None
        return None
    stmt = insert(table)
    stmt = stmt.on_conflict_do_update(index_elements=list(keys), set_={
        **{c: table.c[c] + stmt.excluded[c] for c in add},
        **{c: stmt.excluded[c] for c in replace}})
    _UPSERTS[cache_key] = stmt
    return stmt


TALLY_KEYS = ("month", "dim", "key")
_SIG = (DEPARTMENT, CATEGORY, SEVERITY, CHANNEL)


def open_row(st: OpenState) -> dict[str, Any]:
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
    return OpenState(r[0], from_micros(r[1]), target,
                     from_micros(r[2]) if r[2] is not None else None,
                     from_micros(r[3]) if r[3] is not None else None)


# the reader's statements, built once
_KEPT_MEDIANS = select(KPI_MEDIAN.c.scope, KPI_MEDIAN.c.n, KPI_MEDIAN.c.value).where(
    KPI_MEDIAN.c.scope.in_(bindparam("scopes", expanding=True)))
_ROWS = select(*(KPI_TALLY.c[n] for n in (*TALLY_KEYS, *FIELDS))).where(
    KPI_TALLY.c.month >= bindparam("first"), KPI_TALLY.c.month <= bindparam("last"))
OPEN_SINCE = select(func.min(KPI_OPEN.c.written_us))
_OPEN_STATEMENTS: dict[bool, tuple[Any, Any, Any]] = {}
# read by every report: on the DBAPI cursor (rawsql.py), compiled once per dialect
_RAW_STATE = RawStatement(select(cast(table_of(SettingRow).c.value, Text)).where(
    table_of(SettingRow).c.key == STATE_KEY))
_RAW_ROWS = RawStatement(_ROWS)
_RAW_KEPT_MEDIANS = RawStatement(_KEPT_MEDIANS)
_RAW_OPEN_SINCE = RawStatement(OPEN_SINCE)


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
    found = _OPEN_STATEMENTS[month_end] = tuple(RawStatement(stmt) for stmt in (
        select(c.sig, *cols).where(*counted).group_by(c.sig),
        select(c.employees, *cols).where(*counted, c.employees != "[]")
        .group_by(c.employees),
        select(c.case_id, c.written_us, c.deadline_us, c.until_us, *(c[d] for d in _SIG),
               c.employees).where(*stale)))
    return found




def open_since_us(session: Session) -> int | None:
    """When the earliest tally of a still-open complaint was written (µs), if any."""
    conn = session.connection()
    rows = _RAW_OPEN_SINCE.fetchall(conn.dialect, conn.connection, {})
    return int(rows[0][0]) if rows and rows[0][0] is not None else None


def sums_on_disk(conn: Connection) -> Rows:
    """Every stored sum (for the check against a rebuild)."""
    cols = [KPI_TALLY.c[n] for n in (*TALLY_KEYS, *FIELDS)]
    return {(r[0], r[1], r[2]): list(r[3:]) for r in conn.execute(select(*cols))}


Inputs = tuple[Rows, OpenFigures, dict[int, OpenFigures], dict[int | str, Medians]]


# ---- reading ---------------------------------------------------------------------------
class TallyReader:
    """What a period's figures are read from (see `domain/kpi/figures.py`), on the
    unit of work's session (`uow.kpis.reader(tz)`)."""

    def __init__(self, session: Session, tz: tzinfo) -> None:
        self._s = session
        self.tz = tz
        self.worked_out: dict[str, tuple[int, float | None]] = {}  # medians not kept yet
        self.kept: dict[str, tuple[int, float | None]] | None = None  # see `keep_medians`

    def read_kept_medians(self, scopes: Sequence[str]) -> None:
        """Read these kept medians in one statement (`median` then looks here first)."""
        conn = self._s.connection()
        self.kept = {r[0]: (r[1], r[2]) for r in _RAW_KEPT_MEDIANS.fetchall(
            conn.dialect, conn.connection, {"scopes": list(scopes)})}

    def rows(self, first: MonthKey, last: MonthKey) -> Rows:
        conn = self._s.connection()
        return {(r[0], r[1], r[2]): r[3:] for r in _RAW_ROWS.fetchall(
            conn.dialect, conn.connection, {"first": month_int(first), "last": month_int(last)})}

    def open_since(self) -> datetime | None:
        """When the earliest tally of a still-open complaint was written."""
        first = open_since_us(self._s)
        return from_micros(int(first)) if first is not None else None

    def open_at(self, as_of: datetime, month_end: bool) -> OpenFigures:
        """The complaints open at `as_of` that their tallies did not count (see
        `domain/kpi/figures.open_figures`), added up in SQL by group; the few whose open
        step changed since their tally was written are worked out from the case."""
        by_sig, by_employees, stale_rows = _open_statements(month_end)
        params = {"a": micros(as_of)}
        conn = self._s.connection()
        out = OpenFigures()
        # per group: [open, overdue, µs overdue]; a sig is one key per dimension of _SIG
        sums: dict[tuple[str, str], list[int]] = {}
        whole = sums[(OVERALL, "")] = [0, 0, 0]
        per_dim: list[dict[str, list[int]]] = [{} for _ in _SIG]
        dialect, dbapi = conn.dialect, conn.connection
        for sig, n, overdue, us in by_sig.fetchall(dialect, dbapi, params):
            n, overdue, us = int(n), int(overdue or 0), int(us or 0)  # PostgreSQL: numeric
            whole[0] += n
            whole[1] += overdue
            whole[2] += us
            for found, key in zip(per_dim, sig.split("\x1f"), strict=True):
                acc = found.get(key)
                if acc is None:
                    found[key] = [n, overdue, us]
                else:
                    acc[0] += n
                    acc[1] += overdue
                    acc[2] += us
        for dim, found in zip(_SIG, per_dim, strict=True):
            for key, acc in found.items():
                sums[(dim, key)] = acc
        for emps, n, overdue, us in by_employees.fetchall(dialect, dbapi, params):
            n, overdue, us = int(n), int(overdue or 0), int(us or 0)
            for key in json.loads(emps):
                acc = sums.get((EMPLOYEE, key))
                if acc is None:
                    sums[(EMPLOYEE, key)] = [n, overdue, us]
                else:
                    acc[0] += n
                    acc[1] += overdue
                    acc[2] += us
        for g, (n, overdue, us) in sums.items():
            if n:  # a group's row counts one at least; the whole only when there is one
                out.n[g] = n
            if overdue:  # as `OpenFigures.add`: only groups with one overdue
                out.overdue[g] = overdue
                out.overdue_us[g] = us
        stale = [_open_state(r) for r in stale_rows.fetchall(dialect, dbapi, params)]
        if stale:
            from .repo_cases import CaseRepository

            cases = {x.id: x for x in CaseRepository(self._s).for_kpis_by_ids(
                [st.case_id for st in stale])}

            def overdue_of(st: OpenState, at: datetime) -> timedelta | None:
                return overdue_at(cases[st.case_id], at)[2]

            out.merge(open_figures(stale, as_of, overdue_of, month_end))
        return out

    def month_inputs(self, ym: MonthKey, trend_months: int, now: datetime) -> Inputs:
        """Everything `figures.monthly_from_tallies` needs besides volumes and names."""
        return month_inputs(self, ym, trend_months, now)

    def year_inputs(self, year: int, now: datetime) -> Inputs:
        """Everything `figures.yearly_from_tallies` needs besides volumes and names."""
        return year_inputs(self, year, now)

    def month_end_figures(self, months: Sequence[MonthKey], now: datetime
                          ) -> dict[int, OpenFigures]:
        """The open complaints at these month ends that no tally counted."""
        return month_end_figures(self, months, now)

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
    stmt = upsert(conn, KPI_MEDIAN, ("scope",), (), ("n", "value"))
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


def year_inputs(reader: TallyReader, year: int, now: datetime) -> Inputs:
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
                 ) -> Inputs:
    """Everything `monthly_from_tallies` needs besides volumes and names: the month, its
    trend and the same month a year before (medians of the three the workbook shows)."""
    months = [shift_month(ym, -i) for i in range(max(13, trend_months) - 1, -1, -1)]
    rows = reader.rows(months[0], ym)
    month_ends = month_end_figures(reader, months, now)
    open_now = reader.open_at(now, False)
    medians = _month_medians(reader, rows, [shift_month(ym, -12), shift_month(ym, -1), ym])
    return rows, open_now, month_ends, medians
