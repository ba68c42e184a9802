"""The main window: menu, toolbar, tabs (案件列表, 我的待办, 过失单, 台账, 统计, 提醒), status bar.

It comes up in two steps so that the user sees the window at once: `MainWindow()` is the
frame (title, remembered size, menus, tab titles, "正在打开数据库…"), built from Qt alone —
no storage or service module is imported for it; `attach(services, user)` fills it after the
database is open and the user has logged in. `MainWindow(services, user)` does both.

Composition is explicit (as in Vorta's main window): `attach` makes every tab, menu and
action here, from what the feature packages export — widgets (CaseListWidget, TasksView,
SlipsView, LedgerView, DashboardView, AlertsView) and menu builders (build_system_menu,
build_stats_menu, build_accountability_menu) that take the services and the user, never
the window. No module of ui/ imports this one back (tests/test_import_graph.py).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QSettings, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence
from PySide6.QtWidgets import (
    QApplication,
    QHBoxLayout,
    QLabel,
    QMainWindow,
    QPushButton,
    QStackedWidget,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from .shared_pc import TITLE, SharedPcMixin
from .tray import app_icon

if TYPE_CHECKING:
    from PySide6.QtWidgets import QProgressBar, QSystemTrayIcon

    from ..domain.records import User
    from ..services.container import Services
    from .about_dialog import AboutDialog
    from .admin.access_requests import AccessRequestsPanel
    from .cases.case_list import CaseListWidget
    from .cases.case_view import CaseViewDialog
    from .cases.flow_intake import FlowIntakeDialog
    from .cases.intake_dialog import IntakeDialog
    from .login_dialog import LoginDialog
    from .statistics.dashboard import DashboardView
    from .widgets.live import LiveUpdates

ORGANIZATION = "ComplaintDesk"

# key → tab title; `attach` replaces the placeholders through `set_tab` (提醒 comes last).
TABS = (("cases", "案件列表"), ("todo", "我的待办"), ("slips", "过失单"), ("ledger", "台账"),
        ("stats", "统计"))


def placeholder(text: str) -> QWidget:
    w = QWidget()
    lay = QVBoxLayout(w)
    label = QLabel(text)
    label.setAlignment(Qt.AlignmentFlag.AlignCenter)
    label.setStyleSheet("color: #888; font-size: 14px;")
    lay.addWidget(label)
    return w


class MainWindow(SharedPcMixin, QMainWindow):
    # another person logged in at the lock screen: the window built for them replaces this
    replaced = Signal(object)

    def __init__(self, services: Services | None = None, user: User | None = None,
                 settings: QSettings | None = None, demo: bool = False,
                 page_size: int | None = None) -> None:
        super().__init__()
        self.settings = settings or QSettings(ORGANIZATION, ORGANIZATION)
        self.page_size = page_size
        self.intake_dialog: IntakeDialog | None = None
        self.flow_dialog: FlowIntakeDialog | None = None  # 内部投诉 / 厂外返修 registration
        self.case_views: dict[int, CaseViewDialog] = {}
        self.library_dialog: QWidget | None = None  # 典型案例库 (one at a time)
        self.tray: QSystemTrayIcon | None = None
        self.attached = False
        self.locked = False
        self.demo = demo
        self.live: LiveUpdates | None = None
        self.login_dialog: LoginDialog | None = None
        self.setWindowTitle(TITLE + ("（演示）" if demo else ""))
        self.setWindowIcon(app_icon())
        self.resize(1280, 800)
        self._make_frame()
        self._restore_layout()
        if services is not None and user is not None:
            self.attach(services, user)

    # ---- the frame: shown before the database is open ------------------------------------
    def _make_frame(self) -> None:
        self.tabs = QTabWidget()
        self.tabs.setDocumentMode(True)
        self.tab_keys: list[str] = []
        for key, title in TABS:
            self.tabs.addTab(placeholder("") if key != "cases" else self._waiting_page(), title)
            self.tab_keys.append(key)
        self.stack = QStackedWidget()  # the tabs, or the lock page while nobody is logged in
        self.stack.addWidget(self.tabs)
        self.stack.addWidget(self._lock_page())
        self.setCentralWidget(self.stack)
        bar = self.menuBar()
        self.file_menu = bar.addMenu("文件(&F)")
        self.case_menu = bar.addMenu("案件(&C)")
        self.help_menu = bar.addMenu("帮助(&H)")
        self.quit_action = QAction("退出", self)
        self.quit_action.setShortcut(QKeySequence("Ctrl+Q"))
        self.quit_action.triggered.connect(self.close)
        self.file_menu.addAction(self.quit_action)
        self.toolbar = self.addToolBar("常用")
        self.toolbar.setObjectName("main_toolbar")
        self.toolbar.setMovable(False)
        self.toolbar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        self.toolbar.setMinimumHeight(self.fontMetrics().height() + 14)  # no jump on attach
        self.user_label = QLabel("")
        self.count_label = QLabel("")
        # wide enough for a 100k database before the first count arrives: the status bar
        # lays out later than the text changes, and a label sized for "" showed only "共"
        self.count_label.setMinimumWidth(
            self.count_label.fontMetrics().horizontalAdvance("共 000000 个案件") + 4)
        self.count_label.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        self.statusBar().addPermanentWidget(self.count_label)
        self.statusBar().addPermanentWidget(self.user_label)

    def _waiting_page(self) -> QWidget:
        w = QWidget()
        lay = QVBoxLayout(w)
        lay.addStretch(1)
        self.wait_label = QLabel("正在打开数据库…")
        self.wait_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.wait_label.setStyleSheet("color: #666; font-size: 15px;")
        self.wait_progress: QProgressBar | None = None  # made when the demo is seeded
        lay.addWidget(self.wait_label)
        lay.addStretch(2)
        return w

    def _lock_page(self) -> QWidget:
        w = QWidget()
        lay = QVBoxLayout(w)
        lay.addStretch(1)
        self.lock_label = QLabel("已锁定：请登录后继续使用。")
        self.lock_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.lock_label.setStyleSheet("color: #555; font-size: 16px;")
        lay.addWidget(self.lock_label)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        self.unlock_button = QPushButton("登录…")
        self.unlock_button.clicked.connect(self.show_login)
        leave = QPushButton("退出程序")
        leave.clicked.connect(self.close)
        buttons.addWidget(self.unlock_button)
        buttons.addWidget(leave)
        buttons.addStretch(1)
        lay.addLayout(buttons)
        lay.addStretch(2)
        return w

    def show_message(self, text: str) -> None:
        """What start-up is doing, in the middle of the not-yet-filled window."""
        if not self.attached:
            self.wait_label.setText(text)

    def show_progress(self, done: int, total: int, doing: str = "正在生成演示数据") -> None:
        """Start-up work over the cases (the statistics' first tallies, demo seeding):
        cases done so far."""
        if self.attached:
            return
        self.wait_label.setText(f"{doing}：{done}/{total} 个案件…")
        if self.wait_progress is None:
            from PySide6.QtWidgets import QProgressBar

            self.wait_progress = QProgressBar()
            self.wait_progress.setTextVisible(False)
            self.wait_progress.setFixedSize(360, 8)
            layout = self.wait_label.parentWidget().layout()
            assert isinstance(layout, QVBoxLayout)
            layout.insertWidget(2, self.wait_progress, 0, Qt.AlignmentFlag.AlignHCenter)
        self.wait_progress.setRange(0, max(total, 1))
        self.wait_progress.setValue(done)

    # ---- filled: the database is open, the user logged in ---------------------------------
    def attach(self, services: Services, user: User) -> None:
        """Build the working window for `user`: every tab, menu and action is made here,
        from the feature packages' widgets and builders (which take the services and the
        user, never the window). The UI modules that need services are imported now."""
        from ..domain.records import Role
        from .accountability.ledger_view import LedgerView
        from .accountability.menu import build_accountability_menu
        from .accountability.slips_view import SlipsView
        from .admin.access_requests import AccessRequestsPanel, may_see_requests
        from .admin.system_menu import build_system_menu
        from .cases.case_list import CaseListWidget
        from .cases.scanner import ScanListener
        from .statistics.dashboard import DashboardView
        from .statistics.menu import REFUSED_TEXT, build_stats_menu, may_view_statistics
        from .tasks.alerts_view import AlertsView, wire_alerts
        from .tasks.archive_view import ArchiveView, may_archive
        from .tasks.tasks_view import TasksView
        from .tray import install_tray

        assert not self.attached, "attach once"
        self.attached = True
        self.services = services
        self.user = user
        # 案件列表
        self.case_list: CaseListWidget = CaseListWidget(services, user, page_size=self.page_size)
        self.case_list.open_case.connect(self.open_case)
        self.case_list.count_changed.connect(self._show_count)
        self.set_tab("cases", self.case_list)
        self.tabs.setCurrentIndex(0)
        self._make_actions()  # 文件, 案件, 帮助 and the toolbar
        # 过失单, 台账
        self.slips_view = SlipsView(services, user)
        self.ledger_view = LedgerView(services, user)
        for view in (self.slips_view, self.ledger_view):
            view.open_case.connect(self.open_case)
        self.set_tab("slips", self.slips_view)
        self.set_tab("ledger", self.ledger_view)
        self.user_label.setText(self._user_text())
        self.case_list.refresh()
        # 我的待办, with the customer-data requests waiting for their approver
        self.tasks_view = TasksView(services, user)
        self.tasks_view.open_case.connect(self.open_case)
        self.set_tab("todo", self.tasks_view)
        self.tasks_view.show_count()  # now inside the window: the count goes to its status bar
        self.access_requests: AccessRequestsPanel | None = None
        if may_see_requests(user):
            panel = AccessRequestsPanel(services, user, self.tasks_view.notify, self.tasks_view)
            panel.open_case.connect(self.open_case)
            self.tasks_view.layout().addWidget(panel)
            self.tasks_view.count_changed.connect(lambda _n, _o: panel.refresh())
            self.access_requests = panel
        # 统计: the 管理看板 for those who may look; the others are told who may
        self.dashboard: DashboardView | None = None
        if may_view_statistics(user):
            self.dashboard = DashboardView(services, user)
            self.dashboard.open_case.connect(self.open_case)
            self.set_tab("stats", self.dashboard)
        else:
            self.set_tab("stats", placeholder(REFUSED_TEXT))
        # menus between 案件 and 帮助: 系统, 统计, 考核 (the last two only for some roles)
        self.system_menu = build_system_menu(services, user, self,
                                             on_admin_closed=self.tasks_view.refresh)
        self.stats_menu = build_stats_menu(services, user, self)
        self.accountability_menu = build_accountability_menu(services, user, self)
        for menu in (self.system_menu, self.stats_menu, self.accountability_menu):
            if menu is not None:
                self.menuBar().insertMenu(self.help_menu.menuAction(), menu)
        # 待归档 (DESIGN §4.7): the signed paper still to file, for those who file it
        self.archive_view: ArchiveView | None = None
        if may_archive(user):
            self.archive_view = ArchiveView(services, user)
            self.archive_view.open_case.connect(self.open_case)
            self.tabs.addTab(self.archive_view, "待归档")
            self.tab_keys.append("archive")
        # the scanner (DESIGN §4.7): a form's QR read into the search box or the window
        # opens its case or slip; never while the window is locked (the person left)
        self.scan_listener = ScanListener(self, active=lambda: not self.locked)
        self.scan_listener.scanned.connect(self.open_number)
        app = QApplication.instance()
        if app is not None:
            app.installEventFilter(self.scan_listener)
        # 提醒 (DESIGN §4.5): the last tab, its count in the status bar and the 系统 menu
        self.alerts_view = AlertsView(services, user)
        self.alerts_view.open_case.connect(self.open_case)
        self.tabs.addTab(self.alerts_view, "提醒")
        self.tab_keys.append("alerts")
        wire_alerts(self.alerts_view, self, self.tabs, self.system_menu)
        self.tabs.currentChanged.connect(self._tab_shown)
        if self.dashboard is not None and user.has(Role.GENERAL_MANAGER):
            # the dashboard is the manager's first stop: compute it in the background while
            # they look around, so the tab opens on figures rather than a progress bar
            dashboard = self.dashboard
            QTimer.singleShot(2000, dashboard,
                              lambda: dashboard.data is None and dashboard.refresh())
        # 待办 and 提醒 reminders as tray balloons (None: no tray)
        self.tray = install_tray(self, self.quit_action, show_todo=self._show_todo,
                                 alert_clicked=self.alerts_view.popup_clicked)
        if self.tray is not None:
            self.tasks_view.tray = self.tray
            self.alerts_view.tray = self.tray
        self._show_own_work()
        self._start_live_updates()
        self._start_idle_lock()

    def _tab_shown(self, index: int) -> None:
        """A tab came to the front: its list catches up (the statistics are computed the
        first time they are shown, then on 刷新)."""
        widget = self.tabs.widget(index)
        if widget is self.tasks_view:
            self.tasks_view.refresh_if_stale()
        elif widget is self.slips_view or widget is self.ledger_view:
            widget.refresh()
        elif widget is self.dashboard and self.dashboard.data is None:
            self.dashboard.refresh()
        elif widget is not None and widget is self.archive_view:
            self.archive_view.refresh()

    def _show_todo(self) -> None:
        self.tabs.setCurrentIndex(self.tab_keys.index("todo"))

    def _backup_to(self) -> None:
        from .admin.backup_dialog import backup_to_folder

        backup_to_folder(self, self.services, self.user)

    def _backups(self) -> None:
        from .admin.backup_dialog import BackupDialog

        def restart() -> None:
            """The database file was replaced: start afresh on it."""
            import sys

            from PySide6.QtCore import QProcess

            QProcess.startDetached(sys.executable, sys.argv[1:] if getattr(sys, "frozen", False)
                                   else sys.argv)
            QApplication.quit()

        dialog = BackupDialog(self.services, self.user, self, on_restored=restart)
        dialog.finished.connect(dialog.deleteLater)
        dialog.open()

    # ---- structure ----------------------------------------------------------------------
    def set_tab(self, key: str, widget: QWidget) -> None:
        """Replace a placeholder tab (我的待办, 过失单, 台账, 统计) by the real widget."""
        i = self.tab_keys.index(key)
        old = self.tabs.widget(i)
        title = self.tabs.tabText(i)
        self.tabs.removeTab(i)
        self.tabs.insertTab(i, widget, title)
        old.deleteLater()

    def _make_actions(self) -> None:
        def action(text: str, slot: object, shortcut: QKeySequence | str | None = None,
                   tip: str = "") -> QAction:
            a = QAction(text, self)
            if shortcut is not None:
                a.setShortcut(QKeySequence(shortcut))
            a.setStatusTip(tip)
            a.triggered.connect(slot)
            return a

        from ..domain.records import Role
        from .cases.internal_dialog import InternalComplaintDialog
        from .cases.ledger_actions import LedgerActions
        from .cases.rework_dialog import ReworkOrderDialog

        self.new_action = action("登记投诉…", self.new_complaint, "Ctrl+N", "登记新的客户投诉、建议或表扬")
        self.new_internal_action = action(
            "登记内部投诉…", lambda: self.new_flow_case(InternalComplaintDialog), "Ctrl+I",
            "员工反映其他员工或部门未按制度、流程办事（内部投诉意见处理单）")
        self.new_rework_action = action(
            "登记厂外返修…", lambda: self.new_flow_case(ReworkOrderDialog), "Ctrl+R",
            "开具车辆厂外返修作业单")
        if not self.user.has(Role.SERVICE_ADVISOR):  # 003 三.1; the service enforces it too
            self.new_rework_action.setEnabled(False)
            self.new_rework_action.setStatusTip("厂外返修作业单由维修顾问开具（制度003 三.1）")
        self.open_action = action("打开案件", self._open_current, None, "打开所选案件（回车或双击）")
        self.refresh_action = action("刷新", self.refresh, "F5", "重新查询案件列表")
        self.find_action = action("查找", self._find, "Ctrl+F", "在案件列表中按关键字查找")
        self.about_action = action("关于", self._about)
        self.switch_user_action = action("切换用户…", lambda: self.lock(), "Ctrl+L",
                                         "锁定窗口并回到登录（不退出程序）")

        m = self.file_menu
        first = self.quit_action  # the frame's 退出 stays last
        m.insertAction(first, self.new_action)
        m.insertSeparator(first)
        if self.user.has(Role.ADMIN):
            self.backup_action = action("备份与恢复…", self._backups, None,
                                        "立即备份数据库，或从备份恢复")
            m.insertAction(first, self.backup_action)
            self.backup_to_action = action("备份到…", self._backup_to, None,
                                           "把数据库备份到选定的文件夹，如 U 盘")
            m.insertAction(first, self.backup_to_action)
            self.idle_lock_action = action("自动锁定…", self._edit_idle_lock, None,
                                           "无人操作一段时间后自动锁定（接待台等共用电脑）")
            m.insertAction(first, self.idle_lock_action)
            m.insertSeparator(first)
        # issue 18 §2–3: 导入历史台账 (文件), 客户/车辆历史 and 导出当前列表 (案件)
        self.ledger_actions = LedgerActions(
            self.services, self.user, self, self.open_case, self.refresh,
            lambda: (self.case_list.query(), self.case_list.active_filters()),
            lambda text: self.statusBar().showMessage(text, 10000))
        m.insertAction(first, self.ledger_actions.import_ledger)
        m.insertSeparator(first)
        m.insertAction(first, self.switch_user_action)
        m = self.case_menu
        m.addAction(self.new_internal_action)
        m.addAction(self.new_rework_action)
        m.addSeparator()
        for a in (self.open_action, self.find_action, self.refresh_action):
            m.addAction(a)
        m.addSeparator()
        m.addAction(self.ledger_actions.history)
        m.addAction(self.ledger_actions.export_list)
        self.library_action = action(  # 003 一.11: teach all staff from such cases
            "典型案例库…", self.open_library, None,
            "结案的典型案例（已隐去客户信息），供全体员工学习（制度003 一.11）")
        m.addAction(self.library_action)
        self.help_menu.addAction(self.about_action)
        for a in (self.new_action, self.open_action, self.refresh_action, self.find_action):
            self.toolbar.addAction(a)

    def _user_text(self) -> str:
        roles = "、".join(sorted(r.label for r in self.user.roles)) or "无角色"
        return f"当前用户：{self.user.display_name}（{roles}）"

    # ---- actions ------------------------------------------------------------------------
    def new_complaint(self) -> None:
        if self.intake_dialog is not None:
            self.intake_dialog.raise_()
            self.intake_dialog.activateWindow()
            return
        from .cases.intake_dialog import IntakeDialog

        self.intake_dialog = IntakeDialog(self.services, self.user, self)
        self.intake_dialog.finished.connect(self._intake_finished)
        self.intake_dialog.open()

    def _intake_finished(self, _result: int) -> None:
        dialog, self.intake_dialog = self.intake_dialog, None
        self._registration_closed(dialog)

    def _registration_closed(self, dialog: IntakeDialog | FlowIntakeDialog | None) -> None:
        """A registration dialog closed: announce the case it created, if any."""
        if dialog is None:
            return
        case = dialog.created_case
        dialog.deleteLater()
        if case is not None:
            self._announce(case.id, case.number)

    def _announce(self, case_id: int | None, number: str) -> None:
        """A new case: selected in the list, its number in the status bar and a box."""
        self.case_list.refresh(select_case_id=case_id)
        self.statusBar().showMessage(f"已登记 {number}", 10000)
        from PySide6.QtWidgets import QMessageBox

        box = QMessageBox(QMessageBox.Icon.Information, "登记成功",
                          f"已登记，编号 {number}。", parent=self)
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        box.open()

    def new_flow_case(self, dialog_class: type[FlowIntakeDialog]) -> FlowIntakeDialog:
        """登记内部投诉 / 登记厂外返修: one such dialog at a time."""
        if self.flow_dialog is not None:
            self.flow_dialog.raise_()
            self.flow_dialog.activateWindow()
            return self.flow_dialog
        self.flow_dialog = dialog_class(self.services, self.user, self)
        self.flow_dialog.finished.connect(self._flow_finished)
        self.flow_dialog.open()
        return self.flow_dialog

    def _flow_finished(self, _result: int) -> None:
        dialog, self.flow_dialog = self.flow_dialog, None
        self._registration_closed(dialog)

    def open_case(self, case_id: int) -> CaseViewDialog:
        view = self.case_views.get(case_id)
        if view is None:
            from .cases.case_view import CaseViewDialog

            view = CaseViewDialog(self.services, self.user, case_id, self)
            view.open_case.connect(self.open_case)
            view.finished.connect(lambda _r, cid=case_id: self.case_views.pop(cid, None))
            self.case_views[case_id] = view
        view.show()
        view.raise_()
        view.activateWindow()
        return view

    def open_number(self, number: str) -> None:
        """A number read off a form's QR code (the scanner): its case — masked as usual for
        someone outside it — or its slip, refused with the usual message to whoever may
        not see it (DESIGN §4.7)."""
        from .widgets.common import show_error

        try:
            kind, record_id = self.services.paper.find_number(self.user, number)
        except Exception as exc:  # noqa: BLE001 - a ServiceError's Chinese message
            show_error(self, exc, "扫码未能打开")
            return
        self.statusBar().showMessage(f"扫码：{number}", 5000)
        if kind == "case":
            self.open_case(record_id)
        else:
            self.slips_view.open_slip(record_id)

    def open_library(self) -> QWidget:
        """案件 → 典型案例库… (one window; shown again when asked again)."""
        from .cases.case_examples import CaseLibraryDialog

        dialog = self.library_dialog
        if dialog is None:
            dialog = CaseLibraryDialog(self.services, self.user, self)
            dialog.open_case.connect(self.open_case)
            dialog.finished.connect(lambda _r: setattr(self, "library_dialog", None))
            self.library_dialog = dialog
        dialog.show()
        dialog.raise_()
        return dialog

    def _open_current(self) -> None:
        case_id = self.case_list.current_case_id()
        if case_id is not None:
            self.open_case(case_id)

    def refresh(self) -> None:
        self.case_list.refresh()

    def _find(self) -> None:
        self.tabs.setCurrentWidget(self.case_list)
        self.case_list.focus_keyword()

    def _show_count(self, n: int) -> None:
        self.count_label.setText(f"共 {n} 个案件")

    def _about(self) -> AboutDialog:
        from .about_dialog import AboutDialog

        dialog = AboutDialog(self.services, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()
        return dialog

    # ---- window state -------------------------------------------------------------------
    def _restore_layout(self) -> None:
        geometry = self.settings.value("main/geometry")
        if geometry is not None:
            self.restoreGeometry(geometry)
        state = self.settings.value("main/state")
        if state is not None:
            self.restoreState(state)

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802
        if self.live is not None:
            self.live.stop()
            self.live = None
        self.stop_idle_watch()
        if self.intake_dialog is not None:
            self.intake_dialog.reject()  # saves its draft
        if self.flow_dialog is not None:
            self.flow_dialog.reject()  # saves its draft
        if self.tray is not None:
            self.tray.hide()  # no stale icon left in the tray
        if not getattr(self, "_switching", False):
            self.save_layout()
        super().closeEvent(event)
