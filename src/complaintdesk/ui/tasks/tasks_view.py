"""我的待办: the steps this user (or whom they stand in for) must act on, soonest first.

The rows and their due state come from WorkflowService.my_tasks; a timer refreshes the list
every minute and says in the status bar when a task becomes due soon or overdue (the popups
are the alerts', ui/tasks/alerts_view.py). `notify` pops up what other panels hand it (access
requests).
"""

from __future__ import annotations

import time
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QLabel,
    QMainWindow,
    QPushButton,
    QSystemTrayIcon,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from ...domain.records import User
from ...domain.steps import step_title
from ..cases.list_export import ListExportBar, section_of
from ..widgets.columns import ColumnSizer
from ..widgets.common import local_text
from ..widgets.empty_state import EmptyState
from ..widgets.field_text import remaining_text
from .duty_tasks import DutyTasks

if TYPE_CHECKING:
    from ...services.container import Services
    from ...services.workflow import TaskRow

REFRESH_MS = 60_000
COLUMNS = ("编号", "客户", "当前步骤", "期限", "剩余时间", "部门")
STATE_COLORS = {  # (background, foreground)
    "due_soon": ("#fff3cd", "#8a5a00"),
    "overdue": ("#fde0e0", "#b71c1c"),
}
STATE_RANK = {"normal": 0, "due_soon": 1, "overdue": 2}
_FAR = datetime.max.replace(tzinfo=UTC)
DEADLINE_COL = 3

Index = QModelIndex | QPersistentModelIndex


