"""Departments, employees, users, delegations — administered by the admin (DESIGN §3)."""

from __future__ import annotations

import json
from dataclasses import asdict, replace
from datetime import datetime

from ..domain.input_rules import default_limits, text_problem
from ..domain.records import DelegationRecord, Department, Employee, Role, User
from ..resources_path import resource_path
from ..storage.uow import UnitOfWork
from .auth import check_password_rules, hash_password
from .base import ServiceBase
from .errors import ServiceError


def _check_texts(*fields: tuple[str, str, str, str]) -> None:
    """(form field, label, value, limit key): a too-long or control-character value is
    refused by name before the database sees it (DESIGN §5)."""
    limits = default_limits()
    for field, label, value, key in fields:
        problem = text_problem(value, label, limits.limit(key), long_text=False)
        if problem:
            raise ServiceError(problem, field=field)


def seed_defaults(uow: UnitOfWork) -> bool:
    """First start: the departments and a few employees from resources/defaults.json
    (editable later). Returns True when it seeded."""
    if uow.people.departments():
        return False
    data = json.loads(resource_path("defaults.json").read_text(encoding="utf-8"))
    ids: dict[str, int] = {}
    for d in data["departments"]:
        dep = uow.people.save_department(Department(None, d["name"], d.get("code", "")))
        assert dep.id is not None
        ids[dep.name] = dep.id
    for e in data["employees"]:
        uow.people.save_employee(Employee(None, e["name"], ids[e["department"]], e["post"]))
    return True


