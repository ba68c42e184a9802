"""提醒 (DESIGN §4.5): the person's alerts with an unread count, on whichever PC they are
logged in.

The view polls the alerts table every few seconds (one indexed count; the list is read only
when the count moves) and runs the reminder scan every minute and at login. A new alert pops
up as a tray balloon where there is a tray, otherwise as a small notice in the window's
corner that fades and opens the case when clicked. At login the unread ones come oldest
first (the GM's laptop is often offline).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QPersistentModelIndex,
    QPropertyAnimation,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtGui import QAction, QFont, QMouseEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFrame,
    QGraphicsOpacityEffect,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMainWindow,
    QMenu,
    QPushButton,
    QSystemTrayIcon,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from ...domain.alerts import Alert
from ...domain.records import User
from ..widgets.common import local_text
from ..widgets.empty_state import EmptyState
from ..widgets.workers import run_task

if TYPE_CHECKING:
    from ...services.container import Services

POLL_MS = 5_000  # another PC's alert shows within a few seconds
SCAN_MS = 60_000  # the 50 %/75 %/deadline marks are minutes apart at the least
NOTICE_MS = 12_000
COLUMNS = ("时间", "类型", "内容")
Index = QModelIndex | QPersistentModelIndex


class AlertModel(QAbstractTableModel):
    def __init__(self, tz: Any, parent: Any = None) -> None:
        super().__init__(parent)
        self.tz = tz
        self.rows: list[Alert] = []
        self._bold = QFont()
        self._bold.setBold(True)

    def set_rows(self, rows: list[Alert]) -> None:
        self.beginResetModel()
        self.rows = rows
        self.endResetModel()

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: N802, B008
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: N802, B008
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(self, section: int, orientation: Qt.Orientation,  # noqa: N802
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            return COLUMNS[section]
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        a = self.rows[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            return (local_text(a.send_at, self.tz), a.kind.label, a.text)[index.column()]
        if role == Qt.ItemDataRole.FontRole and a.read_at is None:
            return self._bold  # unread
        if role == Qt.ItemDataRole.ToolTipRole and index.column() == 2:
            return a.text
        if role == Qt.ItemDataRole.UserRole:
            return a
        return None


class AlertNotice(QFrame):
    """The non-modal notice of a desktop without a tray: a small frameless box in the
    window's bottom-right corner that fades out; a click opens what it is about."""

    clicked = Signal()

    def __init__(self, parent: QWidget) -> None:
        super().__init__(parent)
        self.setObjectName("alert_notice")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setStyleSheet("#alert_notice { background: #fffbe6; border: 1px solid #e0c060;"
                           " border-radius: 4px; }")
        self.setCursor(Qt.CursorShape.PointingHandCursor)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(10, 8, 10, 8)
        self.title = QLabel("新提醒")
        self.title.setStyleSheet("font-weight: bold;")
        self.label = QLabel()
        self.label.setWordWrap(True)
        self.label.setMinimumWidth(300)
        self.label.setMaximumWidth(420)
        hint = QLabel("点击查看")
        hint.setStyleSheet("color: #777; font-size: 11px;")
        lay.addWidget(self.title)
        lay.addWidget(self.label)
        lay.addWidget(hint)
        self.effect = QGraphicsOpacityEffect(self)
        self.effect.setOpacity(1.0)
        self.setGraphicsEffect(self.effect)
        self.fade = QPropertyAnimation(self.effect, b"opacity", self)
        self.fade.setDuration(1500)
        self.fade.setStartValue(1.0)
        self.fade.setEndValue(0.0)
        self.fade.finished.connect(self.hide)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(self.fade.start)
        self.hide()

    def show_text(self, title: str, text: str, ms: int = NOTICE_MS) -> None:
        self.fade.stop()
        self.effect.setOpacity(1.0)
        self.title.setText(title)
        self.label.setText(text)
        self.adjustSize()
        parent = self.parentWidget()
        if parent is not None:
            self.move(parent.width() - self.width() - 16, parent.height() - self.height() - 36)
        self.raise_()
        self.show()
        self._timer.start(ms)

    def mousePressEvent(self, event: QMouseEvent) -> None:  # noqa: N802 - Qt's name
        self._timer.stop()
        self.hide()
        self.clicked.emit()
        super().mousePressEvent(event)


