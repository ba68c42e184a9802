"""The 台账 tab (DESIGN §6): per employee and per department for a month — slips, fines,
points, rewards, net points, appeal corrections. Double-click a row for its slips, a slip
for the slip dialog, and from there the case."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QDate, QModelIndex, Qt, Signal
from PySide6.QtWidgets import (
    QDateEdit,
    QDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from ..domain.ledger import LedgerRow
from ..domain.records import User
from ..services.accountability import LedgerReport, SlipRef
from ..services.errors import ServiceError
from .columns import ColumnSizer
from .row_model import Column, RowsModel, make_table, row_at, yuan

if TYPE_CHECKING:
    from ..services.container import Services


def _n(title: str, get: object) -> Column[LedgerRow]:
    f = get  # type: ignore[assignment]
    return Column(title, lambda r: yuan(f(r)), lambda r: f(r), numeric=True)  # type: ignore[operator]


EMPLOYEE_COLUMNS: list[Column[LedgerRow]] = [
    Column("员工", lambda r: r.employee_name),
    Column("部门", lambda r: r.department_name),
    _n("过失单", lambda r: r.slip_count),
    _n("罚款（元）", lambda r: r.fines_yuan),
    _n("扣分", lambda r: r.points_deducted),
    _n("警告", lambda r: r.totals.warnings),
    _n("奖励单", lambda r: r.reward_count),
    _n("奖金（元）", lambda r: r.reward_yuan),
    _n("加分", lambda r: r.reward_points),
    _n("净分", lambda r: r.net_points),
    _n("申诉更正（元）", lambda r: r.correction_yuan),
]
DEPARTMENT_COLUMNS: list[Column[LedgerRow]] = [
    Column("部门", lambda r: r.department_name),
    _n("过失单", lambda r: r.slip_count),
    _n("罚款（元）", lambda r: r.fines_yuan),
    _n("扣分", lambda r: r.points_deducted),
    _n("部门扣分", lambda r: r.totals.dept_points),
    _n("扣减部门奖金（元）", lambda r: r.totals.dept_bonus_cut_yuan),
    _n("奖励单", lambda r: r.reward_count),
    _n("奖金（元）", lambda r: r.reward_yuan),
    _n("加分", lambda r: r.reward_points),
    _n("净分", lambda r: r.net_points),
    _n("申诉更正（元）", lambda r: r.correction_yuan),
]
SLIP_COLUMNS: list[Column[SlipRef]] = [
    Column("编号", lambda s: s.number),
    Column("状态", lambda s: s.status.label),
    Column("责任人", lambda s: s.employee_name),
    Column("案件", lambda s: s.case_number),
    Column("当前处罚/奖励", lambda s: s.penalty_text),
]


class SlipListDialog(QDialog):
    """The slips behind one ledger row."""

    open_slip = Signal(int)

    def __init__(self, title: str, slips: list[SlipRef], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.resize(680, 320)
        lay = QVBoxLayout(self)
        lay.addWidget(QLabel("双击过失单查看详情"))
        self.model: RowsModel[SlipRef] = RowsModel(SLIP_COLUMNS, self)
        self.model.set_rows(slips)
        self.table, _ = make_table(self.model, self)
        self.columns = ColumnSizer(self.table, "ledger_slips")
        self.table.doubleClicked.connect(self._open)
        lay.addWidget(self.table)

    def _open(self, index: QModelIndex) -> None:
        ref = row_at(self.table, index)
        if isinstance(ref, SlipRef):
            self.open_slip.emit(ref.slip_id)


class LedgerView(QWidget):
    open_case = Signal(int)

    def __init__(self, services: Services, user: User, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.services, self.user = services, user
        self.report: LedgerReport | None = None
        lay = QVBoxLayout(self)
        bar = QHBoxLayout()
        today = services.clock.now().astimezone(services.accountability.tz).date()
        self.month = QDateEdit(QDate(today.year, today.month, 1))
        self.month.setDisplayFormat("yyyy年MM月")
        self.month.setCalendarPopup(True)
        self.filter = QLineEdit()
        self.filter.setPlaceholderText("筛选：员工或部门名称")
        self.filter.setClearButtonEnabled(True)
        refresh = QPushButton("刷新")
        for w in (QLabel("月份"), self.month, self.filter, refresh):
            bar.addWidget(w)
        bar.setStretchFactor(self.filter, 1)
        lay.addLayout(bar)
        self.message = QLabel("")
        lay.addWidget(self.message)
        split = QSplitter(Qt.Orientation.Vertical)
        self.employees: RowsModel[LedgerRow] = RowsModel(EMPLOYEE_COLUMNS, self)
        self.departments: RowsModel[LedgerRow] = RowsModel(DEPARTMENT_COLUMNS, self)
        self.employee_table, self.employee_proxy = make_table(self.employees, self)
        self.department_table, self.department_proxy = make_table(self.departments, self)
        for title, table in (("按员工", self.employee_table), ("按部门", self.department_table)):
            box = QWidget()
            box_lay = QVBoxLayout(box)
            box_lay.setContentsMargins(0, 0, 0, 0)
            box_lay.addWidget(QLabel(f"<b>{title}</b>（双击查看过失单）"))
            box_lay.addWidget(table)
            split.addWidget(box)
            table.doubleClicked.connect(lambda i, t=table: self._drill(t, i))
        lay.addWidget(split, 1)
        # columns of figures: the spare width is shared out, no lone wide number column
        self.sizers = [ColumnSizer(self.employee_table, "ledger_employees", stretch=None),
                       ColumnSizer(self.department_table, "ledger_departments", stretch=None)]
        self.month.dateChanged.connect(self.refresh)
        self.filter.textChanged.connect(self.employee_proxy.setFilterFixedString)
        self.filter.textChanged.connect(self.department_proxy.setFilterFixedString)
        refresh.clicked.connect(self.refresh)
        self.dialogs: list[QDialog] = []
        self._shown_once = False  # the month loads when the tab is first shown

    def showEvent(self, event: Any) -> None:  # noqa: N802 - Qt's name
        super().showEvent(event)
        if not self._shown_once:
            self._shown_once = True
            self.refresh()

    def month_key(self) -> str:
        d = self.month.date()
        return f"{d.year():04d}-{d.month():02d}"

    def refresh(self) -> None:
        try:
            self.report = self.services.accountability.ledger(self.user, self.month_key())
        except ServiceError as exc:
            self.report = None
            self.employees.set_rows([])
            self.departments.set_rows([])
            self.message.setText(exc.message)
            return
        self.employees.set_rows(self.report.employees)
        self.departments.set_rows(self.report.departments)
        for sizer in self.sizers:
            sizer.fit()
        fines = sum(r.fines_yuan for r in self.report.departments)
        self.message.setText(
            f"{self.month_key()}：{len(self.report.employees)} 名员工，"
            f"罚款合计 {yuan(fines)} 元" if self.report.departments else
            f"{self.month_key()}：本月没有执行的过失单或奖励")

    def _drill(self, table: object, index: QModelIndex) -> SlipListDialog | None:
        row = row_at(table, index)  # type: ignore[arg-type]
        if not isinstance(row, LedgerRow) or self.report is None:
            return None
        who = row.employee_name or row.department_name
        refs = [self.report.slips[i] for i in row.slip_ids if i in self.report.slips]
        dialog = SlipListDialog(f"{self.month_key()} {who} 的过失单/奖励单", refs, self)
        dialog.open_slip.connect(self.open_slip)
        self.dialogs.append(dialog)
        dialog.show()
        return dialog

    def open_slip(self, slip_id: int) -> QDialog:
        from .slip_dialog import SlipDialog

        dialog = SlipDialog(self.services, self.user, slip_id, self)
        dialog.open_case.connect(self.open_case)
        dialog.changed.connect(lambda _id: self.refresh())
        self.dialogs.append(dialog)
        dialog.show()
        return dialog
