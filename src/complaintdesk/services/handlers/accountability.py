"""What the workflow does to fault slips, in the same transaction as the action (DESIGN §6).

Two kinds of code, both keyed by the flow tables, never by an action's name:
- `prepare_action` runs *before* the engine takes an action whose ActionDef says it issues
  or decides slips (`slips=ISSUE_SLIPS / APPROVE_SLIPS / ISSUE_REWARDS`): what it issues
  goes into the data the engine then checks (slip_ids / no_responsible, slip_decisions);
- the handlers below react to the domain events the case raised (domain/events.py) and
  run after the change, through the message bus (services/messagebus.py lists them).

Customer feedback (§4.1):
- step 5 (开具过失单) opens → one PROPOSED slip per responsible person named at step 4
  (部门负责人签署, possibly amended) or else step 3, penalties from the rules and the
  person's history; the department head's opinion on that person goes on the slip;
- the issue_slips action → every still-proposed slip of the case is issued (GS-YYYYMM-NNNN)
  and its id put in data["slip_ids"]; with none left (nobody named, or every proposal
  作"不予开具" with a reason) the step records no_responsible=True;
- approve (step 8) → the GM decides each issued slip of the case explicitly
  (services/gm_decisions.py: approved, or changed with a reason; none silently);
  enforce (step 9) → they are enforced and enter the ledger.
Praise and rewards: whoever records the praised staff puts their employee ids in the
action's data["praised"] — the forwarder (step 1) or department head (step 2) on a praise
case, or the assessor at evaluation (step 7) when a (major) complaint ends with the
customer praising the handler. Each becomes a PROPOSED reward (奖励单, JL-…), issued at
step 7 and approved/enforced at steps 8/9 with the fault slips.
Internal complaints (§4.2): the investigation's data["responsible"] gives the proposals
(when ic_review opens), ic_review issues them as 处罚单 (CF-…), ic_dept_sign signs them,
ic_approve/ic_enforce as above; an investigation that finds the department as a whole at
fault (data["against_department"]) proposes a department 处罚单 (§4.8). Rework (§4.3): rw_investigate's data["responsible"] gives
and issues the 过失单; rw_review signs; rw_approve/rw_enforce as above.
Every deadline breach → a PROPOSED slip (from_breach) for the employee of the user who
held the step, which the assessor issues or discards from the 过失单 list; breach slips
are never issued in bulk with the case's slips. Step 0's lateness is the receiver's
(受理人, the employee picked at intake), proposed at registration (`after_registration`);
a late 重要/重大 solution approval is the approver's.
Rounds (DESIGN §4.1): a reopened case's step 5 proposes and issues only the slips of its
own round — nothing of an earlier round is carried over, and a round with nobody named is
无责任人 even when an earlier one had slips.
A slip against the assessor who issues the case's slips is never issued by him: step 5
leaves it proposed for the GM (slip_access) and lists it in slip_ids as awaiting.
"""

from __future__ import annotations

from datetime import datetime, tzinfo
from typing import Any

from ...domain import steps as S
from ...domain.events import DeadlineBreached, EnforcementOrdered, SlipsSigned, StepOpened
from ...domain.records import (
    Case,
    FaultSlip,
    FlowKind,
    Responsibility,
    Role,
    SlipStatus,
    StepRecord,
    User,
)
from ...domain.slips import enforce, issued_with_the_case, record_dept_opinion
from ...domain.workflow import action_slips
from ...domain.workflow.flows import APPROVE_SLIPS, ISSUE_REWARDS, ISSUE_SLIPS
from ...storage.uow import UnitOfWork
from ..errors import ServiceError
from ..gm_decisions import apply_gm_decisions
from ..slip_ops import (
    domain_call,
    has_live_slip,
    issue_slip,
    propose_department_fault,
    propose_fault,
    propose_reward_slip,
)
from .context import Context, case_of

# step opened → the earlier steps whose data["responsible"] names the people (latest first)
PROPOSE_ON_OPEN: dict[str, tuple[str, ...]] = {
    S.ISSUE_SLIPS: (S.DEPT_OPINION, S.HANDLE, S.FORWARD),  # FORWARD: the simple path
    S.IC_REVIEW: (S.IC_INVESTIGATE,),
}


def _latest_done(case: Case, key: str, this_round: bool = False) -> StepRecord | None:
    steps = case.rounds()[-1] if this_round else case.steps
    for s in reversed(steps):
        if s.step_key == key and not s.is_open:
            return s
    return None


def _in_round(slip: FaultSlip, since: datetime) -> bool:
    """The slip belongs to the round that began at `since` (proposed in it)."""
    return slip.created_at is None or slip.created_at >= since


