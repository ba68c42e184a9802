"""管理看板 (DESIGN §8): this month's KPIs so far against the same days of last month, the twelve-month trend, the
departments, and the complaints overdue now — for the general manager and the assessor.
Computed off the UI thread; double-clicking an overdue complaint opens it."""

from __future__ import annotations

from datetime import tzinfo
from typing import TYPE_CHECKING

from PySide6.QtCore import QModelIndex, Qt, Signal
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QProgressBar,
    QPushButton,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from ...domain.kpi.compare import Verdict, kpi_change
from ...domain.kpi.shapes import (
    KIND_COUNT,
    KIND_HOURS,
    KIND_MONEY,
    KIND_RATE,
    KIND_SMALL_RATE,
    KPI_BY_KEY,
    KpiSet,
    OpenCase,
)
from ...domain.records import User
from ...domain.steps import step_title
from ..widgets.charts import BarChart, LineChart, Series
from ..widgets.columns import ColumnSizer
from ..widgets.common import ERROR_STYLE, local_text
from ..widgets.progress_job import ProgressJob
from ..widgets.row_model import Column, RowsModel, make_table, row_at

if TYPE_CHECKING:
    from ...services.container import Services
    from ...services.reports import DashboardData

# (KPI key, tile title); whether a rise is good is the domain's (domain/kpi/compare.RISE_IS)
TILES: tuple[tuple[str, str], ...] = (
    ("received", "投诉量"),
    ("complaint_rate", "投诉率"),
    ("close_rate", "结案率"),
    ("on_time_rate", "按时处理率"),
    ("within_24h", "24小时处理率"),
    ("satisfaction", "客户满意度"),
    ("first_time_fix", "一次解决率"),
    ("open_at_end", "未结案"),
    ("overdue_at_end", "超时未结"),
    ("slips", "过失单"),
)
VERDICT_COLORS = {Verdict.BETTER: "#2e7d32", Verdict.WORSE: "#c62828",
                  Verdict.NEUTRAL: "#666666"}


def format_value(kind: str, v: float | None) -> str:
    if v is None:
        return "—"
    if kind == KIND_RATE:
        return f"{v * 100:.1f}%"
    if kind == KIND_SMALL_RATE:
        return f"{v * 100:.2f}%"
    if kind == KIND_MONEY:
        return f"¥{v:,.0f}"
    if kind == KIND_HOURS:
        return f"{v:.1f} 小时"
    return f"{v:,.0f}"


def format_hours(hours: float) -> str:
    """A duration as people say it: "70 天 10 小时", "5 小时", "40 分钟" (not "1689.4")."""
    if hours < 1:
        return f"{max(1, round(hours * 60))} 分钟"
    whole = round(hours)
    if whole < 24:
        return f"{whole} 小时"
    days, rest = divmod(whole, 24)
    return f"{days} 天" + (f" {rest} 小时" if rest else "")


def format_change(kind: str, delta: float | None, prefix: str = "较上月") -> str:
    """"↑ 3.2 个百分点" / "↓ 5" / "持平" / "—" (no comparison), after `prefix`."""
    if delta is None:
        return f"{prefix} —"
    if abs(delta) < 1e-9:
        return f"{prefix} 持平"
    arrow = "↑" if delta > 0 else "↓"
    size = abs(delta)
    if kind in (KIND_RATE, KIND_SMALL_RATE):
        digits = 2 if kind == KIND_SMALL_RATE else 1
        return f"{prefix} {arrow} {size * 100:.{digits}f} 个百分点"
    if kind == KIND_MONEY:
        return f"{prefix} {arrow} ¥{size:,.0f}"
    if kind == KIND_HOURS:
        return f"{prefix} {arrow} {size:.1f} 小时"
    return f"{prefix} {arrow} {size:,.0f}"


