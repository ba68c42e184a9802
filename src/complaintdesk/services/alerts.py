"""Alerts and reminders (DESIGN §4.5): the 提醒 list's use cases and the reminder scan.

The alerts of a workflow action (a step becomes yours, 重要/重大, notices, breaches, the
issued slips) and of a slip use case (whoever the slip now waits on) are handlers on the
message bus, written in the change's transaction (services/handlers/alerts.py). Other use
cases send an alert with `AlertService.notify(person_id, kind, text, ref, key)`.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from datetime import datetime, timedelta

from ..domain import alerts as D
from ..domain.alerts import Alert, AlertKind, NewAlert
from ..domain.records import User
from .base import ServiceBase
from .errors import ServiceError
from .handlers.alerts import with_delegates
from .manufacturer import (
    marked_with_replies,
    milestone_breaches,
    milestone_marks,
    milestone_reminders,
)
from .settings import workflow_settings

log = logging.getLogger(__name__)

SCANNED_KEY = "alerts.scanned_until"  # the reminder scan's watermark (a setting row)
# The first scan of a database reminds of the marks of the last day only: a database that
# had no alerts before would otherwise announce every old overdue step at once.
FIRST_SCAN_LOOKBACK = timedelta(days=1)
# What the stored reminder marks were worked out from (calendar, fractions, time zone): when
# it differs, every open case's mark is worked out again (AlertService.scan).
MARKS_BASIS_KEY = "alerts.marks_basis"


class AlertService(ServiceBase):
    # ---- the person's 提醒 list ---------------------------------------------------------------
    def for_user(self, actor: User, unread_only: bool = False, limit: int = 200) -> list[Alert]:
        """The person's alerts shown by now, newest first."""
        if actor.id is None:
            return []
        with self.uow(readonly=True) as uow:
            return uow.alerts.for_person(actor.id, self.clock.now(), unread_only, limit)

    def unread(self, actor: User, limit: int = 200) -> list[Alert]:
        """Unread alerts, oldest first: what a person who was away sees at login."""
        if actor.id is None:
            return []
        with self.uow(readonly=True) as uow:
            return uow.alerts.for_person(actor.id, self.clock.now(), True, limit,
                                         oldest_first=True)

    def unread_count(self, actor: User) -> int:
        if actor.id is None:
            return 0
        with self.uow(readonly=True) as uow:
            return uow.alerts.unread_count(actor.id, self.clock.now())

    def mark_read(self, actor: User, ids: Sequence[int] | None = None) -> int:
        """Mark the given alerts of the actor read (None: all of theirs shown by now). Nobody
        marks another person's alerts: the person is the actor."""
        if actor.id is None:
            return 0
        with self.uow() as uow:
            n = uow.alerts.mark_read(actor.id, ids, self.clock.now())
            uow.commit()
        return n

    # ---- sending ------------------------------------------------------------------------
    def notify(self, person_id: int, kind: AlertKind | str, text: str, ref: str, key: str,
               send_at: datetime | None = None) -> bool:
        """Send one alert to a person, once per (person, key). Returns whether it was new."""
        try:
            kind = AlertKind(kind)
        except ValueError as exc:
            raise ServiceError(f"提醒类型无效：{kind}。", field="kind") from exc
        if not text.strip():
            raise ServiceError("提醒内容不能为空。", field="text")
        now = self.clock.now()
        with self.uow() as uow:
            n = uow.alerts.add_many([NewAlert(person_id, kind, text.strip(), ref, key,
                                              send_at or now)], now)
            uow.commit()
        return n > 0

    def scan(self) -> int:
        """The time-based reminders due since the last scan (any PC's): 50 %/75 %/deadline of
        each open step, the manufacturer's milestones, the Monday summary. Run at login and
        on the app's timer. Returns how many alerts were written.

        It reads only the cases (and 厂家转办 forwardings) whose stored next mark has come
        or is not known — a case written since has none — and stores the mark after this
        one. When the marks' basis changes (the calendar, the reminder fractions; the first
        scan after the upgrade) every open case's mark is worked out again; an alert already
        sent is not sent twice (its key)."""
        now = self.clock.now()
        with self.uow() as uow:
            raw = uow.settings.get(SCANNED_KEY)
            since = _parse(raw) or now - FIRST_SCAN_LOOKBACK
            if since > now:  # another PC's clock ran ahead: nothing is due before it
                return 0
            calendar = workflow_settings(uow, self.tz_name).calendar
            fractions = _fractions(uow.settings.get("alerts", {}))
            basis = D.marks_basis(calendar, fractions, self.tz_name)
            if uow.settings.get(MARKS_BASIS_KEY) != basis:
                uow.alerts.forget_marks()
                uow.settings.put(MARKS_BASIS_KEY, basis)
            steps, case_ids = uow.alerts.steps_to_mark(now)
            users = uow.people.users(False)
            new = D.due_reminders(steps, users, now, calendar, since, self.tz_name, fractions)
            new += D.weekly_summary_due(now, users, self.tz_name, calendar)
            # the manufacturer's milestones (厂家转办, DESIGN §4.6): 75 % and the deadline
            pending = marked_with_replies(uow, now, D.NO_MARK)
            new += milestone_reminders(uow, since, now, users, calendar, pending)
            new += milestone_breaches(uow, since, now, users, self.tz, pending)  # a breach
            n = uow.alerts.add_many(with_delegates(uow, new, now), now)
            marks = dict.fromkeys(case_ids, D.NO_MARK)  # no open step with a deadline
            for s in steps:
                marks[s.case_id] = min(marks[s.case_id],
                                       D.next_mark(s, now, calendar, fractions))
            uow.alerts.set_marks(marks)
            uow.manufacturer.set_marks(milestone_marks(pending, now, D.NO_MARK))
            uow.settings.put(SCANNED_KEY, now.isoformat())
            uow.commit()
        if n:
            log.info("reminder scan: %d alerts", n)
        return n


def _parse(raw: object) -> datetime | None:
    if not isinstance(raw, str):
        return None
    try:
        value = datetime.fromisoformat(raw)
    except ValueError:
        return None
    return value if value.tzinfo is not None else None


def _fractions(raw: object) -> tuple[float, ...]:
    """settings["alerts"]["reminders"]: the marks, e.g. [0.5, 0.75, 1.0] (the default)."""
    if isinstance(raw, dict) and isinstance(raw.get("reminders"), list):
        try:
            values = tuple(float(x) for x in raw["reminders"] if 0 < float(x) <= 1)
        except (TypeError, ValueError):
            values = ()
        if values:
            return values
    return D.DEFAULT_REMINDERS
