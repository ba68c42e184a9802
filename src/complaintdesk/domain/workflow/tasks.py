"""Which open steps a user holds — derived from the flow tables, for 我的待办.

The storage layer turns each TaskFilter into SQL over the cases' current step, so the task
list does not load every open case; the engine still decides, per case, what may be done.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from ..records import Role, User
from .flows import FLOWS
from .permissions import Holder


@dataclass(frozen=True, slots=True)
class TaskFilter:
    step_key: str
    department_id: int | None = None  # only cases of this department
    supervisor_user_id: int | None = None  # only cases handled by this user
    on_behalf_of_user_id: int | None = None  # held for an absent colleague


def task_filters(user: User, absent_users: Sequence[User] = ()) -> list[TaskFilter]:
    """The steps `user` holds in person, and those of the absent users they stand in for."""
    out: list[TaskFilter] = []
    for who_user, behalf in ((user, None), *((a, a.id) for a in absent_users)):
        for flow in FLOWS.values():
            for sdef in flow.steps.values():
                if not sdef.actions:
                    continue
                for w in sdef.who:
                    f = _filter_for(who_user, w.holder, w.roles, sdef.key, behalf)
                    if f is not None and f not in out:
                        out.append(f)
    return out


def _filter_for(user: User, holder: Holder, roles: tuple[Role, ...], key: str,
                behalf: int | None) -> TaskFilter | None:
    match holder:
        case Holder.ROLE if any(user.has(r) for r in roles):
            return TaskFilter(key, on_behalf_of_user_id=behalf)
        case Holder.DEPT_HEAD if user.has(Role.DEPT_HEAD) and user.department_id is not None:
            return TaskFilter(key, department_id=user.department_id, on_behalf_of_user_id=behalf)
        case Holder.DEPT_SUPERVISOR if user.has(Role.SUPERVISOR) and user.department_id:
            return TaskFilter(key, department_id=user.department_id, on_behalf_of_user_id=behalf)
        case Holder.CASE_SUPERVISOR if user.id is not None:
            return TaskFilter(key, supervisor_user_id=user.id, on_behalf_of_user_id=behalf)
        case Holder.REPORT_ASSESSOR | Holder.CASE_ASSESSOR if user.has(Role.ASSESSOR):
            # which assessor's it is depends on the case's routing: the engine decides
            return TaskFilter(key, on_behalf_of_user_id=behalf)
    return None
