"""Deadline rules, workflow settings and step status (DESIGN §4.4).

A deadline is computed once, when a step becomes due, and stored on the StepRecord:
changing the settings later never rewrites history.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, time, timedelta
from enum import StrEnum
from typing import Any
from zoneinfo import ZoneInfo

from ..records import Case, StepRecord
from ..steps import step_title
from .calendar import BusinessCalendar


class DeadlineKind(StrEnum):
    HOURS = "hours"  # n hours after the step became due
    DAYS = "days"  # n days (n × 24 h in calendar mode, n open days with a calendar)
    SAME_DAY = "same_day"  # 23:59:59 local of the day the step became due (当天)
    NONE = "none"  # no deadline


@dataclass(frozen=True, slots=True)
class DeadlineRule:
    kind: DeadlineKind
    amount: int = 0
    setting: str = ""  # a WorkflowSettings field that supplies the amount (configurable)

    @property
    def label(self) -> str:
        n = "可设置" if self.setting else str(self.amount)
        match self.kind:
            case DeadlineKind.HOURS:
                return f"{n}小时"
            case DeadlineKind.DAYS:
                return f"{n}天"
            case DeadlineKind.SAME_DAY:
                return "当天"
        return "无时限"


def hours(n: int, setting: str = "") -> DeadlineRule:
    return DeadlineRule(DeadlineKind.HOURS, n, setting)


def days(n: int, setting: str = "") -> DeadlineRule:
    return DeadlineRule(DeadlineKind.DAYS, n, setting)


SAME_DAY = DeadlineRule(DeadlineKind.SAME_DAY)
NO_DEADLINE = DeadlineRule(DeadlineKind.NONE)

SECOND_REVISIT_CHOICES = (7, 30)  # DESIGN §4.1: 7 days after closing, configurable 7 or 30


@dataclass(frozen=True, slots=True)
class WorkflowSettings:
    """The workflow's settings — data, not code (STYLE habit 7)."""

    tz: str = "Asia/Shanghai"
    assign_hours: int = 1  # step 2 部门安排: "立即", 1 h by default
    second_revisit_days: int = 7
    rework_revisit_days: int = 2  # §4.3 step 8: a product default, the seed gives none
    calendar: BusinessCalendar | None = None  # None: calendar hours, seven days a week
    # step key → the deadline set in 流程设置 instead of the product default (flows.py)
    step_deadlines: Mapping[str, DeadlineRule] = field(default_factory=dict)
    # product defaults where the policy gives no number (DESIGN §4.8):
    approval_hours: int = 4  # 重要/重大 solution approval, due after it is requested
    notice_from_day: int = 3  # 003 一.12 处理意见告知: from day 3 after receipt ...
    notice_by_day: int = 5  # ... to the end of day 5 (days counted from receipt)

    def __post_init__(self) -> None:
        ZoneInfo(self.tz)
        if self.assign_hours <= 0:
            raise ValueError("部门安排时限必须大于 0 小时，请修改设置。")
        if self.second_revisit_days not in SECOND_REVISIT_CHOICES:
            raise ValueError("二次回访间隔只能设置为 7 天或 30 天，请修改设置。")
        for key, rule in self.step_deadlines.items():
            check_step_deadline(key, rule)
        if self.approval_hours <= 0:
            raise ValueError("解决方案审批时限必须大于 0 小时，请修改设置。")
        if not 0 <= self.notice_from_day <= self.notice_by_day:
            raise ValueError("处理意见告知的天数设置不正确（起始天数不能晚于截止天数），请修改设置。")
        if self.rework_revisit_days <= 0:
            raise ValueError("厂外返修回访时限必须大于 0 天，请修改设置。")

    def rule_for(self, step_key: str, default: DeadlineRule) -> DeadlineRule:
        """The deadline rule a step runs with: the one set here, else the product default
        (a default that reads a setting, like 部门安排, keeps reading it)."""
        return self.step_deadlines.get(step_key, default)

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.tz)

    @classmethod
    def from_dict(cls, data: Mapping[str, Any] | None) -> WorkflowSettings:
        data = dict(data or {})
        tz = str(data.get("tz", "Asia/Shanghai"))
        cal = data.get("calendar")
        return cls(
            tz=tz,
            assign_hours=int(data.get("assign_hours", 1)),
            second_revisit_days=int(data.get("second_revisit_days", 7)),
            rework_revisit_days=int(data.get("rework_revisit_days", 2)),
            calendar=BusinessCalendar.from_dict(cal, tz=tz) if cal else None,
            step_deadlines={str(k): _rule_from(k, v)
                            for k, v in dict(data.get("step_deadlines") or {}).items()},
            approval_hours=int(data.get("approval_hours", 4)),
            notice_from_day=int(data.get("notice_from_day", 3)),
            notice_by_day=int(data.get("notice_by_day", 5)),
        )

    def to_dict(self) -> dict[str, Any]:
        return {
            "tz": self.tz,
            "assign_hours": self.assign_hours,
            "second_revisit_days": self.second_revisit_days,
            "rework_revisit_days": self.rework_revisit_days,
            "calendar": self.calendar.to_dict() if self.calendar else None,
            "step_deadlines": {k: {"kind": r.kind.value, "amount": r.amount}
                               for k, r in self.step_deadlines.items()},
            "approval_hours": self.approval_hours,
            "notice_from_day": self.notice_from_day,
            "notice_by_day": self.notice_by_day,
        }