class TaskTableModel(QAbstractTableModel):
    def __init__(self, tz: Any, parent: Any = None) -> None:
        super().__init__(parent)
        self.tz = tz
        self.rows: list[TaskRow] = []
        self.now = datetime.now(UTC)
        self.sort_column, self.sort_order = DEADLINE_COL, Qt.SortOrder.AscendingOrder

    def set_rows(self, rows: list[TaskRow], now: datetime) -> None:
        self.beginResetModel()
        self.rows = self._sorted(rows)
        self.now = now
        self.endResetModel()

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        """A header click; the order then holds across the refreshes every minute."""
        self.sort_column, self.sort_order = column, order
        self.layoutAboutToBeChanged.emit()
        self.rows = self._sorted(self.rows)
        self.layoutChanged.emit()

    def _sorted(self, rows: list[TaskRow]) -> list[TaskRow]:
        col = self.sort_column

        def key(t: TaskRow) -> tuple[Any, ...]:
            r = t.row
            deadline = (r.current_deadline or _FAR, r.number)
            match col:
                case 0:
                    return (r.number,)
                case 1:
                    return (r.customer_name, *deadline)
                case 2:
                    return (step_title(r.current_step), *deadline)
                case 5:
                    return (r.department_name or "", *deadline)
            return deadline  # 期限 and 剩余时间 order alike

        return sorted(rows, key=key, reverse=self.sort_order == Qt.SortOrder.DescendingOrder)

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(self, section: int, orientation: Qt.Orientation,  # noqa: N802
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return COLUMNS[section]
        return None

    def cell_text(self, row: int, column: int) -> str:
        t = self.rows[row]
        r = t.row
        match column:
            case 0:
                return r.number
            case 1:
                return r.customer_name
            case 2:
                return step_title(r.current_step)
            case 3:
                return local_text(r.current_deadline, self.tz) or "—"
            case 4:
                return remaining_text(r.current_deadline, self.now)
        return r.department_name or "—"

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        t = self.rows[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            return self.cell_text(index.row(), index.column())
        colors = STATE_COLORS.get(t.state)
        if role == Qt.ItemDataRole.BackgroundRole and colors:
            return QBrush(QColor(colors[0]))
        if role == Qt.ItemDataRole.ForegroundRole and colors:
            return QBrush(QColor(colors[1]))
        if role == Qt.ItemDataRole.UserRole:
            return t.row.id
        if role == Qt.ItemDataRole.ToolTipRole:
            return {"due_soon": "即将到期", "overdue": "已超期"}.get(t.state, "")
        return None


class _Popup(QLabel):
    """A small non-modal note in the corner of the window that hides itself."""

    def __init__(self, parent: QWidget) -> None:
        super().__init__(parent)
        self.setWordWrap(True)
        self.setStyleSheet("background: #fff8e1; border: 1px solid #e0a800; padding: 8px;"
                           "border-radius: 4px; color: #5d4037;")
        self.setMaximumWidth(360)
        self.hide()
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(self.hide)

    def show_text(self, text: str, ms: int = 8000) -> None:
        self.setText(text)
        self.adjustSize()
        parent = self.parentWidget()
        if parent is not None:
            self.move(parent.width() - self.width() - 12, parent.height() - self.height() - 12)
        self.raise_()
        self.show()
        self._timer.start(ms)


class TasksView(QWidget):
    open_case = Signal(int)  # case id
    count_changed = Signal(int, int)  # tasks, of which overdue
    notified = Signal(str)  # a task became due soon / overdue

    def __init__(self, services: Services, user: User, parent: QWidget | None = None,
                 interval_ms: int = REFRESH_MS) -> None:
        super().__init__(parent)
        self.services = services
        self.user = user
        self.tray: QSystemTrayIcon | None = None  # the main window may hand one over
        self._states: dict[tuple[int, str], str] | None = None  # None: not loaded yet
        self.status_label: QLabel | None = None
        self._loaded_at = 0.0

        self.model = TaskTableModel(services.workflow.tz, self)
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().hide()
        self.table.verticalHeader().setDefaultSectionSize(26)
        self.table.setAlternatingRowColors(False)
        self.columns = ColumnSizer(self.table, "tasks", stretch=None,
                                   widths=(150, 90, 130, 140, 150, 110))
        self.table.horizontalHeader().setSortIndicator(DEADLINE_COL, Qt.SortOrder.AscendingOrder)
        self.table.setSortingEnabled(True)  # soonest deadline first until a header is clicked
        self.table.doubleClicked.connect(self._double_clicked)
        self.empty = EmptyState(self.table)

        self.summary = QLabel()
        legend = QLabel('<span style="background:#fff3cd;color:#8a5a00">&nbsp;即将到期&nbsp;</span>'
                        '&nbsp;&nbsp;<span style="background:#fde0e0;color:#b71c1c">'
                        '&nbsp;已超期&nbsp;</span>')
        refresh = QPushButton("刷新")
        refresh.clicked.connect(self.refresh)
        top = QHBoxLayout()
        top.addWidget(self.summary, 1)
        top.addWidget(legend)
        top.addWidget(refresh)
        self.exports = ListExportBar(services, user, lambda: f"我的待办 {user.display_name}",
                                     lambda: [section_of("我的待办", self.table)], parent=self)
        top.addWidget(self.exports)
        lay = QVBoxLayout(self)
        lay.addLayout(top)
        lay.addWidget(self.table, 1)
        # 处理意见告知 and the weekly summary (not workflow steps): ui/tasks/duty_tasks.py
        self.duties = DutyTasks(services, user, self)
        self.duties.open_case.connect(self.open_case)
        lay.addWidget(self.duties)
        self.popup = _Popup(self)

        self.timer = QTimer(self)
        self.timer.setInterval(interval_ms)
        self.timer.timeout.connect(self.refresh)
        self.timer.start()
        self.refresh()

    # ---- data ---------------------------------------------------------------------------
    def refresh_if_stale(self, seconds: float = 2.0) -> None:
        """Opening the tab: a list read just now (at login, by a live update) is kept."""
        if time.monotonic() - self._loaded_at > seconds:
            self.refresh()

    def show_count(self) -> None:
        self._show_count(self.model.rowCount(), sum(
            1 for t in self.model.rows if t.state == "overdue"))

    def refresh(self) -> None:
        self._loaded_at = time.monotonic()
        try:
            rows = self.services.workflow.my_tasks(self.user)
        except Exception:  # noqa: BLE001 - a failed refresh keeps the old list; next tick retries
            return
        now = self.services.clock.now()
        # the list refreshes by itself (a minute's tick, any write here or on another PC):
        # the selected case and the scroll position stay where the user left them
        current = self.table.currentIndex()
        keep_id = self.model.data(current, Qt.ItemDataRole.UserRole) if current.isValid() \
            else None
        scroll = self.table.verticalScrollBar().value()
        if hasattr(self, "duties"):
            self.duties.refresh()
        self.model.set_rows(rows, now)
        if keep_id is not None:
            row = next((i for i, t in enumerate(self.model.rows) if t.row.id == keep_id), -1)
            if row >= 0:
                self.table.setCurrentIndex(self.model.index(row, current.column()))
        self.table.verticalScrollBar().setValue(scroll)
        overdue = sum(1 for t in rows if t.state == "overdue")
        soon = sum(1 for t in rows if t.state == "due_soon")
        self.summary.setText(f"待办 {len(rows)} 项  ·  即将到期 {soon}  ·  已超期 {overdue}")
        if rows:
            self.empty.hide()
        else:
            self.empty.show_message("没有待办事项",
                                    "需要您（或您代理的同事）处理的步骤会出现在这里，"
                                    "有变动时自动更新。")
        self.count_changed.emit(len(rows), overdue)
        self._show_count(len(rows), overdue)
        self._notify_changes(rows)

    def _notify_changes(self, rows: list[TaskRow]) -> None:
        states = {(t.row.id, t.row.current_step): t.state for t in rows}
        previous, self._states = self._states, states
        if previous is None:
            return  # the first load: the list itself says what is due
        news = []
        for t in rows:
            key = (t.row.id, t.row.current_step)
            before = previous.get(key, "normal")
            if STATE_RANK[t.state] > STATE_RANK.get(before, 0):
                what = "已超期" if t.state == "overdue" else "即将到期"
                news.append(f"{t.row.number} {step_title(t.row.current_step)} {what}")
        if news:
            # the list and the status bar only: the alerts (services/alerts.py) pop up the
            # 75 % and deadline reminders, and a second popup here announced each step twice
            text = "\n".join(news)
            self.notified.emit(text)
            self._status(text.replace("\n", "；"), 15_000)

    def notify(self, text: str) -> None:
        self.notified.emit(text)
        tray = self.tray
        if tray is not None and tray.isVisible() and QSystemTrayIcon.supportsMessages():
            tray.showMessage("ComplaintDesk 待办提醒", text,
                             QSystemTrayIcon.MessageIcon.Warning, 10_000)
        else:
            self.popup.show_text(text)
        self._status(text.replace("\n", ";"), 15_000)

    def _show_count(self, total: int, overdue: int) -> None:
        """A permanent label in the main window's status bar (added on first use)."""
        window = self.window()
        if self.status_label is None and isinstance(window, QMainWindow):
            self.status_label = QLabel()
            window.statusBar().addPermanentWidget(self.status_label)
        if self.status_label is not None:
            self.status_label.setText(f"我的待办 {total} 项" + (
                f"（已超期 {overdue} 项）" if overdue else ""))
            self.status_label.setStyleSheet("color: #b71c1c;" if overdue else "")

    def showEvent(self, event: Any) -> None:  # noqa: N802 - now inside the main window
        super().showEvent(event)
        self._show_count(self.model.rowCount(), sum(
            1 for t in self.model.rows if t.state == "overdue"))

    def _status(self, text: str, ms: int) -> None:
        window = self.window()
        if isinstance(window, QMainWindow):
            window.statusBar().showMessage(text, ms)

    def _double_clicked(self, index: QModelIndex) -> None:
        case_id = self.model.data(index, Qt.ItemDataRole.UserRole)
        if case_id is not None:
            self.open_case.emit(int(case_id))
