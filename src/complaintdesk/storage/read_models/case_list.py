"""The case list's queries (案件列表, 我的待办): filters, keyword search through the gram
index, sorting and paging in SQL, with statements cached per query shape."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import String, and_, bindparam, func, literal_column, or_, select, type_coerce
from sqlalchemy.engine import Dialect
from sqlmodel import Session, col

from ...domain.query import CaseListRow, CaseQuery
from ...domain.records import CaseStatus
from ...domain.workflow.tasks import TaskFilter
from ..rawsql import RawStatement
from ..search import query_grams, query_name_grams
from ..tables import CaseRow, DepartmentRow, SearchGramRow, table_of
from ..types import UTCDateTime
from .values import raw_time


def case_list_select() -> Any:
    """The case list's columns (LIST_COLUMNS) with the department's name: the select the
    list, 我的待办's task rows and the archive list narrow down."""
    return select(*LIST_COLUMNS).outerjoin(
        DepartmentRow, DepartmentRow.id == CaseRow.department_id)


class StoredCaseListRow(CaseListRow):
    """A case-list row as read: the times kept as the database handed them over (text on
    SQLite) and converted when read — the list shows only the rows on screen."""

    __slots__ = ()

    @property
    def registered_at(self) -> datetime:  # a field, read converted
        return raw_time(self[2]) or self[2]

    @property
    def current_deadline(self) -> datetime | None:
        return raw_time(self[11])

    @property
    def current_due_since(self) -> datetime | None:
        return raw_time(self[16])

    def __repr__(self) -> str:
        return "CaseListRow(" + ", ".join(
            f"{n}={getattr(self, n)!r}" for n in self._fields) + ")"


def _list_column(name: str) -> Any:
    """The column of the case list that fills CaseListRow's field `name` (times as text:
    converted by StoredCaseListRow when read)."""
    if name == "department_name":
        return func.coalesce(DepartmentRow.name, literal_column("''")).label(name)
    column = table_of(CaseRow).c[name]
    if name in ("registered_at", "current_deadline", "current_due_since"):
        return type_coerce(column, String).label(name)
    return column.label(name)


# one column per field of CaseListRow, chosen by name, in its order: a page's rows become
# rows without per-field work
LIST_COLUMNS = tuple(_list_column(n) for n in CaseListRow._fields)


