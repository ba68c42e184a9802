"""Alerts and reminders (DESIGN §4.5): the 提醒 list's use cases, the reminder scan, and the
event alerts written in the transaction of the step change.

Other use cases send an alert with `AlertService.notify(person_id, kind, text, ref, key)`
(or `event_alerts`/`notify_in` inside their own unit of work).
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from datetime import datetime, timedelta

from ..domain import alerts as D
from ..domain import steps as S
from ..domain.alerts import Alert, AlertKind, NewAlert, StepOpened
from ..domain.records import Case, FaultSlip, Role, SlipStatus, User
from ..domain.workflow import WorkflowEvent
from ..storage.uow import UnitOfWork
from .base import ServiceBase
from .errors import ServiceError
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
ISSUE_ACTIONS = frozenset({"issue_slips", "ic_review", "rw_investigate"})
SEVERITY_ACTIONS = frozenset({"register", "forward", "classify"})  # 自查 sets it at intake


def _opened(events: Sequence[WorkflowEvent], case: Case) -> list[StepOpened]:
    seqs = {s.step_key: s.seq for s in case.steps if s.is_open}
    out = []
    for e in events:
        if e.kind != "step_opened" or e.step_key not in seqs:
            continue
        d = e.detail
        due = d.get("due_since")
        step = next(s for s in reversed(case.steps) if s.step_key == e.step_key and s.is_open)
        out.append(StepOpened(e.step_key, seqs[e.step_key],
                              due if isinstance(due, datetime) else step.due_since,
                              step.deadline, e.to_user_ids))
    return out


def event_alerts(uow: UnitOfWork, actor: User, case: Case, action_key: str,
                 events: Sequence[WorkflowEvent], now: datetime, tz: str) -> int:
    """The alerts a workflow action sends, written in its own transaction (call after the
    case was saved, so that it has its id): each step that became someone's, 重要/重大 at
    step 1 (or raised later), and the engine's notices (部门自查 done, 不满意 …). Returns
    how many were meant (those sent before are skipped, not counted apart)."""
    if case.id is None:
        return 0
    finished = {e.step_key for e in events if e.kind == "step_finished"}
    for st in case.steps:  # the steps this action finished: their alerts are settled
        if st.step_key in finished and st.finished_at == now:
            uow.alerts.settle_step(case.id, st.seq, now)
    users = uow.people.users(False)
    new: list[NewAlert] = D.step_alerts(
        case.id, case.number, case.flow.value, _opened(events, case), case.department_id,
        case.supervisor_user_id, actor.id, users, tz)
    # the engine's own 重要/重大 notices (serious_alerts: step 1, a raise, a 重大 self-report)
    # come out as the one SEVERE alert each, not also as a plain notice
    serious = [e for e in events if e.kind == "notify" and "severity" in e.detail]
    severe_now = action_key in SEVERITY_ACTIONS or bool(serious) \
        or any(e.kind == "classified" for e in events)
    if severe_now:
        new += D.severity_alerts(case.id, case.number, case.severity, case.department_id,
                                 actor.id, users, now)
    for i, e in enumerate(events):
        if e.kind != "notify" or e in serious:
            continue
        reason = str(e.detail.get("reason") or "通知")
        dept = e.detail.get("department_id", e.department_id)
        to = {u.id for u in users if u.id is not None and (
            u.id in e.to_user_ids or (any(u.has(r) for r in e.to_roles)
                                      and (dept is None or e.department_id is None
                                           or u.department_id == dept)))}
        text = f"{case.number}：{reason}。"
        key = f"notice:{case.id}:{len(case.steps)}:{i}"
        new += [NewAlert(p, AlertKind.NOTICE, text, f"case:{case.id}", key, now)
                for p in sorted(to) if p != actor.id]
    new += breach_alerts(uow, case, events, now)
    uow.alerts.add_many(with_delegates(uow, new, now), now, count=False)
    n = len(new)
    if action_key in ISSUE_ACTIONS:  # the slips the step issued wait on their employees
        done = next((s for s in reversed(case.steps) if not s.is_open
                     and isinstance(s.data.get("slip_ids"), list)), None)
        for sid in done.data["slip_ids"] if done is not None else []:
            slip = uow.slips.get(int(sid))
            if slip is not None:
                n += slip_alerts(uow, slip, actor.id, now)
    return n


_STEP_KINDS = frozenset({AlertKind.STEP, AlertKind.HALF, AlertKind.THREE_QUARTERS,
                         AlertKind.DEADLINE})


def with_delegates(uow: UnitOfWork, alerts: list[NewAlert], now: datetime) -> list[NewAlert]:
    """An absent person's step alerts go to their delegate too (DESIGN §3: the delegate sees
    and acts on the absent user's steps), marked 代 X."""
    if not alerts:
        return alerts
    active = uow.alerts.active_delegations(now)
    if not active:
        return alerts
    names = {u.id: u.display_name for u in uow.people.users()}
    out = list(alerts)
    for a in alerts:
        if a.kind not in _STEP_KINDS:
            continue
        for absent, delegate in active:
            if absent == a.person_id and delegate != a.person_id:
                out.append(NewAlert(delegate, a.kind,
                                    f"（代 {names.get(a.person_id, '')}）{a.text}", a.ref,
                                    a.key, a.send_at))
    return out


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


