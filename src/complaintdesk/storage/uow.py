"""Unit of work: one transaction, the repositories bound to it (cosmic-python style)."""

from __future__ import annotations

from types import TracebackType

from sqlalchemy import Engine
from sqlmodel import Session

from .audit import AuditLog
from .repo_cases import CaseRepository
from .repo_misc import Drafts, Sequences, Settings, Volumes
from .repo_people import PeopleRepository
from .repo_slips import SlipRepository


class UnitOfWork:
    """`with UnitOfWork(engine) as uow: ...; uow.commit()` — leaving without commit rolls
    back. `readonly=True` does not take SQLite's write lock."""

    def __init__(self, engine: Engine, readonly: bool = False) -> None:
        self._engine = engine.execution_options(readonly=True) if readonly else engine
        self.readonly = readonly

    def __enter__(self) -> UnitOfWork:
        self.session = Session(bind=self._engine, expire_on_commit=False, autoflush=False)
        s = self.session
        self.cases = CaseRepository(s)
        self.people = PeopleRepository(s)
        self.sequences = Sequences(s)
        self.settings = Settings(s)
        self.drafts = Drafts(s)
        self.volumes = Volumes(s)
        self.slips = SlipRepository(s)
        self.audit = AuditLog(s)
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        try:
            self.session.rollback()
        finally:
            self.session.close()

    def commit(self) -> None:
        self.session.commit()
