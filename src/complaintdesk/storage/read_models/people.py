"""The lists of departments, employees and users, read by every print (the names on the
form) and by most dialogs: raw statements on the DBAPI cursor (rawsql.py), one per table
and `include_inactive`, without the ORM's per-object work; a row becomes a record by
column name."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from ...domain.records import Department, Employee, Role, User
from ..rawsql import RawStatement
from ..tables import DepartmentRow, EmployeeRow, UserRow

# per list: table, the columns its records are built from, order
_SHAPES: dict[str, tuple[Any, tuple[str, ...], tuple[str, ...]]] = {
    "departments": (DepartmentRow.__table__,  # type: ignore[attr-defined]  # sqlmodel stub
                    ("id", "name", "code", "active"), ("id",)),
    "employees": (EmployeeRow.__table__,  # type: ignore[attr-defined]
                  ("id", "name", "department_id", "post", "active"), ("department_id", "id")),
    "users": (UserRow.__table__,  # type: ignore[attr-defined]
              ("id", "username", "display_name", "roles", "department_id", "employee_id",
               "active"), ("id",)),
}


def user_from_values(v: dict[str, Any]) -> User:
    """A user from its column values by name (roles: comma-separated)."""
    return User(id=v["id"], username=v["username"], display_name=v["display_name"],
                roles=frozenset(Role(x) for x in v["roles"].split(",") if x),
                department_id=v["department_id"], employee_id=v["employee_id"],
                active=bool(v["active"]))


class PeopleLists:
    """Reads the lists on a connection of a unit of work's session."""

    _STATEMENTS: dict[tuple[str, bool], RawStatement] = {}

    def __init__(self, connection: Any) -> None:
        self._conn = connection

    def _rows(self, what: str, include_inactive: bool) -> list[dict[str, Any]]:
        table, cols, order = _SHAPES[what]
        stmt = self._STATEMENTS.get((what, include_inactive))
        if stmt is None:
            sel = select(*(table.c[n] for n in cols)).order_by(*(table.c[n] for n in order))
            if not include_inactive:
                sel = sel.where(table.c.active == True)  # noqa: E712
            stmt = self._STATEMENTS[(what, include_inactive)] = RawStatement(sel)
        return [dict(zip(cols, r, strict=True)) for r in
                stmt.fetchall(self._conn.dialect, self._conn.connection, {})]

    def departments(self, include_inactive: bool = True) -> list[Department]:
        return [Department(id=v["id"], name=v["name"], code=v["code"], active=bool(v["active"]))
                for v in self._rows("departments", include_inactive)]

    def employees(self, include_inactive: bool = True) -> list[Employee]:
        return [Employee(id=v["id"], name=v["name"], department_id=v["department_id"],
                         post=v["post"], active=bool(v["active"]))
                for v in self._rows("employees", include_inactive)]

    def users(self, include_inactive: bool = True) -> list[User]:
        return [user_from_values(v) for v in self._rows("users", include_inactive)]