def _facts(case: Case, data: dict[str, Any] | None = None) -> str:
    data = data or {}
    for key in ("process", "findings", "review"):
        text = str(data.get(key) or "").strip()
        if text:
            return text
    handle = _latest_done(case, S.HANDLE) or _latest_done(case, S.IC_INVESTIGATE)
    if handle and str(handle.data.get("process") or handle.data.get("findings") or "").strip():
        return str(handle.data.get("process") or handle.data.get("findings")).strip()
    return case.intake.description.strip() or f"案件{case.number}"


# ---- before the engine: what the action's data must carry ----------------------------------
def prepare_action(uow: UnitOfWork, actor: User, case: Case, action_key: str,
                   data: dict[str, Any], now: datetime, ctx: Context) -> dict[str, Any]:
    """Propose the praised staff's rewards; issue or decide the case's slips when the
    action's ActionDef says it does (the flow table's `slips`)."""
    if case.id is None:
        return data
    praised = data.get("praised")
    if isinstance(praised, list) and praised:
        _propose_rewards(uow, case, praised, now)
    what = action_slips(case, action_key)
    if what == ISSUE_SLIPS:
        if isinstance(data.get("responsible"), list) and data["responsible"]:
            _propose_for(uow, actor, case, data["responsible"], _facts(case, data), now,
                         ctx.tz, opinion="")
        return _issue_case(uow, actor, case, data, now, ctx.tz)
    if what == APPROVE_SLIPS and actor.has(Role.GENERAL_MANAGER):
        # the GM decides each slip explicitly (services/gm_decisions.py)
        return apply_gm_decisions(uow, actor, case, data, now)
    if what == ISSUE_REWARDS:
        for s in uow.slips.by_case(case.id):
            if s.is_reward and s.status is SlipStatus.PROPOSED:
                issue_slip(uow, actor, s, case, now, ctx.tz)
    return data


def _issue_case(uow: UnitOfWork, actor: User, case: Case, data: dict[str, Any],
                now: datetime, tz: tzinfo) -> dict[str, Any]:
    assert case.id is not None
    since = case.round_started_at()
    slips = [s for s in uow.slips.by_case(case.id)
             if issued_with_the_case(s) and _in_round(s, since)]
    pending = [s for s in slips if s.status is SlipStatus.PROPOSED]
    own = [s for s in pending
           if actor.employee_id is not None and s.employee_id == actor.employee_id]
    data = dict(data)
    if data.get("no_responsible") is True and pending:
        raise ServiceError(
            f"还有{len(pending)}张拟开具的过失单：请逐张“开具”或作“不予开具”处理后，"
            "再勾选“无责任人”", field="no_responsible")
    for s in pending:
        if s not in own:  # a slip against the issuer himself waits for the 行政部 head or the GM
            issue_slip(uow, actor, s, case, now, tz)
    issued = [s.id for s in slips if s.status is SlipStatus.ISSUED or s in own]
    if own:
        data["awaiting_other_issuer"] = [s.id for s in own]
    if issued:
        data["slip_ids"] = issued
        data["no_responsible"] = False
    else:
        # nobody named, or every proposal discarded with a reason: 无责任人
        data["slip_ids"] = []
        data["no_responsible"] = True
    return data


# ---- after the change: the handlers of the case's events -----------------------------------
def propose_on_open(event: StepOpened, uow: UnitOfWork, ctx: Context) -> None:
    """Step 5 (开具过失单) or ic_review opened: propose the slips of the people named at the
    latest earlier step of this round; ic_review also the department's 处罚单 (§4.8)."""
    if event.step_key not in PROPOSE_ON_OPEN:
        return
    case = case_of(uow, event.case_id)
    if case is None:
        return
    for key in PROPOSE_ON_OPEN[event.step_key]:
        step = _latest_done(case, key, this_round=True)
        if step is not None and isinstance(step.data.get("responsible"), list):
            opinion = str(step.data.get("opinion") or "").strip() \
                if key == S.DEPT_OPINION else ""
            signer = event.by if key == S.DEPT_OPINION else None
            _propose_for(uow, signer, case, step.data["responsible"], _facts(case),
                         event.at, ctx.tz, opinion=opinion)
            break
    if event.step_key == S.IC_REVIEW:
        _propose_department(uow, case, event.at, ctx.tz)


def sign_slips(event: SlipsSigned, uow: UnitOfWork, ctx: Context) -> None:
    """ic_dept_sign / rw_review: the department head's opinion goes on each issued slip."""
    case = case_of(uow, event.case_id)
    if case is None or not event.opinion:
        return
    for s in _case_slips(uow, case, SlipStatus.ISSUED):
        if not s.is_reward:
            domain_call(record_dept_opinion, s, event.by, event.opinion, event.at)
            uow.slips.save(s)