class CaseListStatements:
    """The list's page and count. Needs `_dbapi()`: the dialect and a DBAPI connection in
    the transaction to read in."""

    def _dbapi(self) -> tuple[Dialect, Any]:
        raise NotImplementedError

    # The case list's statements are built once per *shape* of query (which filters are
    # set, the sort) with bound parameters, and cached: building and cache-keying a
    # SQLAlchemy statement cost more than SQLite's own work on the first page.
    _SIMPLE_FILTERS = ("status", "department_id", "severity", "category", "channel", "kind",
                       "flow")

    @staticmethod
    def _shape(q: CaseQuery) -> tuple[Any, ...]:
        grams, recheck = query_grams(q.keyword) if q.keyword.strip() else (set(), False)
        return (tuple(f for f in CaseListStatements._SIMPLE_FILTERS
                      if getattr(q, f) not in (None, "")),
                q.registered_from is not None, q.registered_to is not None, q.overdue_only,
                bool(q.keyword.strip()), recheck)

    def _params(self, q: CaseQuery, now: datetime) -> dict[str, Any]:
        p: dict[str, Any] = {f"f_{f}": getattr(q, f) for f in self._SIMPLE_FILTERS}
        p.update(f_from=q.registered_from, f_to=q.registered_to, f_now=now)
        if q.keyword.strip():
            grams, _recheck = query_grams(q.keyword)
            k = "".join(q.keyword.split())
            name_grams = query_name_grams(q.keyword)
            p.update(k_name_grams=sorted(name_grams), k_name_n=len(name_grams))
            p.update(k_grams=sorted(grams), k_n=len(grams), k_like=f"%{k}%",
                     k_like_upper=f"%{k}%".upper())
        return p

    def _where(self, q: CaseQuery, now: datetime) -> list[Any]:
        """The filter conditions with bound parameters (values come from `_params`)."""
        filters, has_from, has_to, overdue, has_keyword, recheck = self._shape(q)
        conds: list[Any] = [getattr(CaseRow, f) == bindparam(f"f_{f}") for f in filters]
        if has_from:
            conds.append(CaseRow.registered_at >= bindparam("f_from", type_=UTCDateTime()))
        if has_to:
            conds.append(CaseRow.registered_at < bindparam("f_to", type_=UTCDateTime()))
        if overdue:
            conds.append(CaseRow.status == CaseStatus.OPEN.value)
            conds.append(CaseRow.current_deadline < bindparam("f_now", type_=UTCDateTime()))
        if has_keyword:
            conds.append(self._keyword_condition(recheck))
        return conds

    @staticmethod
    def _keyword_condition(recheck: bool) -> Any:
        by_gram = (
            select(SearchGramRow.case_id)
            .where(col(SearchGramRow.gram).in_(bindparam("k_grams", expanding=True)))
            .group_by(SearchGramRow.case_id)
            .having(func.count() == bindparam("k_n"))
        )
        like, like_upper = bindparam("k_like"), bindparam("k_like_upper")
        desc = col(CaseRow.description).like(like)
        if not recheck:
            return or_(col(CaseRow.id).in_(by_gram), desc)
        exact = or_(
            col(CaseRow.customer_name).like(like), col(CaseRow.phone).like(like),
            col(CaseRow.landline).like(like), col(CaseRow.plate).like(like_upper),
            col(CaseRow.vin).like(like_upper), col(CaseRow.number).like(like_upper),
        )
        # a name holds only 1- and 2-character pieces in the index: a 3+ character name
        # fragment ("王小明") is found through its 2-character pieces
        by_name_gram = (
            select(SearchGramRow.case_id)
            .where(col(SearchGramRow.gram).in_(bindparam("k_name_grams", expanding=True)))
            .group_by(SearchGramRow.case_id)
            .having(func.count() == bindparam("k_name_n"))
        )
        by_name = and_(col(CaseRow.id).in_(by_name_gram),
                       col(CaseRow.customer_name).like(like))
        return or_(and_(col(CaseRow.id).in_(by_gram), exact), by_name, desc)

    def _list_select(self) -> Any:
        return case_list_select()

    _SORT_COLUMNS: dict[str, Any] = {
        "number": CaseRow.number, "registered_at": CaseRow.registered_at,
        "customer_name": CaseRow.customer_name, "plate": CaseRow.plate,
        "category": CaseRow.category, "severity": CaseRow.severity,
        "department": CaseRow.department_id, "current_step": CaseRow.current_step,
        "current_deadline": CaseRow.current_deadline, "status": CaseRow.status,
    }
    # compiled per dialect on first use and run on the DBAPI cursor (rawsql.py): the
    # SQLAlchemy execution and Row objects cost as much as SQLite's work on a page
    _STATEMENTS: dict[tuple[Any, ...], RawStatement] = {}

    def list_page(self, q: CaseQuery, now: datetime, offset: int, limit: int) -> list[CaseListRow]:
        dialect, connection = self._dbapi()
        stmt, params = self._page(q, now, offset, limit)
        return StoredCaseListRow.from_rows(stmt.fetchall(dialect, connection, params))

    def page_sql(self, q: CaseQuery, now: datetime, offset: int, limit: int) -> tuple[str, Any]:
        """The SQL text and DBAPI parameters `list_page` runs (the benchmark's raw-SQL
        floor runs exactly this)."""
        stmt, params = self._page(q, now, offset, limit)
        return stmt.render(self._dbapi()[0], params)

    def _page(self, q: CaseQuery, now: datetime, offset: int,
              limit: int) -> tuple[RawStatement, dict[str, Any]]:
        key = ("page", self._shape(q), q.sort_key, q.sort_desc)
        stmt = self._STATEMENTS.get(key)
        if stmt is None:
            stmt = self._STATEMENTS[key] = RawStatement(self.list_page_statement(q, now))
        return stmt, {**self._params(q, now), "p_offset": offset, "p_limit": limit}

    def list_page_statement(self, q: CaseQuery, now: datetime) -> Any:
        """The page's SQLAlchemy statement for the shape of `q`, with bound parameters
        (`_params`, `p_offset`, `p_limit`)."""
        sort = self._SORT_COLUMNS.get(q.sort_key, CaseRow.registered_at)
        order = [sort.desc() if q.sort_desc else sort.asc(), col(CaseRow.id).desc()]
        return self._list_select().where(*self._where(q, now)).order_by(*order) \
            .offset(bindparam("p_offset")).limit(bindparam("p_limit"))

    def count(self, q: CaseQuery, now: datetime) -> int:
        key = ("count", self._shape(q))
        stmt = self._STATEMENTS.get(key)
        if stmt is None:
            stmt = self._STATEMENTS[key] = RawStatement(
                select(func.count()).select_from(CaseRow).where(*self._where(q, now)))
        return int(stmt.fetchall(*self._dbapi(), self._params(q, now))[0][0])


class CaseListQueries(CaseListStatements):
    """Mixed into CaseRepository; needs `self._s`, the unit of work's session."""

    _s: Session

    def _dbapi(self) -> tuple[Dialect, Any]:
        conn = self._s.connection()
        return conn.dialect, conn.connection

    def task_rows(self, filters: Sequence[TaskFilter], limit: int = 2000) -> list[CaseListRow]:
        """Cases whose open step matches one of the filters (我的待办), soonest deadline first."""
        if not filters:
            return []
        ors = []
        for f in filters:
            conds = [CaseRow.current_step == f.step_key]
            if f.department_id is not None:
                conds.append(CaseRow.department_id == f.department_id)
            if f.supervisor_user_id is not None:
                conds.append(CaseRow.supervisor_user_id == f.supervisor_user_id)
            ors.append(and_(*conds))
        stmt = self._list_select().where(CaseRow.current_step != "", or_(*ors)) \
            .order_by(col(CaseRow.current_deadline).asc(), col(CaseRow.id)).limit(limit)
        return [StoredCaseListRow.from_values(r) for r in self._s.connection().execute(stmt)]

    def count_all(self) -> int:
        return int(self._s.execute(select(func.count()).select_from(CaseRow)).scalar_one())


class CaseListReader(CaseListStatements):
    """The page and count on a bare DBAPI connection (storage.uow.ListRead)."""

    def __init__(self, dialect: Dialect, connection: Any) -> None:
        self._dialect = dialect
        self._connection = connection

    def _dbapi(self) -> tuple[Dialect, Any]:
        return self._dialect, self._connection
