"""The complaint statistics (DESIGN §8), in one package:

- `tally.py` — THE definition of every figure: what one case (with its slips) adds to
  the statistics, by local month and group, and the ratios made of the summed counts
  (`kpi_set`: 按时处理率, 结案率, the 24/48-hour rates …). Read this file to know how a
  KPI is computed.
- `figures.py` — summed tallies → a period's figures, groups in the workbook's order;
  the complaints open at an instant no tally counted yet (`open_figures`).
- `recount.py` — the same from records in memory: each case's tally, summed.
- `shapes.py` — the figure sets (`KpiSet`, `PeriodKpis` …) and the catalogue `KPI_DEFS`.
- `calendar.py` — local months, month to date.
- `compare.py` — this month against last on the dashboard (the change, better or worse).
- `weekly.py` — the assessor's weekly summary (lists, not figures).

Storage keeps the tallies' sums up to date with every write (storage/kpi_tallies.py) and
the reports read them; the recount is the same arithmetic over records in memory.
"""

from .calendar import (
    MonthKey,
    MonthToDate,
    month_bounds,
    month_label,
    month_to_date,
    shift_month,
)
from .figures import Volumes, open_case, open_cases
from .recount import monthly_kpis, period_kpis, yearly_kpis
from .shapes import (
    KPI_BY_KEY,
    KPI_DEFS,
    GroupKpis,
    Hours,
    KpiLookups,
    KpiSet,
    MonthKpis,
    OpenCase,
    PeriodKpis,
    Ratio,
    YearKpis,
)
from .tally import STEPS_WITH_DATA_USED, effective_deadline, responsible_employees

__all__ = [
    "KPI_BY_KEY", "KPI_DEFS", "STEPS_WITH_DATA_USED", "GroupKpis", "Hours", "KpiLookups",
    "KpiSet", "MonthKey", "MonthKpis", "MonthToDate", "OpenCase", "PeriodKpis", "Ratio",
    "Volumes", "YearKpis", "effective_deadline", "month_bounds", "month_label",
    "month_to_date", "monthly_kpis", "open_case", "open_cases", "period_kpis",
    "responsible_employees", "shift_month", "yearly_kpis",
]
