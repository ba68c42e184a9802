"""The slip dialog: every field of a 过失单 (DESIGN §6), its rule clause, its change history,
and the buttons the current user may press now (the service decides which)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QButtonGroup,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QInputDialog,
    QLabel,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QRadioButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from ...domain.errors import DomainError
from ...domain.records import Penalty, User
from ...domain.slips import check_appeal_decision
from ...services import slip_access as A
from ...services.errors import ServiceError
from ...services.slip_access import SlipView
from ..widgets.common import error_label, local_text, show_error
from .penalty_editor import PenaltyDialog, PenaltyTable

if TYPE_CHECKING:
    from ...services.container import Services

DECISIONS = (("upheld", "维持原处罚"), ("reduced", "减轻处罚"), ("revoked", "撤销"))


class Prompter:
    """Asks the user for input; tests replace it with canned answers."""

    def __init__(self, parent: QWidget) -> None:
        self.parent = parent

    def text(self, title: str, label: str, default: str = "") -> str | None:
        value, ok = QInputDialog.getMultiLineText(self.parent, title, label, default)
        return value.strip() if ok else None

    def confirm(self, title: str, text: str) -> bool:
        answer = QMessageBox.question(self.parent, title, text)
        return answer == QMessageBox.StandardButton.Yes

    def penalties(self, title: str, current: list[Penalty], reward: bool,
                  ask_reason: bool = True) -> tuple[list[Penalty], str] | None:
        dialog = PenaltyDialog(title, current, reward=reward, ask_reason=ask_reason,
                               parent=self.parent)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return None
        return dialog.penalties(), dialog.reason_text()

    def decision(self, current: list[Penalty]) -> tuple[str, list[Penalty] | None, str] | None:
        dialog = DecisionDialog(current, self.parent)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return None
        return dialog.result_values()


class DecisionDialog(QDialog):
    """申诉裁决 of the 监督与评估小组: upheld / reduced (with the lighter penalties) /
    revoked, and why. It checks the decision (the domain's rule and words) before it
    closes: an incomplete one keeps the dialog open with the reason shown."""

    def __init__(self, current: list[Penalty], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.current = list(current)
        self.setWindowTitle("申诉裁决（监督与评估小组）")
        lay = QVBoxLayout(self)
        self.group = QButtonGroup(self)
        row = QHBoxLayout()
        for i, (key, label) in enumerate(DECISIONS):
            button = QRadioButton(label)
            button.setProperty("decision", key)
            self.group.addButton(button, i)
            row.addWidget(button)
        self.group.button(0).setChecked(True)
        lay.addLayout(row)
        lay.addWidget(QLabel("减轻后的处罚（仅“减轻处罚”时填写）"))
        self.table = PenaltyTable(current, reward=False)
        lay.addWidget(self.table)
        lay.addWidget(QLabel("裁决理由（必填）"))
        self.reason = QPlainTextEdit()
        self.reason.setMaximumHeight(70)
        lay.addWidget(self.reason)
        self.error = error_label("decision_error")
        lay.addWidget(self.error)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                   | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        lay.addWidget(buttons)

    def accept(self) -> None:
        decision, new, reason = self.result_values()
        try:
            check_appeal_decision(self.current, decision, new, reason)
        except DomainError as exc:
            self.error.setText(exc.message_zh)
            self.error.show()
            return
        super().accept()

    def result_values(self) -> tuple[str, list[Penalty] | None, str]:
        decision = str(self.group.checkedButton().property("decision"))
        new = self.table.penalties() if decision == "reduced" else None
        return decision, new, self.reason.toPlainText().strip()


class SlipDialog(QDialog):
    open_case = Signal(int)
    changed = Signal(int)  # slip id: lists refresh

    def __init__(self, services: Services, user: User, slip_id: int,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.services, self.user, self.slip_id = services, user, slip_id
        self.acc = services.accountability
        self.tz = services.accountability.tz
        self.prompter: Any = Prompter(self)
        self.view: SlipView | None = None
        self.resize(760, 720)
        lay = QVBoxLayout(self)
        self.form_box = QGroupBox("过失单")
        self.form = QFormLayout(self.form_box)
        self.form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        lay.addWidget(self.form_box)
        lay.addWidget(QLabel("变更记录"))
        self.history = QTableWidget(0, 5)
        self.history.setHorizontalHeaderLabels(("时间", "操作人", "内容", "原因", ""))
        self.history.setColumnHidden(4, True)
        self.history.verticalHeader().hide()
        self.history.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.history.setWordWrap(True)
        header = self.history.horizontalHeader()
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(3, QHeaderView.ResizeMode.Stretch)
        lay.addWidget(self.history, 1)
        self.button_row = QHBoxLayout()
        lay.addLayout(self.button_row)
        self.buttons: dict[str, QPushButton] = {}
        self.reload()

    # ---- showing ------------------------------------------------------------------------
    def reload(self) -> None:
        try:
            self.view = self.acc.slip(self.user, self.slip_id)
        except ServiceError as exc:
            show_error(self, exc)
            return
        v, s = self.view, self.view.slip
        self.setWindowTitle(f"{v.kind_label} {s.number or '（拟开具）'}")
        self.form_box.setTitle(f"{v.kind_label}内容")
        while self.form.rowCount():
            self.form.removeRow(0)

        def add(label: str, text: str) -> None:
            value = QLabel(text or "—")
            value.setWordWrap(True)
            value.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            self.form.addRow(label, value)

        add("编号", s.number or "（拟开具，尚未编号）")
        add("状态", s.status.label + ("（由超时产生）" if s.from_breach else ""))
        who = "受奖人" if s.is_reward else "责任人"  # praise has nobody "responsible"
        add(who, f"{v.employee_name}　部门：{v.department_name}　岗位：{s.post or '—'}")
        case_row = QWidget()
        case_lay = QHBoxLayout(case_row)
        case_lay.setContentsMargins(0, 0, 0, 0)
        case_lay.addWidget(QLabel(v.case_number or "—"))
        if s.case_id is not None:
            go = QPushButton("打开案件")
            go.clicked.connect(lambda: self.open_case.emit(s.case_id))
            case_lay.addWidget(go)
        case_lay.addStretch(1)
        self.form.addRow("来源案件", case_row)
        add("表扬事实" if s.is_reward else "过失事实", s.facts)
        if not s.is_reward:
            add("责任认定", s.responsibility.label if s.responsibility else "")
        add("奖励" if s.is_reward else "处罚", v.penalty_text)
        add("依据条款", "；".join(v.clauses))
        plain = "；".join(f"依据规则：{c}" for c in v.clauses)
        if v.proposal_notes and v.proposal_notes != plain:  # escalations, or no rule matched
            add("拟定说明", v.proposal_notes)
        add("开具人", f"{v.issuer_name}　{local_text(s.issued_at, self.tz)}".strip())
        add("部门负责人意见", s.dept_opinion)
        add("总经理意见", s.gm_opinion)
        add("执行时间", local_text(s.enforced_at, self.tz))
        add(f"{who}签字确认", local_text(s.acknowledged_at, self.tz) or "未确认")
        if s.appeal:
            ap = s.appeal
            text = f"申诉理由：{ap.get('reason', '')}"
            if ap.get("review"):
                text += f"\n复核意见：{ap['review']}"
            if ap.get("decision"):
                text += f"\n裁决：{dict(DECISIONS)[ap['decision']]}（{ap.get('decision_reason', '')}）"
            add("申诉", text)
        elif v.appeal_deadline is not None and not s.is_reward:
            add("申诉期限", local_text(v.appeal_deadline, self.tz) + " 前")
        self._fill_history(v)
        self._fill_buttons(v)

    def _fill_history(self, v: SlipView) -> None:
        self.history.setRowCount(len(v.history))
        for row, h in enumerate(v.history):
            for col, text in enumerate((local_text(h.at, self.tz), h.by_name, h.text, h.reason)):
                self.history.setItem(row, col, QTableWidgetItem(text))
        self.history.resizeColumnToContents(0)
        self.history.resizeColumnToContents(1)
        self.history.resizeRowsToContents()

    def _fill_buttons(self, v: SlipView) -> None:
        self.buttons.clear()
        while self.button_row.count():
            item = self.button_row.takeAt(0)
            if item.widget() is not None:
                item.widget().hide()
                item.widget().deleteLater()
        for key in v.actions:
            b = QPushButton(A.ACTION_LABELS[key])
            b.setObjectName(f"slip_action_{key}")
            b.clicked.connect(lambda _=False, k=key: self.run(k))
            self.buttons[key] = b
            self.button_row.addWidget(b)
        self.button_row.addStretch(1)
        if v.slip.number:  # a proposal has no number and is not printed yet
            preview = QPushButton("打印预览")
            preview.setObjectName("slip_print_preview")
            preview.clicked.connect(self.print_preview)
            self.button_row.addWidget(preview)
        close = QPushButton("关闭")
        close.clicked.connect(self.accept)
        self.button_row.addWidget(close)

    def print_preview(self) -> None:
        from ..cases.print_actions import preview_slip

        if self.view is not None:
            preview_slip(self, self.services, self.user, self.slip_id, self.view.slip.number)

    # ---- acting -------------------------------------------------------------------------
    def run(self, key: str) -> None:
        """Collect what the action needs, call the service, show the result or the error."""
        assert self.view is not None
        s, p, acc, u = self.view.slip, self.prompter, self.acc, self.user
        sid = self.slip_id
        try:
            if key == A.CHANGE:
                got = p.penalties("修改处罚", s.penalties, s.is_reward)
                if got is None:
                    return
                acc.change_penalties(u, sid, got[0], got[1], expected_version=s.version)
            elif key == A.ISSUE:
                if not p.confirm("开具", f"确认开具{self.view.employee_name}的{self.view.kind_label}？"):
                    return
                acc.issue(u, sid)
            elif key in (A.DISCARD, A.DEPT_OPINION, A.APPEAL, A.REVIEW_APPEAL, A.APPROVE):
                labels = {A.DISCARD: "不予开具的理由", A.DEPT_OPINION: "部门负责人意见",
                          A.APPEAL: "申诉理由", A.REVIEW_APPEAL: "复核意见",
                          A.APPROVE: "总经理签批意见（可留空，默认“同意”）"}
                text = p.text(A.ACTION_LABELS[key], labels[key])
                if text is None:
                    return
                {A.DISCARD: acc.discard, A.DEPT_OPINION: acc.record_dept_opinion,
                 A.APPEAL: acc.file_appeal, A.REVIEW_APPEAL: acc.review_appeal,
                 A.APPROVE: acc.approve}[key](u, sid, text)
            elif key in (A.ENFORCE, A.ACKNOWLEDGE):
                what = "执行后处罚即计入台账" if key == A.ENFORCE else "确认责任人已签字"
                if not p.confirm(A.ACTION_LABELS[key], f"{what}，是否继续？"):
                    return
                (acc.enforce if key == A.ENFORCE else acc.acknowledge)(u, sid)
            elif key == A.GM_INFORMED:
                if not p.confirm(A.ACTION_LABELS[key], "确认已知悉监督与评估小组对该申诉的裁决？"):
                    return
                acc.inform_gm(u, sid)
            elif key == A.DECIDE_APPEAL:
                got = p.decision(s.penalties)
                if got is None:
                    return
                acc.decide_appeal(u, sid, got[0], got[1], got[2])
        except ServiceError as exc:
            show_error(self, exc)
        else:
            self.changed.emit(sid)
        self.reload()
