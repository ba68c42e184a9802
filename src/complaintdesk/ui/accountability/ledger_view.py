"""The 台账 tab (DESIGN §6): per employee and per department for a month — slips, fines,
points, rewards, net points, appeal corrections — each table with a 合计 row that stays
last whatever the sorting. Slips count in the month they were enforced (step 9); the
slips issued in the month and not yet enforced are listed apart. Double-click a row for
its slips, a slip for the slip dialog, and from there the case. Every table can be
exported to Excel and printed."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeVar

from PySide6.QtCore import QDate, QModelIndex, QSortFilterProxyModel, Qt, Signal
from PySide6.QtGui import QBrush, QColor, QFont
from PySide6.QtWidgets import (
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from ...domain.ledger import LedgerRow, amounts_text, total_row
from ...domain.records import SlipStatus, User
from ...services.accountability import LedgerReport, SlipQuery, SlipRef
from ...services.errors import ServiceError
from ...services.list_export import ListSection
from ...services.slip_access import SlipView
from ..cases.list_export import ListExportBar, section_of
from ..widgets.columns import ColumnSizer
from ..widgets.row_model import ROW_ROLE, Column, RowsModel, make_table, row_at, yuan
from .slips_view import slip_columns

if TYPE_CHECKING:
    from ...services.container import Services


def _n(title: str, get: Callable[[LedgerRow], int]) -> Column[LedgerRow]:
    f = get
    return Column(title, lambda r: yuan(f(r)), lambda r: f(r), numeric=True)


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
    Column("状态", lambda s: "" if s.slip_id == TOTAL_ID else s.status.label),
    Column("责任人", lambda s: s.employee_name),
    Column("案件", lambda s: s.case_number),
    Column("当前处罚/奖励", lambda s: s.penalty_text),
]


T = TypeVar("T")
TOTAL_ID = 0  # the drill-down's 合计 row (no slip has id 0)
TOTAL_BG = QBrush(QColor("#eef1f5"))
DATE_NOTE = ("按执行日期计入：过失单和奖励单计入其执行（第 9 步）所在的月份；申诉减轻或撤销的"
             "更正计入裁决所在的月份。已开具但尚未执行的过失单不计入本月台账，单独列在下面。")
PENDING = (SlipStatus.ISSUED, SlipStatus.APPROVED)


def _is_total(row: object) -> bool:
    return bool(getattr(row, "is_total", False)) or getattr(row, "slip_id", None) == TOTAL_ID


class TotalLastProxy(QSortFilterProxyModel):
    """Sorts and filters like the tables' usual proxy, but the 合计 row stays last and is
    never filtered out."""

    def lessThan(self, left: QModelIndex, right: QModelIndex) -> bool:  # noqa: N802
        src = self.sourceModel()
        lt, rt = _is_total(src.data(left, ROW_ROLE)), _is_total(src.data(right, ROW_ROLE))
        if lt or rt:  # Qt reverses the comparison for a descending sort
            descending = self.sortOrder() == Qt.SortOrder.DescendingOrder
            return (rt and not lt) != descending
        return super().lessThan(left, right)

    def filterAcceptsRow(self, row: int, parent: QModelIndex) -> bool:  # noqa: N802
        src = self.sourceModel()
        if _is_total(src.data(src.index(row, 0, parent), ROW_ROLE)):
            return True
        return super().filterAcceptsRow(row, parent)


def totals_table(model: RowsModel, parent: QWidget) -> tuple[Any, QSortFilterProxyModel]:
    """A table like `make_table`'s whose 合计 row stays last, in bold."""
    view, old = make_table(model, parent)
    proxy = TotalLastProxy(parent)
    proxy.setSourceModel(model)
    proxy.setSortRole(old.sortRole())
    proxy.setFilterKeyColumn(-1)
    proxy.setFilterCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
    view.setModel(proxy)
    old.deleteLater()
    return view, proxy


