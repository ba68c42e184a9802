"""The workflow's notices in the audit log (DESIGN §4.5): every notice the engine raises
(部门自查 finished at step 4; a 重要/重大 classification; a solution awaiting approval,
approved or sent back; 不满意 at a revisit; an internal complaint passed on …) is recorded
as an audit entry "notify", in the transaction of the action — who was to be told
(users, or roles narrowed to a department) and why. The alerts of the same notices are
handlers/alerts.py's; services/messagebus.py lists both.
"""

from __future__ import annotations

from datetime import datetime

from ...domain.events import NoticeRaised
from ...storage.uow import UnitOfWork
from .context import Context, case_of


def record_notice(event: NoticeRaised, uow: UnitOfWork, ctx: Context) -> None:
    """The audit entry "notify" of one notice (the alerts' source, kept as before). A
    notice of the registration (a 重要/重大 部门自查 report) has none: the registration's
    own entry lists it."""
    if event.at_registration:
        return
    case = case_of(uow, event.case_id)
    if case is None:
        return
    detail = {"reason": event.reason,
              **({"severity": event.severity.value} if event.severity is not None else {}),
              **event.detail}
    by = event.by
    uow.audit.append(
        at=event.at, user_id=by.id if by is not None else None,
        user_name=by.display_name if by is not None else "", action="notify",
        entity="case", entity_id=case.number,
        after={"reason": event.reason, "to_user_ids": list(event.to_user_ids),
               "to_roles": [r.value for r in event.to_roles],
               "department_id": event.department_id,
               "detail": {k: (v.isoformat() if isinstance(v, datetime) else v)
                          for k, v in detail.items()}})
