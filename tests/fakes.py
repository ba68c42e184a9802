"""An in-memory unit of work for service unit tests (cosmicpython's FakeUnitOfWork).

`FakeDatabase` holds what is "stored": plain dicts of domain records. Each unit of work a
service opens (`ServiceBase(..., uow_factory=db.uow)`) works on a deep copy of it; `commit()`
makes that copy the stored state, leaving without commit throws it away — so a test sees
whether a use case committed, and that a refused one left nothing behind. No SQL, no
engine, no migration: a use case runs in microseconds.

Only the repositories the services under test use are faked (settings, drafts, people,
cases, slips, case marks, contacts, weekly summaries, audit). A service that reaches past
them (`uow.session`, a repository's private helper) fails here with AttributeError: that
is a finding, not something to fake.
"""

from __future__ import annotations

import copy
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from types import TracebackType
from typing import Any, TypeVar, cast

from complaintdesk.domain.case_marks import CaseMark
from complaintdesk.domain.clock import Clock
from complaintdesk.domain.events import Event
from complaintdesk.domain.records import (
    Case,
    ContactEntry,
    DelegationRecord,
    Department,
    Employee,
    FaultSlip,
    User,
)
from complaintdesk.services.base import ServiceBase
from complaintdesk.storage.repo_cases import ConcurrentUpdateError
from complaintdesk.storage.repo_people import Credentials


@dataclass
class FakeData:
    """Everything stored, by key. Ids come from one counter, as a database's would."""

    settings: dict[str, Any] = field(default_factory=dict)
    drafts: dict[tuple[int, str], Any] = field(default_factory=dict)
    departments: dict[int, Department] = field(default_factory=dict)
    employees: dict[int, Employee] = field(default_factory=dict)
    users: dict[int, User] = field(default_factory=dict)
    password_hashes: dict[int, str] = field(default_factory=dict)
    login_states: dict[int, tuple[int, datetime | None]] = field(default_factory=dict)
    delegations: dict[int, DelegationRecord] = field(default_factory=dict)
    cases: dict[int, Case] = field(default_factory=dict)
    slips: dict[int, FaultSlip] = field(default_factory=dict)
    marks: dict[tuple[int, str], CaseMark] = field(default_factory=dict)
    contacts: list[ContactEntry] = field(default_factory=list)
    weekly: dict[date, dict[str, Any]] = field(default_factory=dict)
    weekly_pdfs: dict[date, tuple[bytes, str]] = field(default_factory=dict)
    audit: list[dict[str, Any]] = field(default_factory=list)
    last_id: int = 0

    def new_id(self) -> int:
        self.last_id += 1
        return self.last_id


# ---- repositories ----------------------------------------------------------------------
class FakeSettings:
    def __init__(self, data: FakeData) -> None:
        self._d = data

    def get(self, key: str, default: Any = None) -> Any:
        return copy.deepcopy(self._d.settings.get(key, default))

    def put(self, key: str, value: Any) -> None:
        self._d.settings[key] = copy.deepcopy(value)

    def all(self) -> dict[str, Any]:
        return copy.deepcopy(self._d.settings)


class FakeDrafts:
    def __init__(self, data: FakeData) -> None:
        self._d = data

    def get(self, user_id: int, key: str) -> Any:
        return copy.deepcopy(self._d.drafts.get((user_id, key)))

    def put(self, user_id: int, key: str, content: Any, at: datetime) -> None:
        self._d.drafts[(user_id, key)] = copy.deepcopy(content)

    def drop(self, user_id: int, key: str) -> None:
        self._d.drafts.pop((user_id, key), None)


