"""Who is told what, when the workflow says so — a stub for the alert system (DESIGN §4.5).

The engine's "notify" events (部门自查 finished at step 4; a 重要/重大 solution awaiting
approval, approved or sent back) are recorded here in the audit log, in the transaction of
the action, so nothing is lost before alerts exist. The alerts engineer wires `notify` to
the 提醒 list; its arguments are what an alert needs: the case, the recipients (users, or
roles narrowed to a department) and the reason.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from ..domain.records import Case, Role, User
from ..domain.workflow import WorkflowEvent
from ..storage.uow import UnitOfWork


def notify(uow: UnitOfWork, actor: User, case: Case, *, reason: str,
           to_user_ids: Iterable[int] = (), to_roles: Iterable[Role] = (),
           department_id: int | None = None, detail: dict[str, Any] | None = None,
           now: datetime) -> None:
    """Tell people about the case. Today: an audit entry "notify" (the alerts' source)."""
    uow.audit.append(
        at=now, user_id=actor.id, user_name=actor.display_name, action="notify",
        entity="case", entity_id=case.number,
        after={"reason": reason, "to_user_ids": list(to_user_ids),
               "to_roles": [r.value for r in to_roles], "department_id": department_id,
               "detail": {k: (v.isoformat() if isinstance(v, datetime) else v)
                          for k, v in (detail or {}).items()}})


def notify_events(uow: UnitOfWork, actor: User, case: Case,
                  events: Iterable[WorkflowEvent], now: datetime) -> None:
    """Every "notify" event of a workflow action, through `notify`."""
    for e in events:
        if e.kind == "notify":
            notify(uow, actor, case, reason=str(e.detail.get("reason", "")),
                   to_user_ids=e.to_user_ids, to_roles=e.to_roles,
                   department_id=e.department_id, detail=e.detail, now=now)
