"""The print preview: real PDF bytes from the print service shown with QtPdf; 打印 goes
through an injectable step (no print dialog in tests), 另存为 writes the bytes."""

from __future__ import annotations

import io
import os
from pathlib import Path

import pytest
from pypdf import PdfReader
from PySide6.QtCore import QThreadPool
from PySide6.QtPdf import QPdfDocument
from PySide6.QtPrintSupport import QPrinter
from PySide6.QtWidgets import QPushButton, QWidget

from acc_builders import cast, employee_id, walk_to_approve, walk_to_issue
from complaintdesk.ui.widgets.pdf_preview import (
    PdfPreviewDialog,
    open_pdf_preview,
    render_to_printer,
)
from service_builders import make_services


@pytest.fixture(scope="module")
def walked(tmp_path_factory):
    """A complaint with two responsible employees walked to 总经理签批: two slips issued."""
    services, clock = make_services(tmp_path_factory.mktemp("preview"))
    c = cast(services)
    second = employee_id(services, "杨帆")
    case = walk_to_issue(services, clock, c, responsible=[c.zhao_id, second])
    case = walk_to_approve(services, clock, c, case)
    yield services, clock, c, case
    QThreadPool.globalInstance().waitForDone(10000)
    services.dispose()


def _pages(data: bytes) -> int:
    return len(PdfReader(io.BytesIO(data)).pages)


def test_the_preview_shows_the_case_form_with_print_and_save_buttons(qtbot, walked, tmp_path):
    services, _clock, c, case = walked
    data = services.printing.case_pdf(c.cs, case.id)
    printed: list[QPdfDocument] = []
    dialog = PdfPreviewDialog(data, case.number, case.number, print_step=lambda doc, _p:
                              printed.append(doc) or True,
                              save_step=lambda _p, name: tmp_path / name)
    qtbot.addWidget(dialog)
    dialog.show()
    assert dialog.document.status() == QPdfDocument.Status.Ready
    assert dialog.document.pageCount() == _pages(data) >= 1
    labels = {b.text() for b in dialog.findChildren(QPushButton)}
    assert {"打印…", "另存为…", "上一页", "下一页", "放大", "缩小"} <= labels
    dialog.print_button.click()
    assert printed == [dialog.document]
    dialog.save_button.click()
    assert (tmp_path / f"{case.number}.pdf").read_bytes() == data
    if os.environ.get("PREVIEW_SHOT"):  # LOOK: a screenshot of the rendered form
        dialog.resize(860, 1000)
        qtbot.wait(300)
        dialog.grab().save(os.environ["PREVIEW_SHOT"])


def test_a_week_of_slips_pages_and_zooms(qtbot, walked):
    services, clock, c, _case = walked
    data = services.printing.week_slips_pdf(c.assessor, clock.now().date())
    dialog = PdfPreviewDialog(data, "本周过失单", "week", print_step=lambda *_: True)
    qtbot.addWidget(dialog)
    dialog.show()
    assert dialog.document.pageCount() == 2  # one slip per page
    assert not dialog.prev_button.isEnabled() and dialog.next_button.isEnabled()
    dialog.next_button.click()
    assert dialog.current_page() == 1 and dialog.page_box.value() == 2
    assert not dialog.next_button.isEnabled()
    before = dialog.effective_zoom()  # fit to width
    dialog.zoom_in_button.click()
    assert dialog.view.zoomFactor() > before
    assert dialog.zoom_label.text() == f"{dialog.view.zoomFactor():.0%}"
    dialog.zoom_out_button.click()
    assert dialog.view.zoomFactor() < before
    dialog.fit_page_button.click()
    assert dialog.view.zoomMode() == dialog.view.ZoomMode.FitInView
    assert dialog.fit_page_button.isChecked() and not dialog.fit_width_button.isChecked()


def test_pages_are_rendered_into_the_printer(qtbot, walked, tmp_path):
    services, clock, c, _case = walked
    dialog = PdfPreviewDialog(services.printing.week_slips_pdf(c.assessor, clock.now().date()),
                              "w", "w")
    qtbot.addWidget(dialog)
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printer.setResolution(150)
    out = tmp_path / "printed.pdf"
    printer.setOutputFileName(str(out))
    assert render_to_printer(dialog.document, printer) == 2
    assert _pages(out.read_bytes()) == 2


def test_the_pdf_is_produced_off_the_ui_thread_then_previewed(qtbot, walked):
    services, _clock, c, case = walked
    parent = QWidget()
    qtbot.addWidget(parent)
    opened: list[PdfPreviewDialog] = []
    open_pdf_preview(parent, lambda: services.printing.case_pdf(c.cs, case.id), case.number,
                     case.number, on_open=opened.append)
    qtbot.waitUntil(lambda: bool(opened), timeout=15000)
    assert opened[0].document.pageCount() >= 1
    assert opened[0].windowTitle() == f"打印预览 - {case.number}"
    opened[0].close()


def test_a_failure_is_shown_not_raised(qtbot, walked, monkeypatch):
    shown: list[str] = []
    monkeypatch.setattr("complaintdesk.ui.widgets.pdf_preview.show_error",
                        lambda _p, exc, _t="": shown.append(str(exc)))
    parent = QWidget()
    qtbot.addWidget(parent)

    def boom() -> bytes:
        raise RuntimeError("该周没有开具过失单")

    open_pdf_preview(parent, boom, "x", "x")
    qtbot.waitUntil(lambda: bool(shown), timeout=15000)
    assert "该周没有开具过失单" in shown[0]