class PeopleService(ServiceBase):
    # ---- reading (anyone) ---------------------------------------------------------
    def departments(self, include_inactive: bool = False) -> list[Department]:
        with self.uow(readonly=True) as uow:
            return uow.people.departments(include_inactive)

    def employees(self, include_inactive: bool = False) -> list[Employee]:
        with self.uow(readonly=True) as uow:
            return uow.people.employees(include_inactive)

    def users(self, include_inactive: bool = False) -> list[User]:
        with self.uow(readonly=True) as uow:
            return uow.people.users(include_inactive)

    def user(self, user_id: int) -> User | None:
        with self.uow(readonly=True) as uow:
            return uow.people.user(user_id)

    def delegations(self, at: datetime | None = None) -> list[DelegationRecord]:
        with self.uow(readonly=True) as uow:
            return uow.people.delegations(at)

    # ---- administration -------------------------------------------------------------
    def save_department(self, actor: User, dep: Department) -> Department:
        self.require(actor, Role.ADMIN, what="维护部门")
        _check_texts(("name", "部门名称", dep.name, "department_name"),
                     ("code", "部门代码", dep.code, "department_code"))
        if not dep.name.strip():
            raise ServiceError("请填写部门名称。", field="name")
        with self.uow() as uow:
            if any(d.name == dep.name.strip() and d.id != dep.id
                   for d in uow.people.departments()):
                raise ServiceError(f"部门“{dep.name}”已存在。", field="name")
            dep = uow.people.save_department(replace(dep, name=dep.name.strip()))
            self.audit(uow, actor, "save_department", "department", dep.id or 0, None, asdict(dep))
            uow.commit()
        return dep

    def save_employee(self, actor: User, emp: Employee) -> Employee:
        self.require(actor, Role.ADMIN, what="维护员工")
        _check_texts(("name", "员工姓名", emp.name, "employee_name"),
                     ("post", "岗位", emp.post, "employee_post"))
        if not emp.name.strip():
            raise ServiceError("请填写员工姓名。", field="name")
        if emp.department_id is None:
            raise ServiceError("请选择员工所在部门。", field="department")
        with self.uow() as uow:
            before = uow.people.employee(emp.id) if emp.id else None
            emp = uow.people.save_employee(replace(emp, name=emp.name.strip()))
            self.audit(uow, actor, "save_employee", "employee", emp.id or 0,
                       asdict(before) if before else None, asdict(emp))
            uow.commit()
        return emp

    def save_user(self, actor: User, user: User, password: str | None = None) -> User:
        self.require(actor, Role.ADMIN, what="维护用户")
        _check_texts(("username", "登录名", user.username, "username"),
                     ("display_name", "姓名", user.display_name, "display_name"))
        if not user.username.strip():
            raise ServiceError("请填写登录名。", field="username")
        if not user.roles:
            raise ServiceError("请至少选择一个角色。", field="roles")
        if (Role.DEPT_HEAD in user.roles or Role.SUPERVISOR in user.roles) \
                and user.department_id is None:
            raise ServiceError("部门负责人和业务主管必须属于一个部门。", field="department")
        if Role.SERVICE_ADVISOR in user.roles and user.department_id is None:
            raise ServiceError("维修顾问必须属于一个部门（通常为售后服务部）。", field="department")
        # an assessor without a department, or in 行政部, is the company's 考核主管; in any
        # other department, that department's own (DESIGN §3, 003 二.1–2)
        if user.id is None and not password:
            raise ServiceError("新用户需要设置初始密码。", field="password")
        if password:
            check_password_rules(password)
        with self.uow() as uow:
            other = uow.people.user_by_name(user.username.strip())
            if other is not None and other.id != user.id:
                raise ServiceError(f"登录名“{user.username}”已被使用。", field="username")
            before = uow.people.user(user.id) if user.id else None
            if before is not None:
                _keep_an_admin(uow, actor, before, user)
            user = uow.people.save_user(replace(user, username=user.username.strip()),
                                        password_hash=hash_password(password) if password else None)
            self.audit(uow, actor, "save_user", "user", user.id or 0,
                       _user_json(before) if before else None, _user_json(user))
            uow.commit()
        return user

    def add_delegation(self, actor: User, absent_user_id: int, delegate_user_id: int,
                       start: datetime, end: datetime, reason: str = "") -> int:
        """A user names a delegate for an absence (or the admin does it for them)."""
        if actor.id != absent_user_id:
            self.require(actor, Role.ADMIN, what="为他人设置代理人")
        if end <= start:
            raise ServiceError("代理结束时间必须晚于开始时间。", field="end")
        if absent_user_id == delegate_user_id:
            raise ServiceError("不能指定自己为代理人。", field="delegate")
        with self.uow() as uow:
            did = uow.people.add_delegation(absent_user_id, delegate_user_id, start, end, reason)
            self.audit(uow, actor, "add_delegation", "delegation", did, None, {
                "absent": absent_user_id, "delegate": delegate_user_id,
                "start": start, "end": end, "reason": reason})
            uow.commit()
        return did

    def end_delegation(self, actor: User, delegation_id: int) -> None:
        """The absent user is back early: the delegation ends now (kept in history).
        Who may: as for adding one — the absent user, or the admin for anyone."""
        now = self.clock.now()
        with self.uow() as uow:
            current = next((d for d in uow.people.delegations() if d.id == delegation_id), None)
            if current is None:
                raise ServiceError("找不到该代理记录。")
            if actor.id != current.absent_user_id:
                self.require(actor, Role.ADMIN, what="结束他人的代理")
            if current.end <= now:
                raise ServiceError("该代理已经结束。")
            ended = uow.people.end_delegation(delegation_id, now)
            self.audit(uow, actor, "end_delegation", "delegation", delegation_id,
                       {"end": current.end}, {"end": ended.end if ended else None})
            uow.commit()


def _is_admin(u: User) -> bool:
    return u.active and u.has(Role.ADMIN)


def _keep_an_admin(uow: UnitOfWork, actor: User, before: User, after: User) -> None:
    """The last active administrator can neither be deactivated nor lose the role: nobody
    could then maintain users, settings or backups (issue 13, list 6)."""
    if not _is_admin(before) or _is_admin(after):
        return
    others = [u for u in uow.people.users(include_inactive=False)
              if u.id != before.id and _is_admin(u)]
    if others:
        return
    field = "active" if not after.active else "roles"
    who = "您是" if actor.id == before.id else f"{before.display_name}是"
    what = "停用这个账号" if field == "active" else "去掉系统管理员角色"
    raise ServiceError(f"{who}唯一启用的系统管理员，不能{what}：请先为另一位用户"
                       "设置系统管理员角色。", field=field)


def _user_json(u: User) -> dict[str, object]:
    return {"username": u.username, "display_name": u.display_name,
            "roles": sorted(r.value for r in u.roles), "department_id": u.department_id,
            "employee_id": u.employee_id, "active": u.active}
