"""The 考核 menu: 奖惩规则… and 监督与评估小组与考核设置… (administrator), 打印本周过失单…
(assessor, GM, administrator), 申诉裁决通知… (GM), 提议个人奖励… (assessor).

The main window builds it (`build_accountability_menu`) and puts it in its menu bar; a user
with none of these entries gets no menu.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtGui import QAction
from PySide6.QtWidgets import QMenu, QWidget

from ...domain.records import Role, User
from ..cases.print_actions import week_print_action
from .appeal_notices import AppealNoticesDialog
from .review_board_dialog import ReviewBoardDialog
from .reward_dialog import RewardDialog
from .rules_editor import RulesEditor

if TYPE_CHECKING:
    from ...services.container import Services

TITLE = "考核(&K)"


def build_accountability_menu(services: Services, user: User, parent: QWidget) -> QMenu | None:
    menu = QMenu(TITLE, parent)

    def add(text: str, tip: str, slot: object) -> QAction:
        action = QAction(text, parent)
        action.setStatusTip(tip)
        action.triggered.connect(slot)
        menu.addAction(action)
        return action

    if user.has(Role.ADMIN):
        add("奖惩规则…", "编辑过失处罚与奖励规则（系统管理员）",
            lambda: RulesEditor(services, user, parent).open())
        add("监督与评估小组与考核设置…", "设置申诉由谁复核、裁决，申诉期限及部门奖惩阈值（系统管理员）",
            lambda: ReviewBoardDialog(services, user, parent).open())
    week = week_print_action(services, user, parent)
    if week is not None:
        menu.addAction(week)
    if user.has(Role.GENERAL_MANAGER):  # 001 四.1: the GM is told of appeal rulings
        add("申诉裁决通知…", "监督与评估小组对申诉的裁决，确认知悉",
            lambda: AppealNoticesDialog(services, user, parent).open())
    if user.has(Role.ASSESSOR):  # 001 五.2
        add("提议个人奖励…", "成功解决重大、疑难投诉，挽回损失或赢得客户高度赞誉的员工",
            lambda: RewardDialog(services, user, parent).open())
    if not menu.actions():
        menu.deleteLater()
        return None
    return menu
