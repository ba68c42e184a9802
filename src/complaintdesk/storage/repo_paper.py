"""The paper loop's storage (migration 0016_paper_loop): signed copies attached to the
steps they complete (签字存档). Hands out domain records (domain/paper.py). (典型案例 are
case marks: repo_marks.py.)"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import and_, exists, insert, select
from sqlmodel import Session, col

from ..domain.clock import utc
from ..domain.paper import WITH_SLIPS, SignedCopy, SignedCopyRule
from ..domain.query import CaseListRow
from ..domain.records import SlipStatus
from .read_models.case_list import case_list_select
from .tables import CaseRow, FaultSlipRow, SignedCopyRow, StepRow

_COPY_LISTING = (SignedCopyRow.id, SignedCopyRow.case_id, SignedCopyRow.step_key,
                 SignedCopyRow.form, SignedCopyRow.filename, SignedCopyRow.mime,
                 SignedCopyRow.size, SignedCopyRow.sha256, SignedCopyRow.uploaded_by_user_id,
                 SignedCopyRow.uploaded_at)
# slips that went out on paper (a proposal never issued, or discarded, has no paper)
_PAPER_SLIP_STATES = tuple(s.value for s in SlipStatus
                           if s not in (SlipStatus.PROPOSED, SlipStatus.DISCARDED))


def _copy(r: Any, data: bytes | None = None) -> SignedCopy:
    return SignedCopy(r.id, r.case_id, r.step_key, r.form, r.filename, r.mime, r.size,
                      r.sha256, r.uploaded_by_user_id, utc(r.uploaded_at), data)


class PaperRepository:
    def __init__(self, session: Session) -> None:
        self._s = session

    # ---- signed copies ------------------------------------------------------------------
    def add_copy(self, c: SignedCopy) -> int:
        assert c.data is not None
        return int(self._s.execute(insert(SignedCopyRow).values(
            case_id=c.case_id, step_key=c.step_key, form=c.form, filename=c.filename,
            mime=c.mime, size=c.size, sha256=c.sha256,
            uploaded_by_user_id=c.uploaded_by_user_id, uploaded_at=c.uploaded_at, data=c.data,
        ).returning(SignedCopyRow.id)).scalar_one())

    def copies_for_case(self, case_id: int) -> list[SignedCopy]:
        rows = self._s.execute(select(*_COPY_LISTING).where(SignedCopyRow.case_id == case_id)
                               .order_by(SignedCopyRow.id)).all()
        return [_copy(r) for r in rows]

    def copy_data(self, copy_id: int) -> SignedCopy | None:
        r = self._s.execute(select(*_COPY_LISTING, SignedCopyRow.data)
                            .where(SignedCopyRow.id == copy_id)).first()
        return _copy(r, bytes(r.data)) if r is not None else None

    def has_paper_slips(self, case_id: int) -> bool:
        return self._s.execute(select(exists().where(
            FaultSlipRow.case_id == case_id,
            col(FaultSlipRow.status).in_(_PAPER_SLIP_STATES)))).scalar_one()

    def missing(self, rules: Sequence[SignedCopyRule], *, closed_from: datetime | None = None,
                closed_to: datetime | None = None, limit: int = 2000
                ) -> list[tuple[int, str, datetime]]:
        """(case id, form key, when its step finished) for each finished step that owes a
        signed copy by `rules` and has none, the oldest first. With `closed_from/to`: only
        cases closed in that span. One query, portable SQL (NOT EXISTS)."""
        out: list[tuple[int, str, datetime]] = []
        for rule in rules:
            conds: list[Any] = [
                col(StepRow.step_key) == rule.step, col(StepRow.finished_at).is_not(None),
                CaseRow.flow == rule.flow.value,
                ~exists().where(SignedCopyRow.case_id == StepRow.case_id,
                                SignedCopyRow.step_key == rule.step,
                                SignedCopyRow.form == rule.form),
            ]
            if rule.when == WITH_SLIPS:
                conds.append(exists().where(FaultSlipRow.case_id == StepRow.case_id,
                                            col(FaultSlipRow.status).in_(_PAPER_SLIP_STATES)))
            if closed_from is not None:
                conds.append(col(CaseRow.closed_at) >= closed_from)
            if closed_to is not None:
                conds.append(col(CaseRow.closed_at) < closed_to)
            stmt = (select(StepRow.case_id, StepRow.finished_at)
                    .join(CaseRow, CaseRow.id == StepRow.case_id).where(and_(*conds))
                    .order_by(StepRow.finished_at, StepRow.case_id).limit(limit))
            seen: set[int] = set()
            for case_id, finished in self._s.execute(stmt).all():
                if case_id not in seen:  # a step done in two rounds owes one copy
                    seen.add(case_id)
                    out.append((int(case_id), rule.form, utc(finished)))
        out.sort(key=lambda t: (t[2], t[0]))
        return out[:limit]

    def list_rows(self, case_ids: Sequence[int]) -> list[CaseListRow]:
        """The case list's rows of these cases."""
        out: list[CaseListRow] = []
        ids = sorted(set(case_ids))
        for i in range(0, len(ids), 500):
            stmt = case_list_select().where(col(CaseRow.id).in_(ids[i:i + 500]))
            out += [CaseListRow.from_values(r) for r in self._s.connection().execute(stmt)]
        return out


__all__ = ["PaperRepository"]
