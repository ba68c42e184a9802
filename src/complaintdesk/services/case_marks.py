"""The assessor's 疑难 mark on a complaint (issue 14; seed 001 五.2 names 重大、疑难 together
for the individual reward). He marks it with a reason and may take it back; both are in the
audit trail. The mark is what makes a case eligible for “成功解决疑难投诉”."""

from __future__ import annotations

from ..domain.case_marks import DIFFICULT, MARKED_BY, CaseMark, mark_applies
from ..domain.records import User
from .base import ServiceBase
from .errors import NotFound, ServiceError


class CaseMarkService(ServiceBase):
    def marks(self, case_id: int) -> list[CaseMark]:
        with self.uow(readonly=True) as uow:
            return uow.marks.of_case(case_id)

    def is_difficult(self, case_id: int) -> bool:
        with self.uow(readonly=True) as uow:
            return uow.marks.get(case_id, DIFFICULT) is not None

    def mark_difficult(self, actor: User, case_id: int, note: str) -> CaseMark:
        """The assessor judges the complaint 疑难; `note` says why (required)."""
        self.require(actor, MARKED_BY, what="标记疑难投诉")
        note = note.strip()
        if not note:
            raise ServiceError("请填写「认定理由」：为什么属于疑难投诉。", field="note")
        if len(note) > 500:
            raise ServiceError("「认定理由」不能超过 500 字。", field="note")
        with self.uow() as uow:
            case = uow.cases.get(case_id)
            if case is None:
                raise NotFound("找不到该案件，请刷新后重试。")
            if not mark_applies(DIFFICULT, case):
                raise ServiceError("只有投诉可以标记为疑难投诉（建议、表扬不适用）。")
            before = uow.marks.get(case_id, DIFFICULT)
            mark = CaseMark(case_id=case_id, kind=DIFFICULT, note=note,
                            by_user_id=actor.id or 0, at=self.clock.now())
            uow.marks.put(mark)
            self.audit(uow, actor, "mark_difficult", "case", case.number,
                       {"note": before.note} if before else None, {"note": note})
            uow.commit()
            return mark

    def clear_difficult(self, actor: User, case_id: int) -> None:
        self.require(actor, MARKED_BY, what="取消疑难投诉标记")
        with self.uow() as uow:
            case = uow.cases.get(case_id)
            if case is None:
                raise NotFound("找不到该案件，请刷新后重试。")
            before = uow.marks.get(case_id, DIFFICULT)
            if before is None:
                return
            uow.marks.remove(case_id, DIFFICULT)
            self.audit(uow, actor, "unmark_difficult", "case", case.number,
                       {"note": before.note}, None)
            uow.commit()
