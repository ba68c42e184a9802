"""The lists of departments, employees and users, read by every print (the names on the
form) and by most dialogs: raw statements on the DBAPI cursor (rawsql.py), one per table
and `include_inactive`, without the ORM's per-object work; a row becomes a record by
column name (`builder.RecordBuilder`)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import select

from ...domain.records import Department, Employee, Role, User
from ..rawsql import RawStatement
from ..tables import DepartmentRow, EmployeeRow, UserRow, table_of
from .builder import RecordBuilder

# per list: table, the columns its records are built from, order
_SHAPES: dict[str, tuple[Any, tuple[str, ...], tuple[str, ...]]] = {
    "departments": (table_of(DepartmentRow),
                    ("id", "name", "code", "active"), ("id",)),
    "employees": (table_of(EmployeeRow),
                  ("id", "name", "department_id", "post", "active"), ("department_id", "id")),
    "users": (table_of(UserRow),
              ("id", "username", "display_name", "roles", "department_id", "employee_id",
               "active"), ("id",)),
}


def _roles(v: str) -> frozenset[Role]:
    return frozenset(Role(x) for x in v.split(",") if x)


USER_COLUMNS = _SHAPES["users"][1]
_USERS = RecordBuilder(User, USER_COLUMNS, convert={"roles": _roles, "active": bool})
_BUILDERS: dict[str, RecordBuilder[Any]] = {
    "departments": RecordBuilder(Department, _SHAPES["departments"][1],
                                 convert={"active": bool}),
    "employees": RecordBuilder(Employee, _SHAPES["employees"][1], convert={"active": bool}),
    "users": _USERS,
}


def user_from_row(row: Sequence[Any]) -> User:
    """A user from its values in `USER_COLUMNS` order (roles: comma-separated)."""
    return _USERS.build(row)


class PeopleLists:
    """Reads the lists on a connection of a unit of work's session."""

    _STATEMENTS: dict[tuple[str, bool], RawStatement] = {}

    def __init__(self, connection: Any) -> None:
        self._conn = connection

    def _read(self, what: str, include_inactive: bool) -> list[Any]:
        table, cols, order = _SHAPES[what]
        stmt = self._STATEMENTS.get((what, include_inactive))
        if stmt is None:
            sel = select(*(table.c[n] for n in cols)).order_by(*(table.c[n] for n in order))
            if not include_inactive:
                sel = sel.where(table.c.active == True)  # noqa: E712
            stmt = self._STATEMENTS[(what, include_inactive)] = RawStatement(sel)
        build = _BUILDERS[what].build
        return [build(r) for r in stmt.fetchall(self._conn.dialect, self._conn.connection, {})]

    def departments(self, include_inactive: bool = True) -> list[Department]:
        return self._read("departments", include_inactive)

    def employees(self, include_inactive: bool = True) -> list[Employee]:
        return self._read("employees", include_inactive)

    def users(self, include_inactive: bool = True) -> list[User]:
        return self._read("users", include_inactive)
