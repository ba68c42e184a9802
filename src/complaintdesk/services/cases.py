"""Use cases: the case list, opening a case (customer numbers masked unless the viewer
handles it — domain/masking.py, services/data_access.py)."""

from __future__ import annotations

from dataclasses import dataclass

from ..domain.masking import CaseHandling, masked_case
from ..domain.masking import handles_all_cases as handles_all_cases
from ..domain.masking import handles_case as _handles
from ..domain.query import CaseListRow, CaseQuery
from ..domain.records import Attachment, Case, User
from ..storage.uow import ListRead
from .base import ServiceBase
from .data_access import audit_contact_view, contact_readable, handles_now, rows_for
from .errors import NotFound


def handles_case(actor: User, department_id: int | None, supervisor_user_id: int | None) -> bool:
    """The DESIGN §3 rule from a case's department and 业务主管 alone (no step holders,
    no revisit): for callers that have no Case at hand. With a Case, use
    `domain.masking.handles_case(actor, CaseHandling.of(case))`."""
    return _handles(actor, CaseHandling(department_id, supervisor_user_id, "", frozenset()))


@dataclass(frozen=True, slots=True)
class CaseView:
    case: Case
    masked: bool  # mobile/landline/VIN in case.intake are masked for this viewer
    repeat_of_number: str = ""
    repeats: tuple[tuple[int, str], ...] = ()  # later cases that repeat this one
    may_reveal: bool = False  # masked, but an approval lets the viewer read them (audited)


class CaseService(ServiceBase):
    def list_page(self, actor: User, query: CaseQuery, offset: int = 0,
                  limit: int = 100) -> list[CaseListRow]:
        now = self.clock.now()
        with ListRead(self.engine) as read:
            rows = read.cases.list_page(query, now, offset, limit)
        if handles_all_cases(actor):
            return rows  # (asked once, not per row: that was a tenth of a page's time)
        with self.uow(readonly=True) as uow:
            return rows_for(uow, actor, rows)

    def count(self, actor: User, query: CaseQuery) -> int:
        with ListRead(self.engine) as read:
            return read.cases.count(query, self.clock.now())

    def total(self) -> int:
        with self.uow(readonly=True) as uow:
            return uow.cases.count_all()

    def open_case(self, actor: User, case_id: int) -> CaseView:
        """The case as the actor may see it. A handler reads the numbers (the view is
        audited); anyone else sees them masked — with an approval running, the view says
        they may reveal them (`DataAccessService.reveal`, audited)."""
        now = self.clock.now()
        with self.uow(readonly=True) as uow:
            case = uow.cases.get(case_id)
            if case is None:
                raise NotFound("找不到该案件，可能已被删除或编号有误")
            repeat_number = ""
            if case.repeat_of_id:
                other = uow.cases.get(case.repeat_of_id)
                repeat_number = other.number if other else ""
            handler = handles_now(uow, actor, case, now)
            may_reveal = not handler and contact_readable(uow, actor, case, now)
        if handler and _has_numbers(case) and actor.id is not None:  # a person read them
            with self.uow() as uow:  # a write only when the numbers are read
                audit_contact_view(self, uow, actor, case, "case_view")
                uow.commit()
        if handler:
            return CaseView(case=case, masked=False, repeat_of_number=repeat_number)
        return CaseView(case=masked_case(case), masked=True, repeat_of_number=repeat_number,
                        may_reveal=may_reveal)

    def case_id_by_number(self, number: str) -> int | None:
        with self.uow(readonly=True) as uow:
            return uow.cases.id_by_number(number)

    def reveal_contact(self, actor: User, case_id: int) -> tuple[str, str, str]:
        """Mobile, landline and VIN in full, for a handler or an approval still running
        (audited); anyone else is refused and asks for access (DESIGN §3)."""
        from .data_access import DataAccessService

        n = DataAccessService(self.engine, self.clock, self.tz_name).reveal(actor, case_id)
        return n.phone, n.landline, n.vin

    def attachment(self, actor: User, attachment_id: int) -> Attachment:
        with self.uow(readonly=True) as uow:
            a = uow.cases.attachment_data(attachment_id)
        if a is None:
            raise NotFound("找不到该附件")
        return a


def _has_numbers(case: Case) -> bool:
    i = case.intake
    return bool(i.phone or i.landline or i.vin)


__all__ = ["CaseListRow", "CaseService", "CaseView", "handles_all_cases", "handles_case"]
