"""The main window: menu, toolbar, tabs (案件列表, 我的待办, 过失单, 台账, 统计), status bar."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QSettings, Qt
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence
from PySide6.QtWidgets import (
    QApplication,
    QLabel,
    QMainWindow,
    QMessageBox,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from ..domain.records import Role, User
from .about_dialog import AboutDialog
from .accountability_tabs import install as install_accountability
from .case_list import CaseListWidget
from .case_view import CaseViewDialog
from .flow_intake import FlowIntakeDialog
from .intake_dialog import IntakeDialog
from .internal_dialog import InternalComplaintDialog
from .rework_dialog import ReworkOrderDialog
from .stats_hookup import install_stats
from .tray import app_icon, install_tray
from .workflow_hookup import install_workflow_ui

if TYPE_CHECKING:
    from ..services.container import Services

ORGANIZATION = "ComplaintDesk"

# key → tab title; the later issues replace the placeholders through `set_tab`.
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


class MainWindow(QMainWindow):
    def __init__(self, services: Services, user: User, settings: QSettings | None = None,
                 demo: bool = False, page_size: int | None = None) -> None:
        super().__init__()
        self.services = services
        self.user = user
        self.settings = settings or QSettings(ORGANIZATION, ORGANIZATION)
        self.intake_dialog: IntakeDialog | None = None
        self.flow_dialog: FlowIntakeDialog | None = None  # 内部投诉 / 厂外返修 registration
        self.case_views: dict[int, CaseViewDialog] = {}
        self.setWindowTitle("ComplaintDesk 客户投诉处理系统" + ("(演示)" if demo else ""))
        self.setWindowIcon(app_icon())
        self.resize(1280, 800)

        self.case_list = CaseListWidget(services, user, page_size=page_size)
        self.case_list.open_case.connect(self.open_case)
        self.case_list.count_changed.connect(self._show_count)
        self.tabs = QTabWidget()
        self.tabs.setDocumentMode(True)
        self.tab_keys: list[str] = []
        for key, title in TABS:
            widget = self.case_list if key == "cases" else placeholder(f"{title}:即将推出")
            self.tabs.addTab(widget, title)
            self.tab_keys.append(key)
        self.setCentralWidget(self.tabs)

        self._make_actions()
        install_accountability(self)  # 过失单, 台账, 奖惩规则
        self.user_label = QLabel(self._user_text())
        self.count_label = QLabel("")
        # wide enough for a 100k database before the first count arrives: the status bar
        # lays out later than the text changes, and a label sized for "" showed only "共"
        self.count_label.setMinimumWidth(
            self.count_label.fontMetrics().horizontalAdvance("共 000000 个案件") + 4)
        self.count_label.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        self.statusBar().addPermanentWidget(self.count_label)
        self.statusBar().addPermanentWidget(self.user_label)
        self._restore_layout()
        self.case_list.refresh()
        install_workflow_ui(self)  # 我的待办 tab, 系统 menu (代理人, 系统管理)
        install_stats(self)  # 统计 tab (管理看板), 统计 menu (月报, 年报, 周报, 业务量)
        self.tray = install_tray(self)  # 待办 reminders as tray balloons (None: no tray)
        bar = self.menuBar()  # the installers added menus after 帮助: it goes last again
        bar.removeAction(self.help_menu.menuAction())
        bar.addAction(self.help_menu.menuAction())

    def _backups(self) -> None:
        from .backup_dialog import BackupDialog

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

        self.new_action = action("登记投诉…", self.new_complaint, "Ctrl+N", "登记新的客户投诉、建议或表扬")
        self.new_internal_action = action(
            "登记内部投诉…", lambda: self.new_flow_case(InternalComplaintDialog), "Ctrl+I",
            "员工反映其他员工或部门未按制度、流程办事(内部投诉意见处理单)")
        self.new_rework_action = action(
            "登记厂外返修…", lambda: self.new_flow_case(ReworkOrderDialog), "Ctrl+R",
            "开具车辆厂外返修作业单")
        self.open_action = action("打开案件", self._open_current, None, "打开所选案件(回车或双击)")
        self.refresh_action = action("刷新", self.refresh, "F5", "重新查询案件列表")
        self.find_action = action("查找", self._find, "Ctrl+F", "在案件列表中按关键字查找")
        self.quit_action = action("退出", self.close, "Ctrl+Q")
        self.about_action = action("关于", self._about)

        bar = self.menuBar()
        m = bar.addMenu("文件(&F)")
        m.addAction(self.new_action)
        m.addSeparator()
        if self.user.has(Role.ADMIN):
            self.backup_action = action("备份与恢复…", self._backups, None,
                                        "立即备份数据库,或从备份恢复")
            m.addAction(self.backup_action)
            m.addSeparator()
        m.addAction(self.quit_action)
        m = bar.addMenu("案件(&C)")
        m.addAction(self.new_internal_action)
        m.addAction(self.new_rework_action)
        m.addSeparator()
        for a in (self.open_action, self.find_action, self.refresh_action):
            m.addAction(a)
        self.help_menu = bar.addMenu("帮助(&H)")
        self.help_menu.addAction(self.about_action)

        tb = self.addToolBar("常用")
        tb.setObjectName("main_toolbar")
        tb.setMovable(False)
        tb.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        for a in (self.new_action, self.open_action, self.refresh_action, self.find_action):
            tb.addAction(a)

    def _user_text(self) -> str:
        roles = "、".join(sorted(r.label for r in self.user.roles)) or "无角色"
        return f"当前用户:{self.user.display_name}({roles})"

    # ---- actions ------------------------------------------------------------------------
    def new_complaint(self) -> None:
        if self.intake_dialog is not None:
            self.intake_dialog.raise_()
            self.intake_dialog.activateWindow()
            return
        self.intake_dialog = IntakeDialog(self.services, self.user, self)
        self.intake_dialog.finished.connect(self._intake_finished)
        self.intake_dialog.open()

    def _intake_finished(self, _result: int) -> None:
        dialog, self.intake_dialog = self.intake_dialog, None
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
        box = QMessageBox(QMessageBox.Icon.Information, "登记成功",
                          f"已登记,编号 {number}", parent=self)
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
        if dialog is None:
            return
        case = dialog.created_case
        dialog.deleteLater()
        if case is not None:
            self._announce(case.id, case.number)

    def open_case(self, case_id: int) -> CaseViewDialog:
        view = self.case_views.get(case_id)
        if view is None:
            view = CaseViewDialog(self.services, self.user, case_id, self)
            view.open_case.connect(self.open_case)
            view.finished.connect(lambda _r, cid=case_id: self.case_views.pop(cid, None))
            self.case_views[case_id] = view
        view.show()
        view.raise_()
        view.activateWindow()
        return view

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
        if self.intake_dialog is not None:
            self.intake_dialog.reject()  # saves its draft
        if self.flow_dialog is not None:
            self.flow_dialog.reject()  # saves its draft
        if self.tray is not None:
            self.tray.hide()  # no stale icon left in the tray
        self.settings.setValue("main/geometry", self.saveGeometry())
        self.settings.setValue("main/state", self.saveState())
        super().closeEvent(event)
