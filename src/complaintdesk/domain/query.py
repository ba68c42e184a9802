"""What the case list asks for and gets back (a query object, not business rules)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from functools import partial
from typing import Any, NamedTuple, Self

SORT_KEYS = (
    "number", "registered_at", "customer_name", "plate", "category", "severity",
    "department", "current_step", "current_deadline", "status",
)


@dataclass(frozen=True, slots=True)
class CaseQuery:
    status: str | None = None  # "open" / "closed" / None = all
    department_id: int | None = None
    severity: str | None = None
    category: str | None = None
    channel: str | None = None
    kind: str | None = None
    flow: str | None = None
    registered_from: datetime | None = None  # aware UTC, inclusive
    registered_to: datetime | None = None  # aware UTC, exclusive
    overdue_only: bool = False
    keyword: str = ""
    sort_key: str = "registered_at"
    sort_desc: bool = True


class CaseListRow(NamedTuple):
    """One line of the case list (read-only, compared and hashed as its values).

    A named tuple, so the storage layer makes a row out of the query's row without
    touching each field (`from_values`): building a frozen dataclass and parsing three
    times per row cost three times what SQLite takes for a page of 200. The storage layer
    may hand out a subclass that keeps the times as the database handed them over and
    converts them when read (the list shows only the rows on screen)."""

    id: int
    number: str
    registered_at: datetime
    customer_name: str
    phone: str  # masked unless the viewer handles the case
    plate: str
    category: str
    severity: str
    department_id: int | None
    department_name: str
    current_step: str
    current_deadline: datetime | None
    status: str
    kind: str
    flow: str
    reopen_count: int
    current_due_since: datetime | None = None  # when the current step became due

    @classmethod
    def from_values(cls, values: Iterable[Any]) -> Self:
        """A row from the values in field order."""
        return tuple.__new__(cls, values)

    @classmethod
    def from_rows(cls, rows: Iterable[Iterable[Any]]) -> list[CaseListRow]:
        return list(map(partial(tuple.__new__, cls), rows))

    def replace(self, **changes: Any) -> Self:
        return self._replace(**changes)