class AlertsView(QWidget):
    open_case = Signal(int)
    unread_changed = Signal(int)
    notified = Signal(str)  # the text of a popup (tray or notice)

    def __init__(self, services: Services, user: User, parent: QWidget | None = None,
                 poll_ms: int = POLL_MS, scan_ms: int = SCAN_MS) -> None:
        super().__init__(parent)
        self.services, self.user = services, user
        self.tray: QSystemTrayIcon | None = None
        self.notice: AlertNotice | None = None  # made in the window (wire_alerts)
        self.badge: QPushButton | None = None  # the status bar's count (wire_alerts)
        self.menu_action: QAction | None = None  # 系统 → 提醒列表 (wire_alerts)
        self.unread = -1
        self.last_popup: Alert | None = None
        self._seen_ids: set[int] = set()
        self._scanning = False  # a timer scan is running in a worker
        self.model = AlertModel(services.alerts.tz, self)
        self.table = QTableView()
        self.table.setObjectName("alerts_table")
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().hide()
        self.table.setWordWrap(False)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        self.table.doubleClicked.connect(self._activated)
        self.empty = EmptyState(self.table)
        self.summary = QLabel()
        self.read_all = QPushButton("全部标为已读")
        self.read_all.clicked.connect(self.mark_all_read)
        self.open_button = QPushButton("打开案件")
        self.open_button.clicked.connect(lambda: self._activated(self.table.currentIndex()))
        refresh = QPushButton("刷新")
        refresh.clicked.connect(lambda: self.reload())
        top = QHBoxLayout()
        top.addWidget(self.summary, 1)
        top.addWidget(self.open_button)
        top.addWidget(self.read_all)
        top.addWidget(refresh)
        lay = QVBoxLayout(self)
        lay.addLayout(top)
        lay.addWidget(self.table, 1)
        self.poll_timer = QTimer(self)
        self.poll_timer.setInterval(poll_ms)
        self.poll_timer.timeout.connect(self.poll)
        self.scan_timer = QTimer(self)
        self.scan_timer.setInterval(scan_ms)
        self.scan_timer.timeout.connect(self.scan)

    # ---- data ---------------------------------------------------------------------------
    def start(self) -> None:
        """At login: the reminders due meanwhile, the list, the unread oldest first."""
        self.scan_now()
        self.reload()
        unread = self.services.alerts.unread(self.user)
        self._seen_ids = {a.id for a in self.model.rows if a.id is not None}
        if unread:
            self.popup(unread)
        self.poll_timer.start()
        self.scan_timer.start()

    def scan_now(self) -> None:
        """The reminder scan on this thread (at login, so that what fell due meanwhile pops
        up with the rest)."""
        try:
            self.services.alerts.scan()
        except Exception:  # noqa: BLE001 - a failed scan is retried at the next tick
            return
        self.poll()

    def scan(self) -> None:
        """The timer's scan, in a worker: it takes ≈ 2 ms, but after a change of the
        business calendar or the reminder fractions one scan works every open case's next
        mark out again (seconds on a large database), which must not freeze the window.
        One at a time; a failed scan is retried at the next tick."""
        if self._scanning:
            return
        self._scanning = True

        def done(_: object) -> None:
            self._scanning = False
            self.poll()

        def failed(_: BaseException) -> None:
            self._scanning = False

        run_task(self.services.alerts.scan, done, failed, owner=self)

    def poll(self) -> None:
        """The unread count; the list (and a popup of what is new) when it moved."""
        try:
            n = self.services.alerts.unread_count(self.user)
        except Exception:  # noqa: BLE001 - the database may be busy: next tick
            return
        if n != self.unread:
            self.reload()

    def reload(self) -> None:
        try:
            rows = self.services.alerts.for_user(self.user)
            n = self.services.alerts.unread_count(self.user)
        except Exception:  # noqa: BLE001 - keep what is shown; the next poll retries
            return
        self.model.set_rows(rows)
        fresh = [a for a in reversed(rows)  # oldest first
                 if a.id is not None and a.id not in self._seen_ids and a.read_at is None]
        first_load = self.unread < 0
        self._seen_ids |= {a.id for a in rows if a.id is not None}
        self.unread = n
        self.summary.setText(f"共 {len(rows)} 条提醒，未读 {n} 条")
        self.read_all.setEnabled(n > 0)
        if rows:
            self.empty.hide()
        else:
            self.empty.show_message("没有提醒", "新的待办、即将到期的步骤和需要您处理的过失单会在这里提醒您。")
        self.unread_changed.emit(n)
        if fresh and not first_load:
            self.popup(fresh)

    # ---- telling ------------------------------------------------------------------------
    def popup(self, alerts: list[Alert]) -> None:
        """Tray balloon where there is a tray, else the corner notice. Oldest first."""
        if not alerts:
            return
        self.last_popup = alerts[0] if len(alerts) == 1 else None
        if len(alerts) == 1:
            title, text = f"提醒：{alerts[0].kind.label}", alerts[0].text
        else:
            lines = [a.text for a in alerts[:4]]
            more = f"\n……共 {len(alerts)} 条未读提醒" if len(alerts) > 4 else ""
            title, text = f"您有 {len(alerts)} 条新提醒", "\n".join(lines) + more
        self.notified.emit(text)
        tray = self.tray
        if tray is not None and tray.isVisible() and QSystemTrayIcon.supportsMessages():
            tray.setProperty("last_source", "alerts")
            tray.showMessage(title, text, QSystemTrayIcon.MessageIcon.Information, 10_000)
        elif self.notice is not None:
            self.notice.show_text(title, text)

    def popup_clicked(self) -> None:
        """The popup was clicked: its case when it was about one, else the list."""
        a = self.last_popup
        if a is not None and a.case_id is not None:
            if a.id is not None:
                self.services.alerts.mark_read(self.user, [a.id])
                self.reload()
            self.open_case.emit(a.case_id)
            return
        self.show_list()

    def show_list(self) -> None:
        window = self.window()
        tabs = getattr(window, "tabs", None)
        if tabs is not None and tabs.indexOf(self) >= 0:
            tabs.setCurrentWidget(self)

    # ---- acting -------------------------------------------------------------------------
    def _activated(self, index: QModelIndex) -> None:
        if not index.isValid():
            return
        a: Alert = self.model.data(index, Qt.ItemDataRole.UserRole)
        if a.read_at is None and a.id is not None:
            self.services.alerts.mark_read(self.user, [a.id])
            self.reload()
        if a.case_id is not None:
            self.open_case.emit(a.case_id)

    def mark_all_read(self) -> None:
        self.services.alerts.mark_read(self.user)
        self.reload()


