"""The alerts a workflow action sends (DESIGN §4.5), as handlers of the case's domain events
(services/messagebus.py lists them), written in the action's own transaction:

- a step finished → its alerts and reminders are settled (marked read for everyone);
- a step opened (or was handed to another holder) → "a step becomes yours", to its holders;
- 重要/重大 set at registration, at step 1 or raised later → the department head and the GM
  (000 二(二)3), once per severity;
- a notice of the workflow (部门自查 done, a solution awaiting approval, 不满意 …) → its
  recipients, not the person who acted;
- a deadline breach → the assessors: a slip was proposed and waits in the 过失单 list;
- the step that issues the case's slips → each issued slip waits on its employee;
- a slip changed by a slip use case (issued, signed, acknowledged, appealed, its appeal
  reviewed or decided …: any slip event) → whoever it now waits on (`slip_alerts`). A
  slip changed by its case's workflow action is told of by the case's events instead.

The keys are those of earlier versions (an alert is sent once per person and key). An
absent person's step alerts go to their delegate too (`with_delegates`). The reminder scan
(services/alerts.py) shares `with_delegates`.
"""

from __future__ import annotations

from datetime import datetime

from ...domain import alerts as D
from ...domain import steps as S
from ...domain.alerts import AlertKind, NewAlert, OpenedStep
from ...domain.events import (
    CaseSlipsIssued,
    Classified,
    DeadlineBreached,
    NoticeRaised,
    SlipEvent,
    StepFinished,
    StepOpened,
)
from ...domain.records import FaultSlip, Role, Severity, SlipStatus
from ...storage.uow import UnitOfWork
from .context import Context, case_of

_STEP_KINDS = frozenset({AlertKind.STEP, AlertKind.HALF, AlertKind.THREE_QUARTERS,
                         AlertKind.DEADLINE})
_SEVERE = (Severity.IMPORTANT, Severity.MAJOR)


def _send(uow: UnitOfWork, alerts: list[NewAlert], now: datetime) -> None:
    """Write the alerts (and their delegates' copies); those sent before are skipped."""
    if alerts:
        uow.alerts.add_many(with_delegates(uow, alerts, now), now, count=False)


# ---- the handlers ----------------------------------------------------------------------------
def settle_finished_step(event: StepFinished, uow: UnitOfWork, ctx: Context) -> None:
    """The step is done: its "step becomes yours" alert and reminders are settled."""
    if event.case_id is not None:
        uow.alerts.settle_step(event.case_id, event.seq, event.at)


def alert_step_holders(event: StepOpened, uow: UnitOfWork, ctx: Context) -> None:
    """"A step becomes yours": to the holders of the step the action opened (or handed
    over), not to whoever opened it for themselves. A step no longer open when the action
    ended is not alerted."""
    case = case_of(uow, event.case_id)
    if case is None or case.id is None:
        return
    step = next((s for s in reversed(case.steps)
                 if s.step_key == event.step_key and s.is_open), None)
    if step is None:
        return
    opened = OpenedStep(event.step_key, step.seq, event.due_since or step.due_since,
                        step.deadline, event.to_user_ids)
    actor = event.by.id if event.by is not None else None
    _send(uow, D.step_alerts(case.id, case.number, case.flow.value, [opened],
                             case.department_id, case.supervisor_user_id, actor,
                             uow.people.users(False), ctx.tz_name), event.at)


def alert_severity(event: Classified, uow: UnitOfWork, ctx: Context) -> None:
    """重要/重大: the department head and the GM, once per severity (a raise from 重要 to 重大
    is told again, DESIGN §4.8)."""
    case = case_of(uow, event.case_id)
    if case is None or case.id is None or case.severity not in _SEVERE:
        return
    actor = event.by.id if event.by is not None else None
    _send(uow, D.severity_alerts(case.id, case.number, case.severity, case.department_id,
                                 actor, uow.people.users(False), event.at), event.at)


def alert_notice(event: NoticeRaised, uow: UnitOfWork, ctx: Context) -> None:
    """A notice of the workflow, to its recipients: the users named, or the holders of its
    roles (in its department when it names one). The 重要/重大 notice is the severity
    alert's (`alert_severity`), not also a plain notice."""
    if event.severity is not None:
        return
    case = case_of(uow, event.case_id)
    if case is None or case.id is None:
        return
    actor = event.by.id if event.by is not None else None
    dept = event.detail.get("department_id", event.department_id)
    to = {u.id for u in uow.people.users(False) if u.id is not None and (
        u.id in event.to_user_ids or (any(u.has(r) for r in event.to_roles)
                                      and (dept is None or event.department_id is None
                                           or u.department_id == dept)))}
    text = f"{case.number}：{event.reason or '通知'}。"
    key = f"notice:{case.id}:{len(case.steps)}:{event.ordinal}"
    _send(uow, [NewAlert(p, AlertKind.NOTICE, text, f"case:{case.id}", key, event.at)
                for p in sorted(to) if p != actor], event.at)


def alert_breach(event: DeadlineBreached, uow: UnitOfWork, ctx: Context) -> None:
    """A deadline breach proposed a slip (accountability.propose_breach, before this): it
    waits in the assessors' 过失单 list. Only when the step's holder is an employee on file
    (else nobody is held to account)."""
    if event.holder_user_id is None:
        return
    case = case_of(uow, event.case_id)
    if case is None or case.id is None:
        return
    users = uow.people.users()
    if not any(u.id == event.holder_user_id and u.employee_id is not None for u in users):
        return
    text = (f"{case.number}「{S.step_title(event.step_key)}」超时完成，"
            "已拟开具过失单，请在过失单列表中处理。")
    key = f"breach:{case.id}:{event.step_key}:{len(case.steps)}"
    _send(uow, [NewAlert(u.id, AlertKind.SLIP, text, f"case:{case.id}", key, event.at)
                for u in users if u.id is not None and u.active and u.has(Role.ASSESSOR)],
          event.at)


def alert_issued_slips(event: CaseSlipsIssued, uow: UnitOfWork, ctx: Context) -> None:
    """The slips the step issued wait on their employees (责任人签字确认)."""
    for sid in event.slip_ids:
        slip = uow.slips.get(sid)
        if slip is not None:
            slip_alerts(uow, slip, event.by.id, event.at)


def alert_slip_waiting(event: SlipEvent, uow: UnitOfWork, ctx: Context) -> None:
    """A slip changed: whoever it now waits on is told (`slip_alerts`), after the slip was
    saved, in the same transaction. Not when its case was changed in this unit of work:
    then the case's workflow action changed the slip (issued at step 5, signed, approved at
    step 8, enforced at step 9, a reward issued at step 7), and the case's own events tell
    of it — CaseSlipsIssued: each issued slip waits on its employee; the next step's
    holders get the step alert (a case's own slips wait on the case's steps)."""
    if event.slip_id is None or (event.case_id is not None
                                 and uow.seen.case(event.case_id) is not None):
        return
    slip = uow.slips.get(event.slip_id)
    if slip is not None:
        slip_alerts(uow, slip, event.by_user_id, event.at)


# ---- shared with the reminder scan -------------------------------------------------------
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
