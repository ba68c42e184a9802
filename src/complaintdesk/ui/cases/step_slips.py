"""The slips inside the steps that work on them (issue 13, DESIGN §4.1 step 5 and step 8).

- 开具过失单 (and the internal/rework review steps): each slip of the case is a row with its
  own buttons — 开具, 修改处罚, 不予开具, 详情 (the slip dialog), 打印预览 — so the
  assessor issues, edits, previews and prints them from the step panel, or ticks 无责任人.
- 总经理签批: each slip waiting on the GM with its penalties, the department head's opinion
  and the reason of every change so far; the GM picks 同意 or 修改处罚 for EACH one (none is
  preselected) and the service refuses the 签批 until every slip has its decision.

Widgets only: the accountability service does the work and refuses what is not allowed.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QButtonGroup,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from ...domain.penalty_text import penalty_text
from ...domain.records import Case, Penalty, SlipStatus, User
from ...domain.rules import penalties_to_raw
from ...domain.slips import issued_with_the_case, waits_on_gm
from ...domain.workflow.fields import FieldKind, FieldSpec
from ...services import slip_access as A
from ...services.errors import ServiceError
from ...services.slip_access import SlipView
from ..widgets.common import show_error
from ..widgets.field_widgets import FieldEditor

if TYPE_CHECKING:
    from ...services.container import Services

ISSUE_ACTIONS = frozenset({"issue_slips", "ic_review", "rw_investigate"})
APPROVE_ACTIONS = frozenset({"approve", "ic_approve", "rw_approve"})
REVISIT_ACTIONS = frozenset({"revisit", "second_revisit", "rw_revisit"})
DECISIONS_FIELD = "slip_decisions"
DECISIONS_SPEC = FieldSpec("逐张签批过失单", FieldKind.IDS)


class StepWork:
    """What the step panel's slip editors need: the services, the user and the case."""

    def __init__(self, services: Services, user: User, case: Case,
                 parent: QWidget | None = None) -> None:
        self.services, self.user, self.case, self.parent = services, user, case, parent
        self.prompter: Any = None  # tests hand in canned answers (slip_dialog.Prompter API)

    def slips(self) -> list[SlipView]:
        if self.case.id is None:
            return []
        try:
            views = self.services.accountability.proposals_for_case(self.user, self.case.id)
        except ServiceError:
            return []  # not allowed to see the slips: nothing to list
        return sorted(views, key=lambda v: (v.slip.status is not SlipStatus.PROPOSED,
                                            v.slip.number, v.slip.id or 0))

    def editor_for(self, name: str, spec: FieldSpec, action_key: str) -> FieldEditor | None:
        """The editor replacing the generic one, or None."""
        if name == "slip_ids" and action_key in ISSUE_ACTIONS:
            return SlipWorkEditor(name, spec, self)
        return None

    def header_for(self, action_key: str) -> QWidget | None:
        """What the step's form starts with: the revisit's call sheet (whom to call, what
        was done) so the call is made and recorded from the same panel."""
        if action_key not in REVISIT_ACTIONS:
            return None
        return call_sheet(self.case)

    def extra_editors(self, action_key: str) -> list[FieldEditor]:
        """Editors the flow tables do not list (the GM's per-slip decisions)."""
        if action_key in APPROVE_ACTIONS:
            return [SlipDecisionsEditor(DECISIONS_FIELD, DECISIONS_SPEC, self)]
        return []


def call_sheet(case: Case) -> QWidget:
    """回访: the customer to call and what the handling gave them (from 主管处理)."""
    it = case.intake
    phones = "　".join(x for x in (f"手机：{it.phone}" if it.phone else "",
                                   f"座机：{it.landline}" if it.landline else "") if x)
    lines = [f"回访对象：{it.customer_name}　{phones or '未留电话'}"]
    handled = next((st for st in reversed(case.steps) if not st.is_open
                    and st.step_key in ("handle", "rw_investigate")), None)
    if handled is not None:
        d = handled.data
        what = "，".join(str(d.get(k) or "").strip() for k in ("solution_kind", "solution_text",
                                                               "findings")
                        if str(d.get(k) or "").strip())
        if what:
            lines.append(f"处理结果：{what}")
        if str(d.get("customer_attitude") or "").strip():
            lines.append(f"客户当时的态度：{str(d['customer_attitude']).strip()}")
    if it.demand.strip():
        lines.append(f"客户诉求：{it.demand.strip()}")
    label = QLabel("\n".join(lines))
    label.setObjectName("call_sheet")
    label.setWordWrap(True)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    label.setStyleSheet("background: #eef5ff; padding: 6px; border-radius: 3px;")
    return label


def _slip_title(v: SlipView) -> str:
    what = f"{v.kind_label} {v.slip.number}" if v.slip.number else f"拟开具{v.kind_label}"
    return f"{what}　{v.employee_name}（{v.department_name or '—'}）"


