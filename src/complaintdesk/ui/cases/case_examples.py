"""典型案例 (seed 003 一.11: "以此案例，教育全体职工，吸取教训"): in a closed case's view the
assessor marks it with the lesson to teach; 案件 → 案例库… lists the marked cases for all
staff without the customer's data, and prints them."""

from __future__ import annotations

from datetime import tzinfo
from typing import TYPE_CHECKING

from PySide6.QtCore import QModelIndex, Signal
from PySide6.QtWidgets import (
    QDialog,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from ...domain.case_marks import TYPICAL, may_mark
from ...domain.paper import LESSON_MAX, ExampleView
from ...domain.records import Case, User
from ..widgets.common import local_text, show_error
from ..widgets.pdf_preview import open_pdf_preview
from ..widgets.row_model import Column, RowsModel, make_table, row_at

if TYPE_CHECKING:
    from ...services.container import Services


class ExampleBox(QGroupBox):
    """Under a closed case: 典型案例 and its lesson; the assessor marks or unmarks it."""

    changed = Signal()

    def __init__(self, services: Services, user: User, case: Case,
                 parent: QWidget | None = None) -> None:
        super().__init__("典型案例", parent)
        self.services, self.user, self.case_id = services, user, case.id or 0
        example = services.paper.example_of(self.case_id)
        lay = QVBoxLayout(self)
        self.state = QLabel(f"已列为典型案例。教训：{example.note}" if example
                            else "未列为典型案例。")
        self.state.setWordWrap(True)
        lay.addWidget(self.state)
        self.lesson = QPlainTextEdit(example.note if example else "")
        self.lesson.setPlaceholderText(f"案例教训（必填，{LESSON_MAX} 字以内）：原因分析、"
                                       "应吸取的教训、防止再发的做法")
        self.lesson.setFixedHeight(70)
        self.mark_button = QPushButton("更新教训" if example else "标记为典型案例")
        self.mark_button.clicked.connect(self.mark)
        self.unmark_button = QPushButton("取消典型案例")
        self.unmark_button.clicked.connect(self.unmark)
        assessor = may_mark(user, TYPICAL, case)
        self.lesson.setVisible(assessor)
        self.mark_button.setVisible(assessor)
        self.unmark_button.setVisible(assessor and example is not None)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.unmark_button)
        buttons.addWidget(self.mark_button)
        lay.addWidget(self.lesson)
        lay.addLayout(buttons)
        if not assessor and example is None:
            self.hide()

    def mark(self) -> bool:
        try:
            self.services.paper.mark_example(self.user, self.case_id,
                                             self.lesson.toPlainText())
        except Exception as exc:  # noqa: BLE001 - a ServiceError's Chinese message
            show_error(self, exc, "未能标记典型案例")
            return False
        self.changed.emit()
        return True

    def unmark(self) -> None:
        try:
            self.services.paper.unmark_example(self.user, self.case_id)
        except Exception as exc:  # noqa: BLE001
            show_error(self, exc)
            return
        self.changed.emit()


def _columns(tz: tzinfo) -> list[Column[ExampleView]]:
    return [
        Column("编号", lambda v: v.number),
        Column("类型", lambda v: v.kind),
        Column("类别", lambda v: v.category),
        Column("严重程度", lambda v: v.severity),
        Column("责任部门", lambda v: v.department),
        Column("结案时间", lambda v: local_text(v.closed_at, tz),
               sort=lambda v: v.closed_at.isoformat() if v.closed_at else ""),
        Column("案例教训", lambda v: v.lesson),
    ]


class CaseLibraryDialog(QDialog):
    """案例库: the 典型案例 for all staff, customer data removed; 打印 makes the PDF."""

    open_case = Signal(int)

    def __init__(self, services: Services, user: User, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.services, self.user = services, user
        self.setWindowTitle("典型案例库")
        self.resize(1000, 640)
        self.model: RowsModel[ExampleView] = RowsModel(_columns(services.cases.tz), self)
        self.table, self.proxy = make_table(self.model, self)
        self.table.selectionModel().currentRowChanged.connect(self._show)
        self.table.doubleClicked.connect(self._open)
        self.detail = QPlainTextEdit()
        self.detail.setReadOnly(True)
        self.count = QLabel()
        note = QLabel("制度003 一.11：以此案例，教育全体职工，吸取教训，防止类似的问题再度发生。"
                      "（已隐去客户姓名、电话、车牌和车架号）")
        note.setWordWrap(True)
        self.print_button = QPushButton("打印预览…")
        self.print_button.clicked.connect(self.print_preview)
        close = QPushButton("关闭")
        close.clicked.connect(self.close)
        split = QSplitter()
        split.addWidget(self.table)
        split.addWidget(self.detail)
        split.setSizes([620, 380])
        foot = QHBoxLayout()
        foot.addWidget(self.count)
        foot.addStretch(1)
        foot.addWidget(self.print_button)
        foot.addWidget(close)
        lay = QVBoxLayout(self)
        lay.addWidget(note)
        lay.addWidget(split, 1)
        lay.addLayout(foot)
        self.refresh()

    def refresh(self) -> None:
        try:
            rows = self.services.paper.examples(self.user)
        except Exception as exc:  # noqa: BLE001
            show_error(self, exc)
            return
        self.model.set_rows(rows)
        self.count.setText(f"共 {len(rows)} 个典型案例")
        self.table.resizeColumnsToContents()
        if rows:
            self.table.selectRow(0)

    def _show(self, index: QModelIndex, _prev: QModelIndex | None = None) -> None:
        v = row_at(self.table, index)
        if v is None:
            self.detail.setPlainText("")
            return
        self.detail.setPlainText(
            f"{v.number}  {v.kind}  {v.category}  {v.severity}\n责任部门：{v.department}\n\n"
            f"事情经过：\n{v.description or '—'}\n\n处理经过：\n{v.handling or '—'}\n\n"
            f"考核评估：\n{v.evaluation or '—'}\n\n案例教训：\n{v.lesson}\n\n"
            f"标记人：{v.marked_by}")

    def _open(self, index: QModelIndex) -> None:
        v = row_at(self.table, index)
        if v is not None:
            self.open_case.emit(v.case_id)

    def print_preview(self) -> None:
        open_pdf_preview(self, lambda: self.services.paper.examples_pdf(self.user),
                         "典型案例库", "典型案例库.pdf")
