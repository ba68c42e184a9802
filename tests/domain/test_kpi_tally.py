"""Tallies written at each owner's last event (as storage keeps them: month ends and "now"
after that counted from their open states) give the figures of the tallies made at once
from the records (`domain/kpi/recount.py`): on the hand-built scenario and on a generated
year, every figure the year workbook shows, for the whole, every month and every group."""

from __future__ import annotations

import sys
from collections import defaultdict
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from complaintdesk.domain.kpi import yearly_kpis
from complaintdesk.domain.kpi.calendar import MonthCalendar, month_bounds, month_int
from complaintdesk.domain.kpi.figures import (
    Medians,
    add_rows,
    expand,
    median_of,
    open_figures,
    yearly_from_tallies,
)
from complaintdesk.domain.kpi.shapes import (
    CATEGORY,
    DEPARTMENT,
    DIMENSIONS,
    EMPLOYEE,
    KPI_DEFS,
    KpiLookups,
    KpiSet,
    PeriodKpis,
    YearKpis,
)
from complaintdesk.domain.kpi.tally import OpenState, overdue_at, owner_tally
from complaintdesk.domain.records import Case, FaultSlip
from kpi_scenario import LOOKUPS, NOW, SH, VOLUMES, build_cases, build_slips

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "benchmarks"))

MEDIAN_KEYS = {"handled_median", "closed_median"}


def last_event(case: Case, slips: list[FaultSlip]) -> datetime:
    """When the case was last written: its latest recorded instant."""
    times = [case.registered_at, *(t for s in case.steps for t in (s.due_since, s.finished_at)
                                   if t is not None)]
    times += [t for s in slips for t in (s.issued_at, s.created_at) if t is not None]
    if case.closed_at:
        times.append(case.closed_at)
    for s in slips:
        filed = (s.appeal or {}).get("filed_at")
        if filed:
            times.append(filed if isinstance(filed, datetime) else datetime.fromisoformat(filed))
    return max(times)


