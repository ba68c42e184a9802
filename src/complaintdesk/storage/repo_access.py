"""Requests to read a case's customer numbers (DESIGN §3): stored, decided, looked up."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import or_, select
from sqlmodel import Session, col

from ..domain.masking import APPROVED, PENDING, AccessGrant, AccessRequest
from .tables import ContactAccessRow, StepRow


def _record(r: ContactAccessRow) -> AccessRequest:
    return AccessRequest(id=r.id or 0, case_id=r.case_id, requester_user_id=r.requester_user_id,
                         reason=r.reason, requested_at=r.requested_at, status=r.status,
                         decided_by_user_id=r.decided_by_user_id, decided_at=r.decided_at,
                         expires_at=r.expires_at)


class ContactAccessRepository:
    def __init__(self, session: Session) -> None:
        self._s = session

    def add(self, case_id: int, requester_user_id: int, reason: str, at: datetime) -> AccessRequest:
        row = ContactAccessRow(case_id=case_id, requester_user_id=requester_user_id,
                               reason=reason, requested_at=at, status=PENDING)
        self._s.add(row)
        self._s.flush()
        return _record(row)

    def get(self, request_id: int) -> AccessRequest | None:
        row = self._s.get(ContactAccessRow, request_id)
        return _record(row) if row is not None else None

    def decide(self, request_id: int, status: str, by_user_id: int, at: datetime,
               expires_at: datetime | None) -> AccessRequest:
        row = self._s.get(ContactAccessRow, request_id)
        assert row is not None
        row.status, row.decided_by_user_id, row.decided_at = status, by_user_id, at
        row.expires_at = expires_at
        self._s.add(row)
        self._s.flush()
        return _record(row)

    def pending(self, case_ids: list[int] | None = None) -> list[AccessRequest]:
        """Pending requests (of these cases), oldest first."""
        q = select(ContactAccessRow).where(ContactAccessRow.status == PENDING)
        if case_ids is not None:
            q = q.where(col(ContactAccessRow.case_id).in_(case_ids))
        q = q.order_by(ContactAccessRow.requested_at, ContactAccessRow.id)
        return [_record(r) for r in self._s.execute(q).scalars()]

    def of_user(self, user_id: int, case_id: int | None = None) -> list[AccessRequest]:
        q = select(ContactAccessRow).where(ContactAccessRow.requester_user_id == user_id)
        if case_id is not None:
            q = q.where(ContactAccessRow.case_id == case_id)
        q = q.order_by(col(ContactAccessRow.requested_at).desc(),
                       col(ContactAccessRow.id).desc())
        return [_record(r) for r in self._s.execute(q).scalars()]

    def grants(self, user_id: int, now: datetime,
               case_ids: list[int] | None = None) -> list[AccessGrant]:
        """The user's approvals still running at `now`."""
        q = select(ContactAccessRow.case_id, ContactAccessRow.expires_at).where(
            ContactAccessRow.requester_user_id == user_id, ContactAccessRow.status == APPROVED,
            col(ContactAccessRow.expires_at) > now)
        if case_ids is not None:
            q = q.where(col(ContactAccessRow.case_id).in_(case_ids))
        return [AccessGrant(case_id=c, user_id=user_id, expires_at=e)
                for c, e in self._s.execute(q).all()]

    def stepped_cases(self, user_id: int, case_ids: list[int]) -> set[int]:
        """Of these cases, those where the user held or acted on a step (or acted for its
        holder) — the handlers of DESIGN §3 that a list row cannot tell by itself."""
        if not case_ids:
            return set()
        q = select(StepRow.case_id).where(
            col(StepRow.case_id).in_(case_ids),
            or_(StepRow.assignee_user_id == user_id, StepRow.actor_user_id == user_id,
                StepRow.on_behalf_of_user_id == user_id)).distinct()
        return {int(c) for c in self._s.execute(q).scalars()}
