"""The 过失单 tab: every slip the user may see, filtered by status, department and week;
double-click opens the slip dialog (and from there the case)."""

from __future__ import annotations

from datetime import date, datetime, timedelta, tzinfo
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QDate, QModelIndex, Signal
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateEdit,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from ...domain.records import SlipStatus, User
from ...domain.weekly import week_start_of
from ...services.accountability import SlipQuery
from ...services.errors import ServiceError
from ...services.slip_access import SlipView
from ..cases.list_export import ListExportBar, section_of
from ..widgets.columns import ColumnSizer
from ..widgets.common import local_text, show_error
from ..widgets.row_model import Column, RowsModel, make_table, row_at
from ..widgets.workers import run_task
from .slip_dialog import SlipDialog

if TYPE_CHECKING:
    from ...services.container import Services

PROPOSED_BG = QBrush(QColor("#fff1cc"))
PENALTY_COL = 6  # 处罚/奖励: the longest text, it takes the spare width


def slip_columns(tz: tzinfo) -> list[Column[SlipView]]:
    def when(d: datetime | None) -> str:
        return local_text(d, tz)

    return [
        Column("编号", lambda v: v.slip.number or "（拟开具）", lambda v: v.slip.number or ""),
        Column("类型", lambda v: v.kind_label + ("·超时" if v.slip.from_breach else "")),
        Column("状态", lambda v: v.slip.status.label),
        Column("责任人", lambda v: v.employee_name),
        Column("部门", lambda v: v.department_name),
        Column("案件", lambda v: v.case_number),
        Column("处罚/奖励", lambda v: v.penalty_text),
        Column("开具时间", lambda v: when(v.slip.issued_at),
               lambda v: v.slip.issued_at.timestamp() if v.slip.issued_at else 0),
        Column("执行时间", lambda v: when(v.slip.enforced_at),
               lambda v: v.slip.enforced_at.timestamp() if v.slip.enforced_at else 0),
    ]