STEP_DEADLINE_LIMITS = {DeadlineKind.HOURS: 720, DeadlineKind.DAYS: 90}  # a typo guard


def _step_name(key: str) -> str:
    return step_title(key)


def check_step_deadline(key: str, rule: DeadlineRule) -> None:
    """A step's deadline as set in 流程设置: hours or days within reason, or 当天."""
    name = _step_name(key)
    if rule.setting:
        raise ValueError(f"“{name}”的期限设置有误，请重新设置。")
    if rule.kind in STEP_DEADLINE_LIMITS:
        unit = "小时" if rule.kind is DeadlineKind.HOURS else "天"
        top = STEP_DEADLINE_LIMITS[rule.kind]
        if not 1 <= rule.amount <= top:
            raise ValueError(f"“{name}”的期限必须在 1–{top} {unit}之间，请修改设置。")
    elif rule.kind is not DeadlineKind.SAME_DAY:
        raise ValueError(f"“{name}”的期限只能按小时、按天或当天计算，请修改设置。")


def _rule_from(key: Any, value: Any) -> DeadlineRule:
    try:
        kind = DeadlineKind(str(dict(value).get("kind")))
        amount = int(dict(value).get("amount") or 0)
    except (TypeError, ValueError):
        raise ValueError(f"“{_step_name(str(key))}”的期限设置无法读取，请重新设置。") from None
    return DeadlineRule(kind, amount)


def rule_amount(rule: DeadlineRule, settings: WorkflowSettings) -> int:
    return int(getattr(settings, rule.setting)) if rule.setting else rule.amount


def compute_deadline(
    rule: DeadlineRule, due_since: datetime, settings: WorkflowSettings
) -> datetime | None:
    """The deadline of a step that became due at `due_since` (aware), as aware UTC."""
    if due_since.tzinfo is None:
        raise ValueError("due_since must be an aware datetime")
    start = due_since.astimezone(UTC)
    cal = settings.calendar
    n = rule_amount(rule, settings)
    match rule.kind:
        case DeadlineKind.NONE:
            return None
        case DeadlineKind.SAME_DAY:
            # 当天: the local day the step became due, also with a business calendar
            day = start.astimezone(settings.zone).date()
            return datetime.combine(day, time(23, 59, 59), tzinfo=settings.zone).astimezone(UTC)
        case DeadlineKind.HOURS:
            delta = timedelta(hours=n)
            return cal.add_open_time(start, delta) if cal else start + delta
        case DeadlineKind.DAYS:
            return cal.add_open_days(start, n) if cal else start + timedelta(days=n)
    raise ValueError(f"unknown deadline kind {rule.kind!r}")


class StepStatus(StrEnum):
    NORMAL = "normal"
    DUE_SOON = "due_soon"  # in its last 25 % of time
    OVERDUE = "overdue"  # open after its deadline
    DONE = "done"
    DONE_LATE = "done_late"  # finished after its deadline (a breach)

    @property
    def label(self) -> str:
        return {
            "normal": "正常", "due_soon": "即将到期", "overdue": "已超时",
            "done": "已完成", "done_late": "超时完成",
        }[self.value]


DUE_SOON_FRACTION = 0.75  # DESIGN §4.4: due soon in the last 25 % of the time


def step_status(step: StepRecord, now: datetime) -> StepStatus:
    """Status of a step at `now`. "Overdue" means strictly after the deadline."""
    if not step.is_open:
        late = step.breach or (
            step.deadline is not None
            and step.finished_at is not None
            and step.finished_at > step.deadline
        )
        return StepStatus.DONE_LATE if late else StepStatus.DONE
    return open_status(step.due_since, step.deadline, now)


def open_status(due_since: datetime | None, deadline: datetime | None,
                now: datetime) -> StepStatus:
    """An open step's status from its time window (the case list has only the window):
    overdue strictly after the deadline, due soon in the last 25 % of the time."""
    if deadline is None:
        return StepStatus.NORMAL
    if now > deadline:
        return StepStatus.OVERDUE
    if due_since is None:
        return StepStatus.NORMAL
    total = (deadline - due_since).total_seconds()
    elapsed = (now - due_since).total_seconds()
    if total <= 0 or elapsed >= DUE_SOON_FRACTION * total:
        return StepStatus.DUE_SOON
    return StepStatus.NORMAL


def overdue_steps(case: Case, now: datetime) -> list[StepRecord]:
    """The case's open steps that are past their deadline at `now`."""
    return [s for s in case.steps if s.is_open and step_status(s, now) is StepStatus.OVERDUE]
