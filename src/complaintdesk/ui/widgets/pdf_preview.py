"""Print preview (DESIGN §7): the PDF the service produced, shown with QtPdf, printed on
a real printer or saved as a file.

The PDF is produced off the UI thread (`open_pdf_preview`), with a progress dialog when
it takes more than a moment (a week of slips); the dialog then only renders pages.
Printing renders each page with QPdfDocument.render into the printer's painter; the step
that asks for a printer is injectable so tests never open a print dialog.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import (
    QBuffer,
    QByteArray,
    QEvent,
    QIODevice,
    QObject,
    QPointF,
    QRect,
    QSize,
    Qt,
)
from PySide6.QtGui import QKeySequence, QPainter, QResizeEvent, QShortcut
from PySide6.QtPdf import QPdfDocument
from PySide6.QtPdfWidgets import QPdfView
from PySide6.QtPrintSupport import QAbstractPrintDialog, QPrintDialog, QPrinter
from PySide6.QtWidgets import (
    QDialog,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QProgressDialog,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from .common import show_error
from .workers import run_task

log = logging.getLogger(__name__)

PRINT_DPI = 300  # enough for small CJK text; caps the page image at ~8.7 M pixels
ZOOM_STEPS = (0.25, 0.33, 0.5, 0.67, 0.75, 0.9, 1.0, 1.25, 1.5, 2.0, 3.0, 4.0)

# (document, parent) → True if something was printed. Tests replace it.
PrintStep = Callable[[QPdfDocument, QWidget], bool]
# (parent, suggested file name) → chosen path, or None when cancelled. Tests replace it.
SaveStep = Callable[[QWidget, str], Path | None]


def render_to_printer(doc: QPdfDocument, printer: QPrinter, first: int = 0,
                      last: int | None = None) -> int:
    """Draw pages first..last (0-based, inclusive) onto the printer, each scaled to fit
    the printable area and centred. Returns the number of pages printed."""
    last = doc.pageCount() - 1 if last is None else min(last, doc.pageCount() - 1)
    if last < first:
        return 0
    dpi = min(printer.resolution(), PRINT_DPI)
    painter = QPainter()
    if not painter.begin(printer):
        raise RuntimeError("无法开始打印：打印机不可用")
    try:
        area = printer.pageLayout().paintRectPixels(printer.resolution())
        for i, page in enumerate(range(first, last + 1)):
            if i:
                printer.newPage()
            size_pt = doc.pagePointSize(page)
            image = doc.render(page, QSize(round(size_pt.width() / 72 * dpi),
                                           round(size_pt.height() / 72 * dpi)))
            target = QSize(image.width(), image.height()).scaled(
                area.size(), Qt.AspectRatioMode.KeepAspectRatio)
            x = (area.width() - target.width()) // 2
            y = (area.height() - target.height()) // 2
            painter.drawImage(QRect(x, y, target.width(), target.height()), image)
    finally:
        painter.end()
    return last - first + 1


def print_with_dialog(doc: QPdfDocument, parent: QWidget) -> bool:
    """The system print dialog, then the pages the person chose."""
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setDocName(doc.metaData(QPdfDocument.MetaDataField.Title) or "ComplaintDesk")
    dialog = QPrintDialog(printer, parent)
    dialog.setWindowTitle("打印")
    dialog.setMinMax(1, max(1, doc.pageCount()))
    if dialog.exec() != QDialog.DialogCode.Accepted:
        return False
    first, last = 0, doc.pageCount() - 1
    if dialog.printRange() == QAbstractPrintDialog.PrintRange.PageRange:
        first, last = printer.fromPage() - 1, printer.toPage() - 1
    render_to_printer(doc, printer, first, last)
    return True


def ask_save_path(parent: QWidget, suggested: str) -> Path | None:
    path, _ = QFileDialog.getSaveFileName(parent, "另存为", suggested, "PDF 文件 (*.pdf)")
    if not path:
        return None
    p = Path(path)
    return p if p.suffix.lower() == ".pdf" else p.with_suffix(".pdf")


class PdfPreviewDialog(QDialog):
    """Shows PDF bytes: page navigation, zoom, 打印, 另存为."""

    def __init__(self, data: bytes, title: str, file_name: str,
                 parent: QWidget | None = None, print_step: PrintStep | None = None,
                 save_step: SaveStep | None = None) -> None:
        super().__init__(parent)
        self.data = data
        self.file_name = file_name if file_name.lower().endswith(".pdf") else file_name + ".pdf"
        self.print_step = print_step or print_with_dialog
        self.save_step = save_step or ask_save_path
        self.setWindowTitle(f"打印预览 - {title}")
        self.resize(860, 980)

        # the document reads from the buffer for as long as it is open: both live here
        self.buffer = QBuffer(self)
        self.buffer.setData(QByteArray(data))
        self.buffer.open(QIODevice.OpenModeFlag.ReadOnly)
        self.document = QPdfDocument(self)
        self.document.load(self.buffer)
        self.view = QPdfView(self)
        self.view.setDocument(self.document)
        self.view.setPageMode(QPdfView.PageMode.MultiPage)
        self.view.setZoomMode(QPdfView.ZoomMode.FitToWidth)
        self.view.setStyleSheet("background: #808080;")
        nav = self.view.pageNavigator()

        self.prev_button = QPushButton("上一页")
        self.next_button = QPushButton("下一页")
        self.page_box = QSpinBox()
        self.page_box.setRange(1, max(1, self.document.pageCount()))
        self.page_count = QLabel(f"/ 共 {self.document.pageCount()} 页")
        self.zoom_out_button = QPushButton("缩小")
        self.zoom_in_button = QPushButton("放大")
        self.fit_width_button = QPushButton("适合宽度")
        self.fit_page_button = QPushButton("整页")
        for b in (self.fit_width_button, self.fit_page_button):
            b.setCheckable(True)
        self.zoom_label = QLabel()
        self.zoom_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.zoom_label.setMinimumWidth(48)
        self.print_button = QPushButton("打印…")
        self.print_button.setDefault(True)
        self.save_button = QPushButton("另存为…")
        close = QPushButton("关闭")

        self.prev_button.clicked.connect(lambda: self.go_to(nav.currentPage() - 1))
        self.next_button.clicked.connect(lambda: self.go_to(nav.currentPage() + 1))
        self.page_box.valueChanged.connect(lambda v: self.go_to(v - 1))
        nav.currentPageChanged.connect(self._page_changed)
        self.zoom_in_button.clicked.connect(lambda: self.zoom_step(+1))
        self.zoom_out_button.clicked.connect(lambda: self.zoom_step(-1))
        self.fit_width_button.clicked.connect(
            lambda: self._set_zoom_mode(QPdfView.ZoomMode.FitToWidth))
        self.fit_page_button.clicked.connect(
            lambda: self._set_zoom_mode(QPdfView.ZoomMode.FitInView))
        self.view.zoomFactorChanged.connect(lambda _f: self._show_zoom())
        self.print_button.clicked.connect(self.print_document)
        self.save_button.clicked.connect(self.save_as)
        close.clicked.connect(self.close)
        QShortcut(QKeySequence.StandardKey.Print, self, self.print_document)
        QShortcut(QKeySequence.StandardKey.Save, self, self.save_as)
        QShortcut(QKeySequence.StandardKey.ZoomIn, self, lambda: self.zoom_step(+1))
        QShortcut(QKeySequence.StandardKey.ZoomOut, self, lambda: self.zoom_step(-1))

        bar = QHBoxLayout()
        for w in (self.prev_button, self.page_box, self.page_count, self.next_button):
            bar.addWidget(w)
        bar.addSpacing(16)
        for w in (self.zoom_out_button, self.zoom_label, self.zoom_in_button,
                  self.fit_width_button, self.fit_page_button):
            bar.addWidget(w)
        bar.addStretch(1)
        for w in (self.print_button, self.save_button, close):
            bar.addWidget(w)
        lay = QVBoxLayout(self)
        lay.addLayout(bar)
        lay.addWidget(self.view, 1)
        self._page_changed(0)
        self._show_zoom()
        # the fit modes follow the viewport, which the layout resizes after the dialog's own
        # resize event: without this the label kept the zoom of the unlaid-out view (9%)
        self.view.viewport().installEventFilter(self)

    # ---- navigation and zoom ------------------------------------------------------------
    def current_page(self) -> int:
        return self.view.pageNavigator().currentPage()

    def go_to(self, page: int) -> None:
        n = self.document.pageCount()
        if n and 0 <= page < n and page != self.current_page():
            self.view.pageNavigator().jump(page, QPointF(), self.view.zoomFactor())

    def _page_changed(self, page: int) -> None:
        n = self.document.pageCount()
        self.page_box.blockSignals(True)
        self.page_box.setValue(page + 1)
        self.page_box.blockSignals(False)
        self.prev_button.setEnabled(page > 0)
        self.next_button.setEnabled(page < n - 1)

    def _set_zoom_mode(self, mode: QPdfView.ZoomMode) -> None:
        self.view.setZoomMode(mode)
        self._show_zoom()

    def effective_zoom(self) -> float:
        """The zoom on screen: QPdfView's zoomFactor only holds in the Custom mode; in the
        fit modes it is the viewport's size over the page's."""
        mode = self.view.zoomMode()
        page = self.document.pagePointSize(max(0, self.current_page()))
        if mode == QPdfView.ZoomMode.Custom or page.isEmpty():
            return self.view.zoomFactor()
        px = self.view.logicalDpiX() / 72.0
        m = self.view.documentMargins()
        vp = self.view.viewport().size()
        by_width = (vp.width() - m.left() - m.right()) / (page.width() * px)
        if mode == QPdfView.ZoomMode.FitToWidth:
            return max(by_width, 0.01)
        by_height = (vp.height() - m.top() - m.bottom()) / (page.height() * px)
        return max(min(by_width, by_height), 0.01)

    def zoom_step(self, direction: int) -> None:
        current = self.effective_zoom()
        if direction > 0:
            factor = next((z for z in ZOOM_STEPS if z > current + 1e-3), ZOOM_STEPS[-1])
        else:
            factor = next((z for z in reversed(ZOOM_STEPS) if z < current - 1e-3), ZOOM_STEPS[0])
        self.view.setZoomMode(QPdfView.ZoomMode.Custom)
        self.view.setZoomFactor(factor)
        self._show_zoom()

    def _show_zoom(self) -> None:
        self.zoom_label.setText(f"{self.effective_zoom():.0%}")
        self.fit_width_button.setChecked(self.view.zoomMode() == QPdfView.ZoomMode.FitToWidth)
        self.fit_page_button.setChecked(self.view.zoomMode() == QPdfView.ZoomMode.FitInView)

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802
        super().resizeEvent(event)
        self._show_zoom()  # the fit modes change the zoom with the window

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802
        if event.type() == QEvent.Type.Resize and watched is self.view.viewport():
            self._show_zoom()
        return super().eventFilter(watched, event)

    # ---- print and save -----------------------------------------------------------------
    def print_document(self) -> None:
        try:
            self.print_step(self.document, self)
        except Exception as exc:  # noqa: BLE001 - a printer problem is told, and logged
            log.exception("printing failed")
            show_error(self, exc, "打印失败")

    def save_as(self) -> Path | None:
        path = self.save_step(self, self.file_name)
        if path is None:
            return None
        try:
            path.write_bytes(self.data)
        except OSError as exc:
            QMessageBox.warning(self, "保存失败", f"无法保存到 {path}：{exc.strerror or exc}")
            return None
        return path


def open_pdf_preview(parent: QWidget, produce: Callable[[], bytes], title: str,
                     file_name: str, busy_text: str = "正在生成 PDF…",
                     on_open: Callable[[PdfPreviewDialog], None] | None = None) -> None:
    """Produce the PDF off the UI thread, then show it in a preview dialog (non-modal).

    A progress dialog appears if producing takes more than half a second; 取消 drops
    the result (reportlab cannot be interrupted, so the worker finishes in the
    background)."""
    progress = QProgressDialog(busy_text, "取消", 0, 0, parent)
    progress.setWindowTitle("打印预览")
    progress.setWindowModality(Qt.WindowModality.WindowModal)
    progress.setMinimumDuration(500)
    progress.setAutoClose(False)
    progress.setAutoReset(False)
    progress.setValue(0)  # starts the minimum-duration timer

    def finish() -> bool:
        """Close the progress dialog; True if the person cancelled meanwhile."""
        cancelled = progress.wasCanceled()  # read first: closing it cancels
        progress.close()
        progress.deleteLater()
        return cancelled

    def done(data: bytes) -> None:
        if finish():
            return
        dialog = PdfPreviewDialog(data, title, file_name, parent)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.show()
        if on_open is not None:
            on_open(dialog)

    def failed(exc: BaseException) -> None:
        if not finish():
            show_error(parent, exc, "无法生成打印文件")

    run_task(produce, done, failed, owner=parent)