class FakePeopleRepository:
    """Lists in id order, as the real one reads them (active ones only when asked)."""

    def __init__(self, data: FakeData) -> None:
        self._d = data

    def departments(self, include_inactive: bool = True) -> list[Department]:
        return [replace(d) for _, d in sorted(self._d.departments.items())
                if include_inactive or d.active]

    def save_department(self, d: Department) -> Department:
        if d.id is None:
            d.id = self._d.new_id()
        self._d.departments[d.id] = replace(d)
        return d

    def employees(self, include_inactive: bool = True) -> list[Employee]:
        return [replace(e) for _, e in sorted(self._d.employees.items())
                if include_inactive or e.active]

    def employee(self, employee_id: int) -> Employee | None:
        e = self._d.employees.get(employee_id)
        return replace(e) if e is not None else None

    def save_employee(self, e: Employee) -> Employee:
        if e.id is None:
            e.id = self._d.new_id()
        self._d.employees[e.id] = replace(e)
        return e

    def users(self, include_inactive: bool = True) -> list[User]:
        return [replace(u) for _, u in sorted(self._d.users.items())
                if include_inactive or u.active]

    def user(self, user_id: int) -> User | None:
        u = self._d.users.get(user_id)
        return replace(u) if u is not None else None

    def user_by_name(self, username: str) -> User | None:
        return next((replace(u) for u in self._d.users.values() if u.username == username),
                    None)

    def count_users(self) -> int:
        return len(self._d.users)

    def save_user(self, u: User, password_hash: str | None = None) -> User:
        if u.id is None:
            u.id = self._d.new_id()
        self._d.users[u.id] = replace(u)
        if password_hash is not None:
            self._d.password_hashes[u.id] = password_hash
        return u

    def credentials(self, username: str) -> Credentials | None:
        u = next((u for u in self._d.users.values() if u.username == username), None)
        if u is None or u.id is None:
            return None
        attempts, locked = self._d.login_states.get(u.id, (0, None))
        return Credentials(u.id, self._d.password_hashes.get(u.id, ""), attempts, locked,
                           u.active)

    def set_login_state(self, user_id: int, failed_attempts: int,
                        locked_until: datetime | None) -> None:
        self._d.login_states[user_id] = (failed_attempts, locked_until)

    def delegations(self, at: datetime | None = None) -> list[DelegationRecord]:
        out = sorted(self._d.delegations.values(), key=lambda d: d.start)
        return [d for d in out if at is None or d.start <= at < d.end]

    def add_delegation(self, absent_user_id: int, delegate_user_id: int, start: datetime,
                       end: datetime, reason: str = "") -> int:
        did = self._d.new_id()
        self._d.delegations[did] = DelegationRecord(did, absent_user_id, delegate_user_id,
                                                    start, end, reason)
        return did

    def end_delegation(self, delegation_id: int, at: datetime) -> DelegationRecord | None:
        d = self._d.delegations.get(delegation_id)
        if d is None:
            return None
        if d.end > at:
            d = self._d.delegations[delegation_id] = replace(d, end=max(at, d.start))
        return d


R = TypeVar("R", Case, FaultSlip)


class _Versioned:
    """Cases and slips: optimistic locking by version, events collected like `Seen`."""

    def __init__(self, store: dict[int, Any], data: FakeData, seen: list[Any]) -> None:
        self._store, self._d, self._seen = store, data, seen

    def add(self, record: R) -> R:
        record.id = self._d.new_id()
        self._store[record.id] = record
        self._seen.append(record)
        return record

    def save(self, record: Case | FaultSlip) -> None:
        stored = self._store.get(record.id or 0)
        if stored is None or stored.version != record.version:
            raise ConcurrentUpdateError(record.number or f"#{record.id}")
        record.version += 1
        self._store[record.id or 0] = record
        self._seen.append(record)

    def get(self, record_id: int) -> Any:
        return self._store.get(record_id)


class FakeCaseRepository(_Versioned):
    def get(self, case_id: int) -> Case | None:
        return cast(Case | None, super().get(case_id))


class FakeSlipRepository(_Versioned):
    def get(self, slip_id: int) -> FaultSlip | None:
        return cast(FaultSlip | None, super().get(slip_id))

    def by_case(self, case_id: int) -> list[FaultSlip]:
        return [s for _, s in sorted(self._store.items()) if s.case_id == case_id]


class FakeCaseMarkRepository:
    def __init__(self, data: FakeData) -> None:
        self._d = data

    def of_case(self, case_id: int) -> list[CaseMark]:
        return sorted((m for (c, _), m in self._d.marks.items() if c == case_id),
                      key=lambda m: m.kind)

    def get(self, case_id: int, kind: str) -> CaseMark | None:
        return self._d.marks.get((case_id, kind))

    def put(self, mark: CaseMark) -> None:
        self._d.marks[(mark.case_id, mark.kind)] = mark

    def remove(self, case_id: int, kind: str) -> None:
        self._d.marks.pop((case_id, kind), None)

    def cases_marked(self, kind: str) -> set[int]:
        return {c for (c, k) in self._d.marks if k == kind}


class FakeContactRepository:
    def __init__(self, data: FakeData) -> None:
        self._d = data

    def add(self, entry: ContactEntry) -> ContactEntry:
        entry.id = self._d.new_id()
        self._d.contacts.append(entry)
        return entry

    def for_case(self, case_id: int) -> list[ContactEntry]:
        return sorted((e for e in self._d.contacts if e.case_id == case_id),
                      key=lambda e: (e.at, e.id or 0))


