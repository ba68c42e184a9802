"""Plugs the workflow UI into the main window: the 我的待办 tab and the 系统 menu
(设置代理人 for everyone, 系统管理 for the administrator)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtGui import QAction
from PySide6.QtWidgets import QMenu

from ..domain.records import Role
from .admin_settings import delegation_dialog
from .admin_view import AdminDialog
from .tasks_view import TasksView

if TYPE_CHECKING:
    from .main_window import MainWindow


def install_workflow_ui(window: MainWindow) -> TasksView:
    services, user = window.services, window.user
    tasks = TasksView(services, user)
    tasks.open_case.connect(window.open_case)
    window.set_tab("todo", tasks)
    window.tasks_view = tasks  # type: ignore[attr-defined]
    todo_index = window.tab_keys.index("todo")
    window.tabs.currentChanged.connect(lambda i: tasks.refresh() if i == todo_index else None)
    tasks.refresh()  # now inside the window: the count goes to its status bar

    menu = QMenu("系统(&S)", window)
    delegate = QAction("设置代理人…", window)
    delegate.setStatusTip("外出或休假时指定代理人，代为处理您的待办")
    delegate.triggered.connect(
        lambda: delegation_dialog(services, user, user, window).open())
    menu.addAction(delegate)
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
    return tasks


def _open_admin(window: MainWindow) -> AdminDialog:
    dialog = AdminDialog(window.services, window.user, window)
    dialog.finished.connect(lambda _r: window.tasks_view.refresh())  # type: ignore[attr-defined]
    dialog.open()
    return dialog
