"""The action panel of a case: one button per action the service allows this user now, and
for the chosen one a form generated from the flow tables (the action's required fields and
what the step records), each field with the widget its FieldKind calls for.

No rules here: the service says which actions exist and refuses bad data (its messages are
shown next to the field they name); which fields a form has, what they start with and
which depends on which is the domain's table (domain/workflow/forms.py); what an ID field
offers to pick, and in which order, is the domain's too (domain/workflow/choices.py, read
by `services.choices`).
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QKeyEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QCheckBox,
    QFormLayout,
    QFrame,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from ...domain.records import Case, User
from ...domain.workflow import ActionSpec, StepStatus, flow_for, step_status
from ...domain.workflow.forms import FIELD_CONDITIONS, asked, form_fields, form_prefill
from ...domain.workflow.permissions import who_label
from ...services.errors import ConflictError, ServiceError
from ..widgets.common import ERROR_STYLE, FieldError, error_label, local_text
from ..widgets.field_text import remaining_text, spec_for
from ..widgets.field_widgets import Choices, FieldEditor, make_editor
from .step_slips import StepWork

if TYPE_CHECKING:
    from ...services.container import Services

STATUS_STYLE = {
    StepStatus.DUE_SOON: "color: #8a5a00; background: #fff3cd; padding: 2px 6px;",
    StepStatus.OVERDUE: "color: #b71c1c; background: #fde0e0; padding: 2px 6px;",
}


class StepForm(QGroupBox):
    """The form of one action: editors, a general error line, 提交/取消."""

    submitted = Signal()
    cancelled = Signal()

    def __init__(self, case: Case, spec: ActionSpec, choices: Choices, tz: Any, now: datetime,
                 parent: QWidget | None = None, work: StepWork | None = None) -> None:
        super().__init__(spec.label, parent)
        self.spec = spec
        self.editors: dict[str, FieldEditor] = {}
        self.errors: dict[str, FieldError] = {}
        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)
        for name in form_fields(case, spec):
            fspec = spec_for(name)
            assert fspec is not None
            required = name in spec.required
            editor = (work.editor_for(name, fspec, spec.key) if work else None) \
                or make_editor(name, fspec, required, choices, tz, now)
            editor.widget.setObjectName(f"field_{name}")
            value = form_prefill(case, name)
            if value is not None:
                editor.set_value(value)
            error = FieldError()
            self.editors[name], self.errors[name] = editor, error
            editor.on_change(lambda e=error: self._fixed(e))
            cell = QWidget()
            lay = QVBoxLayout(cell)
            lay.setContentsMargins(0, 0, 0, 0)
            lay.setSpacing(2)
            lay.addWidget(editor.widget)
            lay.addWidget(error)
            label = "" if isinstance(editor.widget, QCheckBox) else fspec.label
            form.addRow(f"{label} *" if required and label else label, cell)
        header = work.header_for(spec.key) if work else None
        if header is not None:  # the revisit's call sheet
            form.insertRow(0, header)
        for extra in work.extra_editors(spec.key) if work else []:  # the GM's per-slip decisions
            error = FieldError()
            self.editors[extra.name], self.errors[extra.name] = extra, error
            cell = QWidget()
            lay = QVBoxLayout(cell)
            lay.setContentsMargins(0, 0, 0, 0)
            lay.addWidget(extra.widget)
            lay.addWidget(error)
            form.addRow(extra.spec.label, cell)
        if not self.editors:
            form.addRow(QLabel(f"确认执行「{spec.label}」？"))
        # a field that counts only while another has some value (the domain's table, e.g.
        # 满意度 only when the customer was reached) is greyed out otherwise, at once
        for condition in FIELD_CONDITIONS:
            source = self.editors.get(condition.depends_on)
            if condition.field in self.editors and source is not None:
                source.on_change(self._sync_conditions)
        self._sync_conditions()
        self.general_error = error_label()
        self.submit_button = QPushButton("提交")
        self.submit_button.setDefault(True)
        self.submit_button.setToolTip("提交（回车；在多行文字中按 Ctrl+回车）")
        self.submit_button.clicked.connect(self.submitted.emit)
        cancel = QPushButton("取消")
        cancel.setToolTip("取消（Esc）")
        cancel.clicked.connect(self.cancelled.emit)
        # from the keyboard alone (issue 13): Enter submits (Ctrl+Enter inside a multi-line
        # text, where Enter is a new line), Esc cancels — see keyPressEvent
        for keys in ("Ctrl+Return", "Ctrl+Enter"):
            shortcut = QShortcut(QKeySequence(keys), self)
            shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            shortcut.activated.connect(self.submitted.emit)
        hint = QLabel("带 * 的为必填项；回车提交，Esc 取消")
        hint.setStyleSheet("color: #777;")
        # the panel shows the buttons below its scroll area, so they never scroll away
        self.button_bar = QWidget()
        buttons = QHBoxLayout(self.button_bar)
        buttons.setContentsMargins(0, 0, 0, 0)
        buttons.addWidget(hint)
        buttons.addStretch(1)
        buttons.addWidget(cancel)
        buttons.addWidget(self.submit_button)
        outer = QVBoxLayout(self)
        outer.addLayout(form)
        outer.addWidget(self.general_error)

    def _sync_conditions(self) -> None:
        values = {c.depends_on: self.editors[c.depends_on].value()
                  for c in FIELD_CONDITIONS if c.depends_on in self.editors}
        for condition in FIELD_CONDITIONS:
            editor = self.editors.get(condition.field)
            if editor is not None:
                editor.widget.setEnabled(asked(condition.field, values))

    def _fixed(self, error: FieldError) -> None:
        """The person changed a field: its error goes (the service checks again on 提交)."""
        if error.text():
            error.show_message("")
        if self.general_error.isVisible() and not any(e.text() for e in self.errors.values()):
            self.general_error.hide()

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 - Qt's name
        """Enter from a one-line field or a pick-list submits; Esc cancels the form (the
        case view stays open). Multi-line texts keep Enter for a new line."""
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) \
                and not isinstance(self.focusWidget(), QPlainTextEdit):
            event.accept()
            self.submitted.emit()
            return
        if event.key() == Qt.Key.Key_Escape:
            event.accept()
            self.cancelled.emit()
            return
        super().keyPressEvent(event)

    def data(self) -> dict[str, Any]:
        out = {}
        for name, editor in self.editors.items():
            if not editor.widget.isEnabled():
                continue
            value = editor.value()
            if value is not None:
                out[name] = value
        return out

    def clear_errors(self) -> None:
        for e in self.errors.values():
            e.show_message("")
        self.general_error.hide()

    def show_error(self, exc: ServiceError) -> None:
        self.clear_errors()
        placed = False
        for name, message in (exc.fields or {}).items():
            if name in self.errors:
                self.errors[name].show_message(message)
                if not placed:  # the focus to the first field named, not the last
                    self.editors[name].widget.setFocus()
                placed = True
        if not placed:
            self.general_error.setStyleSheet(ERROR_STYLE)
            self.general_error.setText(exc.message)
            self.general_error.show()


class ActionPanel(QWidget):
    """The right-hand panel of the case view for the open step."""

    changed = Signal()  # the case moved on (or someone else moved it): reload the case

    def __init__(self, services: Services, user: User, case: Case,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.services = services
        self.user = user
        self.case = case
        self.tz = services.workflow.tz
        self.buttons: dict[str, QPushButton] = {}
        self.specs: dict[str, ActionSpec] = {}
        self.form: StepForm | None = None
        self.last_message: QMessageBox | None = None
        self._draft_saved: Any = None
        # nothing typed is lost (DESIGN §10): an open form is kept as a draft every few
        # seconds and when the panel goes away; it comes back when the form is reopened
        self._draft_timer = QTimer(self)
        self._draft_timer.setInterval(3000)
        self._draft_timer.timeout.connect(self.save_draft)
        self.setMinimumWidth(380)
        self.layout_ = QVBoxLayout(self)
        self.header = QLabel()
        self.header.setStyleSheet("font-size: 15px; font-weight: bold;")
        self.state = QLabel()
        self.state.setWordWrap(True)
        self.layout_.addWidget(self.header)
        self.layout_.addWidget(self.state)
        self._build()

    def _build(self) -> None:
        case, now = self.case, self.services.clock.now()
        step = case.open_step
        if step is None:
            self.header.setText("案件已结案")
            self.state.setText("没有待处理的步骤。")
            self.layout_.addStretch(1)
            return
        sdef = flow_for(case.flow).steps[step.step_key]
        self.header.setText(f"当前步骤：{sdef.title}")
        status = step_status(step, now)
        deadline = local_text(step.deadline, self.tz) or "无时限"
        if step.due_since > now:  # scheduled (二次回访): say when it starts, not "剩余 8 天"
            when = local_text(step.due_since, self.tz)
            self.state.setText(f"处理人：{who_label(sdef.who)}\n计划于 {when} 起进行，"
                               f"期限：{deadline}")
        else:
            self.state.setText(f"处理人：{who_label(sdef.who)}\n期限：{deadline}"
                               f"（{remaining_text(step.deadline, now)}）")
        self.state.setStyleSheet(STATUS_STYLE.get(status, ""))
        try:
            specs = self.services.workflow.actions(self.user, case.id or 0)
        except ServiceError as exc:
            specs = []
            self.state.setText(exc.message)
        if not specs:
            note = QLabel("您不是本步骤的处理人，无可执行的操作。")
            note.setStyleSheet("color: #777;")
            self.layout_.addWidget(note)
        names = {u.id: u.display_name for u in self.services.people.users(True)}
        row = QVBoxLayout()
        for spec in specs:
            text = spec.label
            if spec.on_behalf_of_user_id is not None:
                text += f"（代 {names.get(spec.on_behalf_of_user_id, '')} 处理）"
            button = QPushButton(text)
            button.setObjectName(f"action_{spec.key}")
            button.clicked.connect(lambda _c=False, k=spec.key: self.open_form(k))
            self.buttons[spec.key], self.specs[spec.key] = button, spec
            row.addWidget(button)
        self.layout_.addLayout(row)
        # a long form (回访, 主管处理) scrolls inside the panel instead of stretching the window
        self.form_area = QScrollArea()
        self.form_area.setWidgetResizable(True)
        self.form_area.setFrameShape(QFrame.Shape.NoFrame)
        self.form_area.hide()
        self.layout_.addWidget(self.form_area, 100)
        self.layout_.addStretch(1)

    def open_form(self, key: str) -> StepForm:
        self.close_form()
        spec = self.specs[key]
        choices = self.services.choices.for_case(self.user, self.case)  # the domain's lists
        self.work = StepWork(self.services, self.user, self.case, self)
        self.form = StepForm(self.case, spec, choices, self.tz, self.services.clock.now(),
                             work=self.work)
        self.form.submitted.connect(self.submit)
        self.form.cancelled.connect(self.cancel_form)
        holder = QWidget()  # keeps the form at its natural height at the top
        holder_layout = QVBoxLayout(holder)
        holder_layout.setContentsMargins(0, 0, 0, 0)
        holder_layout.addWidget(self.form)
        holder_layout.addStretch(1)
        self.form_area.setWidget(holder)
        self.form_area.show()
        self.layout_.insertWidget(self.layout_.indexOf(self.form_area) + 1, self.form.button_bar)
        for k, b in self.buttons.items():
            b.setDown(k == key)
        self._restore_draft(self.form)
        self._draft_timer.start()
        return self.form

    # ---- drafts ---------------------------------------------------------------------------
    def draft_key(self, action_key: str) -> str:
        step = self.case.open_step
        return f"step:{self.case.id}:{step.id if step else 0}:{action_key}"

    def _restore_draft(self, form: StepForm) -> None:
        draft = self.services.drafts.get(self.user, self.draft_key(form.spec.key))
        self._draft_saved = draft
        if not isinstance(draft, dict) or not draft:
            return
        for name, value in draft.items():
            editor = form.editors.get(name)
            if editor is not None:
                editor.set_value(value)
        form.general_error.setText("已恢复上次未提交的内容")
        form.general_error.setStyleSheet("color: #1565c0;")
        form.general_error.show()

    def save_draft(self) -> None:
        form = self.form
        if form is None:
            return
        data = form.data()
        if data != self._draft_saved:
            self.services.drafts.put(self.user, self.draft_key(form.spec.key), data)
            self._draft_saved = data

    def _drop_draft(self, action_key: str) -> None:
        self.services.drafts.drop(self.user, self.draft_key(action_key))
        self._draft_saved = None

    def hideEvent(self, event: Any) -> None:  # noqa: N802 - Qt's name
        self.save_draft()  # the case view closes or reloads
        super().hideEvent(event)

    def cancel_form(self) -> None:
        """取消: the user discards what they typed."""
        if self.form is not None:
            self._drop_draft(self.form.spec.key)
        self.close_form()

    def close_form(self) -> None:
        self._draft_timer.stop()
        if self.form is not None:
            holder = self.form_area.takeWidget()
            if holder is not None:
                holder.deleteLater()
            self.form.button_bar.deleteLater()
            self.form = None
            self.form_area.hide()
        for b in self.buttons.values():
            b.setDown(False)

    def submit(self) -> None:
        form = self.form
        if form is None:
            return
        try:
            self.services.workflow.act(self.user, self.case.id or 0, form.spec.key, form.data(),
                                       expected_version=self.case.version)
        except ConflictError:
            # not the service's "请刷新后重试": the reload below is that refresh
            self._tell("已被他人处理", "该案件刚刚被其他人处理，已重新载入最新内容，"
                       "请查看后再操作。")
            self.changed.emit()
            return
        except ServiceError as exc:
            form.show_error(exc)
            return
        self._drop_draft(form.spec.key)
        self._draft_timer.stop()
        self._draft_saved = form.data()  # submitted: nothing left to keep as a draft
        self.changed.emit()

    def _tell(self, title: str, text: str) -> None:
        """A non-modal message that outlives this panel (which the reload replaces)."""
        box = QMessageBox(QMessageBox.Icon.Information, title, text,
                          QMessageBox.StandardButton.Ok, self.window())
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        box.setModal(False)
        box.show()
        self.last_message = box
