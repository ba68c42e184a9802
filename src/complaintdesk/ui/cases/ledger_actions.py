"""The actions of issue 18 §2–3, for the main window to place: 导入历史台账… (文件;
administrator, 考核主管), 客户/车辆历史… and 导出当前列表… (案件). Built from the services,
the user and a parent for the dialogs, with what they need of the window passed in as
callbacks (open a case, refresh the list, the list's query) — never the window itself."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QMessageBox, QWidget

from ...domain.query import CaseQuery
from ...domain.records import User
from ...services.ledger_import import IMPORT_ROLES  # who may import: the service's rule
from ..widgets.common import show_error
from ..widgets.workers import run_task
from .list_export import ask_xlsx_path

if TYPE_CHECKING:
    from ...services.container import Services
    from .history_view import HistoryDialog
    from .import_dialog import ImportLedgerDialog


class LedgerActions:
    """`history`, `export_list` (案件 menu) and `import_ledger` (文件 menu)."""

    def __init__(self, services: Services, user: User, parent: QWidget,
                 open_case: Callable[[int], object], refresh: Callable[[], None],
                 list_query: Callable[[], tuple[CaseQuery, list[str]]],
                 status: Callable[[str], None]) -> None:
        self.services, self.user, self.parent = services, user, parent
        self._open_case, self._refresh = open_case, refresh
        self._list_query, self._status = list_query, status
        self.history = QAction("客户/车辆历史…", parent)
        self.history.setShortcut(QKeySequence("Ctrl+H"))
        self.history.setStatusTip("按电话、车牌号或车架号查看客户和车辆的全部投诉、建议和表扬")
        self.history.triggered.connect(lambda: self.open_history())
        self.export_list = QAction("导出当前列表…", parent)
        self.export_list.setStatusTip("把案件列表（按当前筛选和排序）导出为 Excel（电话已按权限隐藏）")
        self.export_list.triggered.connect(lambda: self.export_case_list())
        self.import_ledger = QAction("导入历史台账…", parent)
        self.import_ledger.setStatusTip("把经销店原有的 Excel 投诉台账导入为已结案的历史案件")
        self.import_ledger.triggered.connect(lambda: self.open_import())
        if not any(user.has(r) for r in IMPORT_ROLES):  # the service refuses it too
            self.import_ledger.setEnabled(False)
            self.import_ledger.setStatusTip("导入历史台账需要系统管理员或考核主管角色")

    def open_history(self, case_id: int | None = None) -> HistoryDialog:
        from .history_view import HistoryDialog

        dialog = HistoryDialog(self.services, self.user, case_id, self.parent)
        dialog.open_case.connect(self._open_case)
        dialog.finished.connect(dialog.deleteLater)
        dialog.show()
        return dialog

    def open_import(self, ask_path: Callable[[QWidget], Path | None] | None = None
                    ) -> ImportLedgerDialog:
        from .import_dialog import ImportLedgerDialog

        kw = {"ask_path": ask_path} if ask_path is not None else {}
        dialog = ImportLedgerDialog(self.services, self.user, self.parent, **kw)
        dialog.imported.connect(lambda _r: self._refresh())
        dialog.finished.connect(dialog.deleteLater)
        dialog.open()
        return dialog

    def export_case_list(self, ask_path: Callable[[QWidget, str], Path | None] = ask_xlsx_path,
                         on_done: Callable[[Path], None] | None = None) -> None:
        """The case list as filtered and sorted, every matching case (not only the pages
        scrolled through), written in a worker."""
        path = ask_path(self.parent, "案件列表.xlsx")
        if path is None:
            return
        services, user, parent = self.services, self.user, self.parent
        query, filters = self._list_query()
        self._status("正在导出案件列表…")

        def done(result: tuple[Path, int]) -> None:
            out, n = result
            self._status(f"已导出 {n} 个案件到 {out}")
            if on_done is not None:
                on_done(out)
                return
            box = QMessageBox(QMessageBox.Icon.Information, "导出完成",
                              f"已导出 {n} 个案件：\n{out}", parent=parent)
            box.setAttribute(box.WidgetAttribute.WA_DeleteOnClose)
            box.open()

        run_task(lambda: services.lists.write_case_list(user, query, path, filters), done,
                 lambda exc: show_error(parent, exc, "导出失败"), owner=parent)
