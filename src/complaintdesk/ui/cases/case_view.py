"""One case: everything registered, attachments, the timeline of steps.

The step forms and actions (the workflow, DESIGN §4) go into `self.action_panel` on the
right; `set_actions(widget)` puts a widget there and shows the panel.
"""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, QUrl, Signal
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import (
    QDialog,
    QFileDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QScrollArea,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from ...domain.records import Case, CaseStatus, User
from ...domain.steps import step_title
from ...domain.validation import FIELD_LABELS
from ..widgets.attachment_picker import size_text
from ..widgets.common import local_text, show_error
from .case_examples import ExampleBox
from .contact_log import ContactLogBox
from .difficult_mark import DifficultButton
from .signed_copies import SignedCopiesBox
from .step_form import ActionPanel
from .timeline import TimelineWidget

if TYPE_CHECKING:
    from ...services.cases import CaseView
    from ...services.container import Services



def _value(text: str) -> QLabel:
    label = QLabel(text or "—")
    label.setWordWrap(True)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    return label


_FEEDBACK_LABELS = {"customer_name": "客户姓名", "complained_at": "客户投诉时间",
                    "description": "客户反映", "demand": "客户诉求"}


class CaseViewDialog(QDialog):
    open_case = Signal(int)  # another case (the repeat link)

    def __init__(self, services: Services, user: User, case_id: int,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.services = services
        self.user = user
        self.case_id = case_id
        self.tz = services.cases.tz
        self.view: CaseView | None = None
        self._tmp: Path | None = None
        self.setWindowTitle("案件详情")
        self.resize(1120, 760)

        self.title = QLabel()
        self.title.setStyleSheet("font-size: 16px; font-weight: bold;")
        self.summary = QLabel()
        self.repeat_link = QLabel()
        self.repeat_link.linkActivated.connect(self._open_number)
        head = QHBoxLayout()
        head.addWidget(self.title)
        head.addSpacing(16)
        head.addWidget(self.summary, 1)
        head.addWidget(self.repeat_link)

        self.details = QWidget()
        self.details_layout = QVBoxLayout(self.details)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(self.details)
        scroll.setMinimumWidth(460)
        self.action_panel = QWidget()  # the workflow's step forms go here
        self.action_layout = QVBoxLayout(self.action_panel)
        self.action_panel.hide()
        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.splitter.addWidget(scroll)
        self.splitter.addWidget(self.action_panel)
        self.splitter.setStretchFactor(0, 3)
        self.splitter.setStretchFactor(1, 2)
        self.splitter.setChildrenCollapsible(False)

        close = QPushButton("关闭")
        close.clicked.connect(self.close)
        self.print_button = QPushButton("打印预览")
        self.print_button.setToolTip("预览并打印本案件的处理单（PDF）")
        self.print_button.clicked.connect(self.print_preview)
        self.history_button = QPushButton("客户/车辆历史")
        self.history_button.setToolTip("该客户（按电话）和该车辆（按车架号，无车架号按车牌）的全部记录")
        self.history_button.clicked.connect(self.show_history)
        self.difficult_button = DifficultButton(services, user)
        self.difficult_button.changed.connect(self.reload)
        foot = QHBoxLayout()
        foot.addWidget(self.history_button)
        foot.addWidget(self.difficult_button)
        foot.addStretch(1)
        foot.addWidget(self.print_button)
        foot.addWidget(close)
        lay = QVBoxLayout(self)
        lay.addLayout(head)
        lay.addWidget(self.splitter, 1)
        lay.addLayout(foot)
        self.reload()

    def set_actions(self, widget: QWidget) -> None:
        while self.action_layout.count():
            item = self.action_layout.takeAt(0)
            if item.widget():
                item.widget().hide()  # gone at once, not when the deferred delete runs
                item.widget().deleteLater()
        self.action_layout.addWidget(widget)
        if self.action_panel.isHidden():
            self.action_panel.show()
            self.splitter.setSizes([600, 400])  # relative: details 3/5, actions 2/5

    def live_reload(self) -> None:
        """The database changed: reload only when this case did (its version moved), so
        a form being filled in is not thrown away for someone else's write elsewhere."""
        if self.view is None:
            self.reload()
            return
        try:
            fresh = self.services.cases.open_case(self.user, self.case_id)
        except Exception:  # noqa: BLE001 - the next change or a manual reopen retries
            return
        if fresh.case.version != self.view.case.version:
            self.reload()

    def reload(self) -> None:
        try:
            self.view = self.services.cases.open_case(self.user, self.case_id)
        except Exception as exc:  # noqa: BLE001 - shown to the person, logged by the service
            show_error(self, exc, "无法打开案件")
            return
        case = self.view.case
        self.setWindowTitle(f"案件详情 {case.number}")
        self.title.setText(case.number)
        open_step = case.open_step
        # a closed 重要/重大 case still has its 二次回访 open: name it beside its deadline
        key = case.current_step or (open_step.step_key if open_step else "")
        step = step_title(key) if key else ""
        deadline = local_text(open_step.deadline, self.tz) if open_step else ""
        parts = [case.kind.label, CaseStatus(case.status).label]
        if step:
            parts.append(f"当前步骤：{step}")
        if deadline:
            parts.append(f"期限：{deadline}")
        difficult = self.services.marks.is_difficult(self.case_id)
        if difficult:
            parts.append("疑难投诉")
        self.difficult_button.show_for(case, difficult)
        self.summary.setText("  ·  ".join(parts))
        if self.view.repeat_of_number:
            n = self.view.repeat_of_number
            self.repeat_link.setText(f'重复投诉：<a href="{n}">{n}</a>')
        else:
            self.repeat_link.setText("")
        while self.details_layout.count():
            item = self.details_layout.takeAt(0)
            if item.widget():
                item.widget().hide()  # gone at once, not when the deferred delete runs
                item.widget().deleteLater()
        self.details_layout.addWidget(self._customer_box(case))
        self.details_layout.addWidget(self._content_box(case))
        self.details_layout.addWidget(self._attachments_box(case))
        self.signed_copies = SignedCopiesBox(self.services, self.user, self.case_id)
        self.signed_copies.changed.connect(self.reload)  # 签字存档 (DESIGN §4.7)
        self.details_layout.addWidget(self.signed_copies)
        self.details_layout.addWidget(self._timeline_box(case))
        if case.status is CaseStatus.CLOSED:  # 典型案例 (003 一.11)
            self.example_box = ExampleBox(self.services, self.user, case)
            self.example_box.changed.connect(self.reload)
            self.details_layout.addWidget(self.example_box)
        if case.flow.value == "feedback":  # the contact log (ui/cases/contact_log.py)
            self.contact_log = ContactLogBox(self.services, self.user, case)
            self.contact_log.added.connect(self.reload)
            self.details_layout.addWidget(self.contact_log)
        self.details_layout.addStretch(1)
        self.actions = ActionPanel(self.services, self.user, case)
        self.actions.changed.connect(self.reload)
        self.set_actions(self.actions)

    def show_history(self) -> QDialog:
        """客户/车辆历史 of this case (issue 18 §2); a case opened there opens beside."""
        from .history_view import HistoryDialog

        dialog = HistoryDialog(self.services, self.user, self.case_id, self)
        dialog.open_case.connect(self.open_case)
        dialog.finished.connect(dialog.deleteLater)
        dialog.show()
        self.history_dialog = dialog
        return dialog

    def print_preview(self) -> None:
        """The case's form as PDF, produced off the UI thread, in the print preview."""
        from .print_actions import preview_case

        if self.view is not None:
            preview_case(self, self.services, self.user, self.case_id, self.view.case.number)

    # ---- sections -----------------------------------------------------------------------
    @staticmethod
    def _label(case: Case, field: str) -> str:
        """What the field is called on this case's form (an internal complaint has a
        reporter, not a customer) — the same names the registration messages use."""
        return FIELD_LABELS[case.flow].get(field, _FEEDBACK_LABELS[field])

    def _customer_box(self, case: Case) -> QGroupBox:
        i = case.intake
        box = QGroupBox("客户与车辆")
        form = QFormLayout(box)
        self.phone_label, self.vin_label = _value(i.phone), _value(i.vin)
        self.landline_label = _value(i.landline)
        form.addRow(self._label(case, "customer_name"), _value(i.customer_name))
        form.addRow("手机号码", self.phone_label)
        form.addRow("固定电话", self.landline_label)
        form.addRow("车型", _value(i.vehicle_model))
        form.addRow("车牌号", _value(i.plate))
        form.addRow("车架号（VIN）", self.vin_label)
        form.addRow("购车/维修日期", _value(i.purchase_date.isoformat() if i.purchase_date
                                           else ""))
        form.addRow(self._access_row())
        return box

    def _access_row(self) -> QWidget:
        """Under a masked customer: reveal (an approval is running) or ask for access."""
        # customer data (DESIGN §3): a handler sees it; anyone else asks with a reason and,
        # once the case's department head or the GM approves, reveals it (both audited).
        # Made afresh with the box: a reload deletes the old box and all it holds.
        self.reveal_button = QPushButton("显示完整号码")
        self.reveal_button.setToolTip("查看客户完整的手机、固定电话和车架号（将记录在审计日志中）")
        self.reveal_button.clicked.connect(self._reveal)
        self.reason_edit = QLineEdit()
        self.reason_edit.setPlaceholderText("查阅理由（必填），由部门负责人或总经理批准")
        self.reason_edit.setMaxLength(200)
        self.request_button = QPushButton("申请查看")
        self.request_button.setToolTip("客户信息已隐藏：说明理由申请查看，批准后可在限定时间内查看")
        self.request_button.clicked.connect(self._request_access)
        self.access_status = QLabel()
        self.access_status.setWordWrap(True)
        row = QWidget()
        lay = QVBoxLayout(row)
        lay.setContentsMargins(0, 0, 0, 0)
        line = QHBoxLayout()
        line.addWidget(self.reason_edit, 1)
        line.addWidget(self.request_button)
        line.addWidget(self.reveal_button)
        lay.addLayout(line)
        lay.addWidget(self.access_status)
        view = self.view
        masked = view is not None and view.masked
        may_reveal = masked and view is not None and view.may_reveal
        self.reveal_button.setVisible(may_reveal)
        self.reason_edit.setVisible(masked and not may_reveal)
        self.request_button.setVisible(masked and not may_reveal)
        self.access_status.setText(self._access_text() if masked else "")
        row.setVisible(masked)
        return row

    def _access_text(self) -> str:
        if self.view is not None and self.view.may_reveal:
            return "查阅申请已获批准：点击“显示完整号码”查看（将记录在审计日志中）。"
        try:
            mine = self.services.data_access.my_requests(self.user, self.case_id)
        except Exception:  # noqa: BLE001 - the status line is a courtesy
            return ""
        if not mine:
            return "客户手机、固定电话和车架号已隐藏：非本案处理人需说明理由申请查看。"
        last = mine[0]
        if last.request.status == "pending":
            return "已提交查阅申请，等待部门负责人或总经理批准。"
        if last.request.status == "refused":
            return f"查阅申请已被{last.decided_by_name}拒绝，可重新申请。"
        return "上次批准已过期，如需查看请重新申请。"

    def _content_box(self, case: Case) -> QGroupBox:
        i = case.intake
        departments = {d.id: d.name for d in self.services.people.departments(True)}
        box = QGroupBox({"internal": "内部投诉内容", "rework": "返修内容"}.get(
            case.flow.value, "投诉内容"))
        form = QFormLayout(box)
        form.addRow("投诉渠道", _value(i.channel))
        form.addRow(self._label(case, "complained_at"), _value(local_text(i.complained_at, self.tz)))
        form.addRow("登记时间", _value(local_text(case.registered_at, self.tz)))
        form.addRow("接待人", _value(i.received_by))
        form.addRow("发生地点", _value(i.location))
        form.addRow(self._label(case, "description"), _value(i.description))
        form.addRow("涉及人员", _value(i.persons_involved))
        form.addRow(self._label(case, "demand"), _value(i.demand))
        form.addRow("客户情绪", _value(i.mood))
        if i.self_report_department_id:
            form.addRow("部门自查", _value(departments.get(i.self_report_department_id, "")))
        form.addRow("类别", _value(case.category))
        form.addRow("严重程度", _value(case.severity.label if case.severity else ""))
        form.addRow("责任部门", _value(departments.get(case.department_id, "")
                                     if case.department_id else ""))
        return box

    def _attachments_box(self, case: Case) -> QGroupBox:
        box = QGroupBox(f"证据附件（{len(case.attachments)}）")
        lay = QVBoxLayout(box)
        if not case.attachments:
            lay.addWidget(QLabel("无附件"))
        for a in case.attachments:
            row = QHBoxLayout()
            row.addWidget(QLabel(f"{a.filename}  ({size_text(a.size)})"), 1)
            open_b, save_b = QPushButton("打开"), QPushButton("另存为…")
            open_b.clicked.connect(lambda _c=False, aid=a.id: self._open_attachment(aid))
            save_b.clicked.connect(lambda _c=False, aid=a.id, n=a.filename:
                                   self._save_attachment(aid, n))
            row.addWidget(open_b)
            row.addWidget(save_b)
            lay.addLayout(row)
        return box

    def _timeline_box(self, case: Case) -> QGroupBox:
        box = QGroupBox("处理进度")
        lay = QVBoxLayout(box)
        self.timeline = TimelineWidget.for_case(self.services, case, self.user)
        lay.addWidget(self.timeline)
        return box

    # ---- actions ------------------------------------------------------------------------
    def _open_number(self, number: str) -> None:
        case_id = self.services.cases.case_id_by_number(number)
        if case_id is not None:
            self.open_case.emit(case_id)

    def _reveal(self) -> None:
        try:
            phone, landline, vin = self.services.cases.reveal_contact(self.user, self.case_id)
        except Exception as exc:  # noqa: BLE001
            show_error(self, exc)
            return
        self.phone_label.setText(phone or "—")
        self.landline_label.setText(landline or "—")
        self.vin_label.setText(vin or "—")
        self.reveal_button.hide()
        self.access_status.setText("已显示完整号码（已记录在审计日志中）。")

    def _request_access(self) -> None:
        try:
            self.services.data_access.request_access(self.user, self.case_id,
                                                     self.reason_edit.text())
        except Exception as exc:  # noqa: BLE001 - e.g. 请填写查阅理由。
            show_error(self, exc, "无法提交申请")
            return
        self.reason_edit.clear()
        self.access_status.setText(self._access_text())

    def _attachment_bytes(self, attachment_id: int | None) -> bytes | None:
        try:
            a = self.services.cases.attachment(self.user, attachment_id or 0)
        except Exception as exc:  # noqa: BLE001
            show_error(self, exc, "无法读取附件")
            return None
        return a.data or b""

    def _open_attachment(self, attachment_id: int | None) -> None:
        data = self._attachment_bytes(attachment_id)
        if data is None or self.view is None:
            return
        name = next(a.filename for a in self.view.case.attachments if a.id == attachment_id)
        if self._tmp is None:
            self._tmp = Path(tempfile.mkdtemp(prefix="complaintdesk-"))
        path = self._tmp / Path(name).name
        path.write_bytes(data)
        QDesktopServices.openUrl(QUrl.fromLocalFile(str(path)))

    def _save_attachment(self, attachment_id: int | None, filename: str) -> None:
        target, _ = QFileDialog.getSaveFileName(self, "附件另存为", filename)
        if not target:
            return
        data = self._attachment_bytes(attachment_id)
        if data is not None:
            Path(target).write_bytes(data)