class SlipsView(QWidget):
    """The 过失单 tab. It loads when first shown and always off the UI thread: at 100,000
    cases the list is thousands of slips, which must not hold up the main window."""

    open_case = Signal(int)
    loaded = Signal()  # the table holds the result of the latest refresh

    def __init__(self, services: Services, user: User, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.services, self.user = services, user
        self.acc = services.accountability
        self.dialogs: dict[int, SlipDialog] = {}
        lay = QVBoxLayout(self)
        bar = QHBoxLayout()
        self.status = QComboBox()
        self.status.addItem("全部状态", None)
        self.status.addItem("待处理（拟开具）", (SlipStatus.PROPOSED,))
        self.status.addItem("流转中（已开具/已签批）", (SlipStatus.ISSUED, SlipStatus.APPROVED))
        for st in SlipStatus:
            self.status.addItem(st.label, (st,))
        self.department = QComboBox()
        self.department.addItem("全部部门", None)
        for d in services.people.departments():
            self.department.addItem(d.name, d.id)
        self.by_week = QCheckBox("按开具周")
        today = services.clock.now().astimezone(self.acc.tz).date()
        self.week = QDateEdit(QDate(today.year, today.month, today.day))
        self.week.setCalendarPopup(True)
        self.week.setDisplayFormat("yyyy-MM-dd")
        self.week.setEnabled(False)
        self.week_label = QLabel("")
        self.search = QLineEdit()
        self.search.setPlaceholderText("在结果中查找：姓名、编号、案件…")
        self.search.setClearButtonEnabled(True)
        refresh = QPushButton("刷新")
        self.exports = ListExportBar(services, user, self.export_title,
                                     lambda: [section_of("过失单", self.table)], parent=self)
        for w in (QLabel("状态"), self.status, QLabel("部门"), self.department, self.by_week,
                  self.week, self.week_label, self.search, refresh):
            bar.addWidget(w)
        bar.setStretchFactor(self.search, 1)
        lay.addLayout(bar)
        self.model: RowsModel[SlipView] = RowsModel(
            slip_columns(self.acc.tz), self,
            background=lambda v: PROPOSED_BG if v.slip.status is SlipStatus.PROPOSED else None)
        self.table, self.proxy = make_table(self.model, self)
        self.table.doubleClicked.connect(self._open_index)
        lay.addWidget(self.table, 1)
        self.count = QLabel("")
        foot = QHBoxLayout()  # export/print under the table: the filter row stays narrow
        foot.addWidget(self.count, 1)
        foot.addWidget(self.exports)
        lay.addLayout(foot)
        self.status.currentIndexChanged.connect(self.refresh)
        self.department.currentIndexChanged.connect(self.refresh)
        self.by_week.toggled.connect(self.week.setEnabled)
        self.by_week.toggled.connect(self.refresh)
        self.week.dateChanged.connect(self.refresh)
        self.search.textChanged.connect(self.proxy.setFilterFixedString)
        refresh.clicked.connect(self.refresh)
        self._generation = 0
        self._shown_once = False
        self.table.horizontalHeader().setResizeContentsPrecision(60)  # look at 60 rows
        self.columns = ColumnSizer(self.table, "slips", stretch=PENALTY_COL)

    def query(self) -> SlipQuery:
        statuses = self.status.currentData() or ()
        dept = self.department.currentData()
        if self.by_week.isChecked():
            qd = self.week.date()  # QDate.toPython() is typed as object
            d = date(qd.year(), qd.month(), qd.day())
            monday = week_start_of(d)  # the domain's week (Monday..Sunday), as printed
            start = datetime(monday.year, monday.month, monday.day, tzinfo=self.acc.tz)
            self.week_label.setText(f"{monday:%m-%d} 至 {monday + timedelta(days=6):%m-%d}")
            return self.acc.week_query(start, statuses=tuple(statuses), department_id=dept)
        self.week_label.setText("")
        return SlipQuery(statuses=tuple(statuses), department_id=dept)

    def export_title(self) -> str:
        """"过失单 已执行 售后服务部 11-16 至 11-22": the list's filters in its title."""
        parts = ["过失单"]
        if self.status.currentData():
            parts.append(self.status.currentText())
        if self.department.currentData() is not None:
            parts.append(self.department.currentText())
        if self.by_week.isChecked() and self.week_label.text():
            parts.append(self.week_label.text())
        return " ".join(parts)

    def showEvent(self, event: Any) -> None:  # noqa: N802 - Qt's name
        super().showEvent(event)
        if not self._shown_once:
            self._shown_once = True
            self.refresh()

    def refresh(self) -> None:
        """Query in a worker; a result that an even newer refresh overtook is dropped."""
        self._generation += 1
        generation, query = self._generation, self.query()
        self.count.setText("正在加载…")

        def done(rows: list[SlipView]) -> None:
            if generation == self._generation:
                self._show(rows)

        def failed(exc: BaseException) -> None:
            if generation == self._generation:
                self.model.set_rows([])
                self.count.setText(exc.message if isinstance(exc, ServiceError) else str(exc))
                self.loaded.emit()

        run_task(lambda: self.acc.list_slips(self.user, query), done, failed, owner=self)

    def _show(self, rows: list[SlipView]) -> None:
        self.model.set_rows(rows)
        self.columns.fit()
        pending = sum(1 for v in rows if v.slip.status is SlipStatus.PROPOSED)
        self.count.setText(f"共 {len(rows)} 张" + (f"，其中 {pending} 张拟开具待处理"
                                                   if pending else ""))
        self.loaded.emit()

    def _open_index(self, index: QModelIndex) -> None:
        view = row_at(self.table, index)
        if isinstance(view, SlipView) and view.slip.id is not None:
            self.open_slip(view.slip.id)

    def open_slip(self, slip_id: int) -> SlipDialog:
        dialog = self.dialogs.get(slip_id)
        if dialog is None:
            try:
                dialog = SlipDialog(self.services, self.user, slip_id, self)
            except ServiceError as exc:  # pragma: no cover - the dialog shows its own errors
                show_error(self, exc)
                raise
            dialog.open_case.connect(self.open_case)
            dialog.changed.connect(lambda _id: self.refresh())
            dialog.finished.connect(lambda _r, sid=slip_id: self.dialogs.pop(sid, None))
            self.dialogs[slip_id] = dialog
        dialog.show()
        dialog.raise_()
        return dialog
