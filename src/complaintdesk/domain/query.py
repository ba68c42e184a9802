"""What the case list asks for and gets back (a query object, not business rules)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from functools import partial
from typing import Any, ClassVar

from .clock import stored_utc

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


class CaseListRow(tuple[Any, ...]):
    """One line of the case list (read-only, compared and hashed as its values).

    A tuple of the values in the order of `FIELDS`, so the storage layer makes a row out
    of the query's row without touching each field (`CaseListRow.from_values`): building a
    frozen dataclass and parsing three times per row cost three times what SQLite takes
    for a page of 200. Times are kept as the database handed them over and become aware
    UTC datetimes when read — the list shows only the rows on screen."""

    __slots__ = ()
    FIELDS: ClassVar[tuple[str, ...]] = (
        "id", "number", "registered_at", "customer_name", "phone", "plate", "category",
        "severity", "department_id", "department_name", "current_step", "current_deadline",
        "status", "kind", "flow", "reopen_count", "current_due_since",
    )

    def __new__(cls, id: int, number: str, registered_at: datetime | str,
                customer_name: str, phone: str, plate: str, category: str, severity: str,
                department_id: int | None, department_name: str, current_step: str,
                current_deadline: datetime | str | None, status: str, kind: str, flow: str,
                reopen_count: int, current_due_since: datetime | str | None = None,
                ) -> CaseListRow:
        return tuple.__new__(cls, (
            id, number, registered_at, customer_name, phone, plate, category, severity,
            department_id, department_name, current_step, current_deadline, status, kind,
            flow, reopen_count, current_due_since))

    @classmethod
    def from_values(cls, values: Iterable[Any]) -> CaseListRow:
        """A row from the values in `FIELDS` order (times as text or datetimes)."""
        return tuple.__new__(cls, values)

    @classmethod
    def from_rows(cls, rows: Iterable[Iterable[Any]]) -> list[CaseListRow]:
        return list(map(partial(tuple.__new__, cls), rows))

    def replace(self, **changes: Any) -> CaseListRow:
        values = list(self)
        for name, value in changes.items():
            values[self.FIELDS.index(name)] = value
        return tuple.__new__(type(self), values)

    def __repr__(self) -> str:
        return "CaseListRow(" + ", ".join(
            f"{n}={getattr(self, n)!r}" for n in self.FIELDS) + ")"

    def __getnewargs__(self) -> tuple[Any, ...]:
        return tuple(self)

    @property
    def id(self) -> int:
        return self[0]  # type: ignore[no-any-return]

    @property
    def number(self) -> str:
        return self[1]  # type: ignore[no-any-return]

    @property
    def registered_at(self) -> datetime:
        return stored_utc(self[2])  # type: ignore[return-value]

    @property
    def customer_name(self) -> str:
        return self[3]  # type: ignore[no-any-return]

    @property
    def phone(self) -> str:
        """Masked unless the viewer handles the case."""
        return self[4]  # type: ignore[no-any-return]

    @property
    def plate(self) -> str:
        return self[5]  # type: ignore[no-any-return]

    @property
    def category(self) -> str:
        return self[6]  # type: ignore[no-any-return]

    @property
    def severity(self) -> str:
        return self[7]  # type: ignore[no-any-return]

    @property
    def department_id(self) -> int | None:
        return self[8]  # type: ignore[no-any-return]

    @property
    def department_name(self) -> str:
        return self[9]  # type: ignore[no-any-return]

    @property
    def current_step(self) -> str:
        return self[10]  # type: ignore[no-any-return]

    @property
    def current_deadline(self) -> datetime | None:
        return stored_utc(self[11])

    @property
    def status(self) -> str:
        return self[12]  # type: ignore[no-any-return]

    @property
    def kind(self) -> str:
        return self[13]  # type: ignore[no-any-return]

    @property
    def flow(self) -> str:
        return self[14]  # type: ignore[no-any-return]

    @property
    def reopen_count(self) -> int:
        return self[15]  # type: ignore[no-any-return]

    @property
    def current_due_since(self) -> datetime | None:
        """When the current step became due."""
        return stored_utc(self[16])
