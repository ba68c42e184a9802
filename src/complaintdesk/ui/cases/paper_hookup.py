"""Plugs the paper loop into the main window (DESIGN §4.7, issue 18 part 4): the scanner
(a form's QR read into the search box or the window opens its case or slip), the 待归档
tab for those who archive signed paper, and 案件 → 典型案例库…."""

from __future__ import annotations

from typing import Any

from PySide6.QtGui import QAction
from PySide6.QtWidgets import QApplication

from ...services.paper import ARCHIVE_ROLES
from ..tasks.archive_view import ArchiveView
from ..widgets.common import show_error
from .case_examples import CaseLibraryDialog
from .scanner import SCAN_TARGET, ScanListener

ARCHIVE_TAB = "待归档"


def install_paper(window: Any) -> None:
    """`window`: the MainWindow (not imported here: no import circle with it)."""
    services, user = window.services, window.user
    window.case_list.keyword.setProperty(SCAN_TARGET, True)
    # never while the window is locked (切换用户, idle lock): the scan would open a
    # record for the person who left
    listener = ScanListener(window, active=lambda: not window.locked)
    listener.scanned.connect(lambda number: open_number(window, number))
    app = QApplication.instance()
    assert app is not None
    app.installEventFilter(listener)
    # (Qt drops a deleted event filter by itself: nothing to remove when the window goes)
    window.scan_listener = listener  # type: ignore[attr-defined]

    library = QAction("典型案例库…", window)
    library.setStatusTip("结案的典型案例（已隐去客户信息），供全体员工学习（制度003 一.11）")
    library.triggered.connect(lambda: open_library(window))
    window.case_menu.addSeparator()
    window.case_menu.addAction(library)
    window.library_action = library  # type: ignore[attr-defined]

    if any(user.has(r) for r in ARCHIVE_ROLES):
        view = ArchiveView(services, user)
        view.open_case.connect(window.open_case)
        # appended: the other installers hold their tabs' indexes
        window.tabs.addTab(view, ARCHIVE_TAB)
        window.tab_keys.append("archive")
        window.archive_view = view  # type: ignore[attr-defined]
        window.tabs.currentChanged.connect(
            lambda i: view.refresh() if window.tabs.widget(i) is view else None)


def open_number(window: Any, number: str) -> None:
    """A number read off a form: open its case (masked as usual for non-handlers) or its
    slip (refused with the usual message to those who may not see it)."""
    try:
        kind, record_id = window.services.paper.find_number(window.user, number)
    except Exception as exc:  # noqa: BLE001 - a ServiceError's Chinese message
        show_error(window, exc, "扫码未能打开")
        return
    window.statusBar().showMessage(f"扫码：{number}", 5000)
    if kind == "case":
        window.open_case(record_id)
    else:
        window.slips_view.open_slip(record_id)  # type: ignore[attr-defined]


def open_library(window: Any) -> CaseLibraryDialog:
    dialog = CaseLibraryDialog(window.services, window.user, window)
    dialog.open_case.connect(window.open_case)
    dialog.finished.connect(dialog.deleteLater)
    dialog.show()
    window.library_dialog = dialog  # type: ignore[attr-defined]
    return dialog