class KpiTile(QFrame):
    """One KPI: title, this month's value, the change against last month, n / d."""

    def __init__(self, key: str, title: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.key = key
        self.setObjectName("kpiTile")
        self.setStyleSheet("#kpiTile { background: white; border: 1px solid #d6dbe3;"
                           " border-radius: 6px; }")
        lay = QVBoxLayout(self)
        lay.setContentsMargins(12, 8, 12, 8)
        lay.setSpacing(2)
        self.title_label = QLabel(title)
        self.title_label.setStyleSheet("color: #555;")
        self.value_label = QLabel("—")
        self.value_label.setStyleSheet("font-size: 22px; font-weight: bold; color: #1f3b63;")
        self.change_label = QLabel("")
        self.detail_label = QLabel("")
        self.detail_label.setStyleSheet("color: #888; font-size: 11px;")
        for w in (self.title_label, self.value_label, self.change_label, self.detail_label):
            lay.addWidget(w)

    def show_kpis(self, current: KpiSet, previous: KpiSet | None,
                  prefix: str = "较上月", before_title: str = "上月") -> None:
        d = KPI_BY_KEY[self.key]
        moved = kpi_change(self.key, current, previous)
        now_v, before = moved.value, moved.before
        self.value_label.setText(format_value(d.kind, now_v))
        self.change_label.setText(format_change(d.kind, moved.delta, prefix))
        self.change_label.setStyleSheet(f"color: {VERDICT_COLORS[moved.verdict]};")
        detail = d.detail(current)
        self.detail_label.setText(detail if d.kind != KIND_COUNT else "")
        self.setToolTip(f"{d.label}\n本月：{format_value(d.kind, now_v)} {detail}\n"
                        f"{before_title}：{format_value(d.kind, before)}")


def overdue_columns(tz: tzinfo) -> list[Column[OpenCase]]:
    return [
        Column("编号", lambda o: o.number),
        Column("责任部门", lambda o: o.department_label),
        Column("当前步骤", lambda o: step_title(o.step_key)),
        Column("期限", lambda o: local_text(o.deadline, tz),
               lambda o: o.deadline.timestamp() if o.deadline else 0.0),
        Column("已超时", lambda o: format_hours(o.overdue_hours), lambda o: o.overdue_hours,
               numeric=True),
        Column("登记至今", lambda o: format_hours(o.age_hours), lambda o: o.age_hours,
               numeric=True),
    ]


class DashboardView(QWidget):
    open_case = Signal(int)
    loaded = Signal()  # after each refresh that succeeded (tests wait for it)

    def __init__(self, services: Services, user: User, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.services, self.user = services, user
        self.data: DashboardData | None = None
        self.job: ProgressJob | None = None

        self.heading = QLabel("管理看板")
        self.heading.setStyleSheet("font-size: 16px; font-weight: bold;")
        self.status = QLabel("")
        self.status.setStyleSheet("color: #666;")
        self.busy = QProgressBar()
        self.busy.setRange(0, 1000)
        self.busy.setMaximumWidth(160)
        self.busy.setTextVisible(False)
        self.busy.hide()
        self.refresh_button = QPushButton("刷新")
        self.refresh_button.setToolTip("重新计算本月与近 12 个月的统计")
        self.refresh_button.clicked.connect(lambda: self.refresh(fresh=True))
        top = QHBoxLayout()
        top.addWidget(self.heading)
        top.addSpacing(12)
        top.addWidget(self.status, 1)
        top.addWidget(self.busy)
        top.addWidget(self.refresh_button)

        tiles = QGridLayout()
        tiles.setSpacing(8)
        self.tiles: dict[str, KpiTile] = {}
        per_row = (len(TILES) + 1) // 2
        for i, (key, title) in enumerate(TILES):
            tile = KpiTile(key, title)
            self.tiles[key] = tile
            tiles.addWidget(tile, i // per_row, i % per_row)

        self.trend_chart = LineChart("近12个月趋势")
        self.dept_chart = BarChart("各部门投诉量")
        charts = QSplitter(Qt.Orientation.Horizontal)
        charts.addWidget(self.trend_chart)
        charts.addWidget(self.dept_chart)
        charts.setSizes([600, 500])

        self.overdue_model: RowsModel[OpenCase] = RowsModel(
            overdue_columns(services.reports.tz), self,
            background=lambda o: QColor("#fdf1ef") if o.long_overdue else None)
        self.overdue_table, self.overdue_proxy = make_table(self.overdue_model, self)
        self.overdue_columns = ColumnSizer(self.overdue_table, "dashboard_overdue", stretch=None)
        self.overdue_table.setMinimumHeight(8 * self.overdue_table.verticalHeader()
                                            .defaultSectionSize() + 30)  # eight rows at least
        self.overdue_table.doubleClicked.connect(self._open_index)
        self.overdue_table.activated.connect(self._open_index)
        self.overdue_label = QLabel("超时未结案件")
        self.overdue_label.setStyleSheet("font-weight: bold;")
        lower = QWidget()
        ll = QVBoxLayout(lower)
        ll.setContentsMargins(0, 0, 0, 0)
        ll.addWidget(self.overdue_label)
        ll.addWidget(self.overdue_table, 1)
        body = QSplitter(Qt.Orientation.Vertical)
        body.addWidget(charts)
        body.addWidget(lower)
        body.setStretchFactor(0, 1)
        body.setStretchFactor(1, 1)
        body.setChildrenCollapsible(False)

        lay = QVBoxLayout(self)
        lay.addLayout(top)
        lay.addLayout(tiles)
        lay.addWidget(body, 1)

    # ---- loading ------------------------------------------------------------------------
    def refresh(self, fresh: bool = False) -> None:
        """Show the figures (a result under five minutes old is reused unless `fresh`)."""
        if self.job is not None and self.job.running:
            return
        self.refresh_button.setEnabled(False)
        self.status.setStyleSheet("color: #666;")
        self.status.setText("正在计算统计…")
        self.busy.setValue(0)
        self.busy.show()
        reports, user = self.services.reports, self.user
        self.job = ProgressJob(self, "", lambda progress, cancelled: reports.dashboard(
            user, progress, cancelled, fresh), self._loaded, self._failed,
            on_progress=lambda d, t: self.busy.setValue(1000 * d // max(t, 1)), dialog=False)
        self.job.start()

    def _failed(self, exc: BaseException) -> None:
        self.refresh_button.setEnabled(True)
        self.busy.hide()
        self.status.setStyleSheet(ERROR_STYLE)
        self.status.setText(getattr(exc, "message", None) or f"统计失败：{exc}")

    def _loaded(self, data: DashboardData) -> None:
        self.refresh_button.setEnabled(True)
        self.busy.hide()
        self.show_data(data)
        self.loaded.emit()

    def show_data(self, data: DashboardData) -> None:
        self.data = data
        y, m = data.month
        tz = self.services.reports.tz
        self.heading.setText(f"管理看板 · {y}年{m}月")
        self.status.setStyleSheet("color: #666;")
        span = data.to_date
        compared = data.compared
        if span is not None and data.same_days is not None:
            prefix, before_title = "较上月同期", f"上月{span.days_text}"
            self.status.setText(f"统计截至 {local_text(data.current.as_of, tz)} · "
                                f"{span.compare_text}")
        else:
            prefix, before_title = "较上月", "上月"
            self.status.setText(f"统计截至 {local_text(data.current.as_of, tz)}")
        prev = compared.overall if compared is not None else None
        for tile in self.tiles.values():
            tile.show_kpis(data.current.overall, prev, prefix, before_title)
        partial = len(data.trend) - 1 if span is not None and span.partial else None
        labels = [f"{p.months[0][1]}月" + (f"\n{p.months[0][0]}年" if (i == 0 or p.months[0][1] == 1)
                                           and i != partial else "")
                  + (f"\n{span.partial_label}" if i == partial and span is not None else "")
                  for i, p in enumerate(data.trend)]
        self.trend_chart.set_data(labels, [
            Series("投诉量", [p.overall.received for p in data.trend]),
            Series("结案率", [p.overall.close_rate.value for p in data.trend], percent=True),
            Series("按时处理率", [p.overall.on_time_rate.value for p in data.trend],
                   percent=True),
        ], partial)
        before = data.departments_before()
        self.dept_chart.set_data([g.label for g in data.departments], [
            Series(f"本月{span.days_text}" if span is not None else "本月",
                   [g.kpis.received for g in data.departments]),
            Series(before_title if data.same_days is not None else "上月",
                   [before.get(g.key, 0) for g in data.departments], "#a9c4e4"),
        ])
        self.overdue_model.set_rows(data.overdue)
        self.overdue_label.setText(f"超时未结案件（{len(data.overdue)} 件，双击打开）")
        self.overdue_columns.fit()

    def _open_index(self, index: QModelIndex) -> None:
        row = row_at(self.overdue_table, index)
        if row is not None and row.case_id is not None:
            self.open_case.emit(row.case_id)
