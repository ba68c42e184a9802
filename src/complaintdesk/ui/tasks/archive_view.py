"""待归档 (DESIGN §4.7): every finished step whose signed, stamped paper is not filed yet,
across cases — for the people who archive (客服中心, 考核主管, 系统管理员). Sortable by any
column; a double click (or 回车) opens the case, where 上传扫描件… files it."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QModelIndex, Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from ...domain.records import User
from ..widgets.common import local_text
from ..widgets.row_model import Column, RowsModel, make_table, row_at
from ..widgets.workers import run_task

if TYPE_CHECKING:
    from ...services.container import Services
    from ...services.paper import ArchiveRow


def may_archive(user: User) -> bool:
    """Who files the signed paper (and so sees 待归档): 客服中心, 考核主管, 系统管理员."""
    from ...services.paper import ARCHIVE_ROLES

    return any(user.has(r) for r in ARCHIVE_ROLES)


class ArchiveView(QWidget):
    open_case = Signal(int)
    loaded = Signal()

    def __init__(self, services: Services, user: User, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.services, self.user = services, user
        self._generation = 0
        tz = services.cases.tz
        columns: list[Column[ArchiveRow]] = [
            Column("编号", lambda r: r.number),
            Column("类型", lambda r: r.flow),
            Column("责任部门", lambda r: r.department),
            Column("缺少的签字表单", lambda r: r.form),
            Column("所属环节", lambda r: r.step),
            Column("环节完成时间", lambda r: local_text(r.step_finished_at, tz),
                   sort=lambda r: r.step_finished_at.isoformat()),
            Column("案件状态", lambda r: r.status),
        ]
        self.model: RowsModel[ArchiveRow] = RowsModel(columns, self)
        self.table, self.proxy = make_table(self.model, self)
        self.table.doubleClicked.connect(self._open)
        self.table.activated.connect(self._open)
        self.count = QLabel()
        refresh = QPushButton("刷新")
        refresh.clicked.connect(self.refresh)
        note = QLabel("签字、盖章后的纸质表单须扫描上传到对应环节（签字存档）。双击打开案件后上传。")
        note.setWordWrap(True)
        head = QHBoxLayout()
        head.addWidget(note, 1)
        head.addWidget(refresh)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(6, 6, 6, 6)
        lay.addLayout(head)
        lay.addWidget(self.table, 1)
        lay.addWidget(self.count)

    def refresh(self) -> None:
        """Query in a worker (a big database takes a moment); a result that a newer
        refresh overtook is dropped. `loaded` says when the rows are in."""
        self._generation += 1
        generation = self._generation
        self.count.setText("正在加载…")

        def done(rows: list[ArchiveRow]) -> None:
            if generation == self._generation:
                self.model.set_rows(rows)
                self.count.setText(f"共 {len(rows)} 份签字表单待归档")
                self.table.resizeColumnsToContents()
                self.loaded.emit()

        def failed(exc: BaseException) -> None:
            if generation == self._generation:
                self.model.set_rows([])
                self.count.setText(getattr(exc, "message", None) or str(exc))
                self.loaded.emit()

        run_task(lambda: self.services.paper.archive_list(self.user), done, failed, owner=self)

    def _open(self, index: QModelIndex) -> None:
        r = row_at(self.table, index)
        if r is not None:
            self.open_case.emit(r.case_id)
