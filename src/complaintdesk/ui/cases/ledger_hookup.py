"""The menu entries of issue 18 §2–3: 文件 → 导入历史台账… (administrator, assessor),
案件 → 客户/车辆历史… (anyone) and 案件 → 导出当前列表… (the list as filtered, masked as
the list shows it). Installed by the main window after login."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QMessageBox, QWidget

from ...domain.records import Role
from ..widgets.common import show_error
from ..widgets.workers import run_task
from .list_export import ask_xlsx_path

if TYPE_CHECKING:
    from .history_view import HistoryDialog
    from .import_dialog import ImportLedgerDialog

IMPORT_ROLES = (Role.ADMIN, Role.ASSESSOR)
# the main window (ui/main_window.py): not imported here, so the feature module does not
# reach back into the window that composes it (no import circle)
MainWindow = Any


def install(window: MainWindow) -> None:
    w = window
    w.history_action = QAction("客户/车辆历史…", w)
    w.history_action.setShortcut(QKeySequence("Ctrl+H"))
    w.history_action.setStatusTip("按电话、车牌号或车架号查看客户和车辆的全部投诉、建议和表扬")
    w.history_action.triggered.connect(lambda: open_history(w))
    w.export_list_action = QAction("导出当前列表…", w)
    w.export_list_action.setStatusTip("把案件列表（按当前筛选和排序）导出为 Excel（电话已按权限隐藏）")
    w.export_list_action.triggered.connect(lambda: export_case_list(w))
    w.case_menu.addSeparator()
    w.case_menu.addAction(w.history_action)
    w.case_menu.addAction(w.export_list_action)
    w.import_ledger_action = QAction("导入历史台账…", w)
    w.import_ledger_action.setStatusTip("把经销店原有的 Excel 投诉台账导入为已结案的历史案件")
    w.import_ledger_action.triggered.connect(lambda: open_import(w))
    if not any(w.user.has(r) for r in IMPORT_ROLES):  # the service refuses it too
        w.import_ledger_action.setEnabled(False)
        w.import_ledger_action.setStatusTip("导入历史台账需要系统管理员或考核主管角色")
    w.file_menu.insertAction(w.quit_action, w.import_ledger_action)
    w.file_menu.insertSeparator(w.quit_action)


def open_history(window: MainWindow, case_id: int | None = None) -> HistoryDialog:
    from .history_view import HistoryDialog

    dialog = HistoryDialog(window.services, window.user, case_id, window)
    dialog.open_case.connect(window.open_case)
    dialog.finished.connect(dialog.deleteLater)
    dialog.show()
    return dialog


def open_import(window: MainWindow, ask_path: Callable[[QWidget], Path | None] | None = None
                ) -> ImportLedgerDialog:
    from .import_dialog import ImportLedgerDialog

    kw = {"ask_path": ask_path} if ask_path is not None else {}
    dialog = ImportLedgerDialog(window.services, window.user, window, **kw)
    dialog.imported.connect(lambda _r: window.refresh())
    dialog.finished.connect(dialog.deleteLater)
    dialog.open()
    return dialog


def export_case_list(window: MainWindow,
                     ask_path: Callable[[QWidget, str], Path | None] = ask_xlsx_path,
                     on_done: Callable[[Path], None] | None = None) -> None:
    """The case list as filtered and sorted, every matching case (not only the pages
    scrolled through), in a worker."""
    path = ask_path(window, "案件列表.xlsx")
    if path is None:
        return
    services, user = window.services, window.user
    query, filters = window.case_list.query(), window.case_list.active_filters()
    window.statusBar().showMessage("正在导出案件列表…")

    def done(result: tuple[Path, int]) -> None:
        out, n = result
        window.statusBar().showMessage(f"已导出 {n} 个案件到 {out}", 10000)
        if on_done is not None:
            on_done(out)
        else:
            box = QMessageBox(QMessageBox.Icon.Information, "导出完成",
                              f"已导出 {n} 个案件：\n{out}", parent=window)
            box.setAttribute(box.WidgetAttribute.WA_DeleteOnClose)
            box.open()

    run_task(lambda: services.lists.write_case_list(user, query, path, filters), done,
             lambda exc: show_error(window, exc, "导出失败"), owner=window)
