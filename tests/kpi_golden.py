"""The KPI golden (issue 17, "behaviour unchanged"): a small generated database — the demo's
walk (reopenings, slips and rewards through the accountability hooks, appeals, simple-path
and other-flow cases) spread over fourteen months — its month and year workbooks written by
the app's export, cell for cell, and the manager's dashboard figures.

`tests/golden/kpi_workbooks.json` holds the dump made with the code before the KPI
refactoring; `tests/services/test_kpi_golden.py` makes it again and compares. Remake the
file only for an intended change of a figure:

    uv run python tests/kpi_golden.py
"""

from __future__ import annotations

import json
import math
import sys
import tempfile
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from openpyxl import load_workbook

from complaintdesk.documents.excel_month import write_month_workbook
from complaintdesk.documents.excel_year import write_year_workbook
from complaintdesk.services.base import SYSTEM_USER
from complaintdesk.services.demo import seed_demo
from service_builders import make_services
from tally_checks import month_from_records, year_from_records

GOLDEN = Path(__file__).parent / "golden" / "kpi_workbooks.json"
SEEDED_AT = datetime(2026, 11, 20, 2, 0, tzinfo=UTC)  # 10:00 in Shanghai
LATER = datetime(2026, 12, 3, 2, 0, tzinfo=UTC)  # a month end passed with no write
CASES, SEED, DAYS = 420, 17, 425  # fourteen months


def _value(v: Any) -> Any:
    if isinstance(v, datetime):
        return "dt:" + v.isoformat()
    return v


def _cells(path: Path) -> dict[str, list[list[Any]]]:
    wb = load_workbook(path, read_only=True)
    out = {ws.title: [[_value(v) for v in row] for row in ws.iter_rows(values_only=True)]
           for ws in wb}
    wb.close()
    return out


def _dashboard(services: Any) -> dict[str, Any]:
    from complaintdesk.domain.kpi import KPI_DEFS

    dash = services.reports.dashboard(SYSTEM_USER, fresh=True)

    def shown(k: Any) -> dict[str, Any]:
        # the medians are left out: the dashboard's figures carry none
        return {d.key: d.value(k) for d in KPI_DEFS
                if d.key not in ("handled_median", "closed_median")}

    return {
        "current": shown(dash.current.overall),
        "previous": shown(dash.previous.overall) if dash.previous else None,
        "same_days": shown(dash.same_days.overall) if dash.same_days else None,
        "trend": [[p.label, p.overall.received, p.overall.close_rate.numerator]
                  for p in dash.trend],
        "departments": [[g.label, g.kpis.received, g.kpis.open_at_end,
                         g.kpis.overdue_at_end] for g in dash.departments],
        "overdue": [[o.number, o.step_key, round(o.overdue_hours, 6)] for o in dash.overdue],
    }


def generate(tmp: Path) -> dict[str, Any]:
    """Seed the database, export, read back: sheet name → rows of cell values."""
    services, clock = make_services(tmp, SEEDED_AT)
    try:
        seed_demo(services, cases=CASES, seed=SEED, days=DAYS)
        # business volumes for some departments and months (投诉率), none for the others
        depts = [d.id for d in services.people.departments()][:3]
        services.reports.set_volumes(SYSTEM_USER, {
            (dept, f"{y:04d}-{m:02d}"): 40 + 7 * i + m
            for i, dept in enumerate(depts)
            for y, m in [(2025, 11), (2025, 12), *((2026, m) for m in range(1, 12))]
            if (i + m) % 4})
        out: dict[str, Any] = {}
        for moment, exports in (
            (SEEDED_AT, (("month", 2026, 11), ("month", 2026, 3), ("month", 2025, 11),
                         ("year", 2026, 0), ("year", 2025, 0))),
            (LATER, (("month", 2026, 11), ("month", 2026, 12), ("year", 2026, 0))),
        ):
            clock.set(moment)
            stamp = moment.strftime("%m-%d")
            for kind, year, month in exports:
                path = tmp / f"{kind}-{year}-{month}.xlsx"
                if kind == "month":
                    services.reports.write_month(SYSTEM_USER, year, month, path)
                    out[f"{stamp} month {year}-{month:02d}"] = _cells(path)
                else:
                    services.reports.write_year(SYSTEM_USER, year, path)
                    out[f"{stamp} year {year}"] = _cells(path)
            out[f"{stamp} dashboard"] = _dashboard(services)
            # the figures computed from the records in memory (no stored tallies)
            for key, data, write in (
                ("month 2026-11", month_from_records(services, 2026, 11), write_month_workbook),
                ("year 2026", year_from_records(services, 2026), write_year_workbook),
            ):
                path = tmp / "records.xlsx"
                write(path, data)
                out[f"{stamp} records {key}"] = _cells(path)
        return out
    finally:
        services.dispose()


def differences(want: Any, got: Any, where: str = "", limit: int = 20) -> list[str]:
    """Where two dumps differ (floats equal within a relative 1e-9: the figures may be
    summed in another order)."""
    out: list[str] = []

    def walk(a: Any, b: Any, at: str) -> None:
        if len(out) >= limit:
            return
        if isinstance(a, dict) and isinstance(b, dict):
            for k in sorted(set(a) | set(b)):
                if k not in a or k not in b:
                    out.append(f"{at}/{k}: only in {'the golden' if k in a else 'the new dump'}")
                else:
                    walk(a[k], b[k], f"{at}/{k}")
        elif isinstance(a, list) and isinstance(b, list):
            if len(a) != len(b):
                out.append(f"{at}: {len(a)} rows/cells in the golden, {len(b)} now")
            for i, (x, y) in enumerate(zip(a, b, strict=False)):
                walk(x, y, f"{at}[{i}]")
        elif isinstance(a, float) and isinstance(b, int | float) \
                and not isinstance(b, bool):
            if not math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-9):
                out.append(f"{at}: {a!r} in the golden, {b!r} now")
        elif a != b or type(a) is not type(b) and not (
                isinstance(a, int | float) and isinstance(b, int | float)):
            if not (isinstance(a, int) and isinstance(b, float) and a == b):
                out.append(f"{at}: {a!r} in the golden, {b!r} now")

    walk(want, got, where)
    return out


def main() -> int:
    with tempfile.TemporaryDirectory() as tmp:
        dump = generate(Path(tmp))
    GOLDEN.parent.mkdir(exist_ok=True)
    GOLDEN.write_text(json.dumps(dump, ensure_ascii=False, separators=(",", ":")) + "\n",
                      encoding="utf-8")
    print(f"wrote {GOLDEN} ({GOLDEN.stat().st_size // 1024} KiB)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
