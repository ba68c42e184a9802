"""The case timeline: every step occurrence with who, when, the deadline, on time or late,
extensions with their reasons and what the step recorded (labels from FIELDS).

A reopened case keeps its history: the steps after a 不满意 revisit follow under a
"第 N 次重新处理" divider.
"""

from __future__ import annotations

from datetime import datetime, tzinfo
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFormLayout, QFrame, QLabel, QVBoxLayout, QWidget

from ...domain.records import Case, StepRecord, User
from ...domain.steps import step_title
from ...domain.workflow import StepStatus, step_status
from ...domain.workflow.fields import parse_datetime
from ...services.errors import ServiceError
from ..widgets.common import local_text
from ..widgets.field_text import Names, duration_text, names_from, remaining_text, shown_items

if TYPE_CHECKING:
    from ...services.container import Services

OUTCOME_TEXT = {
    "done": "已完成", "skipped": "已跳过（无需回访）", "reopen": "客户不满意，退回重新处理",
    "no_responsible": "已完成（无责任人）", "demand_unreasonable": "判定诉求无法合理满足",
}
# (frame border/background, badge text colour) per status
STATUS_COLORS = {
    StepStatus.NORMAL: ("#90caf9", "#1565c0"),
    StepStatus.DUE_SOON: ("#ffca28", "#8a5a00"),
    StepStatus.OVERDUE: ("#e57373", "#b71c1c"),
    StepStatus.DONE: ("#c8e6c9", "#2e7d32"),
    StepStatus.DONE_LATE: ("#ef9a9a", "#b71c1c"),
}
OPEN_BACKGROUND = {StepStatus.DUE_SOON: "#fff8e1", StepStatus.OVERDUE: "#fdecea"}


def timing_text(step: StepRecord, now: datetime, tz: tzinfo | None = None) -> str:
    """"按时完成" / "超时 3 小时 20 分" / for the open step "剩余 …" or "已超期 …"."""
    status = step_status(step, now)
    if step.is_open and step.due_since > now:  # scheduled (二次回访): not yet to be done
        return f"计划于 {step.due_since.astimezone(tz):%Y-%m-%d} 起进行"
    if step.is_open:
        label = {StepStatus.DUE_SOON: "即将到期", StepStatus.OVERDUE: "已超期"}.get(status, "处理中")
        if step.deadline is None:
            return label
        if status is StepStatus.OVERDUE:
            return f"已超期 {duration_text(now - step.deadline)}"
        return f"{label}，{remaining_text(step.deadline, now)}"
    if step.deadline is None or step.finished_at is None:
        return "已完成"
    if step.finished_at > step.deadline:
        return f"超时 {duration_text(step.finished_at - step.deadline)}"
    return "按时完成" if not step.breach else "超时完成"


def _label(text: str, style: str = "") -> QLabel:
    label = QLabel(text)
    label.setWordWrap(True)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    if style:
        label.setStyleSheet(style)
    return label


class StepCard(QFrame):
    """One step occurrence."""

    def __init__(self, index: int, step: StepRecord, names: Names, tz: tzinfo, now: datetime,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.step = step
        status = step_status(step, now)
        border, badge = STATUS_COLORS[status]
        if step.outcome == "reopen":
            badge = STATUS_COLORS[StepStatus.OVERDUE][1]
        background = OPEN_BACKGROUND.get(status, "#ffffff" if not step.is_open else "#f3f8fe")
        self.setObjectName("stepCard")
        self.setStyleSheet(f"#stepCard {{ border: 1px solid {border}; border-left: 4px solid "
                           f"{border}; border-radius: 3px; background: {background}; }}")
        lay = QVBoxLayout(self)
        lay.setContentsMargins(10, 6, 10, 6)
        lay.setSpacing(3)
        outcome = ("待办" if step.due_since > now else "进行中") if step.is_open \
            else OUTCOME_TEXT.get(step.outcome, step.outcome)
        self.timing = timing_text(step, now, tz)
        self.title = _label(f"<b>{index}. {step_title(step.step_key)}</b>"
                            f"  <span style='color:{badge}'>{outcome} · {self.timing}</span>")
        lay.addWidget(self.title)

        lines = []
        if step.finished_at is not None:
            who = names.user(step.actor_user_id) or "—"
            if step.on_behalf_of_user_id is not None:
                who += f"（代 {names.user(step.on_behalf_of_user_id)} 处理）"
            lines.append(f"处理人：{who}    完成时间：{local_text(step.finished_at, tz)}")
        elif step.assignee_user_id is not None:
            lines.append(f"待处理人：{names.user(step.assignee_user_id)}")
        lines.append(f"开始：{local_text(step.due_since, tz)}    "
                     f"期限：{local_text(step.deadline, tz) or '无时限'}")
        self.meta = _label("\n".join(lines), "color: #555;")
        lay.addWidget(self.meta)

        for ext in step.extensions:
            new = parse_datetime(ext.get("deadline"))
            by = names.user(ext.get("by")) if isinstance(ext.get("by"), int) else ""
            at = parse_datetime(ext.get("at"))
            text = (f"延期至 {local_text(new, tz)}，原因：{ext.get('reason') or '—'}"
                    f"（{by} {local_text(at, tz)}）")
            lay.addWidget(_label(text, "color: #6a1b9a;"))

        items = shown_items(step.data, names, tz)
        if items:
            form = QFormLayout()
            form.setContentsMargins(0, 2, 0, 0)
            form.setHorizontalSpacing(10)
            form.setVerticalSpacing(2)
            for label, text in items:
                form.addRow(_label(label + ":", "color: #555;"), _label(text))
            lay.addLayout(form)


class TimelineWidget(QWidget):
    """All step occurrences of a case, oldest first."""

    def __init__(self, case: Case, names: Names, tz: tzinfo, now: datetime,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.cards: list[StepCard] = []
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.setSpacing(6)
        reopen = 0
        for i, step in enumerate(case.steps, start=1):
            card = StepCard(i, step, names, tz, now)
            self.cards.append(card)
            lay.addWidget(card)
            if step.outcome == "reopen":
                reopen += 1
                lay.addWidget(_label(f"—— 第 {reopen} 次重新处理 ——",
                                     "color: #b71c1c; font-weight: bold; padding: 4px;"))
        if case.closed_at is not None:
            lay.addWidget(_label(f"已结案：{local_text(case.closed_at, tz)}",
                                 "color: #2e7d32; font-weight: bold; padding: 4px;"))
        lay.addStretch(1)

    @classmethod
    def for_case(cls, services: Services, case: Case, user: User | None = None,
                 parent: QWidget | None = None) -> TimelineWidget:
        """With `user`, slip ids read as their numbers (as far as the user may see them)."""
        names = names_from(services)
        accountability = getattr(services, "accountability", None)
        if user is not None and accountability is not None and case.id is not None:
            try:
                names.slips = {v.slip.id: v.slip.number or f"拟开具#{v.slip.id}"
                               for v in accountability.proposals_for_case(user, case.id)
                               if v.slip.id is not None}
            except ServiceError:
                pass  # not allowed to see the slips: ids stay ids
        return cls(case, names, services.workflow.tz, services.clock.now(), parent)

    def text(self) -> str:
        """Everything the cards say, for tests and copy-paste."""
        out = []
        for card in self.cards:
            out.append(card.title.text() + "\n" + card.meta.text())
            out.extend(w.text() for w in card.findChildren(QLabel) if w not in (card.title,
                                                                              card.meta))
        return "\n".join(out)
