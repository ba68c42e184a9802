"""系统管理 (administrator only): users, departments, employees, 单位信息, workflow settings,
代理人."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtWidgets import QDialog, QDialogButtonBox, QTabWidget, QVBoxLayout, QWidget

from ...domain.records import User
from .admin_people import DepartmentsTab, EmployeesTab
from .admin_pick_lists import CategoriesTab
from .admin_settings import DealershipTab, DelegationsTab, WorkflowSettingsTab
from .admin_users import UsersTab

if TYPE_CHECKING:
    from ...services.container import Services


class AdminDialog(QDialog):
    def __init__(self, services: Services, actor: User, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("系统管理")
        self.resize(900, 620)
        self.users = UsersTab(services, actor)
        self.departments = DepartmentsTab(services, actor)
        self.employees = EmployeesTab(services, actor)
        self.dealership = DealershipTab(services, actor)
        self.workflow = WorkflowSettingsTab(services, actor)
        self.delegations = DelegationsTab(services, actor)
        self.categories = CategoriesTab(services, actor)
        self.tabs = QTabWidget()
        for widget, title in ((self.users, "用户"), (self.departments, "部门"),
                              (self.employees, "员工"), (self.dealership, "单位信息"),
                              (self.workflow, "流程设置"),
                              (self.delegations, "代理人"), (self.categories, "投诉类别")):
            self.tabs.addTab(widget, title)
        # departments/employees edited in one tab show up in the others' pick-lists
        self.tabs.currentChanged.connect(self._refresh_current)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.button(QDialogButtonBox.StandardButton.Close).setText("关闭")
        buttons.rejected.connect(self.reject)
        lay = QVBoxLayout(self)
        lay.addWidget(self.tabs, 1)
        lay.addWidget(buttons)

    def _refresh_current(self, _index: int) -> None:
        widget = self.tabs.currentWidget()
        refresh = getattr(widget, "refresh", None)
        if callable(refresh):
            refresh()
