"""The weekly summary as a task (seed 003 一.8, 二.7; DESIGN §4.1).

Every Monday the assessor has a task, due that day (23:59:59 local), to send last week's
summary to the general manager; the GM acknowledges it (已阅) in the app. The record keeps
when it was sent and read, and by whom. The summary itself is ReportService.
weekly_summary; the PDF as it stood when sent is kept with the record (issue 14), so the GM
reads what was sent, not a summary recomputed after later changes.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from ..domain.clock import utc
from ..domain.records import Role, User
from ..domain.weekly import week_start_of
from .base import ServiceBase
from .errors import PermissionDenied, ServiceError
from .workflow import due_state


@dataclass(frozen=True, slots=True)
class WeeklyTask:
    """One weekly-summary task in 我的待办."""

    week_start: date  # the Monday of the week summarised
    action: str  # "send" (the assessor's) or "acknowledge" (the GM's)
    label: str  # as 我的待办 shows it
    due: datetime | None  # aware UTC; None for the GM's 已阅 (no deadline)
    state: str  # "normal" / "due_soon" / "overdue"
    sent_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class WeeklyRecord:
    week_start: date
    sent_at: datetime | None
    sent_by_user_id: int | None
    read_at: datetime | None
    read_by_user_id: int | None
    pdf_sha256: str | None = None


# renders the week's summary PDF for a person (PrintService.weekly_summary_pdf)
Renderer = Callable[[User, date], bytes]


class WeeklyTaskService(ServiceBase):
    render: Renderer | None = None  # set by the container; None: no copy is kept

    def _monday_due(self, monday: date) -> tuple[datetime, datetime]:
        opens = datetime.combine(monday, time(0, 0), tzinfo=self.tz)
        due = datetime.combine(monday, time(23, 59, 59), tzinfo=self.tz)
        return utc(opens), utc(due)

    def tasks(self, actor: User) -> list[WeeklyTask]:
        """The assessor: last week's summary, from this Monday until sent. The GM: every
        sent summary not yet read."""
        now = self.clock.now()
        out: list[WeeklyTask] = []
        this_monday = week_start_of(now.astimezone(self.tz).date())
        last_week = this_monday - timedelta(days=7)
        with self.uow(readonly=True) as uow:
            if actor.has(Role.ASSESSOR):
                rec = uow.weekly.get(last_week)
                if rec is None or rec["sent_at"] is None:
                    opens, due = self._monday_due(this_monday)
                    out.append(WeeklyTask(
                        last_week, "send", f"发送上周投诉汇总（{_week_label(last_week)}）给总经理",
                        due, due_state(opens, due, now)))
            if actor.has(Role.GENERAL_MANAGER):
                for week in uow.weekly.unread():
                    rec = uow.weekly.get(week) or {}
                    out.append(WeeklyTask(week, "acknowledge",
                                          f"阅知周投诉汇总（{_week_label(week)}）", None,
                                          "normal", rec.get("sent_at")))
        return out

    def send(self, actor: User, week_start: date) -> WeeklyRecord:
        """The assessor sends the week's summary to the GM (records when and who)."""
        self.require(actor, Role.ASSESSOR, what="发送周投诉汇总")
        if week_start.weekday() != 0:
            raise ServiceError("「周开始日期」必须是星期一。", field="week_start")
        now = self.clock.now()
        if week_start + timedelta(days=7) > now.astimezone(self.tz).date():
            raise ServiceError("该周尚未结束，不能发送周汇总。", field="week_start")
        pdf = self.render(actor, week_start) if self.render is not None else None
        digest = hashlib.sha256(pdf).hexdigest() if pdf is not None else None
        with self.uow() as uow:
            before = uow.weekly.get(week_start)
            uow.weekly.mark_sent(week_start, actor.id, now, pdf, digest)
            self.audit(uow, actor, "weekly:send", "weekly_summary", week_start.isoformat(),
                       _jsonable(before), {"sent_at": now.isoformat(), "pdf_sha256": digest})
            uow.commit()
        return self.record(week_start)

    def acknowledge(self, actor: User, week_start: date) -> WeeklyRecord:
        """The GM marks the summary 已阅."""
        if not actor.has(Role.GENERAL_MANAGER):
            raise PermissionDenied("只有总经理可以阅知（已阅）周投诉汇总。")
        now = self.clock.now()
        with self.uow() as uow:
            rec = uow.weekly.get(week_start)
            if rec is None or rec["sent_at"] is None:
                raise ServiceError("该周汇总尚未由考核主管发送，不能标记已阅。",
                                   field="week_start")
            if rec["read_at"] is not None:
                raise ServiceError("该周汇总已经标记为已阅。", field="week_start")
            uow.weekly.mark_read(week_start, actor.id, now)
            self.audit(uow, actor, "weekly:read", "weekly_summary", week_start.isoformat(),
                       _jsonable(rec), {"read_at": now.isoformat()})
            uow.commit()
        return self.record(week_start)

    def record(self, week_start: date) -> WeeklyRecord:
        with self.uow(readonly=True) as uow:
            rec = uow.weekly.get(week_start) or {}
            copy = uow.weekly.sent_copy(week_start)
        return WeeklyRecord(week_start, rec.get("sent_at"), rec.get("sent_by_user_id"),
                            rec.get("read_at"), rec.get("read_by_user_id"),
                            copy[1] if copy else None)

    def sent_copy(self, actor: User, week_start: date) -> bytes:
        """The summary PDF as the assessor sent it (the GM's 已阅 is of this copy)."""
        if not (actor.has(Role.GENERAL_MANAGER) or actor.has(Role.ASSESSOR)):
            raise PermissionDenied("只有总经理和考核主管可以查看已发送的周投诉汇总。")
        with self.uow(readonly=True) as uow:
            copy = uow.weekly.sent_copy(week_start)
        if copy is None:
            raise ServiceError("该周汇总发送时未保存副本（本版本之前发送），请在“统计”中重新生成周报。",
                               field="week_start")
        return copy[0]


def _week_label(monday: date) -> str:
    end = monday + timedelta(days=6)
    return f"{monday:%Y-%m-%d}至{end:%m-%d}"


def _jsonable(rec: dict[str, object] | None) -> dict[str, object] | None:
    if rec is None:
        return None
    return {k: (v.isoformat() if isinstance(v, datetime | date) else v) for k, v in rec.items()}
