"""Month against month on the dashboard (domain/kpi/compare.py): the change of each KPI and
whether it is for the better — computed once here, formatted by the widget."""

import pytest

from complaintdesk.domain.kpi.compare import RISE_IS, Verdict, kpi_change
from complaintdesk.domain.kpi.shapes import KPI_BY_KEY, KpiSet, Ratio


def test_fewer_complaints_is_better_and_more_is_worse():
    now, before = KpiSet(received=8), KpiSet(received=10)
    moved = kpi_change("received", now, before)
    assert (moved.value, moved.before, moved.delta) == (8, 10, -2)
    assert moved.verdict is Verdict.BETTER
    assert kpi_change("received", before, now).verdict is Verdict.WORSE


def test_a_rate_moves_in_percentage_points_and_a_rise_in_closing_is_better():
    now = KpiSet(close_rate=Ratio(9, 10))
    before = KpiSet(close_rate=Ratio(3, 4))
    moved = kpi_change("close_rate", now, before)
    assert moved.delta == pytest.approx(0.15)
    assert moved.verdict is Verdict.BETTER


def test_no_earlier_month_or_no_denominator_gives_no_change():
    assert kpi_change("received", KpiSet(received=3), None).delta is None
    moved = kpi_change("close_rate", KpiSet(close_rate=Ratio(1, 2)), KpiSet())
    assert moved.before is None and moved.delta is None
    assert moved.verdict is Verdict.NEUTRAL


def test_no_change_and_a_neutral_figure_are_neutral():
    assert kpi_change("received", KpiSet(received=5), KpiSet(received=5)).verdict \
        is Verdict.NEUTRAL
    assert RISE_IS["slips"] == 0
    assert kpi_change("slips", KpiSet(slips=9), KpiSet(slips=1)).verdict is Verdict.NEUTRAL


def test_every_rated_kpi_is_a_known_kpi():
    assert set(RISE_IS) <= set(KPI_BY_KEY)
