"""This month against last month on the manager's dashboard: each KPI's value, the value
compared with, the change, and whether the change is for the better.

Moved out of the dashboard widget (issue 17): the widget only formats these answers. The
change itself is `shapes.change` (current − before; percentage points for rates).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from .shapes import KPI_BY_KEY, KpiSet, change

# +1 when a rise is good, -1 when it is bad, 0 when it is neither (a product reading of the
# figures of DESIGN §8: the policy says which way it wants them to go, not by how much)
RISE_IS: dict[str, int] = {
    "received": -1,
    "complaint_rate": -1,
    "close_rate": +1,
    "on_time_rate": +1,
    "within_24h": +1,
    "satisfaction": +1,
    "first_time_fix": +1,
    "open_at_end": -1,
    "overdue_at_end": -1,
    "slips": 0,
}


class Verdict(StrEnum):
    BETTER = "better"
    WORSE = "worse"
    NEUTRAL = "neutral"  # no change, no comparison, or a figure that is neither


@dataclass(frozen=True, slots=True)
class KpiChange:
    key: str
    value: int | float | None
    before: int | float | None  # None: nothing to compare with
    delta: float | None  # value − before (percentage points for rates as fractions)
    verdict: Verdict


def kpi_change(key: str, current: KpiSet, before: KpiSet | None) -> KpiChange:
    """One KPI of `current` against `before` (None: no earlier figures)."""
    d = KPI_BY_KEY[key]
    now_v = d.value(current)
    before_v = d.value(before) if before is not None else None
    delta = change(now_v, before_v)
    rise = RISE_IS.get(key, 0)
    verdict = Verdict.NEUTRAL
    if delta and rise:
        verdict = Verdict.BETTER if (delta > 0) == (rise > 0) else Verdict.WORSE
    return KpiChange(key, now_v, before_v, delta, verdict)
