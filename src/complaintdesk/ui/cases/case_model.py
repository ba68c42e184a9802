"""The case list as a Qt model: one page at a time from the service, sorted in SQL."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt, Signal
from PySide6.QtGui import QBrush, QColor

from ...domain.query import CaseListRow, CaseQuery
from ...domain.records import CaseStatus, Severity, User
from ...domain.steps import step_title
from ...domain.workflow.deadlines import StepStatus, open_status
from ..widgets.common import local_text
from ..widgets.workers import run_task

if TYPE_CHECKING:
    from ...services.container import Services

PAGE_SIZE = 200

# (title, sort key or None when the column cannot be sorted, width in px)
COLUMNS: tuple[tuple[str, str | None, int], ...] = (
    ("编号", "number", 120),
    ("登记时间", "registered_at", 130),
    ("客户", "customer_name", 80),
    ("电话", None, 105),
    ("车牌", "plate", 90),
    ("类别", "category", 80),
    ("严重程度", "severity", 70),
    ("部门", "department", 90),
    ("当前步骤", "current_step", 120),
    ("期限", "current_deadline", 130),
    ("状态", "status", 60),
)
DEADLINE_COL = 9

_OVERDUE_BG = QBrush(QColor("#fde0e0"))
_OVERDUE_FG = QBrush(QColor("#b71c1c"))
_SOON_BG = QBrush(QColor("#fff1cc"))
_SOON_FG = QBrush(QColor("#8a5a00"))
_CLOSED_FG = QBrush(QColor("#777777"))

Index = QModelIndex | QPersistentModelIndex


def _label(enum: type[Severity] | type[CaseStatus], value: str) -> str:
    try:
        return enum(value).label
    except ValueError:
        return value


class CaseTableModel(QAbstractTableModel):
    """Never holds more than the pages the user scrolled through (canFetchMore/fetchMore).

    Pages load in a worker; a new query bumps the generation so late pages are dropped.
    """

    loading_changed = Signal(bool)
    page_loaded = Signal(int)  # rows now in the model
    about_to_refresh = Signal()  # fresh rows for the same query are about to replace these
    refreshed = Signal()  # … and have replaced them
    failed = Signal(object)

    def __init__(self, services: Services, user: User, page_size: int = PAGE_SIZE,
                 parent: Any = None) -> None:
        super().__init__(parent)
        self.services = services
        self.user = user
        self.page_size = page_size
        self.tz = services.cases.tz
        self.query = CaseQuery()
        self._rows: list[CaseListRow] = []
        self._has_more = False
        self._loading = False
        self._generation = 0
        self._now = services.clock.now()

    # ---- Qt model API -------------------------------------------------------------------
    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(self, section: int, orientation: Qt.Orientation,  # noqa: N802
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return COLUMNS[section][0]
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        row = self._rows[index.row()]
        col = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return self._text(row, col)
        if role == Qt.ItemDataRole.UserRole:
            return row.id
        if role == Qt.ItemDataRole.ToolTipRole and col == DEADLINE_COL:
            state = self._deadline_state(row)
            return {"overdue": "已超期", "soon": "即将到期"}.get(state or "", None)
        if role == Qt.ItemDataRole.BackgroundRole:
            state = self._deadline_state(row) if col == DEADLINE_COL else None
            return {"overdue": _OVERDUE_BG, "soon": _SOON_BG}.get(state or "", None)
        if role == Qt.ItemDataRole.ForegroundRole:
            if row.status == CaseStatus.CLOSED:
                return _CLOSED_FG
            state = self._deadline_state(row) if col == DEADLINE_COL else None
            return {"overdue": _OVERDUE_FG, "soon": _SOON_FG}.get(state or "", None)
        return None

    def canFetchMore(self, parent: Index = QModelIndex()) -> bool:  # noqa: B008, N802
        return not parent.isValid() and self._has_more and not self._loading

    def fetchMore(self, parent: Index = QModelIndex()) -> None:  # noqa: B008, N802
        if self.canFetchMore(parent):
            self._request(len(self._rows))

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        key = COLUMNS[column][1]
        if key is None:
            return
        self.set_query(replace(self.query, sort_key=key,
                               sort_desc=order == Qt.SortOrder.DescendingOrder))

    # ---- loading ------------------------------------------------------------------------
    @property
    def loading(self) -> bool:
        return self._loading

    def set_query(self, query: CaseQuery) -> None:
        self.query = query
        self.reload()

    def reload(self) -> None:
        self._generation += 1
        self.beginResetModel()
        self._rows = []
        self._has_more = False
        self.endResetModel()
        self._request(0)

    def refresh_in_place(self) -> None:
        """The same query again (someone wrote to the database): as many rows as are shown
        now, swapped in at once when they arrive — no empty list in between, and the view
        keeps its selection and scroll (CaseListWidget handles about_to_refresh/refreshed)."""
        if self._loading:
            return  # a page is on its way and reads the database as it is now
        gen, query = self._generation, self.query
        limit = max(len(self._rows), self.page_size)
        services, user = self.services, self.user
        run_task(lambda: (services.clock.now(),
                          services.cases.list_page(user, query, 0, limit)),
                 lambda result: self._on_refreshed(gen, limit, result),
                 lambda exc: self._on_failed(gen, exc), owner=self)

    def _on_refreshed(self, gen: int, limit: int,
                      result: tuple[datetime, list[CaseListRow]]) -> None:
        if gen != self._generation or self._loading:
            return  # a new query (or a next page) came in meanwhile
        self._now, rows = result
        self.about_to_refresh.emit()
        self.beginResetModel()
        self._rows = list(rows)
        self._has_more = len(rows) == limit
        self.endResetModel()
        self.refreshed.emit()
        self.page_loaded.emit(len(self._rows))

    def row_of(self, case_id: int) -> int:
        return next((i for i, r in enumerate(self._rows) if r.id == case_id), -1)

    def case_id(self, row: int) -> int | None:
        return self._rows[row].id if 0 <= row < len(self._rows) else None

    def _request(self, offset: int) -> None:
        gen, query, limit = self._generation, self.query, self.page_size
        services, user = self.services, self.user
        self._set_loading(True)
        run_task(lambda: (services.clock.now(),
                          services.cases.list_page(user, query, offset, limit)),
                 lambda result: self._on_page(gen, offset, result),
                 lambda exc: self._on_failed(gen, exc), owner=self)

    def _on_page(self, gen: int, offset: int, result: tuple[datetime, list[CaseListRow]]) -> None:
        if gen != self._generation or offset != len(self._rows):
            return  # a newer query replaced this one
        now, rows = result
        self._now = now
        self._has_more = len(rows) == self.page_size
        if rows:
            self.beginInsertRows(QModelIndex(), offset, offset + len(rows) - 1)
            self._rows.extend(rows)
            self.endInsertRows()
        self._set_loading(False)
        self.page_loaded.emit(len(self._rows))

    def _on_failed(self, gen: int, exc: BaseException) -> None:
        if gen != self._generation:
            return
        self._set_loading(False)
        self.failed.emit(exc)

    def _set_loading(self, loading: bool) -> None:
        self._loading = loading
        self.loading_changed.emit(loading)

    # ---- cells --------------------------------------------------------------------------
    def _deadline_state(self, row: CaseListRow) -> str | None:
        if row.status != CaseStatus.OPEN or row.current_deadline is None:
            return None
        # the same rule as 我的待办 (DESIGN §4.4: due soon in the last 25 % of the time)
        status = open_status(row.current_due_since, row.current_deadline, self._now)
        return {StepStatus.OVERDUE: "overdue", StepStatus.DUE_SOON: "soon"}.get(status)

    def _text(self, r: CaseListRow, col: int) -> str:
        match col:
            case 0:
                return r.number
            case 1:
                return local_text(r.registered_at, self.tz)
            case 2:
                return r.customer_name
            case 3:
                return r.phone
            case 4:
                return r.plate
            case 5:
                return r.category
            case 6:
                return _label(Severity, r.severity) if r.severity else ""
            case 7:
                return r.department_name
            case 8:
                return step_title(r.current_step) if r.current_step else ""
            case 9:
                return local_text(r.current_deadline, self.tz)
            case 10:
                return _label(CaseStatus, r.status)
        return ""
