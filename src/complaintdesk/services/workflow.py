"""Use cases of the workflow (DESIGN §4): what a user may do on a case, doing it, 我的待办.

One action = one transaction: load the case, check the version the user saw, prepare the
slips the action issues or decides, let the domain engine decide and record, hand the
events the case raised to the message bus (slips, alerts, notices: services/messagebus.py),
save, audit."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from ..domain.events import audit_entry
from ..domain.masking import mask_mobile
from ..domain.query import CaseListRow
from ..domain.records import Case, Role, User
from ..domain.workflow import (
    ActionSpec,
    Delegation,
    WorkflowError,
    WorkflowSettings,
    available_actions,
    flow_for,
    perform,
)
from ..domain.workflow.permissions import Holder
from ..domain.workflow.tasks import task_filters
from ..storage.uow import UnitOfWork
from .base import ServiceBase
from .data_access import rows_for
from .errors import ConflictError, NotFound, ServiceError
from .handlers.accountability import prepare_action
from .settings import workflow_settings


@dataclass(frozen=True, slots=True)
class TaskRow:
    row: CaseListRow
    state: str  # "normal" / "due_soon" / "overdue"
    on_behalf_of_user_id: int | None = None


def due_state(due_since: datetime | None, deadline: datetime | None, now: datetime) -> str:
    """DESIGN §4.4: due soon in the last 25 % of the step's time, overdue after it."""
    if deadline is None:
        return "normal"
    if now > deadline:
        return "overdue"
    if due_since is not None and now >= deadline - (deadline - due_since) / 4:
        return "due_soon"
    return "normal"


def step_data_json(data: Mapping[str, Any]) -> dict[str, Any]:
    """Step data as stored: datetimes as ISO text (JSON columns hold plain values)."""
    out: dict[str, Any] = {}
    for k, v in data.items():
        out[k] = v.isoformat() if isinstance(v, datetime) else v
    return out


class WorkflowService(ServiceBase):
    def _delegations(self, uow: UnitOfWork, now: datetime) -> list[Delegation]:
        out = []
        for d in uow.people.delegations(now):
            out.append(Delegation(d.absent_user_id, d.delegate_user_id, d.start, d.end,
                                  absent_user=uow.people.user(d.absent_user_id)))
        return out

    def settings(self) -> WorkflowSettings:
        with self.uow(readonly=True) as uow:
            return workflow_settings(uow, self.tz_name)

    def actions(self, actor: User, case_id: int) -> list[ActionSpec]:
        now = self.clock.now()
        with self.uow(readonly=True) as uow:
            case = uow.cases.get(case_id)
            if case is None:
                raise NotFound("找不到该案件")
            return available_actions(case, actor, now, self._delegations(uow, now),
                                     workflow_settings(uow, self.tz_name))

    def act(self, actor: User, case_id: int, action_key: str, data: Mapping[str, Any],
            expected_version: int | None = None) -> Case:
        """Take an action on the case's open step. `expected_version` is the version the
        user's screen shows: if someone acted since, the answer is "已被他人处理"."""
        now = self.clock.now()
        with self.uow() as uow:
            case = uow.cases.get(case_id)
            if case is None:
                raise NotFound("找不到该案件")
            if expected_version is not None and case.version != expected_version:
                raise ConflictError()
            before = {"step": case.current_step, "status": case.status.value,
                      "version": case.version}
            settings = workflow_settings(uow, self.tz_name)
            values = prepare_action(uow, actor, case, action_key, dict(data), now,
                                    self.bus.context)
            try:
                result = perform(case, action_key, actor, step_data_json(values), now, settings,
                                 self._delegations(uow, now))
            except WorkflowError as exc:
                raise ServiceError(exc.message_zh, field=exc.field, fields=exc.fields) from exc
            # what follows from the action (services/messagebus.py): the slips proposed,
            # the alerts, the notices — before the next step is assigned and the audit entry
            self.bus.handle(uow, case)
            if case.open_step is not None and case.open_step.assignee_user_id is None:
                assign_role_step(uow, case, now)
            uow.cases.save(case)
            self.audit(uow, actor, f"action:{action_key}", "case", case.number, before, {
                "step": case.current_step, "status": case.status.value, "data": values,
                "events": [audit_entry(e) for e in result.events],
            })
            uow.commit()
        return case

    def approval_tasks(self, actor: User) -> list[TaskRow]:
        """重要/重大 solutions awaiting this user's approval (DESIGN §4.8: a sub-task of
        step 3 held by the approver): the GM's, and a department head's for his department."""
        now = self.clock.now()
        asks: list[tuple[str, int | None]] = []
        if actor.has(Role.GENERAL_MANAGER):
            asks.append((Role.GENERAL_MANAGER.value, None))
        if actor.has(Role.DEPT_HEAD) and actor.department_id is not None:
            asks.append((Role.DEPT_HEAD.value, actor.department_id))
        out = []
        with self.uow(readonly=True) as uow:
            hours = workflow_settings(uow, self.tz_name).approval_hours
            for role, dept in asks:
                for row, due in uow.contacts.approval_task_rows(role, dept):
                    since = due - timedelta(hours=hours) if due else None
                    out.append(TaskRow(row, due_state(since, due, now)))
        return out

    def my_tasks(self, actor: User) -> list[TaskRow]:
        """Steps this user — or someone they stand in for — must act on, soonest first."""
        now = self.clock.now()
        with self.uow(readonly=True) as uow:
            absent = [d.absent_user for d in self._delegations(uow, now)
                      if d.delegate_user_id == actor.id and d.absent_user is not None]
            filters = task_filters(actor, absent)
            rows = uow.cases.task_rows(filters)
            rows = rows_for(uow, actor, rows)  # numbers masked as in the case list
        return [TaskRow(r, due_state(r.current_due_since, r.current_deadline, now)) for r in rows]


def _masked(r: CaseListRow) -> CaseListRow:
    """A row with its mobile masked (for callers that decided the viewer does not handle the
    case; the rule itself is data_access.rows_for / domain.masking)."""
    return r.replace(phone=mask_mobile(r.phone))


def assign_role_step(uow: UnitOfWork, case: Case, now: datetime) -> None:
    """DESIGN §4.8: a role step (cs_center, assessor) nobody on the case held before goes to
    the least loaded active holder of the role (fewest open steps held); anyone of the
    role may still take it over. One grouped count over the open steps of the role's
    holders — not over the cases."""
    step = case.open_step
    if step is None:
        return
    flow = flow_for(case.flow)
    sdef = flow.steps[step.step_key]
    if {w.holder for w in sdef.who} != {Holder.ROLE}:
        return
    roles = {r for w in sdef.who for r in w.roles}
    if Role.GENERAL_MANAGER in roles or len(roles) != 1:
        return  # the GM is one person; "cs_center or assessor" (step 1) stays with both
    holders = [u.id for u in uow.people.users() if u.active and u.id is not None
               and any(u.has(r) for r in roles)]
    if not holders:
        return
    load = uow.cases.open_steps_held(holders)
    step.assignee_user_id = min(holders, key=lambda uid: (load.get(uid, 0), uid))
