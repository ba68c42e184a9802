"""Plugs the accountability widgets into the main window: the 过失单 and 台账 tabs and,
for the administrator, 考核 → 奖惩规则… and 监督与评估小组与考核设置…"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtGui import QAction

from ...domain.records import Role
from ..cases.print_actions import install_week_print
from .appeal_notices import AppealNoticesDialog
from .ledger_view import LedgerView
from .review_board_dialog import ReviewBoardDialog
from .reward_dialog import RewardDialog
from .rules_editor import RulesEditor
from .slips_view import SlipsView

if TYPE_CHECKING:
    from ..main_window import MainWindow


def install(window: MainWindow) -> None:
    services, user = window.services, window.user
    window.slips_view = SlipsView(services, user)  # type: ignore[attr-defined]
    window.ledger_view = LedgerView(services, user)  # type: ignore[attr-defined]
    window.slips_view.open_case.connect(window.open_case)  # type: ignore[attr-defined]
    window.ledger_view.open_case.connect(window.open_case)  # type: ignore[attr-defined]
    window.set_tab("slips", window.slips_view)  # type: ignore[attr-defined]
    window.set_tab("ledger", window.ledger_view)  # type: ignore[attr-defined]

    def refresh_on_show(index: int) -> None:
        widget = window.tabs.widget(index)
        if isinstance(widget, SlipsView | LedgerView):
            widget.refresh()

    window.tabs.currentChanged.connect(refresh_on_show)
    if user.has(Role.ADMIN):
        def open_rules() -> None:
            RulesEditor(services, user, window).open()

        menu = window.menuBar().addMenu("考核(&K)")
        rules = QAction("奖惩规则…", window)
        rules.setStatusTip("编辑过失处罚与奖励规则（系统管理员）")
        rules.triggered.connect(open_rules)
        menu.addAction(rules)
        board = QAction("监督与评估小组与考核设置…", window)
        board.setStatusTip("设置申诉由谁复核、裁决，申诉期限及部门奖惩阈值（系统管理员）")
        board.triggered.connect(lambda: ReviewBoardDialog(services, user, window).open())
        menu.addAction(board)
    install_week_print(window)  # 考核 → 打印本周过失单… (assessor, GM, admin)
    if user.has(Role.GENERAL_MANAGER):  # 考核 → 申诉裁决通知… (001 四.1: the GM is told)
        menu = next((a.menu() for a in window.menuBar().actions()
                     if a.text() == "考核(&K)" and a.menu() is not None), None) \
            or window.menuBar().addMenu("考核(&K)")
        notices = QAction("申诉裁决通知…", window)
        notices.setStatusTip("监督与评估小组对申诉的裁决，确认知悉")
        notices.triggered.connect(lambda: AppealNoticesDialog(services, user, window).open())
        menu.addAction(notices)
    if user.has(Role.ASSESSOR):  # 考核 → 提议个人奖励… (001 五.2)
        menu = next((a.menu() for a in window.menuBar().actions()
                     if a.text() == "考核(&K)" and a.menu() is not None), None) \
            or window.menuBar().addMenu("考核(&K)")
        reward = QAction("提议个人奖励…", window)
        reward.setStatusTip("成功解决重大、疑难投诉，挽回损失或赢得客户高度赞誉的员工")
        reward.triggered.connect(lambda: RewardDialog(services, user, window).open())
        menu.addAction(reward)
