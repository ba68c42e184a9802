"""Departments, employees, users and delegations."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import insert, select, update
from sqlmodel import Session

from ..domain.clock import utc
from ..domain.records import DelegationRecord, Department, Employee, User
from .read_models.people import USER_COLUMNS, PeopleLists, user_from_row
from .tables import DelegationRow, DepartmentRow, EmployeeRow, UserRow


@dataclass(frozen=True, slots=True)
class Credentials:
    user_id: int
    password_hash: str
    failed_attempts: int
    locked_until: datetime | None
    active: bool


def _user(r: UserRow) -> User:
    return user_from_row([getattr(r, c) for c in USER_COLUMNS])


class PeopleRepository:
    def __init__(self, session: Session) -> None:
        self._s = session

    # departments
    def departments(self, include_inactive: bool = True) -> list[Department]:
        return PeopleLists(self._s.connection()).departments(include_inactive)

    def save_department(self, d: Department) -> Department:
        if d.id is None:
            d.id = self._s.execute(insert(DepartmentRow).values(name=d.name, code=d.code,
                                   active=d.active).returning(DepartmentRow.id)).scalar_one()
        else:
            self._s.execute(update(DepartmentRow).where(DepartmentRow.id == d.id)
                            .values(name=d.name, code=d.code, active=d.active))
        return d

    # employees
    def employees(self, include_inactive: bool = True) -> list[Employee]:
        return PeopleLists(self._s.connection()).employees(include_inactive)

    def employee(self, employee_id: int) -> Employee | None:
        r = self._s.get(EmployeeRow, employee_id)
        return None if r is None else Employee(r.id, r.name, r.department_id, r.post, r.active)

    def save_employee(self, e: Employee) -> Employee:
        vals = dict(name=e.name, department_id=e.department_id, post=e.post, active=e.active)
        if e.id is None:
            e.id = self._s.execute(insert(EmployeeRow).values(**vals)
                                   .returning(EmployeeRow.id)).scalar_one()
        else:
            self._s.execute(update(EmployeeRow).where(EmployeeRow.id == e.id).values(**vals))
        return e

    # users
    def users(self, include_inactive: bool = True) -> list[User]:
        return PeopleLists(self._s.connection()).users(include_inactive)

    def user(self, user_id: int) -> User | None:
        r = self._s.get(UserRow, user_id)
        return None if r is None else _user(r)

    def user_by_name(self, username: str) -> User | None:
        r = self._s.execute(select(UserRow).where(UserRow.username == username)).scalar_one_or_none()
        return None if r is None else _user(r)

    def count_users(self) -> int:
        return len(self._s.execute(select(UserRow.id)).all())

    def save_user(self, u: User, password_hash: str | None = None) -> User:
        vals: dict[str, object] = dict(
            username=u.username, display_name=u.display_name,
            roles=",".join(sorted(r.value for r in u.roles)), department_id=u.department_id,
            employee_id=u.employee_id, active=u.active,
        )
        if password_hash is not None:
            vals["password_hash"] = password_hash
        if u.id is None:
            u.id = self._s.execute(insert(UserRow).values(**vals).returning(UserRow.id)).scalar_one()
        else:
            self._s.execute(update(UserRow).where(UserRow.id == u.id).values(**vals))
        return u

    def credentials(self, username: str) -> Credentials | None:
        r = self._s.execute(select(UserRow).where(UserRow.username == username)).scalar_one_or_none()
        if r is None:
            return None
        return Credentials(r.id, r.password_hash, r.failed_attempts,
                           utc(r.locked_until) if r.locked_until else None, r.active)

    def set_login_state(self, user_id: int, failed_attempts: int,
                        locked_until: datetime | None) -> None:
        self._s.execute(update(UserRow).where(UserRow.id == user_id)
                        .values(failed_attempts=failed_attempts, locked_until=locked_until))

    # delegations
    def delegations(self, at: datetime | None = None) -> list[DelegationRecord]:
        stmt = select(DelegationRow).order_by(DelegationRow.start)
        if at is not None:
            stmt = stmt.where(DelegationRow.start <= at, DelegationRow.end > at)
        return [DelegationRecord(r.id, r.absent_user_id, r.delegate_user_id, utc(r.start),
                                 utc(r.end), r.reason) for r in self._s.execute(stmt).scalars()]

    def end_delegation(self, delegation_id: int, at: datetime) -> DelegationRecord | None:
        """Ends a delegation at `at` (kept in history, never deleted)."""
        r = self._s.get(DelegationRow, delegation_id)
        if r is None:
            return None
        if utc(r.end) > at:
            r.end = max(at, utc(r.start))
            self._s.add(r)
            self._s.flush()
        return DelegationRecord(r.id, r.absent_user_id, r.delegate_user_id, utc(r.start),
                                utc(r.end), r.reason)

    def add_delegation(self, absent_user_id: int, delegate_user_id: int, start: datetime,
                       end: datetime, reason: str = "") -> int:
        return self._s.execute(insert(DelegationRow).values(
            absent_user_id=absent_user_id, delegate_user_id=delegate_user_id, start=start,
            end=end, reason=reason).returning(DelegationRow.id)).scalar_one()
