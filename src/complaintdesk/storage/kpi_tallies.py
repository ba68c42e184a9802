"""The store of the running KPI tallies (domain/kpi/tally.py): kept in step with the records.

Every unit of work that writes a case or a slip notes the owners it touches before
their first write (`KpiTallies.before_case` …: their tally as it was, worked out again
from the records on disk as of when it was written). At commit (`flush`) each touched
owner's tally is worked out from the records as they now are, and the difference goes
into the sums — in the same transaction, so the sums can never disagree with the
records they were made from. `rebuild` makes them all again from the records (first
start after the upgrade, a change of the tally definitions or of the time zone; the
`check` command compares the two) and, once a month, `count_month_ends` writes again
the tallies of the complaints open across the month end that passed since their last
write, so the readers need not count that end for them on every read: both in
`storage/kpi_maintenance.py`. Reading: `storage/kpi_reader.py` (`uow.kpis.reader`).

Portable SQL: the sums are added with INSERT … ON CONFLICT DO UPDATE, which SQLite and
PostgreSQL both have (other databases: update, then insert what was missing).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from datetime import UTC, datetime, tzinfo
from zoneinfo import ZoneInfo

from sqlalchemy import Connection, bindparam, delete, select
from sqlmodel import Session

from ..domain.kpi.calendar import MonthCalendar, from_micros, micros
from ..domain.kpi.figures import Rows, add_rows, expand
from ..domain.kpi.tally import FIELDS, OwnerTally, owner_tally
from ..domain.records import FaultSlip
from .kpi_reader import (
    STATE_KEY,
    TALLY_KEYS,
    TallyReader,
    keep_medians,
    open_row,
    state_of,
    tallies_current,
    tally_state,
    upsert,
)
from .tables import (
    KPI_DURATION,
    KPI_MEDIAN,
    KPI_OPEN,
    KPI_OWNER,
    KPI_TALLY,
    CaseRow,
    FaultSlipRow,
    SettingRow,
    table_of,
)

__all__ = ["STATE_KEY", "KpiTallies", "TallyReader", "add_to_sums", "tallies_current",
           "tally_state", "write_owner_rows"]

log = logging.getLogger(__name__)

def tz_name_of(session: Session) -> str:
    """The time zone the tallies count local months in: the one they were made for
    (their state), else the setting's — so a write always adds to sums of its own
    calendar, also in an app started before the time zone setting changed."""
    state = state_of(session)
    if state and ":" in str(state):
        return str(state).split(":", 1)[1]
    return setting_tz_name(session)


def setting_tz_name(session: Session) -> str:
    row = session.get(SettingRow, "timezone")
    return str(row.value) if row is not None and row.value else "Asia/Shanghai"


class KpiTallies:
    """The tallies of one unit of work's writes (see the module docstring)."""

    def __init__(self, session: Session, now: Callable[[], datetime] | None) -> None:
        self._s = session
        self._now = now
        self._old: dict[str, OwnerTally | None] = {}
        self._months: MonthCalendar | None = None

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
        cases = table_of(CaseRow)
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

    # ---- reading (the services read the tallies through the unit of work) -------------
    def current(self, tz_name: str) -> bool:
        """Whether the sums hold for this tally version and time zone."""
        return tallies_current(self._s, tz_name)

    def reader(self, tz: tzinfo) -> TallyReader:
        """The sums, open complaints and medians, read on this unit of work's session."""
        return TallyReader(self._s, tz)

    def keep_medians(self, worked_out: dict[str, tuple[int, float | None]]) -> None:
        """Keep medians a reader worked out (until a duration of theirs changes)."""
        keep_medians(self._s, worked_out)

    # ---- working tallies out from the records -------------------------------------------
    def months(self) -> MonthCalendar:
        if self._months is None:
            self._months = MonthCalendar(ZoneInfo(tz_name_of(self._s)))
        return self._months

    def _tally_on_disk(self, key: str) -> OwnerTally | None:
        conn = self._s.connection()
        if conn.dialect.name != "sqlite":
            # Several PCs: hold the owner's row until commit, so a second transaction
            # changing it (a slip of the case, say) waits and then reads what this one
            # wrote, instead of both taking the same "before" out of the sums. SQLite
            # needs nothing: a writing unit of work holds the whole file (BEGIN IMMEDIATE).
            table = table_of(CaseRow) if key[0] == "c" else table_of(FaultSlipRow)
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
        by_case: dict[int | None, list[FaultSlip]] = {}
        for s in slips_repo.for_kpis_of_cases(case_ids):
            by_case.setdefault(s.case_id, []).append(s)
        months = self.months()
        out: dict[str, OwnerTally] = {}
        for case in cases_repo.for_kpis_by_ids(case_ids):
            key = f"c{case.id}"
            out[key] = owner_tally(case, by_case.get(case.id, []), months, at[key])
        if slip_ids:
            t = slips_repo._T.c
            for s in slips_repo.for_kpis_where(t.id.in_(slip_ids), t.case_id.is_(None)):
                key = f"s{s.id}"
                out[key] = owner_tally(None, [s], months, at[key])
        return out


_WRITTEN = select(KPI_OWNER.c.written_us).where(KPI_OWNER.c.owner == bindparam("o"))


# ---- writing the sums ------------------------------------------------------------------


def add_to_sums(conn: Connection, delta: Rows) -> None:
    # in key order: two PCs adding to the same rows lock them in the same order, so on
    # PostgreSQL one waits for the other instead of both deadlocking
    rows = [{"month": m, "dim": d, "key": k, **dict(zip(FIELDS, v, strict=True))}
            for (m, d, k), v in sorted(delta.items()) if any(v)]
    if not rows:
        return
    stmt = upsert(conn, KPI_TALLY, TALLY_KEYS, FIELDS)
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
        stmt = None if fresh else upsert(conn, KPI_OWNER, ("owner",), (), ("written_us",))
        if stmt is not None:
            conn.execute(stmt, owners)
        else:
            if not fresh:
                conn.execute(_DEL_OWNER, [{"o": o["owner"]} for o in owners])
            conn.execute(KPI_OWNER.insert(), owners)
    opens = [open_row(t.open) for t in tallies.values() if t.open is not None]
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
