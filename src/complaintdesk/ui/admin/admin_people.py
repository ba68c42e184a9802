"""系统管理: departments and employees (a left employee stays in history: 离职, not deleted),
and the small form dialog the admin tabs share."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import replace
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLineEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from ...domain.records import Department, Employee, User
from ...services.errors import ServiceError
from ..widgets.columns import ColumnSizer
from ..widgets.common import FieldError, error_label, with_error

if TYPE_CHECKING:
    from ...services.container import Services


class FormDialog(QDialog):
    """Rows of (field key, label, widget); `save` raises ServiceError naming a field."""

    def __init__(self, title: str, rows: Sequence[tuple[str, str, QWidget]],
                 save: Callable[[], Any], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.setMinimumWidth(420)
        self._save = save
        self.errors: dict[str, FieldError] = {}
        self.fields: dict[str, QWidget] = {key: widget for key, _label, widget in rows}
        form = QFormLayout()
        for key, label, widget in rows:
            self.errors[key] = FieldError()
            form.addRow(label, with_error(widget, self.errors[key]))
        self.general = error_label()
        buttons = QDialogButtonBox()
        self.ok_button = buttons.addButton("保存", QDialogButtonBox.ButtonRole.AcceptRole)
        buttons.addButton("取消", QDialogButtonBox.ButtonRole.RejectRole)
        buttons.accepted.connect(self.try_save)
        buttons.rejected.connect(self.reject)
        lay = QVBoxLayout(self)
        lay.addLayout(form)
        lay.addWidget(self.general)
        lay.addWidget(buttons)

    def try_save(self) -> bool:
        for e in self.errors.values():
            e.show_message("")
        self.general.hide()
        try:
            self._save()
        except ServiceError as exc:
            placed = False
            for key, message in (exc.fields or {}).items():
                if key in self.errors:
                    self.errors[key].show_message(message)
                    placed = True
            if not placed:
                self.general.setText(exc.message)
                self.general.show()
            return False
        self.accept()
        return True


RECORD_ROLE = Qt.ItemDataRole.UserRole + 1


def table(headers: Sequence[str]) -> QTableWidget:
    t = QTableWidget(0, len(headers))
    t.setHorizontalHeaderLabels(list(headers))
    t.verticalHeader().hide()
    t.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    t.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    t.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    t.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    t.horizontalHeader().setStretchLastSection(True)
    # sortable by a header click; unsorted (the service's order) until then
    t.horizontalHeader().setSortIndicator(-1, Qt.SortOrder.AscendingOrder)
    t.setSortingEnabled(True)
    return t


def fill(t: QTableWidget, rows: Sequence[Sequence[str]]) -> None:
    """Each row remembers which record it shows (`record_index`), whatever the sorting."""
    sorting = t.isSortingEnabled()
    t.setSortingEnabled(False)  # else each setItem re-sorts and rows land in the wrong place
    t.setRowCount(len(rows))
    for r, cells in enumerate(rows):
        for c, text in enumerate(cells):
            item = QTableWidgetItem(text)
            item.setData(RECORD_ROLE, r)
            t.setItem(r, c, item)
    t.setSortingEnabled(sorting)


def record_index(t: QTableWidget, row: int) -> int | None:
    """The position in the filled records of the row the user sees at `row`."""
    item = t.item(row, 0) if row >= 0 else None
    value = item.data(RECORD_ROLE) if item is not None else None
    return value if isinstance(value, int) else None


def department_combo(services: Services, none_label: str | None = None,
                     include_inactive: bool = False) -> QComboBox:
    box = QComboBox()
    if none_label is not None:
        box.addItem(none_label, None)
    for d in services.people.departments(include_inactive):
        box.addItem(d.name, d.id)
    return box


def select_data(box: QComboBox, value: Any) -> None:
    i = box.findData(value)
    box.setCurrentIndex(max(i, 0))


class ListTab(QWidget):
    """A table with 新建/编辑 buttons; subclasses say what the rows and the dialog are."""

    headers: tuple[str, ...] = ()
    noun = ""
    stretch: int | None = None  # the column that takes the spare width (None: share it)

    def __init__(self, services: Services, actor: User, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.services = services
        self.actor = actor
        self.items: list[Any] = []
        self.table = table(self.headers)
        self.table.doubleClicked.connect(lambda _i: self.edit_selected())
        self.new_button = QPushButton(f"新建{self.noun}")
        self.edit_button = QPushButton("编辑")
        self.new_button.clicked.connect(lambda: self.edit(None))
        self.edit_button.clicked.connect(self.edit_selected)
        self.buttons = QHBoxLayout()
        self.buttons.addWidget(self.new_button)
        self.buttons.addWidget(self.edit_button)
        self.buttons.addStretch(1)
        lay = QVBoxLayout(self)
        lay.addLayout(self.buttons)
        lay.addWidget(self.table, 1)
        self.columns = ColumnSizer(self.table, f"admin_{type(self).__name__}", self.stretch)
        self.refresh()

    def load(self) -> list[Any]:
        raise NotImplementedError

    def cells(self, item: Any) -> list[str]:
        raise NotImplementedError

    def dialog(self, item: Any | None) -> FormDialog:
        raise NotImplementedError

    def refresh(self) -> None:
        self.items = self.load()
        fill(self.table, [self.cells(i) for i in self.items])
        self.columns.fit()

    def selected(self) -> Any | None:
        rows = {i.row() for i in self.table.selectedIndexes()}
        index = record_index(self.table, min(rows)) if rows else None
        return self.items[index] if index is not None else None

    def edit_selected(self) -> None:
        item = self.selected()
        if item is not None:
            self.edit(item)

    def edit(self, item: Any | None) -> FormDialog:
        dialog = self.dialog(item)
        dialog.accepted.connect(self.refresh)
        dialog.open()
        return dialog


class DepartmentsTab(ListTab):
    headers = ("部门名称", "代码", "状态")
    noun = "部门"

    def load(self) -> list[Department]:
        return self.services.people.departments(True)

    def cells(self, item: Department) -> list[str]:
        return [item.name, item.code, "启用" if item.active else "停用"]

    def dialog(self, item: Department | None) -> FormDialog:
        dep = item or Department(None, "")
        name, code = QLineEdit(dep.name), QLineEdit(dep.code)
        active = QCheckBox("启用")
        active.setChecked(dep.active)

        def save() -> None:
            self.services.people.save_department(self.actor, replace(
                dep, name=name.text(), code=code.text().strip(), active=active.isChecked()))

        return FormDialog("编辑部门" if item else "新建部门",
                          [("name", "部门名称", name), ("code", "代码", code),
                           ("active", "状态", active)], save, self)


class EmployeesTab(ListTab):
    headers = ("姓名", "部门", "岗位", "状态")
    noun = "员工"

    def load(self) -> list[Employee]:
        self.dept_names = {d.id: d.name for d in self.services.people.departments(True)}
        return self.services.people.employees(True)

    def cells(self, item: Employee) -> list[str]:
        return [item.name, self.dept_names.get(item.department_id, ""), item.post,
                "在职" if item.active else "已离职"]

    def dialog(self, item: Employee | None) -> FormDialog:
        emp = item or Employee(None, "", None)
        name, post = QLineEdit(emp.name), QLineEdit(emp.post)
        dept = department_combo(self.services, "请选择…", include_inactive=True)
        select_data(dept, emp.department_id)
        active = QCheckBox("在职（取消勾选即为已离职，历史记录保留）")
        active.setChecked(emp.active)

        def save() -> None:
            self.services.people.save_employee(self.actor, replace(
                emp, name=name.text(), department_id=dept.currentData(),
                post=post.text().strip(), active=active.isChecked()))

        return FormDialog("编辑员工" if item else "新建员工",
                          [("name", "姓名", name), ("department", "部门", dept),
                           ("post", "岗位", post), ("active", "状态", active)], save, self)