def tallied_year(cases: list[Case], slips: list[FaultSlip], year: int, now: datetime,
                 tz, volumes, lookups: KpiLookups, written=last_event,
                 month_dims: tuple[str, ...] = DIMENSIONS) -> YearKpis:
    """What storage does, in memory: each owner's tally written at its last event, summed;
    the open ones counted at the month ends since and now; medians from the durations."""
    ix = MonthCalendar(tz)
    by_case: dict[int | None, list[FaultSlip]] = defaultdict(list)
    for s in slips:
        by_case[s.case_id].append(s)
    rows: dict = {}
    states: list[OpenState] = []
    durations = []
    case_by_id = {c.id: c for c in cases}
    for c in cases:
        own = by_case.get(c.id, [])
        t = owner_tally(c, own, ix, written(c, own))
        add_rows(rows, expand(t.counts))
        if t.open is not None:
            states.append(t.open)
        if t.durations is not None:
            durations.append(t.durations)
    for s in by_case.get(None, []) + [s for s in slips if s.case_id not in case_by_id
                                      and s.case_id is not None]:
        add_rows(rows, expand(owner_tally(None, [s], ix, now).counts))

    def overdue_of(st: OpenState, as_of: datetime) -> timedelta | None:
        return overdue_at(case_by_id[st.case_id], as_of)[2]

    month_ends = {}
    for m in range(1, 13):
        _, end = month_bounds((year, m), tz)
        if end <= now:
            month_ends[month_int((year, m))] = open_figures(states, end, overdue_of)
    medians = {}
    for m in range(1, 13):
        mi = month_int((year, m))
        here = [d for d in durations if d.month == mi]
        medians[mi] = Medians(
            median_of(sorted(d.handled_h for d in here if d.handled_h is not None)),
            median_of(sorted(d.closed_h_m for d in here if d.closed_h_m is not None)))
    here = [d for d in durations if d.month // 100 == year]
    medians["year"] = Medians(
        median_of(sorted(d.handled_h for d in here if d.handled_h is not None)),
        median_of(sorted(d.closed_h_y for d in here if d.closed_h_y is not None)))
    return yearly_from_tallies(rows, year, now, tz, volumes, lookups,
                               open_figures(states, now, overdue_of, month_end=False),
                               month_ends, medians, month_dims)


def _values(k: KpiSet, with_medians: bool) -> dict[str, object]:
    out: dict[str, object] = {}
    for d in KPI_DEFS:
        if d.key in MEDIAN_KEYS and not with_medians:
            continue
        v = d.value(k)
        out[d.key] = pytest.approx(v, rel=1e-9) if isinstance(v, float) else v
    out["on_time_by_step"] = k.on_time_by_step
    out["appeal_outcomes"] = k.appeal_outcomes
    return out


def assert_same_period(ours: PeriodKpis, theirs: PeriodKpis) -> None:
    assert ours.label == theirs.label and ours.as_of == theirs.as_of
    assert _values(ours.overall, True) == _values(theirs.overall, True), ours.label
    for dim in DIMENSIONS:
        got = [(g.key, g.label) for g in ours.groups[dim]]
        want = [(g.key, g.label) for g in theirs.groups[dim]]
        assert got == want, (ours.label, dim)
        for a, b in zip(ours.groups[dim], theirs.groups[dim], strict=True):
            assert _values(a.kpis, False) == _values(b.kpis, False), (ours.label, dim, a.key)
    assert EMPLOYEE in ours.groups


def assert_same_year(ours: YearKpis, theirs: YearKpis) -> None:
    for a, b in zip(ours.months, theirs.months, strict=True):
        assert_same_period(a, b)
    assert_same_period(ours.total, theirs.total)


@pytest.mark.parametrize("year", [2026, 2025])
def test_scenario_year_from_tallies_equals_the_records(year):
    cases, slips = build_cases(), build_slips()
    want = yearly_kpis(cases, slips, VOLUMES, year, SH, NOW, LOOKUPS)
    got = tallied_year(cases, slips, year, NOW, SH, VOLUMES, LOOKUPS)
    assert_same_year(got, want)
    # the scenario's own March figures, as a check that the comparison compares
    march = got.months[2]
    assert march.overall.received == (6 if year == 2026 else 1)
    if year == 2025:
        return
    assert (march.overall.open_at_end, march.overall.overdue_at_end) == (3, 3)


def test_scenario_written_at_the_end_gives_the_same_figures():
    """Written late (every month end already past when written) or early (month ends
    counted by the reader from the open state): the same figures."""
    cases, slips = build_cases(), build_slips()
    want = yearly_kpis(cases, slips, VOLUMES, 2026, SH, NOW, LOOKUPS)
    got = tallied_year(cases, slips, 2026, NOW, SH, VOLUMES, LOOKUPS,
                       written=lambda c, s: NOW)
    assert_same_year(got, want)


def test_generated_year_from_tallies_equals_the_records():
    from bench_excel import LOOKUPS as GEN_LOOKUPS
    from bench_excel import TZ, generate, volumes

    now = datetime(2026, 11, 20, 9, 30, tzinfo=UTC)
    start = datetime(2025, 12, 1, tzinfo=TZ).astimezone(UTC)
    cases, slips = generate(3000, start, now - timedelta(hours=2), now, seed=11)
    for s in slips[::7]:  # some slips revoked, some appealed (decided and pending)
        s.status = s.status.REVOKED
    for i, s in enumerate(slips[::5]):
        s.appeal = {"filed_at": (s.issued_at + timedelta(days=2)).isoformat(),
                    "decision": ("reduced", "", "维持")[i % 3]}
    want = yearly_kpis(cases, slips, volumes(), 2026, TZ, now, GEN_LOOKUPS)
    got = tallied_year(cases, slips, 2026, now, TZ, volumes(), GEN_LOOKUPS)
    assert_same_year(got, want)
    assert got.total.overall.received > 2000
    assert got.months[10].overall.open_at_end > 0


def test_a_group_with_nothing_counted_has_the_figures_of_an_empty_kpi_set():
    """`TallyAcc.kpis` hands out `KpiSet()` for a group with nothing counted (most
    departments in most months): the same as working the zeros out (`kpi_set`)."""
    from complaintdesk.domain.kpi.figures import TallyAcc
    from complaintdesk.domain.kpi.tally import kpi_set

    for year in (False, True):
        acc = TallyAcc()
        acc.year = year
        assert kpi_set(acc.n, None, 0, year, None, None) == KpiSet() == acc.kpis()
    acc.n[0] = 1
    assert acc.kpis() == kpi_set(acc.n, None, 0, True, None, None) != KpiSet()


def test_months_can_leave_breakdowns_out_and_keep_the_rest():
    """The year workbook reads no month's employees: it asks for the month breakdowns it
    shows; the year keeps every one, and what is there is the same."""
    cases, slips = build_cases(), build_slips()
    full = tallied_year(cases, slips, 2026, NOW, SH, VOLUMES, LOOKUPS)
    lean = tallied_year(cases, slips, 2026, NOW, SH, VOLUMES, LOOKUPS,
                        month_dims=(CATEGORY,))
    for a, b in zip(lean.months, full.months, strict=True):
        assert set(a.groups) == {DEPARTMENT, CATEGORY}
        assert a.overall == b.overall
        assert a.groups[CATEGORY] == b.groups[CATEGORY]
        assert a.groups[DEPARTMENT] == b.groups[DEPARTMENT]
    assert lean.total == full.total and full.months[2].groups[EMPLOYEE]


def test_a_period_as_it_stood_leaves_out_what_was_recorded_after_its_moment():
    """`period_kpis` at a moment inside the month (the dashboard's same days of last
    month): the records as they stood then — a step finished, a closing and a revisit
    after that moment are not counted; the complaint is open (and overdue) then."""
    from complaintdesk.domain.kpi import period_kpis
    from complaintdesk.domain.kpi.recount import known_at
    from kpi_scenario import case, handle, revisit, t

    c = case(1, t(3, 2, 9), t(3, 2, 9, 30), [
        handle(t(3, 2, 10), t(3, 2, 20), responsible=(11,)),
        revisit(t(3, 12, 10), t(3, 12, 20), "满意"),
    ], closed=t(3, 13, 9))
    cut = t(3, 10, 0)
    k = period_kpis([c], [], VOLUMES, (2026, 3), SH, cut, LOOKUPS).overall
    assert k.received == 1 and k.close_rate.numerator == 0
    assert k.on_time_rate.denominator == 1  # the handling step only (the revisit later)
    assert k.revisit_rate.denominator == 0 and k.satisfaction.denominator == 0
    assert (k.open_at_end, k.overdue_at_end) == (1, 0)  # nothing due at the cut
    whole = period_kpis([c], [], VOLUMES, (2026, 3), SH, t(3, 20, 0), LOOKUPS).overall
    assert whole.close_rate.numerator == 1 and whole.on_time_rate.denominator == 2
    assert whole.revisit_rate == whole.satisfaction and whole.satisfaction.numerator == 1
    then = known_at(c, cut)
    assert then.closed_at is None and len(then.steps) == 1 and c.closed_at is not None
    assert known_at(c, t(3, 20, 0)) is c


def test_figure_sets_are_remembered_by_their_counts_and_made_again_when_they_change():
    """`kpi_set` is `make_kpi_set` remembered by its arguments: the same counts give the
    same (shared) set, equal to one made afresh; other counts, medians or a volume give
    their own."""
    from complaintdesk.domain.kpi.tally import FIELD_INDEX, FIELDS, kpi_set, make_kpi_set

    n = [0] * len(FIELDS)
    n[FIELD_INDEX["received"]], n[FIELD_INDEX["closed_m"]], n[FIELD_INDEX["handled"]] = 5, 2, 4
    first = kpi_set(n, 300, 5, False, 1.5, None)
    assert first == make_kpi_set(n, 300, 5, False, 1.5, None)
    assert kpi_set(list(n), 300, 5, False, 1.5, None) is first  # an export run again
    n[FIELD_INDEX["closed_m"]] = 3  # a step written since
    later = kpi_set(n, 300, 5, False, 1.5, None)
    assert later is not first and later.close_rate.value == 3 / 5
    assert first.close_rate.value == 2 / 5  # the set handed out before is left as it was
    assert kpi_set(n, 300, 5, False, 2.0, None).to_handled_hours.median == 2.0
    assert kpi_set(n, 400, 5, False, 2.0, None).complaint_rate.denominator == 400
    assert kpi_set(n, 400, 5, True, 2.0, None) == make_kpi_set(n, 400, 5, True, 2.0, None)


def test_the_figure_set_memo_stays_bounded():
    from complaintdesk.domain.kpi import tally

    n = [0] * len(tally.FIELDS)
    for i in range(tally._KPI_SETS_MAX + 10):
        n[0] = i
        assert tally.kpi_set(n, None, 0, False, None, None).received == i
    assert 0 < len(tally._KPI_SETS) <= tally._KPI_SETS_MAX


def test_the_figure_set_memo_keeps_the_sets_in_use_and_lets_the_oldest_go():
    """Sets that change with every export (a group open now: its overdue hours move with
    the clock) push out the least recently used, never the ones read on every export."""
    from complaintdesk.domain.kpi import tally

    n = [0] * len(tally.FIELDS)
    n[0] = -1
    kept = tally.kpi_set(n, None, 0, False, None, None)
    for i in range(3 * tally._KPI_SETS_MAX):
        n[0] = i
        tally.kpi_set(n, None, 0, False, None, None)
        if i % 100 == 0:  # read again on every export
            n[0] = -1
            assert tally.kpi_set(n, None, 0, False, None, None) is kept
    assert len(tally._KPI_SETS) == tally._KPI_SETS_MAX