def enforce_slips(event: EnforcementOrdered, uow: UnitOfWork, ctx: Context) -> None:
    """Step 9 (and ic_enforce, rw_enforce): the approved slips take effect (the ledger)."""
    case = case_of(uow, event.case_id)
    if case is None:
        return
    for s in _case_slips(uow, case, SlipStatus.APPROVED):
        domain_call(enforce, s, event.by, event.at)
        uow.slips.save(s)


def propose_breach(event: DeadlineBreached, uow: UnitOfWork, ctx: Context) -> None:
    """Every deadline breach → a PROPOSED slip for the employee who held the step. Step 0
    registered late (DESIGN §4.1): for the receiver (受理人), customer feedback only — an
    internal complaint reported late is recorded on its step, never penalised (§4.8); a
    rework order's opening has no clock."""
    if event.at_registration and event.flow is not FlowKind.FEEDBACK:
        return
    case = case_of(uow, event.case_id)
    if case is None:
        return
    employee = None
    if event.employee_id is not None:  # step 0: the receiver
        employee = uow.people.employee(event.employee_id)
    elif event.holder_user_id is not None:
        user = uow.people.user(event.holder_user_id)
        employee = uow.people.employee(user.employee_id) \
            if user is not None and user.employee_id is not None else None
    if employee is None:
        return  # a user who is not an employee on file: nobody to hold to account
    tz = ctx.tz
    late_h = event.late_seconds / 3600
    when = event.deadline.astimezone(tz).strftime("%Y-%m-%d %H:%M") \
        if isinstance(event.deadline, datetime) else "?"
    what = S.step_title(event.step_key)
    if event.task == "solution_approval":
        what += "·解决方案审批"
    facts = (f"案件{case.number}「{what}」未在时限内完成"
             f"（时限 {when}，超时 {late_h:.1f} 小时）")
    propose_fault(uow, case, employee, None, facts, event.at, tz, breach=True)


# ---- shared ------------------------------------------------------------------------------
def _case_slips(uow: UnitOfWork, case: Case, status: SlipStatus) -> list[FaultSlip]:
    assert case.id is not None
    return [s for s in uow.slips.by_case(case.id) if s.status is status]


def _propose_department(uow: UnitOfWork, case: Case, now: datetime, tz: tzinfo) -> None:
    """DESIGN §4.8: the investigation found the department as a whole at fault — the
    department penalties (部门过失处罚 rules) are proposed as a 处罚单 for it."""
    assert case.id is not None
    step = _latest_done(case, S.IC_INVESTIGATE)
    if step is None or step.data.get("against_department") is not True:
        return
    if any(s.employee_id is None and issued_with_the_case(s)
           and s.status is not SlipStatus.DISCARDED for s in uow.slips.by_case(case.id)):
        return
    propose_department_fault(uow, case, _facts(case), now, tz)


def _propose_for(uow: UnitOfWork, signer: User | None, case: Case, responsible: list[Any],
                 facts: str, now: datetime, tz: tzinfo, opinion: str) -> None:
    assert case.id is not None
    since = case.round_started_at()  # each round names its own people
    existing = [s for s in uow.slips.by_case(case.id) if _in_round(s, since)]
    for entry in responsible:
        if not isinstance(entry, dict) or entry.get("employee_id") is None:
            continue
        employee = uow.people.employee(int(entry["employee_id"]))
        if employee is None or has_live_slip(existing, employee.id or 0, reward=False):
            continue
        raw = entry.get("responsibility") or None
        try:
            responsibility = Responsibility(raw) if raw else None
        except ValueError:
            responsibility = None
        slip = propose_fault(uow, case, employee, responsibility, facts, now, tz)
        existing.append(slip)
        text = str(entry.get("proposal") or "").strip() or opinion
        if signer is not None and text:
            domain_call(record_dept_opinion, slip, signer, text, now)
            uow.slips.save(slip)


def _propose_rewards(uow: UnitOfWork, case: Case, praised: list[Any], now: datetime) -> None:
    assert case.id is not None
    existing = uow.slips.by_case(case.id)
    for raw_id in praised:
        try:
            employee = uow.people.employee(int(raw_id))
        except (TypeError, ValueError):
            employee = None
        if employee is None or has_live_slip(existing, employee.id or 0, reward=True):
            continue
        facts = f"客户表扬：{case.intake.description.strip() or case.number}"
        slip = propose_reward_slip(uow, case, employee, facts, now)
        if slip is not None:
            existing.append(slip)
