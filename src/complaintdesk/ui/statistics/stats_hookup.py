"""Plugs the statistics into the main window: the 统计 tab (管理看板) for the general
manager, the assessor and the administrator, and the 统计 menu (导出月报/年报, 周报,
业务量录入)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QTimer
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QMenu

from ...domain.records import Role
from ...services.reports import VIEW_ROLES, VOLUME_ROLES
from ..accountability.team_reward_dialog import TeamRewardDialog
from ..accountability.volume_editor import VolumeEditor
from .dashboard import DashboardView
from .report_dialogs import MONTH, WEEK, YEAR, ReportExportDialog

if TYPE_CHECKING:
    from ..main_window import MainWindow


def install_stats(window: MainWindow) -> DashboardView | None:
    services, user = window.services, window.user
    if not any(user.has(r) for r in VIEW_ROLES):
        from ..main_window import placeholder  # loaded: it is the caller

        # the service refuses anyway; the tab says who may look instead of "即将推出"
        window.set_tab("stats", placeholder(
            "统计看板仅供总经理、行政部考核主管和系统管理员查看"))
        return None
    dashboard = DashboardView(services, user)
    dashboard.open_case.connect(window.open_case)
    window.set_tab("stats", dashboard)
    window.dashboard = dashboard  # type: ignore[attr-defined]
    stats_index = window.tab_keys.index("stats")

    def on_tab(i: int) -> None:
        if i == stats_index and dashboard.data is None:
            dashboard.refresh()  # computed the first time it is shown, then on 刷新

    window.tabs.currentChanged.connect(on_tab)
    if window.tabs.currentIndex() == stats_index:
        dashboard.refresh()
    elif user.has(Role.GENERAL_MANAGER):
        # the dashboard is the manager's first stop: compute it in the background while
        # they look around, so the tab opens on figures rather than a progress bar
        QTimer.singleShot(2000, lambda: dashboard.data is None and dashboard.refresh())

    def export(kind: str) -> None:
        dialog = ReportExportDialog(services, user, kind, window)
        dialog.finished.connect(dialog.deleteLater)
        dialog.open()

    def volumes() -> None:
        editor = VolumeEditor(services, user, window)
        editor.finished.connect(editor.deleteLater)
        editor.open()

    def team_rewards() -> None:
        dialog = TeamRewardDialog(services, user, window)
        dialog.finished.connect(dialog.deleteLater)
        dialog.open()

    menu = QMenu("统计(&T)", window)
    for text, tip, slot in (
        ("导出月报…", "导出某月的客户投诉统计 Excel 工作簿", lambda: export(MONTH)),
        ("导出年报…", "导出全年 12 个月的统计 Excel 工作簿", lambda: export(YEAR)),
        ("周报…", "上周新增、结案、超时案件与过失单（Excel 或 PDF）", lambda: export(WEEK)),
    ):
        a = QAction(text, window)
        a.setStatusTip(tip)
        a.triggered.connect(slot)
        menu.addAction(a)
        if text.startswith("周报"):
            window.weekly_action = a  # type: ignore[attr-defined]
    if user.has(Role.ASSESSOR):
        menu.addSeparator()
        a = QAction("部门月度评估（团队奖励/部门处罚）…", window)
        a.setStatusTip("按月度统计提议部门团队奖励或部门处罚，由考核主管和总经理决定")
        a.triggered.connect(team_rewards)
        menu.addAction(a)
    if any(user.has(r) for r in VOLUME_ROLES):
        menu.addSeparator()
        a = QAction("业务量录入…", window)
        a.setStatusTip("录入各部门每月业务量（投诉率的分母）")
        a.triggered.connect(volumes)
        menu.addAction(a)
    bar = window.menuBar()
    actions = bar.actions()
    bar.insertMenu(actions[-1], menu) if actions else bar.addMenu(menu)  # before 帮助
    window.stats_menu = menu  # type: ignore[attr-defined]
    return dashboard