class TotalsModel(RowsModel[T]):
    """Rows with a 合计 row: shaded and in bold."""

    def __init__(self, columns: list[Column[T]], parent: QWidget | None = None) -> None:
        super().__init__(columns, parent, lambda r: TOTAL_BG if _is_total(r) else None)
        self.bold = QFont()
        self.bold.setBold(True)

    def data(self, index: Any, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role == Qt.ItemDataRole.FontRole and index.isValid() \
                and _is_total(self.rows[index.row()]):
            return self.bold
        return super().data(index, role)


class SlipListDialog(QDialog):
    """The slips behind one ledger row, with a 合计 row and a 关闭 button."""

    open_slip = Signal(int)

    def __init__(self, title: str, slips: list[SlipRef], parent: QWidget | None = None,
                 total: LedgerRow | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.resize(760, 380)
        lay = QVBoxLayout(self)
        lay.addWidget(QLabel("双击过失单查看详情。按执行日期计入本月（申诉更正按裁决日期）。"))
        self.model: TotalsModel[SlipRef] = TotalsModel(SLIP_COLUMNS, self)
        rows = list(slips)
        if total is not None:
            rows.append(SlipRef(TOTAL_ID, "合计", SlipStatus.ENFORCED, None, "",
                                f"{len(slips)} 张", amounts_text(total.totals)))
        self.model.set_rows(rows)
        self.table, self.proxy = totals_table(self.model, self)
        self.columns = ColumnSizer(self.table, "ledger_slips")
        self.table.doubleClicked.connect(self._open)
        lay.addWidget(self.table, 1)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        self.close_button = buttons.button(QDialogButtonBox.StandardButton.Close)
        self.close_button.setText("关闭")
        buttons.rejected.connect(self.reject)
        lay.addWidget(buttons)

    def _open(self, index: QModelIndex) -> None:
        ref = row_at(self.table, index)
        if isinstance(ref, SlipRef) and ref.slip_id != TOTAL_ID:
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
        self.exports = ListExportBar(services, user, self.export_title, self.export_sections,
                                     lambda: DATE_NOTE, self)
        for w in (QLabel("月份"), self.month, self.filter, refresh, self.exports):
            bar.addWidget(w)
        bar.setStretchFactor(self.filter, 1)
        lay.addLayout(bar)
        self.date_note = QLabel(DATE_NOTE)
        self.date_note.setWordWrap(True)
        self.date_note.setStyleSheet("color: #555;")
        lay.addWidget(self.date_note)
        self.message = QLabel("")
        lay.addWidget(self.message)
        split = QSplitter(Qt.Orientation.Vertical)
        self.employees: TotalsModel[LedgerRow] = TotalsModel(EMPLOYEE_COLUMNS, self)
        self.departments: TotalsModel[LedgerRow] = TotalsModel(DEPARTMENT_COLUMNS, self)
        self.employee_table, self.employee_proxy = totals_table(self.employees, self)
        self.department_table, self.department_proxy = totals_table(self.departments, self)
        self.pending: RowsModel[SlipView] = RowsModel(slip_columns(services.accountability.tz),
                                                       self)
        self.pending_table, self.pending_proxy = make_table(self.pending, self)
        self.pending_label = QLabel("<b>已开具未执行</b>（本月开具、尚未执行，不计入本月台账）")
        for title, table in (("按员工", self.employee_table), ("按部门", self.department_table)):
            box = QWidget()
            box_lay = QVBoxLayout(box)
            box_lay.setContentsMargins(0, 0, 0, 0)
            box_lay.addWidget(QLabel(f"<b>{title}</b>（双击查看过失单）"))
            box_lay.addWidget(table)
            split.addWidget(box)
            table.doubleClicked.connect(lambda i, t=table: self._drill(t, i))
        box = QWidget()
        box_lay = QVBoxLayout(box)
        box_lay.setContentsMargins(0, 0, 0, 0)
        box_lay.addWidget(self.pending_label)
        box_lay.addWidget(self.pending_table)
        split.addWidget(box)
        self.pending_table.doubleClicked.connect(self._open_pending)
        split.setStretchFactor(0, 3)
        split.setStretchFactor(1, 2)
        split.setStretchFactor(2, 1)
        lay.addWidget(split, 1)
        # columns of figures: the spare width is shared out, no lone wide number column
        self.sizers = [ColumnSizer(self.employee_table, "ledger_employees", stretch=None),
                       ColumnSizer(self.department_table, "ledger_departments", stretch=None),
                       ColumnSizer(self.pending_table, "ledger_pending", stretch=6)]
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
            self.pending.set_rows([])
            self.message.setText(exc.message)
            return
        month = self.month_key()
        emp, dep = self.report.employees, self.report.departments
        self.employees.set_rows([*emp, total_row(emp, month, True)] if emp else [])
        self.departments.set_rows([*dep, total_row(dep, month, False)] if dep else [])
        self.pending.set_rows(self._pending())
        self.pending_label.setText(f"<b>已开具未执行</b>（本月开具、尚未执行，不计入本月台账："
                                   f"{self.pending.rowCount()} 张）")
        for sizer in self.sizers:
            sizer.fit()
        fines = sum(r.fines_yuan for r in dep)
        self.message.setText(
            f"{month}：{len(emp)} 名员工，罚款合计 {yuan(fines)} 元。" if dep else
            f"{month}：本月没有执行的过失单或奖励。")

    def _pending(self) -> list[SlipView]:
        """Slips issued in the month and not enforced yet: they count when enforced."""
        start, end = self._bounds()
        try:
            views = self.services.accountability.list_slips(
                self.user, SlipQuery(statuses=PENDING, issued_from=start, issued_to=end))
        except ServiceError:
            return []
        return [v for v in views if v.slip.enforced_at is None]

    def _bounds(self) -> tuple[Any, Any]:
        from datetime import datetime

        tz = self.services.accountability.tz
        d = self.month.date()
        start = datetime(d.year(), d.month(), 1, tzinfo=tz)
        end = datetime(d.year() + (d.month() == 12), d.month() % 12 + 1, 1, tzinfo=tz)
        return start, end

    # ---- export and print ---------------------------------------------------------------
    def export_title(self) -> str:
        return f"奖惩台账 {self.month_key()}"

    def export_sections(self) -> list[ListSection]:
        return [section_of("按员工", self.employee_table, total_last=True),
                section_of("按部门", self.department_table, total_last=True),
                section_of("已开具未执行（不计入本月台账）", self.pending_table)]

    def _drill(self, table: QTableView, index: QModelIndex) -> SlipListDialog | None:
        row = row_at(table, index)
        if not isinstance(row, LedgerRow) or self.report is None:
            return None
        who = "全部" if row.is_total else (row.employee_name or row.department_name)
        refs = [self.report.slips[i] for i in row.slip_ids if i in self.report.slips]
        dialog = SlipListDialog(f"{self.month_key()} {who} 的过失单/奖励单", refs, self, row)
        dialog.open_slip.connect(self.open_slip)
        self.dialogs.append(dialog)
        dialog.show()
        return dialog

    def _open_pending(self, index: QModelIndex) -> None:
        view = row_at(self.pending_table, index)
        if isinstance(view, SlipView) and view.slip.id is not None:
            self.open_slip(view.slip.id)

    def open_slip(self, slip_id: int) -> QDialog:
        from .slip_dialog import SlipDialog

        dialog = SlipDialog(self.services, self.user, slip_id, self)
        dialog.open_case.connect(self.open_case)
        dialog.changed.connect(lambda _id: self.refresh())
        self.dialogs.append(dialog)
        dialog.show()
        return dialog