class FakeWeeklySummaries:
    def __init__(self, data: FakeData) -> None:
        self._d = data

    def get(self, week_start: date) -> dict[str, Any] | None:
        rec = self._d.weekly.get(week_start)
        return dict(rec) if rec is not None else None

    def mark_sent(self, week_start: date, user_id: int | None, at: datetime,
                  pdf: bytes | None = None, pdf_sha256: str | None = None) -> None:
        rec = self._d.weekly.setdefault(week_start, {
            "week_start": week_start, "read_at": None, "read_by_user_id": None})
        rec.update(sent_at=at, sent_by_user_id=user_id)
        if pdf is not None:
            self._d.weekly_pdfs[week_start] = (pdf, pdf_sha256 or "")
        else:
            self._d.weekly_pdfs.pop(week_start, None)

    def sent_copy(self, week_start: date) -> tuple[bytes, str] | None:
        return self._d.weekly_pdfs.get(week_start)

    def mark_read(self, week_start: date, user_id: int | None, at: datetime) -> None:
        self._d.weekly[week_start].update(read_at=at, read_by_user_id=user_id)

    def unread(self) -> list[date]:
        return sorted(w for w, r in self._d.weekly.items()
                      if r.get("sent_at") is not None and r.get("read_at") is None)


class FakeAuditLog:
    """The entries a use case appended; they count only once its unit of work commits."""

    def __init__(self, data: FakeData) -> None:
        self._d = data

    def append(self, **entry: Any) -> None:
        self._d.audit.append(entry)

    def committed(self) -> None:
        pass


# ---- the unit of work ------------------------------------------------------------------
class FakeUnitOfWork:
    """One transaction over a copy of the database's data (see the module's docstring)."""

    def __init__(self, db: FakeDatabase, readonly: bool = False) -> None:
        self.db = db
        self.readonly = readonly
        self.committed = False

    def __enter__(self) -> FakeUnitOfWork:
        self.data = d = copy.deepcopy(self.db.data)
        self._written: list[Case | FaultSlip] = []
        self.settings = FakeSettings(d)
        self.drafts = FakeDrafts(d)
        self.people = FakePeopleRepository(d)
        self.cases = FakeCaseRepository(d.cases, d, self._written)
        self.slips = FakeSlipRepository(d.slips, d, self._written)
        self.marks = FakeCaseMarkRepository(d)
        self.contacts = FakeContactRepository(d)
        self.weekly = FakeWeeklySummaries(d)
        self.audit = FakeAuditLog(d)
        self.db.opened.append(self)
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.data = None  # type: ignore[assignment]  # uncommitted work is gone

    def collect_new_events(self, everything: bool = False) -> Iterator[Event]:
        for record in self._written:
            while record.events:
                yield record.events.pop(0)

    def commit(self) -> None:
        if self.readonly:
            raise AssertionError("a read-only unit of work was committed")
        self.db.data = copy.deepcopy(self.data)
        self.committed = True
        self.db.commits += 1

    def rollback(self) -> None:
        self.data = copy.deepcopy(self.db.data)


class FakeDatabase:
    """What the fake units of work share: the committed data and how often it changed."""

    def __init__(self) -> None:
        self.data = FakeData()
        self.commits = 0
        self.opened: list[FakeUnitOfWork] = []

    def uow(self, readonly: bool = False) -> FakeUnitOfWork:
        """The service's unit-of-work factory (`uow_factory=db.uow`)."""
        return FakeUnitOfWork(self, readonly)

    # ---- arranging what is stored -----------------------------------------------------
    def add(self, *records: Any) -> None:
        """Store departments, employees, users, cases or slips (ids given when None)."""
        for r in records:
            if r.id is None:
                r.id = self.data.new_id()
            self.data.last_id = max(self.data.last_id, r.id)
            store = {Department: self.data.departments, Employee: self.data.employees,
                     User: self.data.users, Case: self.data.cases,
                     FaultSlip: self.data.slips}[type(r)]
            store[r.id] = copy.deepcopy(r)

    @property
    def audit(self) -> list[dict[str, Any]]:
        """The committed audit entries."""
        return self.data.audit


S = TypeVar("S", bound=ServiceBase)


def service(cls: type[S], db: FakeDatabase, clock: Clock, tz: str = "Asia/Shanghai") -> S:
    """A service of `cls` on the fake database (no engine: nothing may reach one). Every
    service takes `uow_factory` (services/base.py); the fake stands in for a UnitOfWork."""
    return cls(cast(Any, None), clock, tz, uow_factory=cast(Any, db.uow))