def test_save_as_cancelled_writes_nothing(qtbot, walked, tmp_path: Path):
    services, _clock, c, case = walked
    dialog = PdfPreviewDialog(services.printing.case_pdf(c.cs, case.id), "x", "x",
                              save_step=lambda *_: None)
    qtbot.addWidget(dialog)
    assert dialog.save_as() is None and not list(tmp_path.iterdir())


def test_slow_work_shows_a_progress_dialog_and_cancel_drops_the_result(qtbot, walked):
    import threading

    from PySide6.QtWidgets import QProgressDialog

    services, clock, c, _case = walked
    release = threading.Event()
    parent = QWidget()
    qtbot.addWidget(parent)
    parent.show()
    opened: list[PdfPreviewDialog] = []

    def slow() -> bytes:
        release.wait(10)
        return services.printing.week_slips_pdf(c.assessor, clock.now().date())

    open_pdf_preview(parent, slow, "w", "w", on_open=opened.append)
    qtbot.waitUntil(lambda: any(p.isVisible() for p in parent.findChildren(QProgressDialog)),
                    timeout=5000)
    [progress] = [p for p in parent.findChildren(QProgressDialog) if p.isVisible()]
    progress.cancel()
    release.set()
    QThreadPool.globalInstance().waitForDone(10000)
    qtbot.wait(100)
    assert opened == []


# ---- the entry points in the case view, the slip dialog and the main window -------------

def _wait_preview(qtbot) -> PdfPreviewDialog:
    from PySide6.QtWidgets import QApplication

    def found() -> list[PdfPreviewDialog]:
        return [w for w in QApplication.topLevelWidgets()
                if isinstance(w, PdfPreviewDialog) and w.isVisible()]

    qtbot.waitUntil(lambda: bool(found()), timeout=15000)
    [dialog] = found()
    return dialog


def test_the_case_view_previews_its_form(qtbot, walked):
    from complaintdesk.ui.cases.case_view import CaseViewDialog

    services, _clock, c, case = walked
    view = CaseViewDialog(services, c.cs, case.id)
    qtbot.addWidget(view)
    assert view.print_button.text() == "打印预览"
    view.print_button.click()
    dialog = _wait_preview(qtbot)
    assert dialog.windowTitle() == f"打印预览 - {case.number}"
    assert dialog.file_name == f"{case.number}.pdf"
    dialog.close()


def test_the_slip_dialog_previews_the_slip(qtbot, walked):
    from complaintdesk.ui.accountability.slip_dialog import SlipDialog

    services, _clock, c, case = walked
    [slip] = [v.slip for v in services.accountability.proposals_for_case(c.assessor, case.id)
              if v.slip.number == "GS-202611-0001"]
    dialog = SlipDialog(services, c.assessor, slip.id)
    qtbot.addWidget(dialog)
    button = dialog.findChild(QPushButton, "slip_print_preview")
    assert button is not None and button.text() == "打印预览"
    button.click()
    preview = _wait_preview(qtbot)
    assert preview.windowTitle() == "打印预览 - GS-202611-0001"
    assert preview.document.pageCount() == 1
    preview.close()


def test_the_assessor_prints_the_weeks_slips_from_the_menu(qtbot, walked, tmp_path, monkeypatch):
    from PySide6.QtCore import QSettings
    from PySide6.QtGui import QAction

    from complaintdesk.ui.cases import print_actions
    from complaintdesk.ui.main_window import MainWindow

    services, clock, c, _case = walked
    settings = QSettings(str(tmp_path / "ui.ini"), QSettings.Format.IniFormat)
    reception_window = MainWindow(services, c.reception, settings=settings)
    qtbot.addWidget(reception_window)
    assert reception_window.findChild(QAction, "print_week_slips") is None
    window = MainWindow(services, c.assessor, settings=settings)
    qtbot.addWidget(window)
    action = window.findChild(QAction, "print_week_slips")
    assert action is not None and action.text() == "打印本周过失单…"
    # the date picker is answered with the day the slips were issued
    picked = clock.now().date()
    monkeypatch.setattr(print_actions.WeekPickerDialog, "exec",
                        lambda self: self.calendar.setSelectedDate(picked) or 1)
    action.trigger()
    preview = _wait_preview(qtbot)
    assert preview.document.pageCount() == 2
    assert preview.file_name.startswith("过失单_20261109")
    preview.close()


def test_the_zoom_label_follows_the_laid_out_view_in_fit_to_width(qtbot, walked):
    """The fit modes' zoom depends on the viewport, which the layout sizes after the
    dialog's resize event: the label showed the unlaid-out view's zoom (9%) on opening."""
    services, _clock, c, case = walked
    dialog = PdfPreviewDialog(services.printing.case_pdf(c.cs, case.id), case.number,
                              case.number)
    qtbot.addWidget(dialog)
    dialog.resize(860, 980)
    dialog.show()
    qtbot.waitExposed(dialog)
    qtbot.waitUntil(lambda: dialog.zoom_label.text() == f"{dialog.effective_zoom():.0%}")
    first = dialog.effective_zoom()
    assert first > 0.5
    dialog.resize(1400, 980)  # wider: fit to width grows, and the label says so
    qtbot.waitUntil(lambda: dialog.effective_zoom() > first + 0.2)
    assert dialog.zoom_label.text() == f"{dialog.effective_zoom():.0%}"
