"""Unit of work: one transaction, the repositories bound to it (cosmic-python style)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import datetime
from types import TracebackType
from typing import Protocol

from sqlalchemy import Engine, text
from sqlmodel import Session

from ..domain.events import Event
from .audit import AuditLog
from .audit_head import HeadTracker, head_file
from .change_watch import notify_sql
from .kpi_maintenance import KpiMaintenance
from .kpi_tallies import KpiTallies
from .read_models.case_list import CaseListReader
from .repo_access import ContactAccessRepository
from .repo_alerts import AlertRepository
from .repo_cases import CaseRepository
from .repo_contacts import ContactRepository, WeeklySummaries
from .repo_ledger import LedgerImportRepository
from .repo_manufacturer import ManufacturerRepository
from .repo_marks import CaseMarkRepository
from .repo_misc import Drafts, Sequences, Settings, Volumes
from .repo_paper import PaperRepository
from .repo_people import PeopleRepository
from .repo_slips import SlipRepository
from .tracking import Seen


class Bus(Protocol):
    """The service layer's message bus as the unit of work sees it (services/messagebus.py)."""

    def start(self, uow: UnitOfWork) -> None:
        """The unit of work opened: register the read models that follow its writes."""

    def finish(self, uow: UnitOfWork) -> None:
        """Before commit: handle the events not handled yet, then bring the read models
        up to date — in this transaction."""


class UnitOfWork:
    """`with UnitOfWork(engine) as uow: ...; uow.commit()` — leaving without commit rolls
    back. `readonly=True` does not take SQLite's write lock.

    `bus` (services/messagebus.py) handles the domain events of what was written and keeps
    the read models in step (the KPI tallies, storage/kpi_tallies.py), in this transaction:
    writing a case or a slip without one is refused at commit, as the tallies would no
    longer match the records. `now` (the services' clock) stamps the tallies; without it,
    the system time."""

    def __init__(self, engine: Engine, readonly: bool = False,
                 now: Callable[[], datetime] | None = None, bus: Bus | None = None) -> None:
        self._engine = engine.execution_options(readonly=True) if readonly else engine
        self.readonly = readonly
        self._now = now
        self._bus = bus

    def __enter__(self) -> UnitOfWork:
        self.session = Session(bind=self._engine, expire_on_commit=False, autoflush=False)
        s = self.session
        self.seen = Seen()
        self.kpis = KpiTallies(s, self._now)  # the tally store; kept up to date by the bus
        self.kpi_upkeep = KpiMaintenance(s, self.kpis)  # rebuild, check, month ends
        self.cases = CaseRepository(s, self.seen)
        self.people = PeopleRepository(s)
        self.sequences = Sequences(s)
        self.settings = Settings(s)
        self.drafts = Drafts(s)
        self.volumes = Volumes(s)
        self.slips = SlipRepository(s, self.seen)
        self.audit = AuditLog(s, HeadTracker(head_file(self._engine)))
        self.contact_access = ContactAccessRepository(s)
        self.alerts = AlertRepository(s)
        self.contacts = ContactRepository(s)
        self.weekly = WeeklySummaries(s)
        self.manufacturer = ManufacturerRepository(s)
        self.marks = CaseMarkRepository(s)
        self.ledger = LedgerImportRepository(s)  # 历史导入 provenance, history lookups
        self.paper = PaperRepository(s)
        if self._bus is not None:
            self._bus.start(self)
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        try:
            self.session.rollback()
        finally:
            self.session.close()

    def collect_new_events(self, everything: bool = False) -> Iterator[Event]:
        """The domain events raised on the cases and slips written since the last call
        (`everything`: on all this unit of work wrote), each handed out once."""
        return self.seen.collect_new_events(everything)

    def commit(self) -> None:
        if self._bus is not None:
            self._bus.finish(self)  # the last events' handlers and the tallies: same transaction
        elif self.seen.wrote:
            raise RuntimeError("cases or slips were written without the message bus: "
                               "open the unit of work with services.messagebus (bus=...)")
        if not self.readonly and self._engine.dialect.name == "postgresql":
            # other PCs' change watchers hear of it at commit (not at all on rollback)
            self.session.execute(text(notify_sql()))
        self.session.commit()
        self.audit.committed()  # the chain's head outside the database (DESIGN §9)


class ListRead:
    """The case list's page or count (`with ListRead(engine) as r: r.cases.list_page(...)`)
    on a pooled DBAPI connection, without an ORM Session: the Session's begin, rollback and
    close cost 0.15 ms, a sixth of a page. Reads only, one statement at a time: SQLite runs
    a lone SELECT in its own read transaction; what PostgreSQL's driver began is rolled
    back when the connection goes back to the pool."""

    def __init__(self, engine: Engine) -> None:
        self._engine = engine

    def __enter__(self) -> ListRead:
        self._connection = self._engine.raw_connection()
        self.cases = CaseListReader(self._engine.dialect, self._connection)
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self._connection.close()
