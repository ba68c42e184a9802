"""What the case list asks for and gets back (a query object, not business rules)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

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


@dataclass(frozen=True, slots=True)
class CaseListRow:
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
