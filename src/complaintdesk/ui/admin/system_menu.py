"""The 系统 menu: 设置代理人 and 我的代理人 for everyone, 系统管理 for the administrator.

The main window builds it (`build_system_menu`) and puts it in its menu bar; the menu
needs only the services, the user and what to do when 系统管理 closes.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QMenu, QVBoxLayout, QWidget

from ...domain.records import Role, User
from .admin_settings import DelegationsTab, delegation_dialog
from .admin_view import AdminDialog

if TYPE_CHECKING:
    from ...services.container import Services

TITLE = "系统(&S)"


def build_system_menu(services: Services, user: User, parent: QWidget,
                      on_admin_closed: Callable[[], None]) -> QMenu:
    """系统 → 设置代理人…, 我的代理人…, and 系统管理… (administrator); the 提醒 list
    puts its entry first when the alerts are wired (ui/tasks/alerts_view.py)."""
    menu = QMenu(TITLE, parent)
    delegate = QAction("设置代理人…", parent)
    delegate.setStatusTip("外出或休假时指定代理人，代为处理您的待办")
    delegate.triggered.connect(lambda: delegation_dialog(services, user, user, parent).open())
    menu.addAction(delegate)
    mine = QAction("我的代理人…", parent)
    mine.setStatusTip("查看您设置过的代理；提前回来时可结束代理")
    mine.triggered.connect(lambda: OwnDelegationsDialog(services, user, parent).open())
    menu.addAction(mine)
    if user.has(Role.ADMIN):
        admin = QAction("系统管理…", parent)
        admin.setStatusTip("用户、部门、员工、流程设置与代理人")
        admin.triggered.connect(lambda: open_admin(services, user, parent, on_admin_closed))
        menu.addSeparator()
        menu.addAction(admin)
    return menu


class OwnDelegationsDialog(QDialog):
    """系统 → 我的代理人: the user's own delegations, to add one or end one early."""

    def __init__(self, services: Services, user: User, parent: QWidget) -> None:
        super().__init__(parent)
        self.setWindowTitle(f"我的代理人（{user.display_name}）")
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.resize(760, 360)
        self.delegations = DelegationsTab(services, user, self, own=True)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        lay = QVBoxLayout(self)
        lay.addWidget(self.delegations)
        lay.addWidget(buttons)


def open_admin(services: Services, user: User, parent: QWidget,
               on_closed: Callable[[], None]) -> AdminDialog:
    """系统 → 系统管理…; `on_closed` runs when it closes (我的待办 follows the changes)."""
    dialog = AdminDialog(services, user, parent)
    dialog.finished.connect(lambda _r: on_closed())
    dialog.open()
    return dialog
