"""What every handler is given besides the event and the unit of work."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import tzinfo

from ...domain.records import Case
from ...storage.uow import UnitOfWork


@dataclass(frozen=True, slots=True)
class Context:
    tz: tzinfo  # the dealership's time zone (slip numbers and texts are local)

    @property
    def tz_name(self) -> str:
        """The zone's name ("Asia/Shanghai"), for the domain functions that take one."""
        return str(getattr(self.tz, "key", None) or self.tz)


def case_of(uow: UnitOfWork, case_id: int | None) -> Case | None:
    """The case an event is about: the one this unit of work holds, else from storage."""
    if case_id is None:
        return None
    return uow.seen.case(case_id) or uow.cases.get(case_id)
