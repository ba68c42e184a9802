"""One input widget per FieldKind of the workflow's FIELDS table (the step forms are built
from it, not written by hand per step).

Each editor knows its field name, returns the value the service expects (or None when
nothing was entered) and can be pre-filled from what a step recorded earlier.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime, timedelta, tzinfo
from typing import Any

from PySide6.QtCore import QDate, QDateTime, QTime
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDateTimeEdit,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QTableWidget,
    QVBoxLayout,
    QWidget,
)

from ...domain.records import CATEGORIES, RESPONSIBILITY_LABELS
from ...domain.workflow.choices import ActionChoices as Choices  # the domain's pick-lists
from ...domain.workflow.fields import FieldKind, FieldSpec, parse_datetime
from .common import tab_leaves
from .field_text import choice_label

PLACEHOLDER = "请选择…"
SHORT_TEXT = {"category"}  # one-line fields; every other TEXT field is a paragraph


def _combo(items: Sequence[tuple[str, Any]], placeholder: bool = True) -> QComboBox:
    box = QComboBox()
    if placeholder:
        box.addItem(PLACEHOLDER, None)
    for text, value in items:
        box.addItem(text, value)
    return box


def _select(box: QComboBox, value: Any) -> None:
    i = box.findData(value)
    if i >= 0:
        box.setCurrentIndex(i)


class FieldEditor:
    """Base: a widget and its value."""

    def __init__(self, name: str, spec: FieldSpec, widget: QWidget) -> None:
        self.name = name
        self.spec = spec
        self.widget = widget
        self._on_change: list[Callable[[], None]] = []
        if spec.hint:  # e.g. step 1's severity guidance (domain/workflow/fields.py)
            widget.setToolTip(spec.hint)

    def on_change(self, callback: Callable[[], None]) -> None:
        """Call `callback` whenever the person changes the value (the form clears the
        field's error then: issue 13, errors stayed after the value was fixed)."""
        self._on_change.append(callback)
        if len(self._on_change) == 1:
            self._hook(self.widget)

    def _changed(self, *_args: object) -> None:
        for callback in self._on_change:
            callback()

    def _hook(self, root: QWidget) -> None:
        for w in (root, *root.findChildren(QWidget)):
            if isinstance(w, QComboBox):
                w.currentIndexChanged.connect(self._changed)
                w.editTextChanged.connect(self._changed)
            elif isinstance(w, QLineEdit) and not isinstance(w.parentWidget(), QComboBox):
                w.textEdited.connect(self._changed)
            elif isinstance(w, QPlainTextEdit):
                w.textChanged.connect(self._changed)
            elif isinstance(w, QCheckBox):
                w.toggled.connect(self._changed)
            elif isinstance(w, QDateTimeEdit):
                w.dateTimeChanged.connect(self._changed)

    def value(self) -> Any:
        raise NotImplementedError

    def set_value(self, value: Any) -> None:
        raise NotImplementedError


class TextEditor(FieldEditor):
    def __init__(self, name: str, spec: FieldSpec,
                 categories: Sequence[str] = CATEGORIES) -> None:
        if name == "category":
            box = QComboBox()
            box.setEditable(True)
            box.addItem("")
            box.addItems(list(categories))
            box.setCurrentIndex(0)
            super().__init__(name, spec, box)
        elif name in SHORT_TEXT:
            super().__init__(name, spec, QLineEdit())
        else:
            edit = QPlainTextEdit()
            edit.setTabChangesFocus(True)
            edit.setFixedHeight(64)
            super().__init__(name, spec, edit)

    def value(self) -> Any:
        w = self.widget
        if isinstance(w, QComboBox):
            text = w.currentText()
        elif isinstance(w, QLineEdit):
            text = w.text()
        else:
            assert isinstance(w, QPlainTextEdit)
            text = w.toPlainText()
        return text.strip() or None

    def set_value(self, value: Any) -> None:
        w, text = self.widget, "" if value is None else str(value)
        if isinstance(w, QComboBox):
            w.setEditText(text)
        elif isinstance(w, QLineEdit):
            w.setText(text)
        elif isinstance(w, QPlainTextEdit):
            w.setPlainText(text)


class ComboEditor(FieldEditor):
    """CHOICE (the spec's choices) and ID (a pick-list) fields."""

    def __init__(self, name: str, spec: FieldSpec, items: Sequence[tuple[str, Any]]) -> None:
        super().__init__(name, spec, _combo(items))

    def value(self) -> Any:
        assert isinstance(self.widget, QComboBox)
        return self.widget.currentData()

    def set_value(self, value: Any) -> None:
        assert isinstance(self.widget, QComboBox)
        _select(self.widget, value)


class BoolEditor(FieldEditor):
    """A required yes/no is a 是/否 choice (no default answer); an optional flag a checkbox."""

    def __init__(self, name: str, spec: FieldSpec, required: bool) -> None:
        if required:
            super().__init__(name, spec, _combo([("是", True), ("否", False)]))
        else:
            super().__init__(name, spec, QCheckBox(spec.label))

    def value(self) -> Any:
        w = self.widget
        if isinstance(w, QCheckBox):
            return w.isChecked() if (w.isChecked() or self.spec.kind is FieldKind.CONFIRM) \
                else None
        assert isinstance(w, QComboBox)
        return w.currentData()

    def set_value(self, value: Any) -> None:
        w = self.widget
        if isinstance(w, QCheckBox):
            w.setChecked(value is True)
        elif isinstance(w, QComboBox):
            _select(w, value)


class DateTimeEditor(FieldEditor):
    def __init__(self, name: str, spec: FieldSpec, tz: tzinfo, default: datetime) -> None:
        edit = QDateTimeEdit()
        edit.setCalendarPopup(True)
        edit.setDisplayFormat("yyyy-MM-dd HH:mm")
        tab_leaves(edit)
        super().__init__(name, spec, edit)
        self.tz = tz
        self.set_value(default)

    def value(self) -> Any:
        assert isinstance(self.widget, QDateTimeEdit)
        q = self.widget.dateTime()
        d, t = q.date(), q.time()
        local = datetime(d.year(), d.month(), d.day(), t.hour(), t.minute(), tzinfo=self.tz)
        return local.isoformat()

    def set_value(self, value: Any) -> None:
        when = parse_datetime(value.isoformat() if isinstance(value, datetime) else value)
        if when is None:
            return
        local = when.astimezone(self.tz)
        assert isinstance(self.widget, QDateTimeEdit)
        self.widget.setDateTime(QDateTime(QDate(local.year, local.month, local.day),
                                          QTime(local.hour, local.minute)))


class ResponsibleEditor(FieldEditor):
    """A small table: employee, 责任程度, 处理意见 — one row per responsible person."""

    def __init__(self, name: str, spec: FieldSpec, employees: Sequence[tuple[str, int]]) -> None:
        box = QWidget()
        super().__init__(name, spec, box)
        self.employees = list(employees)
        self.table = QTableWidget(0, 3)
        self.table.setHorizontalHeaderLabels(["员工", "责任程度", "处理意见"])
        self.table.verticalHeader().hide()
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setTabKeyNavigation(False)  # Tab goes on to the next field, not cell to cell
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        header.setStretchLastSection(True)
        self.table.setMinimumHeight(96)
        self.table.setMaximumHeight(150)
        self.add_button = QPushButton("添加责任人")
        self.remove_button = QPushButton("删除选中行")
        self.add_button.clicked.connect(lambda: self.add_row())
        self.remove_button.clicked.connect(self._remove_selected)
        buttons = QHBoxLayout()
        buttons.addWidget(self.add_button)
        buttons.addWidget(self.remove_button)
        buttons.addStretch(1)
        hint = QLabel("没有责任人时不必添加")
        hint.setStyleSheet("color: #777;")
        buttons.addWidget(hint)
        lay = QVBoxLayout(box)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.addWidget(self.table)
        lay.addLayout(buttons)

    def add_row(self, employee_id: int | None = None, responsibility: str | None = None,
                proposal: str = "") -> int:
        r = self.table.rowCount()
        self.table.insertRow(r)
        emp = _combo(self.employees)
        _select(emp, employee_id)
        level = _combo([(label, key.value) for key, label in RESPONSIBILITY_LABELS.items()])
        _select(level, responsibility)
        self.table.setCellWidget(r, 0, emp)
        self.table.setCellWidget(r, 1, level)
        self.table.setCellWidget(r, 2, QLineEdit(proposal))
        self.table.setRowHeight(r, 30)
        if self._on_change:
            for c in range(3):
                self._hook(self.table.cellWidget(r, c))
            self._changed()
        return r

    def _remove_selected(self) -> None:
        rows = sorted({i.row() for i in self.table.selectedIndexes()}, reverse=True)
        for r in rows or ([self.table.rowCount() - 1] if self.table.rowCount() else []):
            self.table.removeRow(r)
        self._changed()

    def row_widgets(self, r: int) -> tuple[QComboBox, QComboBox, QLineEdit]:
        emp, level, text = (self.table.cellWidget(r, c) for c in range(3))
        assert isinstance(emp, QComboBox) and isinstance(level, QComboBox)
        assert isinstance(text, QLineEdit)
        return emp, level, text

    def value(self) -> Any:
        out = []
        for r in range(self.table.rowCount()):
            emp, level, text = self.row_widgets(r)
            if emp.currentData() is None and level.currentData() is None \
                    and not text.text().strip():
                continue  # an untouched row
            out.append({"employee_id": emp.currentData(),
                        "responsibility": level.currentData(),
                        "proposal": text.text().strip()})
        return out

    def set_value(self, value: Any) -> None:
        self.table.setRowCount(0)
        for item in value if isinstance(value, list) else []:
            if isinstance(item, dict):
                self.add_row(item.get("employee_id"), item.get("responsibility"),
                             str(item.get("proposal") or ""))


class IdsEditor(FieldEditor):
    """IDS (the case's fault slips): shown for reference; the accountability side issues
    the proposed slips and records their ids when the step is submitted."""

    def __init__(self, name: str, spec: FieldSpec, items: Sequence[tuple[str, int]]) -> None:
        box = QWidget()
        super().__init__(name, spec, box)
        lay = QVBoxLayout(box)
        lay.setContentsMargins(0, 0, 0, 0)
        for text, _ident in items:
            lay.addWidget(QLabel(text))
        if not items:
            empty = QLabel("本案暂无过失单")
            empty.setStyleSheet("color: #777;")
            lay.addWidget(empty)

    def value(self) -> Any:
        return None

    def set_value(self, value: Any) -> None:
        return None


def make_editor(name: str, spec: FieldSpec, required: bool, choices: Choices, tz: tzinfo,
                now: datetime) -> FieldEditor:
    match spec.kind:
        case FieldKind.ID:
            return ComboEditor(name, spec, choices.for_field(name))
        case FieldKind.IDS:
            return IdsEditor(name, spec, choices.for_field(name))
        case FieldKind.CHOICE:
            return ComboEditor(name, spec, [(choice_label(c), c) for c in spec.choices])
        case FieldKind.BOOL:
            return BoolEditor(name, spec, required)
        case FieldKind.CONFIRM:
            return BoolEditor(name, spec, required=False)
        case FieldKind.DATETIME:
            default = now + timedelta(days=1) if name == "deadline" else now
            return DateTimeEditor(name, spec, tz, default)
        case FieldKind.RESPONSIBLE:
            return ResponsibleEditor(name, spec, choices.employees)
    return TextEditor(name, spec, choices.categories)
