"""导出 Excel… / 打印… for a list view (台账, 过失单, 我的待办): the rows as shown — in the
table's order and filter, masked as the services masked them — through the list-export
service; printing goes through the PDF preview like every form."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFileDialog, QHBoxLayout, QPushButton, QTableView, QWidget

from ...domain.records import User
from ...services.errors import ServiceError
from ...services.list_export import ListSection
from ..widgets.common import show_error
from ..widgets.pdf_preview import open_pdf_preview
from ..widgets.row_model import SORT_ROLE

if TYPE_CHECKING:
    from ...services.container import Services


def section_of(title: str, view: QTableView, total_last: bool = False) -> ListSection:
    """The table as shown: visible columns, rows in the view's order and filter; numeric
    columns as numbers (their sort value) so the workbook can add them up."""
    model = view.model()
    source = getattr(model, "sourceModel", lambda: model)()
    numeric = [bool(getattr(c, "numeric", False)) for c in getattr(source, "columns", [])]
    cols = [c for c in range(model.columnCount()) if not view.isColumnHidden(c)]
    headers = [str(model.headerData(c, Qt.Orientation.Horizontal)) for c in cols]
    rows: list[list[Any]] = []
    for r in range(model.rowCount()):
        row: list[Any] = []
        for c in cols:
            index = model.index(r, c)
            text = model.data(index)
            value = model.data(index, SORT_ROLE)
            is_num = c < len(numeric) and numeric[c] and isinstance(value, int | float) \
                and not isinstance(value, bool)
            row.append(value if is_num else ("" if text is None else str(text)))
        rows.append(row)
    return ListSection(title, headers, rows, total_last and bool(rows),
                       [c < len(numeric) and numeric[c] for c in cols])


def ask_xlsx_path(parent: QWidget, suggested: str) -> Path | None:
    path, _ = QFileDialog.getSaveFileName(parent, "导出 Excel", suggested, "Excel 文件 (*.xlsx)")
    if not path:
        return None
    p = Path(path)
    return p if p.suffix.lower() == ".xlsx" else p.with_suffix(".xlsx")


class ListExportBar(QWidget):
    """Two buttons: 导出 Excel… and 打印…. `sections()` gives what to export, `title()`
    the heading, `note()` what the figures count."""

    def __init__(self, services: Services, user: User, title: Callable[[], str],
                 sections: Callable[[], Sequence[ListSection]],
                 note: Callable[[], str] = lambda: "", parent: QWidget | None = None,
                 ask_path: Callable[[QWidget, str], Path | None] = ask_xlsx_path) -> None:
        super().__init__(parent)
        self.services, self.user = services, user
        self.title, self.sections, self.note = title, sections, note
        self.ask_path = ask_path
        self.last_path: Path | None = None
        self.export_button = QPushButton("导出 Excel…")
        self.export_button.setToolTip("把当前列表（按当前排序和筛选）导出为 Excel 文件")
        self.print_button = QPushButton("打印…")
        self.print_button.setToolTip("打印预览当前列表")
        self.export_button.clicked.connect(self.export)
        self.print_button.clicked.connect(self.print_preview)
        lay = QHBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.addWidget(self.export_button)
        lay.addWidget(self.print_button)

    def export(self) -> Path | None:
        title = self.title()
        path = self.ask_path(self, f"{title}.xlsx")
        if path is None:
            return None
        try:
            self.last_path = self.services.lists.write_xlsx(self.user, title, self.sections(),
                                                            path, self.note())
        except (ServiceError, OSError) as exc:
            show_error(self, exc, "导出失败")
            return None
        return self.last_path

    def pdf(self) -> bytes:
        return self.services.lists.pdf(self.user, self.title(), self.sections(), self.note())

    def print_preview(self) -> None:
        title, sections, note = self.title(), list(self.sections()), self.note()
        services, user = self.services, self.user
        open_pdf_preview(self.window(), lambda: services.lists.pdf(user, title, sections, note),
                         title, f"{title}.pdf")
