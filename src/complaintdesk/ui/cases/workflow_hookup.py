"""Plugs the workflow UI into the main window: the 我的待办 tab (with the customer-data
requests waiting for an approver), the 提醒 tab (alerts) and the 系统 menu (提醒列表,
设置代理人 and 我的代理人 for everyone, 系统管理 for the administrator)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QMenu, QVBoxLayout

from ...domain.records import Role
from ..admin.access_requests import AccessRequestsPanel, may_see_requests
from ..admin.admin_settings import DelegationsTab, delegation_dialog
from ..admin.admin_view import AdminDialog
from ..tasks.alerts_view import install_alerts
from ..tasks.tasks_view import TasksView

if TYPE_CHECKING:
    from ..main_window import MainWindow


def install_workflow_ui(window: MainWindow) -> TasksView:
    services, user = window.services, window.user
    tasks = TasksView(services, user)
    tasks.open_case.connect(window.open_case)
    window.set_tab("todo", tasks)
    window.tasks_view = tasks  # type: ignore[attr-defined]
    todo_index = window.tab_keys.index("todo")
    window.tabs.currentChanged.connect(
        lambda i: tasks.refresh_if_stale() if i == todo_index else None)
    tasks.show_count()  # now inside the window: the count goes to its status bar
    if may_see_requests(user):  # customer-data requests wait here for their approver
        panel = AccessRequestsPanel(services, user, tasks.notify, tasks)
        panel.open_case.connect(window.open_case)
        tasks.layout().addWidget(panel)
        tasks.count_changed.connect(lambda _n, _o: panel.refresh())
        window.access_requests = panel  # type: ignore[attr-defined]

    menu = QMenu("系统(&S)", window)
    delegate = QAction("设置代理人…", window)
    delegate.setStatusTip("外出或休假时指定代理人，代为处理您的待办")
    delegate.triggered.connect(
        lambda: delegation_dialog(services, user, user, window).open())
    menu.addAction(delegate)
    mine = QAction("我的代理人…", window)
    mine.setStatusTip("查看您设置过的代理；提前回来时可结束代理")
    mine.triggered.connect(lambda: own_delegations_dialog(window).open())
    menu.addAction(mine)
    if user.has(Role.ADMIN):
        admin = QAction("系统管理…", window)
        admin.setStatusTip("用户、部门、员工、流程设置与代理人")
        admin.triggered.connect(lambda: _open_admin(window))
        menu.addSeparator()
        menu.addAction(admin)
    bar = window.menuBar()
    actions = bar.actions()
    bar.insertMenu(actions[-1], menu) if actions else bar.addMenu(menu)
    window.system_menu = menu  # type: ignore[attr-defined]
    install_alerts(window)  # 提醒 tab, unread count, popups (DESIGN §4.5)
    return tasks


def own_delegations_dialog(window: MainWindow) -> QDialog:
    """系统 → 我的代理人: the user's own delegations, to add one or end one early."""
    dialog = QDialog(window)
    dialog.setWindowTitle(f"我的代理人（{window.user.display_name}）")
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    dialog.resize(760, 360)
    tab = DelegationsTab(window.services, window.user, dialog, own=True)
    buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
    buttons.rejected.connect(dialog.reject)
    lay = QVBoxLayout(dialog)
    lay.addWidget(tab)
    lay.addWidget(buttons)
    dialog.delegations = tab  # type: ignore[attr-defined]
    return dialog


def _open_admin(window: MainWindow) -> AdminDialog:
    dialog = AdminDialog(window.services, window.user, window)
    dialog.finished.connect(lambda _r: window.tasks_view.refresh())  # type: ignore[attr-defined]
    dialog.open()
    return dialog