def _changes(v: SlipView) -> str:
    """The reason of every change so far (issue 13: the GM sees why it was changed)."""
    # the penalty changes only (their text carries the reason): not the status lines
    return "\n".join(f"{h.by_name}：{h.text}" for h in v.history if h.text.startswith("修改处罚"))


class SlipWorkEditor(FieldEditor):
    """开具过失单 in place: one row per slip with the buttons its state allows."""

    def __init__(self, name: str, spec: FieldSpec, work: StepWork) -> None:
        box = QWidget()
        super().__init__(name, spec, box)
        self.work = work
        self.rows: dict[int, dict[str, QPushButton]] = {}
        self.layout_ = QVBoxLayout(box)
        self.layout_.setContentsMargins(0, 0, 0, 0)
        self.reload()

    def reload(self) -> None:
        while self.layout_.count():
            item = self.layout_.takeAt(0)
            w = item.widget()
            if w is not None:
                w.hide()
                w.deleteLater()
        self.rows.clear()
        # the case's own slips: breach slips are issued from the 过失单 list, rewards at 7
        views = [v for v in self.work.slips() if issued_with_the_case(v.slip)]
        if not views:
            empty = QLabel("本案暂无拟开具的过失单；如确无责任人，请勾选“无责任人”。")
            empty.setWordWrap(True)
            empty.setStyleSheet("color: #777;")
            self.layout_.addWidget(empty)
        for v in views:
            self.layout_.addWidget(self._row(v))

    def _row(self, v: SlipView) -> QWidget:
        frame = QFrame()
        frame.setObjectName(f"slip_row_{v.slip.id}")
        frame.setFrameShape(QFrame.Shape.StyledPanel)
        lay = QVBoxLayout(frame)
        lay.setContentsMargins(6, 4, 6, 4)
        title = QLabel(f"<b>{_slip_title(v)}</b>　[{v.slip.status.label}]")
        lay.addWidget(title)
        detail = QLabel(f"处罚：{v.penalty_text or '无'}" + (
            f"\n部门负责人意见：{v.slip.dept_opinion}" if v.slip.dept_opinion else ""))
        detail.setWordWrap(True)
        lay.addWidget(detail)
        buttons = QHBoxLayout()
        found: dict[str, QPushButton] = {}
        labels = {A.ISSUE: "开具", A.CHANGE: "修改处罚…", A.DISCARD: "不予开具…"}
        for key in (A.ISSUE, A.CHANGE, A.DISCARD):
            if key in v.actions:
                b = QPushButton(labels[key])
                b.setObjectName(f"slip_{key}_{v.slip.id}")
                b.clicked.connect(lambda _=False, k=key, sv=v: self.run(k, sv))
                buttons.addWidget(b)
                found[key] = b
        details = QPushButton("详情…")
        details.setObjectName(f"slip_open_{v.slip.id}")
        details.clicked.connect(lambda _=False, sv=v: self.open_slip(sv))
        buttons.addWidget(details)
        found["open"] = details
        if v.slip.number:
            preview = QPushButton("预览打印")
            preview.setObjectName(f"slip_preview_{v.slip.id}")
            preview.clicked.connect(lambda _=False, sv=v: self.preview(sv))
            buttons.addWidget(preview)
            found["preview"] = preview
        buttons.addStretch(1)
        lay.addLayout(buttons)
        self.rows[v.slip.id or 0] = found
        return frame

    def _prompter(self) -> Any:
        if self.work.prompter is None:
            from ..accountability.slip_dialog import Prompter

            self.work.prompter = Prompter(self.widget)
        return self.work.prompter

    def run(self, key: str, v: SlipView) -> None:
        acc, user, sid, p = self.work.services.accountability, self.work.user, v.slip.id, \
            self._prompter()
        assert sid is not None
        try:
            if key == A.ISSUE:
                if not p.confirm("开具", f"确认开具{v.employee_name}的{v.kind_label}？"):
                    return
                acc.issue(user, sid)
            elif key == A.CHANGE:
                got = p.penalties("修改处罚", v.slip.penalties, v.slip.is_reward)
                if got is None:
                    return
                acc.change_penalties(user, sid, got[0], got[1], expected_version=v.slip.version)
            elif key == A.DISCARD:
                reason = p.text("不予开具", "不予开具的理由")
                if reason is None:
                    return
                acc.discard(user, sid, reason)
        except ServiceError as exc:
            show_error(self.widget, exc)
        self.reload()

    def open_slip(self, v: SlipView) -> None:
        from ..accountability.slip_dialog import SlipDialog

        assert v.slip.id is not None
        dialog = SlipDialog(self.work.services, self.work.user, v.slip.id, self.widget)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.finished.connect(lambda _r: self.reload())
        dialog.open()
        self.dialog = dialog

    def preview(self, v: SlipView) -> None:
        from .print_actions import preview_slip

        assert v.slip.id is not None
        preview_slip(self.widget, self.work.services, self.work.user, v.slip.id, v.slip.number)

    def value(self) -> Any:
        return None  # the service puts the issued slips' ids on the step

    def set_value(self, value: Any) -> None:
        return None


