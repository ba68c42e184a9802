"""The reports' bulk loaders (raw column values, converted in Python) hand out the same
records as an ORM read of the same rows (tests/orm_reference.py), and the month and year
workbooks built from either are the same cell for cell — on a realistic demo database.
(tests/storage/test_read_models.py compares every fast reader field by field.)"""

from __future__ import annotations

import io
from datetime import timedelta

from openpyxl import load_workbook

from complaintdesk.documents.excel_month import build_month_report, write_month_workbook
from complaintdesk.documents.excel_year import build_year_report, write_year_workbook
from complaintdesk.domain.kpi import STEPS_WITH_DATA_USED, month_bounds, shift_month
from complaintdesk.services.demo import seed_demo
from complaintdesk.storage.uow import UnitOfWork
from orm_reference import orm_cases as all_orm_cases
from orm_reference import orm_slips as all_orm_slips
from service_builders import make_services


def _cells(xlsx: bytes) -> dict[str, list[tuple[object, ...]]]:
    wb = load_workbook(io.BytesIO(xlsx), read_only=True)
    out = {ws.title: [tuple(r) for r in ws.iter_rows(values_only=True)] for ws in wb}
    wb.close()
    return out


def test_bulk_loaders_match_the_orm_path_and_the_workbooks_are_identical(tmp_path):
    services, clock = make_services(tmp_path)
    seed_demo(services, cases=260, seed=3)
    clock.advance(timedelta(days=3))
    tz = services.reports.tz
    now = clock.now()
    local = now.astimezone(tz)
    ym = (local.year, local.month)
    start, _ = month_bounds(shift_month(ym, -12), tz)
    _, end = month_bounds(ym, tz)
    with UnitOfWork(services.engine, readonly=True) as uow:
        # the reference: every case and slip through the ORM (attachments left out: the
        # bulk loader does not read them)
        orm_cases = all_orm_cases(uow.session)
        for c in orm_cases:
            c.attachments = []
        orm_slips = all_orm_slips(uow.session)
        for s in orm_slips:
            s.changes = []  # the statistics' loader leaves the change history out
        bulk_all = uow.cases.load_period(None, None, flow=None)
        bulk = uow.cases.load_period(start, end, open_at_start=True,
                                     data_keys=STEPS_WITH_DATA_USED)
        slips = uow.slips.for_kpis(start, end)
        volumes = uow.volumes.all()
        lookups = services.reports.lookups(uow)
    assert bulk_all == orm_cases
    assert len({c.flow for c in bulk_all}) > 1 and any(c.closed_at for c in bulk_all)
    assert any(s.appeal for s in orm_slips) and slips
    by_id = {s.id: s for s in orm_slips}
    assert all(s == by_id[s.id] for s in slips)
    assert any(s.data for c in bulk for s in c.steps)
    orm_feedback = [c for c in orm_cases if c.flow.value == "feedback"]

    for cases, slip_list in ((orm_feedback, orm_slips), (bulk, slips)):
        month = build_month_report(cases, slip_list, volumes, *ym, tz, now, lookups, "店")
        year = build_year_report(cases, slip_list, volumes, ym[0], tz, now, lookups, "店")
        m_buf, y_buf = io.BytesIO(), io.BytesIO()
        write_month_workbook(m_buf, month)
        write_year_workbook(y_buf, year)
        if cases is orm_feedback:
            ref = (month.kpis, year.kpis, _cells(m_buf.getvalue()), _cells(y_buf.getvalue()))
    assert (month.kpis, year.kpis) == ref[:2]
    assert month.kpis.current.overall.received > 0
    assert _cells(m_buf.getvalue()) == ref[2]
    assert _cells(y_buf.getvalue()) == ref[3]
