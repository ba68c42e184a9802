"""系统管理 → 单位信息 (the dealership's name and logo on every form and workbook), 流程设置 (business-hours calendar, 部门安排时限, 二次回访间隔) and 代理人.

The workflow settings are saved as one value under the "workflow" setting
(WorkflowSettings.to_dict()); the domain validates them before they are saved.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, time, timedelta, tzinfo
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QDate, QDateTime, Qt, QTime
from PySide6.QtGui import QPixmap
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateEdit,
    QDateTimeEdit,
    QFileDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QMessageBox,
    QPushButton,
    QSpinBox,
    QTimeEdit,
    QVBoxLayout,
    QWidget,
)

from ...domain import steps as S
from ...domain.masking import ACCESS_HOURS_SETTING
from ...domain.records import User
from ...domain.workflow import WorkflowSettings
from ...domain.workflow.deadlines import SECOND_REVISIT_CHOICES
from ...services.errors import ServiceError
from ...services.settings import DEFAULTS, NAME_MAX
from ..widgets.columns import ColumnSizer
from ..widgets.common import ERROR_STYLE, local_text, show_error
from .admin_people import FormDialog, fill, record_index, table
from .step_deadlines import StepDeadlinesTable

if TYPE_CHECKING:
    from ...domain.records import DelegationRecord
    from ...services.container import Services

WEEKDAYS = ("星期一", "星期二", "星期三", "星期四", "星期五", "星期六", "星期日")
DEFAULT_HOURS = (time(8, 30), time(18, 0))


class DealershipTab(QWidget):
    """单位信息: the name printed at the top of every form and in every workbook's title,
    and an optional logo image for the forms."""

    def __init__(self, services: Services, actor: User, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.services = services
        self.actor = actor
        self.name = QLineEdit()
        self.name.setMaxLength(NAME_MAX)
        self.name.setPlaceholderText("如：北京某某汽车销售服务有限公司")
        self.logo = QLineEdit()
        self.logo.setPlaceholderText("可不填：PNG 或 JPG 图片，印在表单左上角")
        pick, clear = QPushButton("选择图片…"), QPushButton("不用标志")
        pick.clicked.connect(self._pick)
        clear.clicked.connect(self.logo.clear)
        logo_row = QHBoxLayout()
        logo_row.addWidget(self.logo, 1)
        logo_row.addWidget(pick)
        logo_row.addWidget(clear)
        self.name_error, self.logo_error = QLabel(), QLabel()
        for label in (self.name_error, self.logo_error):
            label.setStyleSheet(ERROR_STYLE)
        form = QFormLayout()
        form.addRow("单位名称", self.name)
        form.addRow("", self.name_error)
        form.addRow("标志图片", logo_row)
        form.addRow("", self.logo_error)
        self.preview = QLabel()
        self.preview.setFixedHeight(60)
        form.addRow("预览", self.preview)
        self.logo.textChanged.connect(self._show_logo)
        hint = QLabel(f"单位名称印在每张表单的页眉和每个 Excel 报表的标题里。"
                      f"未设置时显示产品默认名称“{DEFAULTS['dealership_name']}”。")
        hint.setWordWrap(True)
        hint.setStyleSheet("color: #777;")
        self.message = QLabel()
        self.save_button = QPushButton("保存单位信息")
        self.save_button.clicked.connect(self.save)
        foot = QHBoxLayout()
        foot.addWidget(self.message, 1)
        foot.addWidget(self.save_button)
        lay = QVBoxLayout(self)
        lay.addLayout(form)
        lay.addWidget(hint)
        lay.addStretch(1)
        lay.addLayout(foot)
        self.load()

    def load(self) -> None:
        self.name.setText(str(self.services.settings.get("dealership_name") or ""))
        self.logo.setText(str(self.services.settings.get("logo_path") or ""))

    def _show_logo(self, path: str) -> None:
        image = QPixmap(path) if path.strip() else QPixmap()
        if image.isNull():
            self.preview.setPixmap(QPixmap())
            self.preview.setText("（无标志）" if not path.strip() else "（无法读取该图片）")
            return
        self.preview.setPixmap(image.scaledToHeight(56, Qt.TransformationMode.SmoothTransformation))

    def _pick(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, "选择标志图片", "",
                                              "图片 (*.png *.jpg *.jpeg)")
        if path:
            self.logo.setText(path)

    def save(self) -> bool:
        self.name_error.clear()
        self.logo_error.clear()
        try:
            self.services.settings.set_dealership(self.actor, self.name.text(),
                                                  self.logo.text())
        except ServiceError as exc:
            for key, label in (("dealership_name", self.name_error),
                               ("logo_path", self.logo_error)):
                label.setText(exc.fields.get(key, ""))
            self.message.setStyleSheet(ERROR_STYLE)
            self.message.setText(exc.message)
            return False
        self.message.setStyleSheet("color: #2e7d32;")
        self.message.setText("单位信息已保存，此后打印的表单和导出的报表使用新名称。")
        return True


class WorkflowSettingsTab(QWidget):
    def __init__(self, services: Services, actor: User, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.services = services
        self.actor = actor
        self.use_calendar = QCheckBox("启用营业时间日历（不启用时期限按自然时间连续计算）")
        self.days: list[tuple[QCheckBox, QTimeEdit, QTimeEdit]] = []
        hours_box = QGroupBox("每周营业时间")
        grid = QFormLayout(hours_box)
        for name in WEEKDAYS:
            open_box = QCheckBox("营业")
            opens, closes = QTimeEdit(), QTimeEdit()
            for edit in (opens, closes):
                edit.setDisplayFormat("HH:mm")
            row = QHBoxLayout()
            row.addWidget(open_box)
            row.addWidget(opens)
            row.addWidget(QLabel("至"))
            row.addWidget(closes)
            row.addStretch(1)
            grid.addRow(name, row)
            self.days.append((open_box, opens, closes))
        closed_box = QGroupBox("休息日（不营业的日期）")
        self.closed = QListWidget()
        self.closed.setMinimumHeight(60)
        self.closed_date = QDateEdit(QDate.currentDate())
        self.closed_date.setCalendarPopup(True)
        self.closed_date.setDisplayFormat("yyyy-MM-dd")
        add, remove = QPushButton("添加"), QPushButton("删除选中")
        add.clicked.connect(self._add_closed)
        remove.clicked.connect(lambda: [self.closed.takeItem(self.closed.row(i))
                                        for i in self.closed.selectedItems()])
        crow = QHBoxLayout()
        crow.addWidget(self.closed_date)
        crow.addWidget(add)
        crow.addWidget(remove)
        crow.addStretch(1)
        clay = QVBoxLayout(closed_box)
        clay.addWidget(self.closed)
        clay.addLayout(crow)
        self.use_calendar.toggled.connect(hours_box.setEnabled)
        self.use_calendar.toggled.connect(closed_box.setEnabled)

        self.deadlines = StepDeadlinesTable()
        self.assign_hours = self.deadlines.row_for(S.ASSIGN).amount  # 部门安排 (a setting)
        defaults = QPushButton("全部恢复默认期限")
        defaults.clicked.connect(self.deadlines.reset_defaults)
        deadline_box = QGroupBox("各步骤期限（默认为产品默认值；加粗的行已修改）")
        dlay = QVBoxLayout(deadline_box)
        dlay.addWidget(self.deadlines, 1)
        drow = QHBoxLayout()
        drow.addStretch(1)
        drow.addWidget(defaults)
        dlay.addLayout(drow)
        self.revisit_days = QComboBox()
        for n in SECOND_REVISIT_CHOICES:
            self.revisit_days.addItem(f"结案后 {n} 天" + ("（默认）" if n == 7 else ""), n)
        self.access_hours = QSpinBox()  # DESIGN §3: how long an approval to read a
        self.access_hours.setRange(1, 168)  # customer's numbers lasts (product default 24 h)
        self.access_hours.setSuffix(" 小时")
        self.access_hours.setToolTip("非本案处理人经批准后可查看客户完整信息的时长；"
                                     "产品默认 24 小时（制度未规定具体时长）")
        # DESIGN §4.8 / 003 一.12: product defaults where the policy gives no number
        self.approval_hours = QSpinBox()
        self.approval_hours.setRange(1, 72)
        self.approval_hours.setSuffix(" 小时")
        self.approval_hours.setToolTip("产品默认值 4 小时（制度未规定）")
        self.notice_from = QSpinBox()
        self.notice_from.setRange(0, 30)
        self.notice_by = QSpinBox()
        self.notice_by.setRange(0, 30)
        for box, what in ((self.notice_from, "起"), (self.notice_by, "止")):
            box.setPrefix("受理后第 ")
            box.setSuffix(f" 天{what}")
        notice = QHBoxLayout()
        notice.addWidget(self.notice_from)
        notice.addWidget(self.notice_by)
        notice.addStretch(1)
        # 厂外返修回访 (§4.3 step 8, a product default): a setting, edited in the table
        self.rework_revisit_days = self.deadlines.row_for(S.RW_REVISIT).amount
        other = QFormLayout()
        other.addRow("重要/重大投诉二次回访", self.revisit_days)
        other.addRow("解决方案审批时限（产品默认）", self.approval_hours)
        other.addRow("处理意见告知（制度：三天至五天）", notice)
        other.addRow("客户信息查阅批准有效期", self.access_hours)

        self.message = QLabel()
        self.message.setWordWrap(True)
        self.save_button = QPushButton("保存流程设置")
        self.save_button.clicked.connect(self.save)
        note = QLabel("修改只影响此后开始的步骤；已计算的期限不变。")
        note.setStyleSheet("color: #777;")
        foot = QHBoxLayout()
        foot.addWidget(note, 1)
        foot.addWidget(self.save_button)
        lay = QVBoxLayout(self)
        lay.addWidget(self.use_calendar)
        # the calendar on the left, the step deadlines (the longest list) on the right
        left = QVBoxLayout()
        left.addWidget(hours_box)
        left.addWidget(closed_box, 1)
        cols = QHBoxLayout()
        cols.addLayout(left, 2)
        cols.addWidget(deadline_box, 3)
        lay.addLayout(cols, 1)
        lay.addLayout(other)
        lay.addWidget(self.message)
        lay.addLayout(foot)
        self.load()

    def _add_closed(self) -> None:
        text = self.closed_date.date().toString("yyyy-MM-dd")
        existing = {self.closed.item(i).text() for i in range(self.closed.count())}
        if text not in existing:
            self.closed.addItem(text)
            self.closed.sortItems()

    def raw(self) -> dict[str, Any]:
        return dict(self.services.settings.get("workflow") or {})

    def load(self) -> None:
        settings = WorkflowSettings.from_dict({"tz": self.services.workflow.tz_name,
                                               **self.raw()})
        cal = settings.calendar
        self.use_calendar.setChecked(cal is not None)
        self.use_calendar.toggled.emit(cal is not None)
        for weekday, (box, opens, closes) in enumerate(self.days):
            hours = cal.hours.get(weekday) if cal else None
            box.setChecked(hours is not None or cal is None)
            o, c = hours or DEFAULT_HOURS
            opens.setTime(QTime(o.hour, o.minute))
            closes.setTime(QTime(c.hour, c.minute))
        self.closed.clear()
        for d in sorted(cal.closed_dates) if cal else []:
            self.closed.addItem(d.isoformat())
        self.deadlines.load(settings)
        self.rework_revisit_days.setValue(settings.rework_revisit_days)
        self.revisit_days.setCurrentIndex(max(0, self.revisit_days.findData(
            settings.second_revisit_days)))
        self.approval_hours.setValue(settings.approval_hours)
        self.notice_from.setValue(settings.notice_from_day)
        self.notice_by.setValue(settings.notice_by_day)
        self.access_hours.setValue(int(self.services.data_access.hours()))

    def value(self) -> dict[str, Any]:
        raw = self.raw()
        tz = str(raw.get("tz") or self.services.workflow.tz_name)
        calendar = None
        if self.use_calendar.isChecked():
            hours = {str(i): [o.time().toString("HH:mm"), c.time().toString("HH:mm")]
                     for i, (box, o, c) in enumerate(self.days) if box.isChecked()}
            closed = [self.closed.item(i).text() for i in range(self.closed.count())]
            calendar = {"hours": hours, "closed_dates": closed, "tz": tz}
        return {**raw, "tz": tz, **self.deadlines.value(),
                "second_revisit_days": self.revisit_days.currentData(), "calendar": calendar,
                "rework_revisit_days": self.rework_revisit_days.value(),
                "approval_hours": self.approval_hours.value(),
                "notice_from_day": self.notice_from.value(),
                "notice_by_day": self.notice_by.value()}

    def save(self) -> bool:
        value = self.value()
        try:
            WorkflowSettings.from_dict(value)  # the domain's checks, with Chinese messages
            self.services.settings.put(self.actor, "workflow", value)
            if self.access_hours.value() != int(self.services.data_access.hours()):
                self.services.settings.put(self.actor, ACCESS_HOURS_SETTING,
                                           self.access_hours.value())
        except (ValueError, ServiceError) as exc:
            self.message.setStyleSheet(ERROR_STYLE)
            self.message.setText(getattr(exc, "message", None) or str(exc))
            return False
        self.message.setStyleSheet("color: #2e7d32;")
        self.message.setText("流程设置已保存。")
        return True


def _qdt(when: datetime, tz: tzinfo) -> QDateTime:
    local = when.astimezone(tz)
    return QDateTime(QDate(local.year, local.month, local.day), QTime(local.hour, local.minute))


def _aware(value: QDateTime, tz: tzinfo) -> datetime:
    d, t = value.date(), value.time()
    return datetime(d.year(), d.month(), d.day(), t.hour(), t.minute(), tzinfo=tz)


def delegation_dialog(services: Services, actor: User, absent: User | None,
                      parent: QWidget | None = None) -> FormDialog:
    """设置代理人: `absent` fixed (a user for themselves), or None (the admin picks)."""
    tz = services.workflow.tz
    now = services.clock.now()
    users = [u for u in services.people.users() if u.id is not None]
    who = QComboBox()
    for u in users:
        who.addItem(u.display_name, u.id)
    delegate = QComboBox()
    delegate.addItem("请选择…", None)
    for u in users:
        if absent is None or u.id != absent.id:
            delegate.addItem(u.display_name, u.id)
    start, end = QDateTimeEdit(_qdt(now, tz)), QDateTimeEdit(_qdt(now + timedelta(days=1), tz))
    for edit in (start, end):
        edit.setCalendarPopup(True)
        edit.setDisplayFormat("yyyy-MM-dd HH:mm")
    reason = QLineEdit()
    reason.setPlaceholderText("如：休假、出差")

    def save() -> None:
        absent_id = absent.id if absent is not None else who.currentData()
        if delegate.currentData() is None:
            raise ServiceError("请选择代理人。", field="delegate")
        services.people.add_delegation(actor, absent_id or 0, delegate.currentData(),
                                       _aware(start.dateTime(), tz), _aware(end.dateTime(), tz),
                                       reason.text().strip())

    rows: list[tuple[str, str, QWidget]] = []
    if absent is None:
        rows.append(("absent", "请假人", who))
    rows += [("delegate", "代理人", delegate), ("start", "开始", start), ("end", "结束", end),
             ("reason", "原因", reason)]
    title = "设置代理人" if absent is None else f"设置代理人（{absent.display_name} 不在期间）"
    return FormDialog(title, rows, save, parent)


def delegation_state(d: DelegationRecord, now: datetime) -> str:
    if d.end <= now:
        return "已结束"
    return "未开始" if d.start > now else "生效中"


class DelegationsTab(QWidget):
    """代理人: every delegation, past ones kept; one that has not ended can be ended now
    (the absent user is back early). The service checks who may, and audits it."""

    def __init__(self, services: Services, actor: User, parent: QWidget | None = None,
                 confirm: Callable[[str], bool] | None = None, own: bool = False) -> None:
        """`own`: only the actor's own delegations (系统 → 我的代理人, for every user): new ones
        name a delegate for the actor, and the actor can end them when back early."""
        super().__init__(parent)
        self.services = services
        self.actor = actor
        self.own = own
        self.confirm = confirm or self._ask
        self.records: list[DelegationRecord] = []
        self.table = table(("请假人", "代理人", "开始", "结束", "状态", "原因"))
        self.columns = ColumnSizer(self.table, "admin_delegations")  # 原因 takes the spare width
        add = QPushButton("新建代理…")
        add.clicked.connect(self.add)
        self.end_button = QPushButton("结束所选代理…")
        self.end_button.setToolTip("请假人提前回来：代理从现在起结束（记录保留）")
        self.end_button.clicked.connect(self.end_selected)
        self.message = QLabel("")
        row = QHBoxLayout()
        row.addWidget(add)
        row.addWidget(self.end_button)
        row.addWidget(self.message, 1)
        lay = QVBoxLayout(self)
        lay.addLayout(row)
        lay.addWidget(self.table, 1)
        self.table.itemSelectionChanged.connect(self._update_buttons)
        self.refresh()

    def refresh(self) -> None:
        self.names = {u.id: u.display_name for u in self.services.people.users(True)}
        tz = self.services.workflow.tz
        now = self.services.clock.now()
        self.records = [d for d in self.services.people.delegations()
                        if not self.own or d.absent_user_id == self.actor.id]
        fill(self.table, [[self.names.get(d.absent_user_id, ""),
                           self.names.get(d.delegate_user_id, ""),
                           local_text(d.start, tz), local_text(d.end, tz),
                           delegation_state(d, now), d.reason] for d in self.records])
        self.columns.fit()
        self._update_buttons()

    def selected(self) -> DelegationRecord | None:
        index = record_index(self.table, self.table.currentRow()) \
            if self.table.selectedItems() else None
        return self.records[index] if index is not None else None

    def _update_buttons(self) -> None:
        d = self.selected()
        self.end_button.setEnabled(d is not None and d.end > self.services.clock.now())

    def end_selected(self) -> bool:
        """Ends the selected delegation now, after asking. True when it was ended."""
        d = self.selected()
        if d is None:
            return False
        absent = self.names.get(d.absent_user_id, "")
        delegate = self.names.get(d.delegate_user_id, "")
        if not self.confirm(f"结束 {absent} 的代理吗？\n从现在起 {delegate} 不再代 {absent} "
                            "处理待办，代理记录保留。"):
            return False
        try:
            self.services.people.end_delegation(self.actor, d.id)
        except ServiceError as exc:
            show_error(self, exc)
            return False
        self.refresh()
        self.message.setText(f"已结束 {absent} 的代理（{delegate}）。")
        return True

    def _ask(self, text: str) -> bool:
        answer = QMessageBox.question(self, "结束代理", text)
        return answer == QMessageBox.StandardButton.Yes

    def add(self) -> FormDialog:
        dialog = delegation_dialog(self.services, self.actor, self.actor if self.own else None,
                                   self)
        dialog.accepted.connect(self.refresh)
        dialog.open()
        return dialog
