"""Effects of the internal-complaint (§4.2) and rework (§4.3) actions; the flow tables in
flows.py name them by key, the engine looks them up here beside transitions.EFFECTS.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from .. import events as E
from .. import steps as S
from ..records import FlowKind, Role
from . import flows as F
from .deadlines import SAME_DAY, compute_deadline
from .fields import parse_datetime
from .internal_routing import case_routing, needs_forward
from .transitions import Act, _done


def _notify(a: Act, reason: str, roles: tuple[Role, ...], department_id: int | None,
            **detail: object) -> None:
    a.events.append(E.NoticeRaised(
        a.case.id, a.step.step_key, reason, a.user, a.now, to_roles=roles,
        department_id=department_id, detail=dict(detail), ordinal=len(a.events)))


# ---- §4.2 internal complaint -----------------------------------------------------------
def _eff_open_internal(a: Act) -> None:
    """003 二.2: the assessor fills the form, names the reported department (and its
    supervisor); a cross-department complaint goes to that department's 考核主管 next."""
    a.case.department_id = int(a.data["department_id"])
    if a.data.get("supervisor_user_id") is not None:
        a.case.supervisor_user_id = int(a.data["supervisor_user_id"])
    forward = needs_forward(case_routing(a.case), a.case.department_id)
    a.data["cross_department"] = forward
    _done(a, leads_to=S.IC_FORWARD if forward else S.IC_INVESTIGATE)


def _eff_pass_on(a: Act) -> None:
    """003 二.1: a department without its own 考核主管 — its head received the report and
    passes it on to the company's (行政部) 考核主管; the step stays open for them."""
    a.step.data = {**a.step.data, "passed_on_by_user_id": a.user.id,
                   "passed_on_at": a.now.isoformat()}
    routing = case_routing(a.case)
    _notify(a, "部门负责人转交内部投诉", (Role.ASSESSOR,),
            routing.company_department_id if routing else None)


def _eff_forward_internal(a: Act) -> None:
    """003 二.2: forwarded to the reported department's 考核主管 (or the company's)."""
    routing = case_routing(a.case)
    scope = routing.scope_for(a.case.department_id) if routing else None
    a.data["to_department_id"] = scope
    _done(a)
    _notify(a, "跨部门内部投诉转交", (Role.ASSESSOR,),
            scope if scope is not None else (routing.company_department_id if routing else None))


def _eff_tell_reporter(a: Act) -> None:
    """003 二.5: the reporting department's head is told how the complaint was handled."""
    routing = case_routing(a.case)
    dept = routing.reporter_department_id if routing else None
    a.data["notified_department_id"] = dept
    _done(a)
    if dept is not None:
        _notify(a, "内部投诉处理意见", (Role.DEPT_HEAD,), dept,
                evaluation=str(a.data.get("evaluation") or ""))


def _gm_opinion(a: Act) -> str:
    for s in reversed(a.case.steps):
        if s.step_key in (S.IC_APPROVE, S.RW_APPROVE, S.APPROVE) and not s.is_open:
            return "；".join(str(s.data.get(k) or "").strip() for k in ("approval", "instructions")
                            if str(s.data.get(k) or "").strip())
    return ""


def _eff_feed_back(a: Act) -> None:
    """003 二.6 / 三.5: the GM's opinion goes back to the department heads (for a rework
    order: the 维修部经理, the head of the order's department)."""
    opinion = _gm_opinion(a)
    a.data.setdefault("gm_opinion", opinion)
    _done(a)
    departments = [a.case.department_id]
    routing = case_routing(a.case)
    if a.case.flow is FlowKind.INTERNAL and routing is not None \
            and routing.reporter_department_id not in departments:
        departments.append(routing.reporter_department_id)
    for dept in departments:
        if dept is not None:
            _notify(a, "总经理意见反馈", (Role.DEPT_HEAD,), dept, gm_opinion=opinion)


# ---- §4.3 rework -------------------------------------------------------------------------
def _start_clock(a: Act, done: datetime) -> None:
    """DESIGN §4.4: step 1's clock runs from the recorded 竣工 (same day), not from opening."""
    step = a.step
    previous = step.data.get("completed_at")
    corrections = list(step.data.get("completion_corrections") or [])
    if previous and previous != done.isoformat():
        corrections.append({"previous": previous, "by": a.user.id, "at": a.now.isoformat()})
    rule = a.action.extend_to or SAME_DAY
    step.due_since = done
    step.deadline = compute_deadline(rule, done, a.settings)
    step.data = {**step.data, "completed_at": done.isoformat(),
                 **({"completion_corrections": corrections} if corrections else {})}
    a.events.append(E.CompletionRecorded(a.case.id, step.step_key, done, step.deadline,
                                         a.user.id, a.now))


def _eff_record_completion(a: Act) -> None:
    done = parse_datetime(a.data["completed_at"])
    assert done is not None  # checked by COMPLETION_TIME
    _start_clock(a, done)


def _eff_report_completion(a: Act) -> None:
    done = parse_datetime(a.data.get("completed_at"))
    if done is not None:
        _start_clock(a, done)
    a.data["completed_at"] = a.step.data["completed_at"]
    _done(a)


SECONDARY_EFFECTS: dict[str, Callable[[Act], None]] = {
    F.OPEN_INTERNAL: _eff_open_internal,
    F.PASS_ON: _eff_pass_on,
    F.FORWARD_INTERNAL: _eff_forward_internal,
    F.TELL_REPORTER: _eff_tell_reporter,
    F.FEED_BACK: _eff_feed_back,
    F.RECORD_COMPLETION: _eff_record_completion,
    F.REPORT_COMPLETION: _eff_report_completion,
}
