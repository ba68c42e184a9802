"""The 案件列表 tab: filters above, the paged table below (DESIGN §10: never all rows)."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, time, timedelta
from typing import TYPE_CHECKING

from PySide6.QtCore import QDate, Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDateEdit,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from ...domain.query import CaseQuery
from ...domain.records import CHANNELS, CaseStatus, FlowKind, Severity, User
from ..widgets.columns import ColumnSizer
from ..widgets.common import show_error
from ..widgets.empty_state import EmptyState
from ..widgets.workers import run_task
from .case_model import COLUMNS, CaseTableModel
from .scanner import SCAN_TARGET

if TYPE_CHECKING:
    from ...services.container import Services

KEYWORD_DELAY_MS = 300
ROW_HEIGHT = 24


def _combo(all_label: str, items: list[tuple[str, object]]) -> QComboBox:
    box = QComboBox()
    box.addItem(all_label, None)
    for text, value in items:
        box.addItem(text, value)
    box.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
    return box


class CaseListWidget(QWidget):
    open_case = Signal(int)  # case id
    count_changed = Signal(int)  # cases matching the filters

    def __init__(self, services: Services, user: User, page_size: int | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.services = services
        self.user = user
        self.tz = services.cases.tz
        self._count_generation = 0
        self._select_after_load: int | None = None

        self.keyword = QLineEdit()
        self.keyword.setPlaceholderText("搜索：编号 / 客户姓名 / 电话 / 车牌 / VIN / 投诉内容（Ctrl+F）")
        self.keyword.setClearButtonEnabled(True)
        self.keyword.setMinimumWidth(320)
        self.keyword.setProperty(SCAN_TARGET, True)  # a scanner's code opens its record
        self.flow = _combo("全部类型", [(f.label, f.value) for f in FlowKind])
        self.status = _combo("全部状态", [(s.label, s.value) for s in CaseStatus])
        self.department = _combo("全部部门", [(d.name, d.id) for d in services.people.departments()])
        self.severity = _combo("全部程度", [(s.label, s.value) for s in Severity])
        self.category = _combo("全部类别", [(c, c) for c in services.settings.categories()])
        self.channel = _combo("全部渠道", [(c, c) for c in CHANNELS])
        self.use_dates = QCheckBox("登记日期")
        # the dealership's date (settings' time zone), not this PC's or UTC's: after
        # midnight in Beijing a UTC machine was still on yesterday and hid today's cases
        today = QDate(services.clock.now().astimezone(self.tz).date())
        self.date_from = QDateEdit(today.addMonths(-1))
        self.date_to = QDateEdit(today)
        for d in (self.date_from, self.date_to):
            d.setCalendarPopup(True)
            d.setDisplayFormat("yyyy-MM-dd")
            d.setEnabled(False)
        self.overdue_only = QCheckBox("仅超期")
        self.loading_label = QLabel("")
        self.loading_label.setStyleSheet("color: #777;")

        row1 = QHBoxLayout()
        row1.addWidget(QLabel("关键字"))
        row1.addWidget(self.keyword, 1)
        row1.addWidget(self.flow)  # here, not in row 2: that row sets the window's min width
        row1.addWidget(self.overdue_only)
        row1.addWidget(self.loading_label)
        row2 = QHBoxLayout()
        for w in (self.status, self.department, self.severity, self.category, self.channel):
            row2.addWidget(w)
        row2.addSpacing(12)
        row2.addWidget(self.use_dates)
        row2.addWidget(self.date_from)
        row2.addWidget(QLabel("至"))
        row2.addWidget(self.date_to)
        row2.addStretch(1)

        self.model = CaseTableModel(services, user, **({"page_size": page_size}
                                                      if page_size else {}))
        self.view = QTableView()
        self.view.setModel(self.model)
        self.view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.view.setAlternatingRowColors(True)
        self.view.setWordWrap(False)
        self.view.verticalHeader().hide()
        self.view.verticalHeader().setDefaultSectionSize(ROW_HEIGHT)
        self.view.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        header = self.view.horizontalHeader()
        header.setHighlightSections(False)
        # short data in every column: the spare width is shared out, not given to 状态
        self.columns = ColumnSizer(self.view, "case_list", stretch=None,
                                   widths=[width for _title, _key, width in COLUMNS])
        header.setSortIndicator(1, Qt.SortOrder.DescendingOrder)  # 登记时间, newest first
        header.setSortIndicatorShown(True)
        header.setSectionsClickable(True)
        header.sortIndicatorChanged.connect(self._on_sort)

        self.empty = EmptyState(self.view)

        lay = QVBoxLayout(self)
        lay.setContentsMargins(6, 6, 6, 6)
        lay.addLayout(row1)
        lay.addLayout(row2)
        lay.addWidget(self.view, 1)

        self._keyword_timer = QTimer(self)
        self._keyword_timer.setSingleShot(True)
        self._keyword_timer.setInterval(KEYWORD_DELAY_MS)
        self._keyword_timer.timeout.connect(self.apply_filters)
        self.keyword.textChanged.connect(self._keyword_timer.start)
        for box in (self.flow, self.status, self.department, self.severity, self.category,
                    self.channel):
            box.currentIndexChanged.connect(self.apply_filters)
        self.overdue_only.toggled.connect(self.apply_filters)
        self.use_dates.toggled.connect(self._on_dates_toggled)
        self.date_from.dateChanged.connect(self._on_date_changed)
        self.date_to.dateChanged.connect(self._on_date_changed)
        self.view.activated.connect(self._on_activated)  # Enter and double-click
        self.model.loading_changed.connect(self._on_loading)
        self.model.page_loaded.connect(self._on_page_loaded)
        self.model.failed.connect(lambda exc: show_error(self, exc, "查询失败"))
        self._kept: tuple[int | None, int] = (None, 0)
        self.model.about_to_refresh.connect(self._keep_place)
        self.model.refreshed.connect(self._restore_place)

    # ---- public -------------------------------------------------------------------------
    def query(self) -> CaseQuery:
        """The filters as the service's query object (dates: local days → UTC instants)."""
        start = end = None
        if self.use_dates.isChecked():
            start = self._utc_start_of(self.date_from.date())
            end = self._utc_start_of(self.date_to.date()) + timedelta(days=1)
        return replace(
            self.model.query, keyword=self.keyword.text().strip(),
            flow=self.flow.currentData(), status=self.status.currentData(),
            department_id=self.department.currentData(),
            severity=self.severity.currentData(), category=self.category.currentData(),
            channel=self.channel.currentData(), registered_from=start, registered_to=end,
            overdue_only=self.overdue_only.isChecked())

    def apply_filters(self) -> None:
        self._keyword_timer.stop()
        self.model.set_query(self.query())
        self._update_count()

    def refresh(self, select_case_id: int | None = None) -> None:
        self._select_after_load = select_case_id if select_case_id is not None else \
            self.current_case_id()
        self.model.set_query(self.query())
        self._update_count()

    def live_refresh(self) -> None:
        """The database changed (here or on another PC): the same filters again, keeping
        the selected case and the scroll position, and the count."""
        self.model.refresh_in_place()
        self._update_count()

    def _keep_place(self) -> None:
        self._kept = (self.current_case_id(), self.view.verticalScrollBar().value())

    def _restore_place(self) -> None:
        case_id, scroll = self._kept
        row = self.model.row_of(case_id) if case_id is not None else -1
        if row >= 0:
            self.view.setCurrentIndex(self.model.index(row, 0))
            self.view.selectRow(row)
        self.view.verticalScrollBar().setValue(scroll)

    def current_case_id(self) -> int | None:
        idx = self.view.currentIndex()
        return self.model.case_id(idx.row()) if idx.isValid() else None

    def active_filters(self) -> list[str]:
        """The filters in force, as the user would read them back ("状态:处理中")."""
        parts = []
        keyword = self.keyword.text().strip()
        if keyword:
            parts.append(f"关键字“{keyword}”")
        for name, box in (("类型", self.flow), ("状态", self.status), ("部门", self.department),
                          ("严重程度", self.severity), ("类别", self.category),
                          ("渠道", self.channel)):
            if box.currentData() is not None:
                parts.append(f"{name}：{box.currentText()}")
        if self.use_dates.isChecked():
            parts.append(f"登记日期 {self.date_from.text()} 至 {self.date_to.text()}")
        if self.overdue_only.isChecked():
            parts.append("仅超期")
        return parts

    def clear_filters(self) -> None:
        """Every filter back to 全部, then one query (not one per widget)."""
        widgets = (self.keyword, self.flow, self.status, self.department, self.severity,
                   self.category, self.channel, self.use_dates, self.overdue_only)
        for w in widgets:
            w.blockSignals(True)
        self.keyword.clear()
        for box in (self.flow, self.status, self.department, self.severity, self.category,
                    self.channel):
            box.setCurrentIndex(0)
        self.use_dates.setChecked(False)
        self.date_from.setEnabled(False)
        self.date_to.setEnabled(False)
        self.overdue_only.setChecked(False)
        for w in widgets:
            w.blockSignals(False)
        self.apply_filters()

    def focus_keyword(self) -> None:
        self.keyword.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.keyword.selectAll()

    # ---- internals ----------------------------------------------------------------------
    def _utc_start_of(self, d: QDate) -> datetime:
        local = datetime.combine(d.toPython(), time(0), tzinfo=self.tz)
        return local.astimezone(UTC)

    def _on_dates_toggled(self, on: bool) -> None:
        self.date_from.setEnabled(on)
        self.date_to.setEnabled(on)
        self.apply_filters()

    def _on_date_changed(self) -> None:
        if self.use_dates.isChecked():
            self.apply_filters()

    def _on_sort(self, column: int, order: Qt.SortOrder) -> None:
        if COLUMNS[column][1] is None:  # 电话 is masked text: not a useful order
            header = self.view.horizontalHeader()
            key_col = next(i for i, c in enumerate(COLUMNS) if c[1] == self.model.query.sort_key)
            header.blockSignals(True)
            header.setSortIndicator(key_col, Qt.SortOrder.DescendingOrder
                                    if self.model.query.sort_desc else Qt.SortOrder.AscendingOrder)
            header.blockSignals(False)
            return
        self.model.sort(column, order)

    def _on_activated(self, index: object) -> None:
        case_id = self.model.case_id(self.view.currentIndex().row())
        if case_id is not None:
            self.open_case.emit(case_id)

    def _on_loading(self, loading: bool) -> None:
        self.loading_label.setText("正在查询…" if loading else "")
        if loading:
            self.empty.hide()  # the note was about the previous query

    def _on_page_loaded(self, rows: int) -> None:
        if rows == 0:  # say so, in the list, rather than leave an empty table to puzzle over
            filters = self.active_filters()
            if filters:
                self.empty.show_message("没有找到符合条件的案件",
                                        "当前条件：" + "；".join(filters),
                                        "清除全部筛选条件", self.clear_filters)
            else:
                self.empty.show_message("还没有登记任何案件",
                                        "点击工具栏上的“登记投诉”（Ctrl+N）登记第一个案件。")
        else:
            self.empty.hide()
        if self._select_after_load is None:
            return
        row = self.model.row_of(self._select_after_load)
        if row >= 0:
            self.view.selectRow(row)
            self.view.scrollTo(self.model.index(row, 0))
        self._select_after_load = None

    def _update_count(self) -> None:
        self._count_generation += 1
        gen, query = self._count_generation, self.model.query
        services, user = self.services, self.user

        def done(n: int) -> None:
            if gen == self._count_generation:
                self.count_changed.emit(n)

        run_task(lambda: services.cases.count(user, query), done, owner=self)
