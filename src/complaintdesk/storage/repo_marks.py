"""The assessor's marks on cases (疑难): stored, cleared, looked up."""

from __future__ import annotations

from sqlalchemy import delete, select
from sqlmodel import Session

from ..domain.case_marks import CaseMark
from .tables import CaseMarkRow


def _record(r: CaseMarkRow) -> CaseMark:
    return CaseMark(case_id=r.case_id, kind=r.kind, note=r.note, by_user_id=r.by_user_id,
                    at=r.at)


class CaseMarkRepository:
    def __init__(self, session: Session) -> None:
        self._s = session

    def of_case(self, case_id: int) -> list[CaseMark]:
        q = select(CaseMarkRow).where(CaseMarkRow.case_id == case_id).order_by(CaseMarkRow.kind)
        return [_record(r) for r in self._s.execute(q).scalars()]

    def get(self, case_id: int, kind: str) -> CaseMark | None:
        row = self._s.get(CaseMarkRow, (case_id, kind))
        return _record(row) if row is not None else None

    def put(self, mark: CaseMark) -> None:
        row = self._s.get(CaseMarkRow, (mark.case_id, mark.kind))
        if row is None:
            row = CaseMarkRow(case_id=mark.case_id, kind=mark.kind, note=mark.note,
                              by_user_id=mark.by_user_id, at=mark.at)
        else:
            row.note, row.by_user_id, row.at = mark.note, mark.by_user_id, mark.at
        self._s.add(row)
        self._s.flush()

    def remove(self, case_id: int, kind: str) -> None:
        self._s.execute(delete(CaseMarkRow).where(CaseMarkRow.case_id == case_id,
                                                  CaseMarkRow.kind == kind))
        self._s.flush()

    def of_kind(self, kind: str) -> list[CaseMark]:
        """Every mark of this kind, the latest first (the 典型案例库)."""
        q = select(CaseMarkRow).where(CaseMarkRow.kind == kind).order_by(
            CaseMarkRow.at.desc(), CaseMarkRow.case_id)
        return [_record(r) for r in self._s.execute(q).scalars()]

    def cases_marked(self, kind: str) -> set[int]:
        q = select(CaseMarkRow.case_id).where(CaseMarkRow.kind == kind)
        return set(self._s.execute(q).scalars())
