"""Which 考核主管 an internal complaint goes to (DESIGN §3, §4.2; seed 003 二.1–2).

The 行政部's assessor is the company's; another department may have its own 考核主管 (an
assessor user belonging to that department).
- 二.1: the report goes to the reporter's department's own 考核主管; where the department has
  none, to the company's — and the department's head may receive it and pass it on.
- 二.2: a cross-department complaint is forwarded within 1 h to the reported department's
  考核主管, or to the company's where that department has none.

Who has an own assessor is a fact of the people data, not of the case: the service takes a
snapshot (`AssessorMap`) when the complaint is registered and stores it in the report
step's data, so the domain can route without asking the database. A case registered
before this snapshot existed has none: any assessor may then act, as before.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from .. import steps as S
from ..records import ROLE_LABELS, Case, Department, Role, User

ROUTING_KEY = "routing"
# The 行政部: its 考核主管 is the company's (DESIGN §3). Found by its code, else its name.
COMPANY_ASSESSOR_DEPARTMENT = ("XZ", "行政部")


def is_company_department(department: Department) -> bool:
    code, name = COMPANY_ASSESSOR_DEPARTMENT
    return department.code == code or department.name == name


def company_department(departments: Iterable[Department]) -> int | None:
    """The 行政部's id: its 考核主管 is the company's (DESIGN §3)."""
    return next((d.id for d in departments if is_company_department(d)), None)


def role_label(role: Role, department: Department | None) -> str:
    """A role as a person's list names it: an assessor in a department other than 行政部 is
    that department's own 考核主管 (003 二.1–2), e.g. 售后服务部考核主管."""
    if role is Role.ASSESSOR and department is not None \
            and not is_company_department(department):
        return f"{department.name}考核主管"
    return ROLE_LABELS[role]


@dataclass(frozen=True, slots=True)
class AssessorMap:
    """The departments with their own 考核主管, and the company's (行政部) department."""

    company_department_id: int | None
    own_assessor_departments: frozenset[int] = frozenset()
    reporter_department_id: int | None = None

    @classmethod
    def from_users(cls, users: Iterable[User], company_department_id: int | None,
                   reporter_department_id: int | None = None) -> AssessorMap:
        own = {u.department_id for u in users
               if u.active and u.has(Role.ASSESSOR) and u.department_id is not None
               and u.department_id != company_department_id}
        return cls(company_department_id, frozenset(d for d in own if d is not None),
                   reporter_department_id)

    def scope_for(self, department_id: int | None) -> int | None:
        """The department whose own 考核主管 acts for `department_id`; None: the company's."""
        return department_id if department_id in self.own_assessor_departments else None

    @property
    def receiving_scope(self) -> int | None:
        return self.scope_for(self.reporter_department_id)

    def is_company_assessor(self, user: User) -> bool:
        return user.has(Role.ASSESSOR) and (
            user.department_id is None or user.department_id == self.company_department_id
        )

    def in_scope(self, user: User, scope: int | None) -> bool:
        """The company's 考核主管 may always act; a department's own only in its department."""
        if not user.has(Role.ASSESSOR):
            return False
        if self.is_company_assessor(user):
            return True
        return scope is not None and user.department_id == scope

    def to_dict(self) -> dict[str, Any]:
        return {
            "company_department_id": self.company_department_id,
            "own_assessor_departments": sorted(self.own_assessor_departments),
            "reporter_department_id": self.reporter_department_id,
        }

    @classmethod
    def from_dict(cls, data: Any) -> AssessorMap | None:
        if not isinstance(data, dict):
            return None
        own = data.get("own_assessor_departments") or []
        return cls(data.get("company_department_id"),
                   frozenset(int(d) for d in own if isinstance(d, int)),
                   data.get("reporter_department_id"))


def case_routing(case: Case) -> AssessorMap | None:
    """The snapshot stored with the case's report; None for cases registered without one."""
    for s in case.steps:
        if s.step_key == S.IC_REPORT:
            return AssessorMap.from_dict(s.data.get(ROUTING_KEY))
    return None


def needs_forward(routing: AssessorMap | None, reported_department_id: int | None) -> bool:
    """二.2: the reported department's 考核主管 is not the one who received the report."""
    if routing is None or routing.reporter_department_id is None:
        return False
    if reported_department_id == routing.reporter_department_id:
        return False
    return routing.scope_for(reported_department_id) != routing.receiving_scope
