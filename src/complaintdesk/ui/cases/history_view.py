"""客户/车辆历史 (issue 18 §2): every complaint, suggestion and praise of a customer (by
phone) and of a vehicle (by VIN, else plate) — from a case's 历史 button or a search — in
a sortable table, the selected one in detail (outcome, slips, revisits, repeat chain).
The rows come masked from the history service (DESIGN §3); nothing here unmasks."""

from __future__ import annotations

from collections.abc import Callable
from datetime import tzinfo
from html import escape
from typing import TYPE_CHECKING

from PySide6.QtCore import QSortFilterProxyModel, Qt, Signal
from PySide6.QtGui import QStandardItem, QStandardItemModel
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSplitter,
    QTableView,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from ...domain.records import User
from ..widgets.common import local_text, show_error
from ..widgets.workers import run_task

if TYPE_CHECKING:
    from ...services.container import Services
    from ...services.history import History, HistoryEntry

COLUMNS = ("编号", "登记时间", "类型", "状态", "客户", "电话", "车牌", "类别", "部门",
           "处理结果", "满意度", "过失单", "关联", "来源")
SORT_ROLE = Qt.ItemDataRole.UserRole + 1
ID_ROLE = Qt.ItemDataRole.UserRole + 2


class HistoryView(QWidget):
    open_case = Signal(int)  # case id (double-click or 打开案件)
    loaded = Signal()  # a history arrived and is shown

    def __init__(self, services: Services, user: User, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.services, self.user = services, user
        self.tz = services.cases.tz
        self.history: History | None = None
        self._generation = 0

        self.query = QLineEdit()
        self.query.setPlaceholderText("手机号码 / 固定电话 / 车牌号 / 车架号（VIN）")
        self.query.setClearButtonEnabled(True)
        self.query.returnPressed.connect(self.search)
        self.search_button = QPushButton("查询")
        self.search_button.clicked.connect(self.search)
        self.summary = QLabel("输入客户的电话、车牌号或车架号，查看其全部投诉、建议和表扬。")
        self.summary.setWordWrap(True)
        self.chain = QLabel("")
        self.chain.setStyleSheet("color: #8a5a00;")
        self.chain.setWordWrap(True)

        self.model = QStandardItemModel(0, len(COLUMNS), self)
        self.model.setHorizontalHeaderLabels(list(COLUMNS))
        self.proxy = QSortFilterProxyModel(self)
        self.proxy.setSourceModel(self.model)
        self.proxy.setSortRole(SORT_ROLE)
        self.table = QTableView()
        self.table.setModel(self.proxy)
        self.table.setSortingEnabled(True)
        self.table.sortByColumn(1, Qt.SortOrder.DescendingOrder)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setAlternatingRowColors(True)
        self.table.verticalHeader().hide()
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.doubleClicked.connect(lambda _i: self._open_selected())
        self.table.selectionModel().currentRowChanged.connect(lambda *_: self._show_detail())
        self.detail = QTextBrowser()
        self.detail.setOpenLinks(False)
        self.detail.anchorClicked.connect(lambda url: self._open_number(url.toString()))
        self.open_button = QPushButton("打开案件")
        self.open_button.setEnabled(False)
        self.open_button.clicked.connect(self._open_selected)

        search = QHBoxLayout()
        search.addWidget(QLabel("查询"))
        search.addWidget(self.query, 1)
        search.addWidget(self.search_button)
        right = QWidget()
        right_lay = QVBoxLayout(right)
        right_lay.setContentsMargins(0, 0, 0, 0)
        right_lay.addWidget(self.detail, 1)
        right_lay.addWidget(self.open_button, 0, Qt.AlignmentFlag.AlignRight)
        split = QSplitter(Qt.Orientation.Horizontal)
        split.addWidget(self.table)
        split.addWidget(right)
        split.setStretchFactor(0, 3)
        split.setStretchFactor(1, 2)
        lay = QVBoxLayout(self)
        lay.addLayout(search)
        lay.addWidget(self.summary)
        lay.addWidget(self.chain)
        lay.addWidget(split, 1)

    # ---- loading ------------------------------------------------------------------------
    def search(self) -> None:
        text = self.query.text().strip()
        services, user = self.services, self.user
        self._load(lambda: services.history.search(user, text))

    def load_case(self, case_id: int) -> None:
        services, user = self.services, self.user
        self._load(lambda: services.history.of_case(user, case_id))

    def _load(self, fn: Callable[[], History]) -> None:
        self._generation += 1
        gen = self._generation
        self.summary.setText("正在查询…")
        self.search_button.setEnabled(False)

        def done(history: History) -> None:
            if gen == self._generation:
                self.show_history(history)

        def failed(exc: BaseException) -> None:
            if gen == self._generation:
                self.search_button.setEnabled(True)
                self.summary.setText(getattr(exc, "message", "") or "查询失败。")
                show_error(self, exc, "查询失败")

        run_task(fn, done, failed, owner=self)

    def show_history(self, history: History) -> None:
        self.history = history
        self.search_button.setEnabled(True)
        self.summary.setText(history.summary())
        self.chain.setText("重复投诉链：" + " → ".join(history.chain) if history.chain else "")
        self.chain.setVisible(bool(history.chain))
        self.table.setSortingEnabled(False)
        self.model.removeRows(0, self.model.rowCount())
        for e in history.entries:
            self.model.appendRow(self._row(e))
        self.table.setSortingEnabled(True)
        self.table.resizeColumnsToContents()
        for c in (9,):  # the outcome may be long: a sensible width, the rest in the detail
            self.table.setColumnWidth(c, min(self.table.columnWidth(c), 220))
        if self.proxy.rowCount():
            self.table.selectRow(0)
        else:
            self.detail.clear()
        self._show_detail()
        self.loaded.emit()

    def _row(self, e: HistoryEntry) -> list[QStandardItem]:
        when = local_text(e.registered_at, self.tz)
        values = (e.number, when, e.kind, e.status, e.customer_name, e.phone or e.landline,
                  e.plate, e.category, e.department, e.outcome, e.satisfaction,
                  str(len(e.slips)) if e.slips else "", e.matched,
                  "历史导入" if e.imported else "")
        items = []
        for c, v in enumerate(values):
            item = QStandardItem(v)
            item.setData(e.registered_at.isoformat() if c == 1 else
                         (len(e.slips) if c == 11 else v), SORT_ROLE)
            item.setData(e.case_id, ID_ROLE)
            if c == 9:
                item.setToolTip(e.outcome)
            items.append(item)
        return items

    # ---- the selected one -----------------------------------------------------------------
    def selected(self) -> HistoryEntry | None:
        idx = self.table.currentIndex()
        if not idx.isValid() or self.history is None:
            return None
        case_id = self.proxy.data(idx, ID_ROLE)
        return next((e for e in self.history.entries if e.case_id == case_id), None)

    def _open_selected(self) -> None:
        e = self.selected()
        if e is not None:
            self.open_case.emit(e.case_id)

    def _open_number(self, number: str) -> None:
        if self.history is None:
            return
        for e in self.history.entries:
            if e.number == number:
                self.open_case.emit(e.case_id)
                return
        case_id = self.services.cases.case_id_by_number(number)
        if case_id is not None:
            self.open_case.emit(case_id)

    def _show_detail(self) -> None:
        e = self.selected()
        self.open_button.setEnabled(e is not None)
        self.detail.setHtml(detail_html(e, self.tz) if e is not None else "")


def _link(number: str) -> str:
    return f'<a href="{escape(number)}">{escape(number)}</a>'


def detail_html(e: HistoryEntry, tz: tzinfo) -> str:
    """The selected case: what happened, the outcome, revisits, slips, repeats."""
    def line(label: str, value: str) -> str:
        return f"<tr><td style='color:#666;padding-right:8px'>{label}</td><td>{value}</td></tr>" \
            if value else ""

    closed = local_text(e.closed_at, tz) if e.closed_at else ""
    parts = [f"<h3>{escape(e.number)} {escape(e.kind)}"
             + ("（历史导入）" if e.imported else "") + "</h3><table>",
             line("状态", escape(e.status) + (f"，{closed} 结案" if closed else "")),
             line("客户", escape(e.customer_name)),
             line("电话", escape("　".join(x for x in (e.phone, e.landline) if x))),
             line("车辆", escape(" ".join(x for x in (e.vehicle_model, e.plate, e.vin) if x))),
             line("类别", escape(" ".join(x for x in (e.category, e.severity) if x))),
             line("部门", escape(e.department)),
             line("反映内容", escape(e.description).replace("\n", "<br>")),
             line("处理结果", escape(e.outcome)),
             line("满意度", escape(e.satisfaction)),
             line("重开", f"{e.reopen_count} 次" if e.reopen_count else ""),
             line("重复投诉", _link(e.repeat_of) if e.repeat_of else ""),
             line("被重复", "、".join(_link(n) for n in e.repeated_by)),
             "</table>"]
    if e.revisits:
        parts.append("<h4>回访</h4><ul>")
        for r in e.revisits:
            when = local_text(r.at, tz) if r.at else ""
            reached = "已联系上" if r.reached else "未联系上"
            parts.append(f"<li>{when} {escape(r.method)} {reached} {escape(r.satisfaction)}"
                         + (f"：{escape(r.words)}" if r.words else "") + "</li>")
        parts.append("</ul>")
    if e.slips:
        parts.append("<h4>过失单</h4><ul>")
        for s in e.slips:
            what = "奖励" if s.is_reward else "过失单"
            parts.append(f"<li>{escape(s.number or what)} {escape(s.employee)} "
                         f"{escape(s.status)} {escape(s.penalties)}</li>")
        parts.append("</ul>")
    if e.masked:
        parts.append("<p style='color:#888'>电话和车架号已隐藏：如需查看，请在案件中申请。</p>")
    return "".join(parts)


class HistoryDialog(QDialog):
    """The history in its own window: from a case (`case_id`) or a search."""

    open_case = Signal(int)

    def __init__(self, services: Services, user: User, case_id: int | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("客户/车辆历史")
        self.resize(1180, 640)
        self.view = HistoryView(services, user, self)
        self.view.open_case.connect(self.open_case)
        close = QPushButton("关闭")
        close.clicked.connect(self.close)
        foot = QHBoxLayout()
        foot.addStretch(1)
        foot.addWidget(close)
        lay = QVBoxLayout(self)
        lay.addWidget(self.view, 1)
        lay.addLayout(foot)
        if case_id is not None:
            self.view.load_case(case_id)
        else:
            self.view.query.setFocus()
