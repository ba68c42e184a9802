"""Drafts: what a user typed and has not saved yet (DESIGN §10: nothing typed is lost)."""

from __future__ import annotations

from typing import Any

from ..domain.records import User
from .base import ServiceBase

INTAKE_DRAFT = "intake"  # the key of the intake form's draft


class DraftService(ServiceBase):
    """One draft per user and form key; JSON-able content, no audit (nothing is decided)."""

    def get(self, actor: User, key: str) -> Any:
        if actor.id is None:
            return None
        with self.uow(readonly=True) as uow:
            return uow.drafts.get(actor.id, key)

    def put(self, actor: User, key: str, content: Any) -> None:
        if actor.id is None:
            return
        with self.uow() as uow:
            uow.drafts.put(actor.id, key, content, self.clock.now())
            uow.commit()

    def drop(self, actor: User, key: str) -> None:
        if actor.id is None:
            return
        with self.uow() as uow:
            uow.drafts.drop(actor.id, key)
            uow.commit()
