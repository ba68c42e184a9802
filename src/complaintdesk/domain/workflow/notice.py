"""Telling the customer the company's decision (处理意见告知, seed 003 一.12).

3–5 days after receipt the customer must have been told the handling decision and asked
for their opinion. A revisit, or a contact-log entry of the kind 处理意见告知, in that window
counts; otherwise a 处理意见告知 task falls due for cs_center at the end of day 5. Days are
counted from receipt, as local calendar days (a product default: the seed does not say
from when): receipt on the 2nd → the window opens at 00:00 on the 5th, ends 23:59:59 on the
7th.
"""

from __future__ import annotations

from datetime import datetime, time, timedelta

from ..clock import utc
from ..records import NOTICE_KIND, Case, ContactEntry, FeedbackKind, FlowKind
from .deadlines import WorkflowSettings


def notice_window(receipt: datetime, settings: WorkflowSettings) -> tuple[datetime, datetime]:
    """(window opens, task due) for a complaint received at `receipt` (aware UTC)."""
    day0 = utc(receipt).astimezone(settings.zone).date()
    start = day0 + timedelta(days=settings.notice_from_day)
    end = day0 + timedelta(days=settings.notice_by_day)
    opens = datetime.combine(start, time(0, 0), tzinfo=settings.zone)
    due = datetime.combine(end, time(23, 59, 59), tzinfo=settings.zone)
    return utc(opens), utc(due)


def needs_notice(case: Case) -> bool:
    """Customer complaints only (a suggestion or praise has no decision to tell)."""
    return case.flow is FlowKind.FEEDBACK and case.kind is FeedbackKind.COMPLAINT


def set_notice_window(case: Case, settings: WorkflowSettings) -> None:
    if needs_notice(case):
        receipt = case.intake.complained_at or case.registered_at
        case.notice_from, case.notice_due = notice_window(receipt, settings)


def counts_as_notice(case: Case, when: datetime) -> bool:
    """A revisit or 处理意见告知 contact at `when` tells the customer: from the window's
    opening on (after its end it still does the task, late)."""
    return case.notice_from is not None and utc(when) >= case.notice_from


def record_contact(case: Case, entry: ContactEntry) -> bool:
    """Note a contact-log entry on the case; True when it did the 告知."""
    if entry.kind != NOTICE_KIND or case.notified_at is not None:
        return False
    if counts_as_notice(case, entry.at):
        case.notified_at = utc(entry.at)
        return True
    return False


def record_revisit(case: Case, when: datetime) -> None:
    if case.notified_at is None and counts_as_notice(case, when):
        case.notified_at = utc(when)


def notice_task_open(case: Case, now: datetime) -> bool:
    """The 处理意见告知 task shows from the window's opening until it is done."""
    return (case.notice_from is not None and case.notified_at is None
            and utc(now) >= case.notice_from)


def notice_on_time(case: Case) -> bool | None:
    """None while not done; else whether it was done by the end of day 5."""
    if case.notified_at is None or case.notice_due is None:
        return None
    return case.notified_at <= case.notice_due
