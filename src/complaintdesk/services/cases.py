"""Use cases: the case list, opening a case, revealing a masked phone (audited)."""

from __future__ import annotations

from dataclasses import dataclass

from ..domain.query import CaseListRow, CaseQuery
from ..domain.records import Attachment, Case, Role, User
from ..domain.validation import mask_phone, mask_vin
from ..storage.uow import ListRead
from .base import ServiceBase
from .errors import NotFound

# Roles that handle every case see phone numbers and VINs unmasked (DESIGN §3).
_HANDLES_ALL = (Role.CS_CENTER, Role.ASSESSOR, Role.GENERAL_MANAGER)


def handles_all_cases(actor: User) -> bool:
    return any(actor.has(r) for r in _HANDLES_ALL)


def handles_case(actor: User, department_id: int | None, supervisor_user_id: int | None) -> bool:
    if handles_all_cases(actor):
        return True
    if actor.id is not None and actor.id == supervisor_user_id:
        return True
    return actor.has(Role.DEPT_HEAD) and department_id is not None \
        and actor.department_id == department_id


@dataclass(frozen=True, slots=True)
class CaseView:
    case: Case
    masked: bool  # phone/VIN in case.intake are masked for this viewer
    repeat_of_number: str = ""
    repeats: tuple[tuple[int, str], ...] = ()  # later cases that repeat this one


class CaseService(ServiceBase):
    def list_page(self, actor: User, query: CaseQuery, offset: int = 0,
                  limit: int = 100) -> list[CaseListRow]:
        now = self.clock.now()
        with ListRead(self.engine) as read:
            rows = read.cases.list_page(query, now, offset, limit)
        if handles_all_cases(actor):
            return rows  # (asked once, not per row: that was a tenth of a page's time)
        return [r if handles_case(actor, r.department_id, None) else
                r.replace(phone=mask_phone(r.phone)) for r in rows]

    def count(self, actor: User, query: CaseQuery) -> int:
        with ListRead(self.engine) as read:
            return read.cases.count(query, self.clock.now())

    def total(self) -> int:
        with self.uow(readonly=True) as uow:
            return uow.cases.count_all()

    def open_case(self, actor: User, case_id: int) -> CaseView:
        with self.uow(readonly=True) as uow:
            case = uow.cases.get(case_id)
            if case is None:
                raise NotFound("找不到该案件，可能已被删除或编号有误")
            repeat_number = ""
            if case.repeat_of_id:
                other = uow.cases.get(case.repeat_of_id)
                repeat_number = other.number if other else ""
        masked = not handles_case(actor, case.department_id, case.supervisor_user_id)
        if masked:
            case.intake.phone = mask_phone(case.intake.phone)
            case.intake.vin = mask_vin(case.intake.vin)
        return CaseView(case=case, masked=masked, repeat_of_number=repeat_number)

    def case_id_by_number(self, number: str) -> int | None:
        with self.uow(readonly=True) as uow:
            return uow.cases.id_by_number(number)

    def reveal_contact(self, actor: User, case_id: int) -> tuple[str, str]:
        """The unmasked phone and VIN. Allowed to anyone, but written to the audit log when
        the viewer does not handle the case (DESIGN §3: reading customer data needs a trace)."""
        with self.uow() as uow:
            case = uow.cases.get(case_id)
            if case is None:
                raise NotFound("找不到该案件")
            if not handles_case(actor, case.department_id, case.supervisor_user_id):
                self.audit(uow, actor, "reveal_contact", "case", case.number, None,
                           {"fields": ["phone", "vin"]})
                uow.commit()
            return case.intake.phone, case.intake.vin

    def attachment(self, actor: User, attachment_id: int) -> Attachment:
        with self.uow(readonly=True) as uow:
            a = uow.cases.attachment_data(attachment_id)
        if a is None:
            raise NotFound("找不到该附件")
        return a