def wire_alerts(view: AlertsView, window: QMainWindow, tabs: QTabWidget,
                menu: QMenu | None) -> None:
    """The unread count on the view's tab (already in `tabs`), in the status bar and in
    the 系统 menu's first entry; the corner notice; polling starts once the window is
    painted and shows the unread alerts of this login as one popup."""
    view.notice = AlertNotice(window)
    view.notice.clicked.connect(view.popup_clicked)
    badge = QPushButton("提醒")
    badge.setObjectName("alerts_badge")
    badge.setFlat(True)
    badge.setToolTip("打开提醒列表")
    badge.clicked.connect(view.show_list)
    window.statusBar().addPermanentWidget(badge)
    action = QAction("提醒列表", window)
    action.setStatusTip("查看发给您的提醒（新待办、到期提醒、过失单、申诉、周汇总）")
    action.triggered.connect(view.show_list)
    if menu is not None:
        menu.insertAction(menu.actions()[0] if menu.actions() else None, action)

    def show_count(n: int) -> None:
        tabs.setTabText(tabs.indexOf(view), f"提醒（{n}）" if n else "提醒")
        badge.setText(f"提醒 {n} 条未读" if n else "提醒")
        badge.setStyleSheet("color: #b71c1c; font-weight: bold;" if n else "")
        action.setText(f"提醒列表（{n} 条未读）" if n else "提醒列表")

    view.unread_changed.connect(show_count)
    view.badge = badge
    view.menu_action = action
    QTimer.singleShot(0, view, view.start)
