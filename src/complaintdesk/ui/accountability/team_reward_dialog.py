"""部门月度评估 (团队奖励检查): the assessor picks a finished month; the evaluation proposes
department rewards (投诉率明显下降、解决率和满意度显著提高) and department penalties (投诉率
过高、满意度持续下降), shown afterwards in 过失单 to be issued and signed (DESIGN §6)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QDate
from PySide6.QtWidgets import (
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QLabel,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from ...domain.records import User
from ...services.errors import ServiceError
from ..widgets.workers import run_task

if TYPE_CHECKING:
    from ...services.container import Services
    from ...services.team_rewards import TeamRewardCheck


def _rate(r: float | None) -> str:
    return "—" if r is None else f"{r:.2%}"


def describe(checks: list[TeamRewardCheck]) -> str:
    if not checks:
        return "该月没有部门的投诉数据。"
    lines = []
    for c in checks:
        months = c.months or ("",) * len(c.rates)
        trend = " → ".join(f"{m} {_rate(r)}".strip() for m, r in zip(months, c.rates,
                                                                     strict=False))
        made = [w for w, s in (("已提议部门团队奖励", c.proposed), ("已提议部门处罚", c.penalty))
                if s is not None]
        verdict = "；".join(made) + "（请在“过失单”中开具）" if made else \
            "此前已提议" if c.already else "未提议"
        why = c.verdict.text if c.verdict is not None else ""
        lines.append(f"{c.department}：投诉率 {trend}\n    {verdict}。{why}")
    return "\n".join(lines)


class TeamRewardDialog(QDialog):
    def __init__(self, services: Services, user: User, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.services, self.user = services, user
        self.setWindowTitle("部门月度评估（团队奖励/部门处罚）")
        lay = QVBoxLayout(self)
        lay.addWidget(QLabel(
            "投诉率明显下降且投诉解决率、客户满意度显著提高的部门，提议团队奖励；\n"
            "投诉率过高或客户满意度持续下降的部门，提议部门处罚（阈值见系统设置，为本系统默认值）。\n"
            "请选择已结束的月份："))
        today = services.clock.now().astimezone(services.reports.tz).date()
        last = QDate(today.year, today.month, 1).addMonths(-1)
        self.month = QDateEdit(last)
        self.month.setDisplayFormat("yyyy年MM月")
        self.month.setCalendarPopup(True)
        lay.addWidget(self.month)
        self.result = QPlainTextEdit()
        self.result.setReadOnly(True)
        self.result.setMinimumSize(460, 160)
        lay.addWidget(self.result)
        self.buttons = QDialogButtonBox()
        self.run_button = self.buttons.addButton("检查并提议",
                                                 QDialogButtonBox.ButtonRole.ActionRole)
        self.buttons.addButton("关闭", QDialogButtonBox.ButtonRole.RejectRole)
        self.buttons.rejected.connect(self.reject)
        self.run_button.clicked.connect(self.run)
        lay.addWidget(self.buttons)

    def run(self) -> None:
        d = self.month.date()
        self.run_button.setEnabled(False)
        self.result.setPlainText("正在计算各部门投诉率…")

        def done(checks: list[TeamRewardCheck]) -> None:
            self.run_button.setEnabled(True)
            self.result.setPlainText(describe(checks))

        def failed(exc: BaseException) -> None:
            self.run_button.setEnabled(True)
            self.result.setPlainText(exc.message if isinstance(exc, ServiceError) else str(exc))

        run_task(lambda: self.services.team_rewards.check(self.user, d.year(), d.month()),
                 done, failed, owner=self)
