"""The running KPI tallies in the database stay equal to the records they sum: after the
demo's workflow, after later changes to cases and slips in transactions of their own, and
across month ends nobody wrote at. The year read from them is the year computed from the
records, cell for cell in the workbook."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from complaintdesk.domain import steps as S
from complaintdesk.domain.kpi import month_bounds, shift_month
from complaintdesk.domain.kpi.calendar import from_micros, micros
from complaintdesk.domain.kpi.figures import add_rows, expand
from complaintdesk.domain.records import FlowKind, SlipStatus, StepRecord
from complaintdesk.services.base import SYSTEM_USER
from complaintdesk.services.demo import seed_demo
from complaintdesk.storage import kpi_maintenance, kpi_tallies
from complaintdesk.storage.kpi_reader import sums_on_disk
from complaintdesk.storage.tables import (
    KPI_DURATION,
    KPI_MEDIAN,
    KPI_OPEN,
    KPI_OWNER,
    SettingRow,
)
from complaintdesk.storage.uow import UnitOfWork
from db_copies import build_template, open_copy
from service_builders import make_services
from tally_checks import month_cells as _month_cells
from tally_checks import month_from_records as _month_from_records
from tally_checks import workbook_cells as _workbook
from tally_checks import year_from_records as _year_from_records


def _stored(services) -> tuple:
    """Everything the tallies keep, as stored."""
    with UnitOfWork(services.engine, readonly=True) as uow:
        conn = uow.session.connection()
        sums = {k: v for k, v in sums_on_disk(conn).items() if any(v)}
        opens = {r[0]: r[2:] for r in conn.execute(select(KPI_OPEN))}
        durations = {r[0]: tuple(r[1:]) for r in conn.execute(select(KPI_DURATION))}
        owners = set(conn.execute(select(KPI_OWNER.c.owner)).scalars())
    return sums, opens, durations, owners


@pytest.fixture(scope="module")
def _demo_template(tmp_path_factory):
    return build_template(tmp_path_factory.mktemp("demo-240"),
                          lambda services, _clock: seed_demo(services, cases=240, seed=5))


@pytest.fixture
def demo(_demo_template, tmp_path):
    """240 demo cases, seeded once for the module; each test works on its own copy."""
    services, clock = open_copy(_demo_template, tmp_path)
    yield services, clock
    services.dispose()


def test_the_sums_are_those_of_a_rebuild_after_the_demo_and_later_changes(demo):
    services, clock = demo
    before = _stored(services)
    assert before[0] and before[1] and before[2]
    # later changes, each in its own transaction: a case moved to another department and
    # category, a step finished late, a slip revoked and another appealed
    with UnitOfWork(services.engine, now=clock.now, bus=services.workflow.bus) as uow:
        ids = uow.session.execute(select(KPI_OPEN.c.case_id)).scalars().all()
        case = uow.cases.get(ids[0])
        case.department_id = 1 if case.department_id != 1 else 2
        case.category = "服务态度"
        uow.cases.save(case)
        uow.commit()
    clock.advance(timedelta(days=2))
    with UnitOfWork(services.engine, now=clock.now, bus=services.workflow.bus) as uow:
        case = uow.cases.get(ids[1])
        step = case.open_step
        assert step is not None
        step.finished_at = clock.now()
        step.outcome = "done"
        step.actor_user_id = case.registered_by_user_id
        uow.cases.save(case)
        uow.commit()
    with UnitOfWork(services.engine, now=clock.now, bus=services.workflow.bus) as uow:
        slips = [s for s in uow.slips.for_kpis_where()
                 if s.issued_at is not None and s.status != SlipStatus.REVOKED]
        assert len(slips) >= 2
        first, second = (uow.slips.get(slips[0].id), uow.slips.get(slips[1].id))
        first.status = SlipStatus.REVOKED
        uow.slips.save(first)
        second.appeal = {"filed_at": clock.now().isoformat(), "reason": "不服",
                         "decision": "reduced"}
        uow.slips.save(second)
        uow.commit()
    after = _stored(services)
    assert after != before
    # the same as making everything again from the records, with each owner as of its
    # last write
    with UnitOfWork(services.engine) as uow:
        conn = uow.session.connection()
        written = {k: from_micros(v) for k, v in conn.execute(
            select(KPI_OWNER.c.owner, KPI_OWNER.c.written_us))}
        tracker = kpi_tallies.KpiTallies(uow.session, clock.now)
        fresh = tracker._tallies(list(written), written)
    sums: dict = {}
    for t in fresh.values():
        add_rows(sums, expand(t.counts))
    assert {k: v for k, v in sums.items() if any(v)} == after[0]
    assert set(after[1]) == {t.open.case_id for t in fresh.values() if t.open}
    assert set(after[2]) == {t.durations.case_id for t in fresh.values() if t.durations}


@pytest.mark.parametrize("counted", [True, False], ids=["ends-counted", "ends-read"])
def test_the_year_from_the_tallies_is_the_year_from_the_records(demo, monkeypatch, counted):
    """Month ends passed since an open complaint's last write: counted into its tally
    before a report reads (once a month), or — where that has not happened — counted by
    the reader itself; the same year either way."""
    services, clock = demo
    tz = services.reports.tz
    year = clock.now().astimezone(tz).year
    if not counted:
        monkeypatch.setattr(kpi_maintenance, "month_ends_due", lambda *_a: False)
    # an open complaint with a step that becomes due later (its open step, and deadline,
    # change with no write at all): the reader works that one out from the case
    with UnitOfWork(services.engine, now=clock.now, bus=services.workflow.bus) as uow:
        case_id = uow.session.execute(select(KPI_OPEN.c.case_id)).scalars().first()
        case = uow.cases.get(case_id)
        later = clock.now() + timedelta(days=3)
        case.steps.append(StepRecord(None, case.id, S.SECOND_REVISIT, len(case.steps) + 1,
                                     later, later + timedelta(hours=4)))
        uow.cases.save(case)
        uow.commit()
        assert uow.session.execute(select(KPI_OPEN.c.until_us).where(
            KPI_OPEN.c.case_id == case_id)).scalar_one() is not None
    for days in (0, 25, 60):  # later: month ends pass that no tally was written at
        clock.advance(timedelta(days=days))
        ours = services.reports.year_report(SYSTEM_USER, year)
        assert services.reports._year_from_tallies(year, _phase()) is not None
        ref = _year_from_records(services, year)
        assert ours.kpis.total.overall.received == ref.kpis.total.overall.received > 100
        assert _workbook(ours) == _workbook(ref), days
        with UnitOfWork(services.engine, readonly=True) as uow:
            since = uow.session.execute(select(func.min(KPI_OPEN.c.written_us))).scalar_one()
            local = clock.now().astimezone(tz)
            month_start = micros(month_bounds((local.year, local.month), tz)[0])
            assert (since >= month_start) == (counted or days == 0), days


def test_the_month_from_the_tallies_is_the_month_from_the_records(demo):
    services, clock = demo
    tz = services.reports.tz
    for days in (0, 40):  # later: a month end passes that no tally was written at
        clock.advance(timedelta(days=days))
        now = clock.now().astimezone(tz)
        ym = (now.year, now.month)
        # this month (open "now"), the months before (open at their ends), the next one
        # (not begun: nothing open at its end)
        for m in (shift_month(ym, 1), ym, shift_month(ym, -1), shift_month(ym, -2),
                  shift_month(ym, -3)):
            ours = services.reports.month_report(SYSTEM_USER, *m)
            assert services.reports._month_from_tallies(m, _phase()) is not None
            ref = _month_from_records(services, *m)
            assert len(ours.cases) == len(ref.cases)
            assert [r.number for r in ours.kpis.current.open_cases] == [
                r.number for r in ref.kpis.current.open_cases]
            assert _month_cells(ours) == _month_cells(ref), (days, m)
        shown = services.reports.month_report(SYSTEM_USER, *shift_month(ym, -1))
        assert shown.cases and shown.slips and shown.kpis.current.open_cases
    # a rework order's slip names its order (the feedback cases loaded never held it)
    rework = [r for rows in (_month_cells(services.reports.month_report(SYSTEM_USER, *m))
                             ["过失单"] for m in (ym, shift_month(ym, -1), shift_month(ym, -2)))
              for r in rows if str(r[6]).startswith("FX-")]
    assert rework


def test_a_kept_median_goes_when_a_duration_of_its_month_changes(demo):
    services, clock = demo
    tz = services.reports.tz
    year = clock.now().astimezone(tz).year
    first = services.reports.year_report(SYSTEM_USER, year)
    with UnitOfWork(services.engine, readonly=True) as uow:
        kept = dict(uow.session.execute(select(KPI_MEDIAN.c.scope, KPI_MEDIAN.c.value)).all())
        quickest = uow.session.execute(
            select(KPI_DURATION.c.case_id, KPI_DURATION.c.month)
            .where(KPI_DURATION.c.handled_h.is_not(None))
            .order_by(KPI_DURATION.c.handled_h)).first()
    assert kept  # the report kept what it worked out
    # the quickest handled complaint turns out to have been received 40 days earlier:
    # as many handled as before, but the median of its month moves
    with UnitOfWork(services.engine, now=clock.now, bus=services.workflow.bus) as uow:
        case = uow.cases.get(quickest[0])
        case.intake.complained_at -= timedelta(days=40)
        uow.cases.save(case)
        uow.commit()
    m = quickest[1] % 100
    ours = services.reports.year_report(SYSTEM_USER, year)
    ref = _year_from_records(services, year)
    before = first.kpis.months[m - 1].overall.to_handled_hours
    after = ours.kpis.months[m - 1].overall.to_handled_hours
    assert after.count == before.count and after.median != before.median
    assert after.median == ref.kpis.months[m - 1].overall.to_handled_hours.median
    assert _workbook(ours) == _workbook(ref)


def test_the_tallies_are_rebuilt_when_the_time_zone_or_definitions_change(demo, tmp_path):
    services, clock = demo
    with UnitOfWork(services.engine) as uow:
        assert kpi_tallies.tallies_current(uow.session, "Asia/Shanghai")
        uow.session.get(SettingRow, kpi_tallies.STATE_KEY).value = "0:Asia/Shanghai"
        uow.commit()
    year = clock.now().astimezone(services.reports.tz).year
    # not trusted: a report makes them again from the records before reading them
    assert _workbook(services.reports.year_report(SYSTEM_USER, year)) == _workbook(
        _year_from_records(services, year))
    with UnitOfWork(services.engine) as uow:
        assert kpi_tallies.tallies_current(uow.session, "Asia/Shanghai")
        uow.session.get(SettingRow, kpi_tallies.STATE_KEY).value = "0:Asia/Shanghai"
        uow.commit()
    services.dispose()
    from complaintdesk.services.container import ensure_tallies

    reopened, _clock = make_services(tmp_path, clock.now())
    with UnitOfWork(reopened.engine) as uow:
        assert kpi_tallies.tallies_current(uow.session, "Asia/Shanghai")
    assert not ensure_tallies(reopened.engine, clock, "Asia/Shanghai")
    # another time zone (a setting, read at start): rebuilt, with progress over every case
    with UnitOfWork(reopened.engine) as uow:
        n = uow.cases.count_all()
        uow.settings.put("timezone", "Asia/Urumqi")
        uow.commit()
    seen: list[tuple[int, int]] = []
    assert ensure_tallies(reopened.engine, clock, "Asia/Urumqi",
                          lambda done, total: seen.append((done, total)))
    assert seen[-1] == (n, n) and n >= 240
    with UnitOfWork(reopened.engine) as uow:
        assert kpi_tallies.tallies_current(uow.session, "Asia/Urumqi")
        assert not kpi_tallies.tallies_current(uow.session, "Asia/Shanghai")
    assert _workbook(reopened.reports.year_report(SYSTEM_USER, year)) == _workbook(
        _year_from_records(reopened, year))


def _phase():
    from complaintdesk.services.reports import _Phase

    return _Phase(None, None)


def test_internal_and_rework_slips_count_for_their_department_only(demo):
    services, _clock = demo
    with UnitOfWork(services.engine, readonly=True) as uow:
        others = [c for c in uow.cases.load_period(None, None, flow=None)
                  if c.flow != FlowKind.FEEDBACK]
        assert others
        assert uow.session.execute(select(KPI_DURATION.c.case_id).where(
            KPI_DURATION.c.case_id.in_([c.id for c in others]))).first() is None


def test_check_recounts_the_tallies_and_the_cli_rebuilds_them(tmp_path, capsys):
    from sqlalchemy import text

    from complaintdesk.cli import main
    from complaintdesk.paths import DB_FILE
    from complaintdesk.services.container import open_services
    from complaintdesk.services.maintenance import check_database
    from complaintdesk.storage.database import DatabaseConfig

    services = open_services(DatabaseConfig.sqlite_file(tmp_path / DB_FILE),
                             data_dir=tmp_path)
    seed_demo(services, cases=60, seed=2)
    report = check_database(services.config)
    assert report.ok, report.lines
    assert any(line.startswith("统计汇总：重新计数") and "与记录一致" in line
               for line in report.lines)
    with services.engine.begin() as conn:  # a sum that no longer matches its records
        month = conn.execute(text("SELECT max(month) FROM kpi_tally")).scalar_one()
        conn.execute(text("UPDATE kpi_tally SET received = received + 1 "
                          "WHERE dim = 'overall' AND month = :m"), {"m": month})
    report = check_database(services.config)
    assert not report.ok
    assert any(f"统计汇总 {month} overall=（全部） received" in line and "重新计数为" in line
               for line in report.lines), report.lines
    services.dispose()
    assert main(["--data-dir", str(tmp_path), "check", "--rebuild-statistics"]) == 0
    out = capsys.readouterr().out
    assert "统计汇总已重新生成" in out and "与记录一致" in out


def test_the_dashboard_from_the_tallies_is_the_dashboard_from_the_records(demo):
    from tally_checks import shown_values

    services, clock = demo
    reports = services.reports
    for days in (0, 25):  # later: a month end passes that no tally was written at
        clock.advance(timedelta(days=days))
        ours = reports._dashboard_from_tallies(clock.now())
        local = clock.now().astimezone(reports.tz)
        ref = _month_from_records(services, local.year, local.month)  # in memory
        ref_overdue = [o for o in ref.kpis.current.open_cases if o.overdue_hours > 0]
        assert ours.month == ref.kpis.month
        assert ours.overdue == ref_overdue and ours.overdue
        for a, b in zip([ours.current, ours.previous, *ours.trend],
                        [ref.kpis.current, ref.kpis.previous, *ref.trend], strict=True):
            assert a.label == b.label
            assert shown_values(a.overall) == shown_values(b.overall), a.label
        assert [(g.key, g.label, shown_values(g.kpis)) for g in ours.departments] == \
            [(g.key, g.label, shown_values(g.kpis)) for g in ref.kpis.current.groups["department"]]
    assert reports.dashboard(SYSTEM_USER, fresh=True).trend[-1].overall.received == \
        ref.kpis.current.overall.received


def test_the_open_complaints_summed_in_sql_are_the_domains_count(demo):
    """`TallyReader.open_at` adds the open complaints up in SQL by group; the domain's
    `open_figures` over the same stored states counts the same, now and at month ends."""
    from complaintdesk.domain.kpi.figures import open_figures
    from complaintdesk.domain.kpi.tally import overdue_at
    from complaintdesk.storage.kpi_reader import _open_state

    services, clock = demo
    tz = services.reports.tz
    with UnitOfWork(services.engine, readonly=True) as uow:
        c = KPI_OPEN.c
        states = [_open_state(r) for r in uow.session.connection().execute(select(
            c.case_id, c.written_us, c.deadline_us, c.until_us, c.department, c.category,
            c.severity, c.channel, c.employees))]
        cases = {x.id: x for x in uow.cases.for_kpis_by_ids([s.case_id for s in states])}
        reader = uow.kpis.reader(tz)
        local = clock.now().astimezone(tz)
        ends = [month_bounds(shift_month((local.year, local.month), -i), tz)[1]
                for i in (1, 2)]
        assert len(states) >= 5
        for at, month_end in [(clock.now(), False), (clock.now() + timedelta(days=9), False),
                              *((e, True) for e in ends)]:
            ours = reader.open_at(at, month_end)
            want = open_figures(states, at, lambda st, t: overdue_at(cases[st.case_id], t)[2],
                                month_end)
            assert ours.n == want.n and ours.overdue == want.overdue, (at, month_end)
            assert ours.overdue_us == want.overdue_us
        later = reader.open_at(clock.now() + timedelta(days=9), False)
        assert later.n[("overall", "")] == len(states) and later.overdue  # not a trivial check
