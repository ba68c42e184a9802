"""What every use case shares: the engine, the clock, the acting user, the audit entry."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import Engine
from sqlalchemy.exc import DBAPIError

from ..domain.clock import Clock
from ..domain.records import Role, User
from ..storage.database import concurrency_failure
from ..storage.repo_cases import ConcurrentUpdateError
from ..storage.uow import UnitOfWork
from .errors import BusyError, ConflictError, PermissionDenied
from .messagebus import MessageBus

log = logging.getLogger(__name__)

SYSTEM_NAME = "命令行"  # the command line acts as the system; its audit entries say so
SYSTEM_USER = User(id=None, username="system", display_name=SYSTEM_NAME,
                   roles=frozenset(Role))


# opens one unit of work: `factory(readonly)` (tests hand in an in-memory fake, tests/fakes.py)
UowFactory = Callable[[bool], AbstractContextManager[UnitOfWork]]


class ServiceBase:
    def __init__(self, engine: Engine, clock: Clock, tz: str = "Asia/Shanghai", *,
                 uow_factory: UowFactory | None = None) -> None:
        self.engine = engine
        self.clock = clock
        self.tz_name = tz
        self.tz = ZoneInfo(tz)
        self.bus = MessageBus(self.tz)  # what happens after a change (services/messagebus.py)
        self._uow_factory = uow_factory or self._database_uow

    def _database_uow(self, readonly: bool) -> UnitOfWork:
        return UnitOfWork(self.engine, readonly=readonly, now=self.clock.now, bus=self.bus)

    @contextmanager
    def uow(self, readonly: bool = False) -> Iterator[UnitOfWork]:
        """One use case, one transaction. A concurrent update becomes "已被他人处理"."""
        with self._uow_factory(readonly) as uow:
            try:
                yield uow
            except ConcurrentUpdateError as exc:
                raise ConflictError() from exc
            except DBAPIError as exc:
                # two PCs at once: a person reads a sentence, never the driver's error
                kind = concurrency_failure(exc)
                if kind is None:
                    raise
                log.warning("concurrent change (%s): %s", kind, exc.orig)
                raise (ConflictError() if kind == "duplicate" else BusyError()) from exc

    def audit(self, uow: UnitOfWork, actor: User, action: str, entity: str,
              entity_id: str | int, before: Any = None, after: Any = None) -> None:
        uow.audit.append(at=self.clock.now(), user_id=actor.id, user_name=actor.display_name,
                         action=action, entity=entity, entity_id=entity_id, before=before,
                         after=after)

    @staticmethod
    def require(actor: User, *roles: Role, what: str) -> None:
        if not any(actor.has(r) for r in roles):
            names = "、".join(r.label for r in roles)
            raise PermissionDenied(f"没有权限{what}：需要{names}角色。")