def slip_alerts(uow: UnitOfWork, slip: FaultSlip, actor_id: int | None, now: datetime) -> int:
    """"A slip or appeal waiting on you" (DESIGN §4.5), once per state of the slip:
    issued → its employee signs it (责任人签字确认); a breach slip issued outside a flow →
    the GM signs it, then the assessor enforces it; an appeal filed → the assessor reviews
    it; reviewed → the GM decides it; decided → the employee is told. A case's own slips
    wait on the case's steps, whose holders get the step alerts."""
    if slip.id is None:
        return 0
    users = uow.people.users(False)
    number = slip.number or f"#{slip.id}"
    kind_label = "奖励单" if slip.is_reward else "处罚单" if number.startswith("CF") else "过失单"
    own = [u.id for u in users if u.id is not None and u.employee_id is not None
           and u.employee_id == slip.employee_id]
    assessors = [u.id for u in users if u.id is not None and u.has(Role.ASSESSOR)]
    gms = [u.id for u in users if u.id is not None and u.has(Role.GENERAL_MANAGER)]
    appeal = slip.appeal or {}
    plan: list[tuple[list[int], AlertKind, str, str]] = []
    st = slip.status
    if st is SlipStatus.ISSUED:
        if slip.acknowledged_at is None:
            plan.append((own, AlertKind.SLIP, "ack",
                         f"您有一张{kind_label} {number}，请查看并签字确认。"))
        if slip.from_breach:
            plan.append((gms, AlertKind.SLIP, "approve", f"{kind_label} {number}（超时）待您签批。"))
    elif st is SlipStatus.APPROVED and slip.from_breach:
        plan.append((assessors, AlertKind.SLIP, "enforce", f"{kind_label} {number} 已签批，待执行。"))
    elif st is SlipStatus.APPEALED and not appeal.get("review"):
        plan.append((assessors, AlertKind.APPEAL, "review", f"{kind_label} {number} 有新的申诉，待复核。"))
    elif st is SlipStatus.APPEALED:
        plan.append((gms, AlertKind.APPEAL, "decide", f"{kind_label} {number} 的申诉已复核，待您裁决。"))
    elif appeal.get("decision"):
        plan.append((own, AlertKind.APPEAL, "decided", f"您对{kind_label} {number} 的申诉已有裁决结果。"))
    new = [NewAlert(p, kind, text, f"slip:{slip.id}", f"slip:{slip.id}:{stage}", now)
           for people, kind, stage, text in plan for p in people if p != actor_id]
    return uow.alerts.add_many(new, now)


def breach_alerts(uow: UnitOfWork, case: Case, events: Sequence[WorkflowEvent],
                  now: datetime) -> list[NewAlert]:
    """A deadline breach proposes a slip that waits in the assessor's 过失单 list."""
    out: list[NewAlert] = []
    breaches = [e for e in events if e.kind == "breach" and e.user_id is not None]
    if not breaches or case.id is None:
        return out
    users = uow.people.users()
    employees = {u.id for u in users if u.employee_id is not None}
    breaches = [e for e in breaches if e.user_id in employees]  # else no slip is proposed
    assessors = [u.id for u in users if u.id is not None and u.active
                 and u.has(Role.ASSESSOR)]
    for e in breaches:
        text = (f"{case.number}「{S.step_title(e.step_key)}」超时完成，"
                "已拟开具过失单，请在过失单列表中处理。")
        key = f"breach:{case.id}:{e.step_key}:{len(case.steps)}"
        out += [NewAlert(p, AlertKind.SLIP, text, f"case:{case.id}", key, now) for p in assessors]
    return out