class _Decision:
    """One slip's row in the GM's step: 同意 / 修改处罚, an optional opinion."""

    def __init__(self, v: SlipView) -> None:
        self.view = v
        self.penalties: list[Penalty] | None = None
        self.reason = ""
        self.frame = QFrame()
        self.frame.setObjectName(f"decision_{v.slip.id}")
        self.frame.setFrameShape(QFrame.Shape.StyledPanel)
        grid = QGridLayout(self.frame)
        grid.setContentsMargins(6, 4, 6, 4)
        grid.addWidget(QLabel(f"<b>{_slip_title(v)}</b>"), 0, 0, 1, 3)
        info = f"处罚：{v.penalty_text or '无'}"
        if v.slip.dept_opinion:
            info += f"\n部门负责人意见：{v.slip.dept_opinion}"
        changes = _changes(v)
        info += f"\n变更及原因：{changes}" if changes else "\n变更及原因：未修改过"
        label = QLabel(info)
        label.setWordWrap(True)
        grid.addWidget(label, 1, 0, 1, 3)
        self.group = QButtonGroup(self.frame)
        self.approve = QRadioButton("同意")
        self.approve.setObjectName(f"decision_approve_{v.slip.id}")
        self.change = QRadioButton("修改处罚…")
        self.change.setObjectName(f"decision_change_{v.slip.id}")
        for b in (self.approve, self.change):
            self.group.addButton(b)
        grid.addWidget(self.approve, 2, 0)
        grid.addWidget(self.change, 2, 1)
        self.opinion = QLineEdit()
        self.opinion.setPlaceholderText("对本单的意见（可留空，默认同签批意见）")
        grid.addWidget(self.opinion, 2, 2)
        self.changed_to = QLabel()
        self.changed_to.setWordWrap(True)
        self.changed_to.setStyleSheet("color: #1565c0;")
        self.changed_to.hide()
        grid.addWidget(self.changed_to, 3, 0, 1, 3)

    def value(self) -> dict[str, Any] | None:
        if self.approve.isChecked():
            decision: dict[str, Any] = {"slip_id": self.view.slip.id, "decision": "approve"}
        elif self.change.isChecked() and self.penalties is not None:
            decision = {"slip_id": self.view.slip.id, "decision": "change",
                        "penalties": penalties_to_raw(self.penalties), "reason": self.reason}
        else:
            return None  # not decided: the service names it
        if self.opinion.text().strip():
            decision["opinion"] = self.opinion.text().strip()
        return decision


class SlipDecisionsEditor(FieldEditor):
    """总经理签批: a decision per slip, explicitly."""

    def __init__(self, name: str, spec: FieldSpec, work: StepWork) -> None:
        box = QWidget()
        super().__init__(name, spec, box)
        self.work = work
        self.decisions: dict[int, _Decision] = {}
        lay = QVBoxLayout(box)
        lay.setContentsMargins(0, 0, 0, 0)
        waiting = [v for v in work.slips() if waits_on_gm(v.slip)]
        signed = [v for v in work.slips() if v.slip.status is SlipStatus.APPROVED]
        if not waiting:
            text = "本案没有待签批的过失单。"
            if signed:
                text = f"本案的 {len(signed)} 张过失单均已签批。"
            note = QLabel(text)
            note.setStyleSheet("color: #777;")
            lay.addWidget(note)
        else:
            hint = QLabel(f"本案有 {len(waiting)} 张过失单待签批：请逐张选择“同意”或“修改处罚”。")
            hint.setWordWrap(True)
            lay.addWidget(hint)
        for v in waiting:
            d = _Decision(v)
            d.change.clicked.connect(lambda _=False, dd=d: self.ask_change(dd))
            self.decisions[v.slip.id or 0] = d
            lay.addWidget(d.frame)

    def ask_change(self, d: _Decision) -> None:
        if self.work.prompter is None:
            from ..accountability.slip_dialog import Prompter

            self.work.prompter = Prompter(self.widget)
        got = self.work.prompter.penalties("修改处罚", list(d.penalties or d.view.slip.penalties),
                                           d.view.slip.is_reward)
        if got is None:
            if d.penalties is None:  # nothing chosen: back to undecided
                d.group.setExclusive(False)
                d.change.setChecked(False)
                d.group.setExclusive(True)
            return
        d.penalties, d.reason = list(got[0]), got[1]
        d.changed_to.setText(f"改为：{penalty_text(d.penalties, '无')}（原因：{d.reason or '未填写'}）")
        d.changed_to.show()

    def value(self) -> Any:
        out = [v for v in (d.value() for d in self.decisions.values()) if v is not None]
        return out if self.decisions else None

    def set_value(self, value: Any) -> None:
        for entry in value if isinstance(value, list) else []:
            d = self.decisions.get(int(entry.get("slip_id") or 0)) if isinstance(entry, dict) \
                else None
            if d is None:
                continue
            if entry.get("decision") == "approve":
                d.approve.setChecked(True)
            d.opinion.setText(str(entry.get("opinion") or ""))
