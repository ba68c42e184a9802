"""The dashboard's QPainter charts: value labels never cover one another (the latest
month's are placed first), and the tooltip under the mouse has every value of the month."""

from __future__ import annotations

from itertools import combinations
from typing import Any

from PySide6.QtCore import QRectF

from complaintdesk.ui.widgets.charts import BarChart, LineChart, Series, place_labels

MONTHS = [f"{m}月" for m in (6, 7, 8, 9, 10, 11)]
# 111 complaints on a 0–120 axis sits where 95.4 % sits on the rate axis: the labels met
RECEIVED = [0, 0, 19, 111, 101, 73]
CLOSED = [None, None, 0.579, 0.802, 0.822, 0.89]
ON_TIME = [None, None, 0.929, 0.954, 0.964, 0.957]


def painted(qtbot: Any, chart: Any, width: int = 520, height: int = 300) -> Any:
    qtbot.addWidget(chart)
    chart.resize(width, height)
    chart.grab()  # paints
    return chart


def trend() -> LineChart:
    chart = LineChart("近12个月趋势")
    chart.set_data(MONTHS, [Series("投诉量", RECEIVED), Series("结案率", CLOSED, percent=True),
                            Series("按时处理率", ON_TIME, percent=True)])
    return chart


def test_close_values_never_put_text_over_text(qtbot: Any) -> None:
    for width in (340, 520, 900):
        chart = painted(qtbot, trend(), width)
        rects = [r for r, _text in chart.value_labels]
        assert rects, width
        assert not [(a, b) for a, b in combinations(rects, 2) if a.intersects(b)], width


def test_the_latest_month_keeps_its_labels(qtbot: Any) -> None:
    chart = painted(qtbot, trend(), 340)
    texts = [t for _r, t in chart.value_labels]
    assert {"73", "89%", "95.7%"} <= set(texts)


def test_the_tooltip_shows_every_value_of_the_month_under_the_mouse(qtbot: Any) -> None:
    chart = painted(qtbot, trend())
    left, slot = chart._slots
    september = chart.tooltip_at(left + slot * 3.5)
    assert september.splitlines() == ["9月", "投诉量：111", "结案率：80.2%", "按时处理率：95.4%"]
    assert chart.tooltip_at(left - 5) == ""
    june = chart.tooltip_at(left + slot * 0.5)
    assert "结案率：—" in june  # no rate before there were cases


def test_bar_values_that_do_not_fit_are_left_out_not_overlapped(qtbot: Any) -> None:
    chart = BarChart("各部门投诉量")
    depts = [f"部门{i}" for i in range(12)]
    chart.set_data(depts, [Series("本月", [1200 + i for i in range(12)]),
                           Series("上月", [1199 + i for i in range(12)])])
    painted(qtbot, chart, 340)
    rects = [r for r, _text in chart.value_labels]
    assert not [(a, b) for a, b in combinations(rects, 2) if a.intersects(b)]
    assert len(rects) < 24  # narrow bars: some values only in the tooltip
    assert "本月：1,200" in chart.tooltip_at(chart._slots[0] + 1)


def test_place_labels_takes_the_next_free_spot_or_none() -> None:
    bounds = QRectF(0, 0, 100, 100)
    a = QRectF(10, 10, 20, 10)
    b_first, b_second = QRectF(15, 12, 20, 10), QRectF(15, 30, 20, 10)
    outside = QRectF(95, 95, 20, 10)
    assert place_labels([[a], [b_first, b_second], [QRectF(12, 11, 5, 5), outside]],
                        bounds) == [a, b_second, None]
