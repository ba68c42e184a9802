"""导出月报 / 导出年报 / 周报: pick the period and the file, export off the UI thread with a
cancellable progress dialog, then offer to open the folder.

The file dialog and the folder opener are injectable (tests drive the dialog without a
native file picker)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QDate, QStandardPaths, Qt, QUrl, Signal
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import (
    QButtonGroup,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QRadioButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from ...domain.records import User
from ...domain.weekly import week_start_of
from ..widgets.common import ERROR_STYLE
from ..widgets.progress_job import ProgressJob

if TYPE_CHECKING:
    from ...services.container import Services

MONTH, YEAR, WEEK = "month", "year", "week"
TITLES = {MONTH: "导出月报", YEAR: "导出年报", WEEK: "周报"}
# (parent, caption, suggested path, filter) → chosen path or "" (QFileDialog's signature)
FilePicker = Callable[[QWidget, str, str, str], str]
FolderOpener = Callable[[Path], None]


def pick_save_file(parent: QWidget, caption: str, path: str, filters: str) -> str:
    return QFileDialog.getSaveFileName(parent, caption, path, filters)[0]


def open_folder(path: Path) -> None:
    QDesktopServices.openUrl(QUrl.fromLocalFile(str(path)))


def default_folder() -> Path:
    docs = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation)
    return Path(docs) if docs and Path(docs).is_dir() else Path.home()



class ReportExportDialog(QDialog):
    exported = Signal(Path)

    def __init__(self, services: Services, user: User, kind: str,
                 parent: QWidget | None = None, file_picker: FilePicker = pick_save_file,
                 folder_opener: FolderOpener = open_folder, folder: Path | None = None) -> None:
        super().__init__(parent)
        self.services, self.user, self.kind = services, user, kind
        self.file_picker, self.folder_opener = file_picker, folder_opener
        self.folder = folder or default_folder()
        self.job: ProgressJob | None = None
        self.result_path: Path | None = None
        self.done_box: QMessageBox | None = None
        self._path_touched = False
        self.setWindowTitle(TITLES[kind])
        today = services.clock.now().astimezone(services.reports.tz).date()

        form = QFormLayout()
        self.year = QSpinBox()
        self.year.setRange(2000, 2999)
        self.month = QSpinBox()
        self.month.setRange(1, 12)
        self.month.setSuffix(" 月")
        self.year.setSuffix(" 年")
        self.week = QDateEdit()
        self.week.setCalendarPopup(True)
        self.week.setDisplayFormat("yyyy-MM-dd")
        self.week_label = QLabel("")
        self.excel = QRadioButton("Excel 工作簿")
        self.pdf = QRadioButton("PDF")
        self.excel.setChecked(True)
        self.formats = QButtonGroup(self)
        self.formats.addButton(self.excel)
        self.formats.addButton(self.pdf)
        if kind == MONTH:
            last = (today.replace(day=1) - timedelta(days=1))  # usually last month's report
            self.year.setValue(last.year)
            self.month.setValue(last.month)
            row = QHBoxLayout()
            row.addWidget(self.year)
            row.addWidget(self.month)
            row.addStretch(1)
            form.addRow("统计月份", row)
        elif kind == YEAR:
            self.year.setValue(today.year)
            form.addRow("统计年份", self.year)
        else:
            start = week_start_of(today) - timedelta(days=7)  # Monday's summary covers last week
            self.week.setDate(QDate(start.year, start.month, start.day))
            form.addRow("周内任一天", self.week)
            form.addRow("", self.week_label)
            fmt = QHBoxLayout()
            fmt.addWidget(self.excel)
            fmt.addWidget(self.pdf)
            fmt.addStretch(1)
            form.addRow("格式", fmt)
        self.path = QLineEdit()
        self.path.textEdited.connect(self._touched)
        browse = QPushButton("浏览…")
        browse.clicked.connect(self.browse)
        row = QHBoxLayout()
        row.addWidget(self.path, 1)
        row.addWidget(browse)
        form.addRow("保存到", row)
        self.error = QLabel("")
        self.error.setStyleSheet(ERROR_STYLE)
        self.error.setWordWrap(True)

        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText("取消")
        self.export_button = buttons.addButton("导出", QDialogButtonBox.ButtonRole.AcceptRole)
        buttons.accepted.connect(self.export)
        buttons.rejected.connect(self.reject)
        lay = QVBoxLayout(self)
        lay.addLayout(form)
        lay.addWidget(self.error)
        lay.addWidget(buttons)
        for signal in (self.year.valueChanged, self.month.valueChanged, self.week.dateChanged,
                       self.pdf.toggled):
            signal.connect(self._period_changed)
        self._period_changed()
        self.resize(520, self.sizeHint().height())

    # ---- the period and the file --------------------------------------------------------
    def week_start(self) -> date:
        return week_start_of(self.week.date().toPython())

    def suggested_name(self) -> str:
        if self.kind == MONTH:
            return f"客户投诉月报-{self.year.value()}-{self.month.value():02d}.xlsx"
        if self.kind == YEAR:
            return f"客户投诉年报-{self.year.value()}.xlsx"
        return f"客户投诉周报-{self.week_start():%Y-%m-%d}.{'pdf' if self.pdf.isChecked() else 'xlsx'}"

    def _suffix(self) -> str:
        return ".pdf" if self.kind == WEEK and self.pdf.isChecked() else ".xlsx"

    def _touched(self, _text: str) -> None:
        self._path_touched = True

    def _period_changed(self, *_args: object) -> None:
        if self.kind == WEEK:
            s = self.week_start()
            self.week_label.setText(f"{s:%Y-%m-%d}（周一）至 {s + timedelta(days=6):%Y-%m-%d}（周日）")
        if not self._path_touched:
            self.path.setText(str(self.folder / self.suggested_name()))
        else:  # keep the chosen folder and name, fix the extension
            p = Path(self.path.text())
            if p.suffix.lower() in (".pdf", ".xlsx") and p.suffix.lower() != self._suffix():
                self.path.setText(str(p.with_suffix(self._suffix())))
        self.error.clear()

    def browse(self) -> None:
        filters = "PDF 文件 (*.pdf)" if self._suffix() == ".pdf" else "Excel 工作簿 (*.xlsx)"
        chosen = self.file_picker(self, "保存为", self.path.text(), filters)
        if chosen:
            p = Path(chosen)
            if p.suffix.lower() != self._suffix():
                p = p.with_name(p.name + self._suffix())
            self.path.setText(str(p))
            self._path_touched = True

    # ---- exporting ----------------------------------------------------------------------
    def export(self) -> None:
        if self.job is not None and self.job.running:
            return
        text = self.path.text().strip()
        if not text:
            self.error.setText("请选择保存位置")
            return
        path = Path(text)
        if path.suffix.lower() != self._suffix():
            path = path.with_name(path.name + self._suffix())
        if not path.parent.is_dir():
            self.error.setText(f"文件夹不存在：{path.parent}")
            return
        self.error.clear()
        reports, user, kind = self.services.reports, self.user, self.kind
        year, month, week, pdf = (self.year.value(), self.month.value(), self.week_start(),
                                  self.pdf.isChecked())

        def work(progress: Callable[[int, int], None], cancelled: Callable[[], bool]) -> Path:
            if kind == MONTH:
                return reports.write_month(user, year, month, path, progress, cancelled)
            if kind == YEAR:
                return reports.write_year(user, year, path, progress, cancelled)
            return reports.write_weekly(user, week, path, pdf, progress, cancelled)

        self.export_button.setEnabled(False)
        self.job = ProgressJob(self, f"正在导出 {path.name}…", work, self._done, self._failed)
        self.job.start()

    def _failed(self, exc: BaseException) -> None:
        from ...domain.errors import Cancelled

        self.export_button.setEnabled(True)
        if isinstance(exc, Cancelled):
            self.error.setText("已取消导出，未生成文件")
        else:
            self.error.setText(getattr(exc, "message", None) or f"导出失败：{exc}")

    def _done(self, path: Path) -> None:
        self.export_button.setEnabled(True)
        self.result_path = path
        self.exported.emit(path)
        box = QMessageBox(QMessageBox.Icon.Information, "导出完成", f"已导出到：\n{path}",
                          QMessageBox.StandardButton.Close, self)
        open_button = box.addButton("打开所在文件夹", QMessageBox.ButtonRole.ActionRole)
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)

        def finished(_r: int) -> None:
            if box.clickedButton() is open_button:
                self.folder_opener(path.parent)
            self.done_box = None
            self.accept()

        box.finished.connect(finished)
        self.done_box = box
        box.open()
