"""Shared by the KPI tally tests (SQLite and PostgreSQL): the year and the month computed
from every record, and a workbook's cells (floats equal within a relative 1e-9: a mean from
summed microseconds and one from summed hours differ in the last bits, and rounding both
to 9 decimals could still split them across a boundary — 6.776695392 / 6.776695393; a
whole number may come back from the workbook as an int — 466 / 466.0000000000001)."""

from __future__ import annotations

import io
import math

from openpyxl import load_workbook

from complaintdesk.documents.excel_month import build_month_report, write_month_workbook
from complaintdesk.documents.excel_year import build_year_report, write_year_workbook
from complaintdesk.domain.kpi import STEPS_WITH_DATA_USED, month_bounds, shift_month
from complaintdesk.services.reports import TREND_MONTHS
from complaintdesk.storage.uow import UnitOfWork


class Close(float):
    """A float that equals any float within a relative 1e-9 (for == on nested cells)."""

    def __eq__(self, other: object) -> bool:
        return isinstance(other, int | float) and math.isclose(self, other, rel_tol=1e-9,
                                                         abs_tol=1e-12)

    def __ne__(self, other: object) -> bool:
        return not self == other

    __hash__ = float.__hash__


def _cells(xlsx: bytes) -> dict[str, list[tuple[object, ...]]]:
    wb = load_workbook(io.BytesIO(xlsx), read_only=True)
    out = {ws.title: [tuple(Close(v) if isinstance(v, float) else v for v in r)
                      for r in ws.iter_rows(values_only=True)] for ws in wb}
    wb.close()
    return out


def _records(services, first, last):
    """Every feedback case of these months (and those open at their start), the slips
    they count, the volumes and names: what the records path of a report loads."""
    tz = services.reports.tz
    start, _ = month_bounds(first, tz)
    _, end = month_bounds(last, tz)
    with UnitOfWork(services.engine, readonly=True) as uow:
        cases = uow.cases.load_period(start, end, open_at_start=True,
                                      data_keys=STEPS_WITH_DATA_USED)
        slips = uow.slips.for_kpis(start, end)
        volumes = uow.volumes.all()
        lookups = services.reports.lookups(uow)
    return cases, slips, volumes, lookups


def year_from_records(services, year):
    """The reference: the year computed from every record (the path before tallies)."""
    tz = services.reports.tz
    cases, slips, volumes, lookups = _records(services, (year, 1), (year, 12))
    return build_year_report(cases, slips, volumes, year, tz, services.clock.now(), lookups,
                             services.reports._dealership())


def month_from_records(services, year, month):
    """The reference: the month computed from the records of its trend's months and the
    same month a year before (the path before tallies)."""
    tz = services.reports.tz
    cases, slips, volumes, lookups = _records(
        services, shift_month((year, month), -TREND_MONTHS), (year, month))
    data = build_month_report(cases, slips, volumes, year, month, tz, services.clock.now(),
                              lookups, services.reports._dealership(), TREND_MONTHS)
    services.reports._add_case_numbers(data)
    return data


def workbook_cells(data) -> dict:
    buf = io.BytesIO()
    write_year_workbook(buf, data)
    return _cells(buf.getvalue())


def month_cells(data) -> dict:
    buf = io.BytesIO()
    write_month_workbook(buf, data)
    return _cells(buf.getvalue())




def shown_values(k) -> dict[str, object]:
    """Every figure a tile, table or chart shows (not the medians: the tallies keep those
    of a whole month or year only), floats compared to a relative 1e-9."""
    from complaintdesk.domain.kpi import KPI_DEFS

    out: dict[str, object] = {}
    for d in KPI_DEFS:
        if d.key in ("handled_median", "closed_median"):
            continue
        v = d.value(k)
        out[d.key] = Close(v) if isinstance(v, float) else v
    return out
