"""Two small charts drawn with QPainter (QtCharts needs PySide6-Addons, which we do not
ship): a line chart with a count axis on the left and an optional percentage axis on the
right, and a grouped bar chart. Chinese labels, axes, a legend and the values drawn on
the points and bars — where there is room: a value label never covers another label or a
point, the latest month's values are placed first, and every value of a month is in the
tooltip under the mouse."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from PySide6.QtCore import QEvent, QLineF, QPointF, QRectF, QSize, Qt
from PySide6.QtGui import (
    QBrush,
    QColor,
    QFont,
    QFontMetrics,
    QHelpEvent,
    QPainter,
    QPainterPath,
    QPaintEvent,
    QPen,
)
from PySide6.QtWidgets import QSizePolicy, QToolTip, QWidget

PALETTE = ("#2f6fb5", "#e07b28", "#3a9a4a", "#b23a48", "#7a5cb0", "#8a8a8a")
AXIS = QColor("#666666")
GRID = QColor("#e4e4e4")
TEXT = QColor("#333333")


@dataclass(frozen=True, slots=True)
class Series:
    """One line or one bar of each group. `percent` series read the right-hand axis (0–1
    shown as 0–100 %); None values are gaps."""

    name: str
    values: Sequence[float | None]
    color: str = ""
    percent: bool = False


def nice_max(value: float) -> float:
    """A round upper bound for an axis: 7 → 8, 23 → 25, 0 → 1."""
    if value <= 0:
        return 1.0
    exp = 10 ** math.floor(math.log10(value))
    for m in (1, 1.2, 1.5, 2, 2.5, 3, 4, 5, 6, 8, 10):
        if value <= m * exp:
            return m * exp
    return 10 * exp


def fmt_value(v: float, percent: bool) -> str:
    if percent:
        return f"{v * 100:.0f}%" if v * 100 == round(v * 100) else f"{v * 100:.1f}%"
    return f"{v:,.0f}" if v == round(v) else f"{v:,.1f}"


def crosses(rect: QRectF, line: QLineF) -> bool:
    """Whether the segment `line` passes through `rect`."""
    if rect.contains(line.p1()) or rect.contains(line.p2()):
        return True
    edges = (QLineF(rect.topLeft(), rect.topRight()), QLineF(rect.topRight(), rect.bottomRight()),
             QLineF(rect.bottomRight(), rect.bottomLeft()), QLineF(rect.bottomLeft(), rect.topLeft()))
    return any(line.intersects(e)[0] == QLineF.IntersectionType.BoundedIntersection
               for e in edges)


def place_labels(wanted: Sequence[Sequence[QRectF]], bounds: QRectF,
                 obstacles: Sequence[QRectF] = (),
                 lines: Sequence[QLineF] = ()) -> list[QRectF | None]:
    """For each label, in order of importance, its candidate rectangles in order of
    preference: the first that stays inside `bounds` and touches neither an obstacle nor a
    label placed before it — preferring one that no chart line crosses. None: no room;
    the label is left out, never drawn over text."""
    taken = list(obstacles)
    placed: list[QRectF | None] = []
    for candidates in wanted:
        free = [r for r in candidates if bounds.contains(r)
                and not any(r.intersects(t) for t in taken)]
        spot = next((r for r in free if not any(crosses(r, ln) for ln in lines)),
                    free[0] if free else None)
        if spot is not None:
            taken.append(spot)
        placed.append(spot)
    return placed


class _Chart(QWidget):
    def __init__(self, title: str = "", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.title = title
        self.labels: list[str] = []
        self.series: list[Series] = []
        self.value_labels: list[tuple[QRectF, str]] = []  # drawn in the last paint
        self._slots: tuple[float, float] | None = None  # (left, width) of one label's slot
        self._legend: list[QRectF] = []
        self.partial: int | None = None  # the label of a period still in progress
        self.setMinimumSize(320, 220)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)

    def sizeHint(self) -> QSize:  # noqa: N802
        return QSize(520, 280)

    def set_data(self, labels: Sequence[str], series: Sequence[Series],
                 partial: int | None = None) -> None:
        """`partial`: the index of a period still in progress (a month so far) — hatched
        behind its slot and drawn dashed, so it does not read as a collapse."""
        self.partial = partial if partial is not None and 0 <= partial < len(labels) else None
        self.labels = list(labels)
        self.series = [s if s.color else Series(s.name, s.values, PALETTE[i % len(PALETTE)],
                                                s.percent)
                       for i, s in enumerate(series)]
        self.update()

    def tooltip_at(self, x: float) -> str:
        """Every value of the label (month, department) under the mouse at `x`."""
        if self._slots is None or not self.labels:
            return ""
        left, slot = self._slots
        i = math.floor((x - left) / slot) if slot > 0 else -1
        if not 0 <= i < len(self.labels):
            return ""
        lines = [self.labels[i].replace("\n", " ")]
        for s in self.series:
            v = s.values[i] if i < len(s.values) else None
            lines.append(f"{s.name}：{'—' if v is None else fmt_value(v, s.percent)}")
        return "\n".join(lines)

    def event(self, e: QEvent) -> bool:
        if e.type() == QEvent.Type.ToolTip and isinstance(e, QHelpEvent):
            text = self.tooltip_at(e.pos().x())
            if text:
                QToolTip.showText(e.globalPos(), text, self)
            else:
                QToolTip.hideText()
                e.ignore()
            return True
        return super().event(e)

    def _draw_values(self, p: QPainter, wanted: Sequence[tuple[str, QColor, Sequence[QRectF]]],
                     bounds: QRectF, obstacles: Sequence[QRectF] = (),
                     lines: Sequence[QLineF] = ()) -> None:
        self.value_labels = []
        for (text, color, _c), spot in zip(wanted, place_labels(
                [c for _t, _col, c in wanted], bounds, [*self._legend, *obstacles], lines),
                strict=True):
            if spot is not None:
                p.setPen(color)
                p.drawText(spot, Qt.AlignmentFlag.AlignCenter, text)
                self.value_labels.append((spot, text))

    def _font(self, delta: float = 0, bold: bool = False) -> QFont:
        f = QFont(self.font())
        f.setPointSizeF(max(6.0, f.pointSizeF() + delta))
        f.setBold(bold)
        return f

    def _frame(self, p: QPainter) -> QRectF:
        """Title and legend; returns the plot area (inside the axes)."""
        p.fillRect(self.rect(), QColor("white"))
        fm = QFontMetrics(self._font(1, True))
        p.setFont(self._font(1, True))
        p.setPen(TEXT)
        p.drawText(QRectF(0, 4, self.width(), fm.height()), Qt.AlignmentFlag.AlignHCenter,
                   self.title)
        top = 8 + fm.height()
        p.setFont(self._font(-1))
        lfm = QFontMetrics(self._font(-1))
        x = 48.0
        self._legend = []
        for s in self.series:
            p.fillRect(QRectF(x, top + lfm.height() / 2 - 4, 14, 8), QColor(s.color))
            p.setPen(TEXT)
            p.drawText(QPointF(x + 18, top + lfm.ascent()), s.name)
            self._legend.append(QRectF(x, top, 18 + lfm.horizontalAdvance(s.name),
                                       lfm.height()))
            x += 18 + lfm.horizontalAdvance(s.name) + 16
        top += lfm.height() + 8
        left = 8 + lfm.horizontalAdvance("10,000")
        right_axis = any(s.percent for s in self.series) and any(not s.percent
                                                                 for s in self.series)
        right = self.width() - (12 + lfm.horizontalAdvance("100%") if right_axis else 16)
        bottom = self.height() - lfm.height() * 2 - 6
        return QRectF(left, top + 6, max(right - left, 10), max(bottom - top - 6, 10))

    def _axes(self, p: QPainter, plot: QRectF, count_max: float, has_count: bool,
              has_percent: bool) -> None:
        fm = QFontMetrics(self._font(-1))
        p.setFont(self._font(-1))
        ticks = 5
        for i in range(ticks + 1):
            y = plot.bottom() - plot.height() * i / ticks
            p.setPen(QPen(GRID, 1))
            p.drawLine(QPointF(plot.left(), y), QPointF(plot.right(), y))
            p.setPen(AXIS)
            if has_count:
                text = fmt_value(count_max * i / ticks, False)
                p.drawText(QRectF(0, y - fm.height() / 2, plot.left() - 4, fm.height()),
                           Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter, text)
            if has_percent:
                text = f"{100 * i // ticks}%"
                rect = (QRectF(plot.right() + 4, y - fm.height() / 2, 60, fm.height())
                        if has_count else
                        QRectF(0, y - fm.height() / 2, plot.left() - 4, fm.height()))
                align = Qt.AlignmentFlag.AlignLeft if has_count else Qt.AlignmentFlag.AlignRight
                p.drawText(rect, align | Qt.AlignmentFlag.AlignVCenter, text)
        p.setPen(QPen(AXIS, 1))
        p.drawLine(plot.bottomLeft(), plot.bottomRight())
        p.drawLine(plot.bottomLeft(), plot.topLeft())

    def _x_labels(self, p: QPainter, plot: QRectF, centers: list[float], slot: float) -> None:
        fm = QFontMetrics(self._font(-1))
        p.setFont(self._font(-1))
        p.setPen(TEXT)
        widest = max((fm.horizontalAdvance(line) for t in self.labels
                      for line in t.split("\n")), default=0)
        every = max(1, math.ceil((widest + 6) / max(slot, 1)))  # skip labels that would collide
        last = len(self.labels) - 1
        for i, (x, text) in enumerate(zip(centers, self.labels, strict=False)):
            # every `every`-th label, and always the last (the current month): then the
            # one before it gives way if it would touch it
            if i != last and (i % every or last - i < every):
                continue
            p.drawText(QRectF(x - slot * every / 2, plot.bottom() + 4, slot * every,
                              fm.height() * 2), Qt.AlignmentFlag.AlignHCenter | Qt.TextFlag.TextWordWrap,
                       text)

    def _hatch_partial(self, p: QPainter, plot: QRectF, left: float, slot: float) -> None:
        if self.partial is None:
            return
        rect = QRectF(left + slot * self.partial, plot.top(), slot, plot.height())
        p.fillRect(rect, QColor("#f4f6f9"))
        p.fillRect(rect, QBrush(QColor("#d5dbe5"), Qt.BrushStyle.BDiagPattern))

    def _empty(self, p: QPainter, plot: QRectF) -> bool:
        if self.labels and any(v is not None for s in self.series for v in s.values):
            return False
        p.setPen(AXIS)
        p.drawText(plot, Qt.AlignmentFlag.AlignCenter, "暂无数据")
        return True


class LineChart(_Chart):
    """A trend: one point per label, counts on the left axis, rates on the right."""

    def paintEvent(self, _event: QPaintEvent) -> None:  # noqa: N802
        p = QPainter(self)
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        plot = self._frame(p)
        counts = [v for s in self.series if not s.percent for v in s.values if v is not None]
        count_max = nice_max(max(counts, default=0))
        has_count = any(not s.percent for s in self.series)
        self._axes(p, plot, count_max, has_count, any(s.percent for s in self.series))
        if self._empty(p, plot):
            p.end()
            return
        n = len(self.labels)
        slot = plot.width() / n
        self._slots = (plot.left(), slot)
        xs = [plot.left() + slot * (i + 0.5) for i in range(n)]
        self._hatch_partial(p, plot, plot.left(), slot)
        self._x_labels(p, plot, xs, slot)
        value_font = self._font(-2)
        p.setFont(value_font)
        vfm = QFontMetrics(value_font)
        points: list[list[QPointF | None]] = []
        for s in self.series:
            top = 1.0 if s.percent else count_max
            pts = [None if v is None else QPointF(x, plot.bottom() - plot.height() * v / top)
                   for x, v in zip(xs, s.values, strict=False)]
            path = QPainterPath()
            pen_down = False
            for i, pt in enumerate(pts):
                if pt is None or i == self.partial:
                    pen_down = False
                    continue
                path.lineTo(pt) if pen_down else path.moveTo(pt)
                pen_down = True
            color = QColor(s.color)
            p.setPen(QPen(color, 2))
            p.setBrush(Qt.BrushStyle.NoBrush)
            p.drawPath(path)
            if self.partial is not None and self.partial > 0 \
                    and pts[self.partial] is not None and pts[self.partial - 1] is not None:
                p.setPen(QPen(color, 2, Qt.PenStyle.DashLine))  # the month so far
                p.drawLine(pts[self.partial - 1], pts[self.partial])
            p.setBrush(color)
            for pt in pts:
                if pt is not None:
                    p.drawEllipse(pt, 3, 3)
            points.append(pts)
        # the latest month first: when labels compete, the current figures keep theirs
        wanted = []
        h = vfm.height()
        for i in reversed(range(n)):
            for s, pts in zip(self.series, points, strict=True):
                pt = pts[i] if i < len(pts) else None
                v = s.values[i] if i < len(s.values) else None
                if pt is None or v is None:
                    continue
                text = fmt_value(v, s.percent)
                w = vfm.horizontalAdvance(text) + 2
                above = QRectF(pt.x() - w / 2, pt.y() - 5 - h, w, h)
                below = QRectF(pt.x() - w / 2, pt.y() + 5, w, h)
                right = QRectF(pt.x() + 6, pt.y() - h / 2, w, h)
                left = QRectF(pt.x() - 6 - w, pt.y() - h / 2, w, h)
                # counts above their points, rates below theirs: fewer labels compete
                order = (below, above) if s.percent else (above, below)
                aside = [r.translated(dx, 0) for r in order for dx in (w / 2 + 4, -w / 2 - 4)]
                wanted.append((text, QColor(s.color), (*order, right, left, *aside)))
        dots = [QRectF(pt.x() - 4, pt.y() - 4, 8, 8) for pts in points for pt in pts if pt]
        lines = [QLineF(a, b) for pts in points for a, b in zip(pts, pts[1:], strict=False)
                 if a is not None and b is not None]
        self._draw_values(p, wanted, plot.adjusted(-4, -vfm.height() - 4, 4, 0), dots, lines)
        p.end()


class BarChart(_Chart):
    """Grouped bars: one group per label, one bar per series, the value above each bar."""

    def paintEvent(self, _event: QPaintEvent) -> None:  # noqa: N802
        p = QPainter(self)
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        plot = self._frame(p)
        has_percent = all(s.percent for s in self.series) and bool(self.series)
        values = [v for s in self.series for v in s.values if v is not None]
        top = 1.0 if has_percent else nice_max(max(values, default=0))
        self._axes(p, plot, top, not has_percent, has_percent)
        if self._empty(p, plot):
            p.end()
            return
        n, k = len(self.labels), max(len(self.series), 1)
        slot = plot.width() / n
        bar = min(slot * 0.8 / k, 36.0)
        self._slots = (plot.left(), slot)
        xs = [plot.left() + slot * (i + 0.5) for i in range(n)]
        self._hatch_partial(p, plot, plot.left(), slot)
        self._x_labels(p, plot, xs, slot)
        value_font = self._font(-2)
        p.setFont(value_font)
        vfm = QFontMetrics(value_font)
        wanted = []
        for j, s in enumerate(self.series):
            color = QColor(s.color)
            for x, v in zip(xs, s.values, strict=False):
                if v is None:
                    continue
                h = plot.height() * v / top
                left = x - bar * k / 2 + bar * j
                p.fillRect(QRectF(left, plot.bottom() - h, bar - 2, h), color)
                text = fmt_value(v, s.percent)
                w = vfm.horizontalAdvance(text) + 2
                wanted.append((text, TEXT, (QRectF(left + (bar - 2) / 2 - w / 2,
                                                   plot.bottom() - h - vfm.height() - 1,
                                                   w, vfm.height()),)))
        # a value that does not fit above its bar (narrow bars, wide numbers) is left out
        self._draw_values(p, wanted, plot.adjusted(-4, -vfm.height() - 2, 4, 0))
        p.end()
