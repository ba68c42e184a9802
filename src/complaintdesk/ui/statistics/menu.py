"""The 统计 menu (导出月报/年报, 周报, 部门月度评估, 业务量录入) and who sees the 统计 tab.

The main window builds both (`may_view_statistics`, `build_stats_menu`); the menu needs only
the services, the user and a parent for its dialogs.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtGui import QAction
from PySide6.QtWidgets import QMenu, QWidget

from ...domain.records import Role, User
from ...services.reports import VIEW_ROLES, VOLUME_ROLES
from ..accountability.team_reward_dialog import TeamRewardDialog
from ..accountability.volume_editor import VolumeEditor
from .report_dialogs import MONTH, WEEK, YEAR, ReportExportDialog

if TYPE_CHECKING:
    from ...services.container import Services

TITLE = "统计(&T)"
# the 统计 tab of those who may not look: says who may, rather than "即将推出"
REFUSED_TEXT = "统计看板仅供总经理、行政部考核主管和系统管理员查看"


def may_view_statistics(user: User) -> bool:
    """The 管理看板 and the exports (DESIGN §3); the service refuses the others anyway."""
    return any(user.has(r) for r in VIEW_ROLES)


def build_stats_menu(services: Services, user: User, parent: QWidget) -> QMenu | None:
    """None for a user who may not see the statistics."""
    if not may_view_statistics(user):
        return None
    menu = QMenu(TITLE, parent)

    def add(text: str, tip: str, dialog_class: type, *args: object) -> None:
        def open_dialog() -> None:
            dialog = dialog_class(services, user, *args, parent)
            dialog.finished.connect(dialog.deleteLater)
            dialog.open()

        action = QAction(text, parent)
        action.setStatusTip(tip)
        action.triggered.connect(open_dialog)
        menu.addAction(action)

    add("导出月报…", "导出某月的客户投诉统计 Excel 工作簿", ReportExportDialog, MONTH)
    add("导出年报…", "导出全年 12 个月的统计 Excel 工作簿", ReportExportDialog, YEAR)
    add("周报…", "上周新增、结案、超时案件与过失单（Excel 或 PDF）", ReportExportDialog, WEEK)
    if user.has(Role.ASSESSOR):
        menu.addSeparator()
        add("部门月度评估（团队奖励/部门处罚）…",
            "按月度统计提议部门团队奖励或部门处罚，由考核主管和总经理决定", TeamRewardDialog)
    if any(user.has(r) for r in VOLUME_ROLES):
        menu.addSeparator()
        add("业务量录入…", "录入各部门每月业务量（投诉率的分母）", VolumeEditor)
    return menu
