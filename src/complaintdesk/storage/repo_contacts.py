"""The contact log of a case, the 处理意见告知 task query and the weekly summary record
(DESIGN §4.1; migration 0006_policy_flow)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import insert, select, update
from sqlmodel import Session, col

from ..domain.clock import utc
from ..domain.query import CaseListRow
from ..domain.records import ContactEntry
from .read_models.case_list import StoredCaseListRow, case_list_select
from .tables import CaseRow, ContactRow, WeeklySummaryRow


class ContactRepository:
    def __init__(self, session: Session) -> None:
        self._s = session

    def add(self, entry: ContactEntry) -> ContactEntry:
        entry.id = self._s.execute(insert(ContactRow).values(
            case_id=entry.case_id, at=entry.at, method=entry.method, kind=entry.kind,
            by_user_id=entry.by_user_id, summary=entry.summary,
            customer_reply=entry.customer_reply, recorded_at=entry.recorded_at,
        ).returning(ContactRow.id)).scalar_one()
        return entry

    def for_case(self, case_id: int) -> list[ContactEntry]:
        rows = self._s.execute(select(ContactRow).where(ContactRow.case_id == case_id)
                               .order_by(ContactRow.at, ContactRow.id)).scalars().all()
        return [ContactEntry(r.id, r.case_id, utc(r.at), r.method, r.kind, r.by_user_id,
                             r.summary, r.customer_reply, utc(r.recorded_at)) for r in rows]

    def notice_task_rows(self, now: datetime, limit: int = 2000) -> list[CaseListRow]:
        """Complaints whose 告知 window has opened and that nobody told yet (index
        ix_case_notice), the earliest due first, as the case list shows them."""
        stmt = (case_list_select().where(col(CaseRow.notified_at).is_(None),
                                         col(CaseRow.notice_from) <= now)
                .order_by(CaseRow.notice_due, CaseRow.id).limit(limit))
        return [StoredCaseListRow.from_values(r) for r in self._s.connection().execute(stmt)]

    def approval_task_rows(self, role: str, department_id: int | None,
                           limit: int = 500) -> list[tuple[CaseListRow, datetime | None]]:
        """Cases whose 重要/重大 solution awaits this approver (the role; a department head
        only his department's), the earliest due first, with that due time."""
        conds = [CaseRow.approval_role == role]
        if department_id is not None:
            conds.append(CaseRow.department_id == department_id)
        stmt = (case_list_select().add_columns(CaseRow.approval_due).where(*conds)
                .order_by(CaseRow.approval_due, CaseRow.id).limit(limit))
        out = []
        for r in self._s.connection().execute(stmt):
            *values, due = tuple(r)
            out.append((StoredCaseListRow.from_values(values), utc(due) if due else None))
        return out

    def notice_windows(self, case_ids: list[int]) -> dict[int, tuple[datetime, datetime]]:
        """(window opens, task due) of these cases."""
        if not case_ids:
            return {}
        rows = self._s.execute(select(CaseRow.id, CaseRow.notice_from, CaseRow.notice_due)
                               .where(col(CaseRow.id).in_(case_ids))).all()
        return {int(i): (utc(f), utc(d)) for i, f, d in rows if f is not None and d is not None}


class WeeklySummaries:
    def __init__(self, session: Session) -> None:
        self._s = session

    def get(self, week_start: date) -> dict[str, Any] | None:
        r = self._s.get(WeeklySummaryRow, week_start)
        if r is None:
            return None
        return {"week_start": r.week_start, "sent_at": utc(r.sent_at) if r.sent_at else None,
                "sent_by_user_id": r.sent_by_user_id,
                "read_at": utc(r.read_at) if r.read_at else None,
                "read_by_user_id": r.read_by_user_id}

    def mark_sent(self, week_start: date, user_id: int | None, at: datetime,
                  pdf: bytes | None = None, pdf_sha256: str | None = None) -> None:
        if self._s.get(WeeklySummaryRow, week_start) is None:
            self._s.add(WeeklySummaryRow(week_start=week_start, sent_at=at,
                                         sent_by_user_id=user_id, pdf=pdf,
                                         pdf_sha256=pdf_sha256))
            self._s.flush()
        else:
            self._s.execute(update(WeeklySummaryRow)
                            .where(col(WeeklySummaryRow.week_start) == week_start)
                            .values(sent_at=at, sent_by_user_id=user_id, pdf=pdf,
                                    pdf_sha256=pdf_sha256))

    def sent_copy(self, week_start: date) -> tuple[bytes, str] | None:
        """The PDF as it was sent, with its SHA-256; None for a week sent without one."""
        row = self._s.execute(
            select(WeeklySummaryRow.pdf, WeeklySummaryRow.pdf_sha256)
            .where(col(WeeklySummaryRow.week_start) == week_start)).first()
        if row is None or row[0] is None:
            return None
        return bytes(row[0]), row[1] or ""

    def mark_read(self, week_start: date, user_id: int | None, at: datetime) -> None:
        self._s.execute(update(WeeklySummaryRow)
                        .where(col(WeeklySummaryRow.week_start) == week_start)
                        .values(read_at=at, read_by_user_id=user_id))

    def unread(self) -> list[date]:
        return list(self._s.execute(
            select(WeeklySummaryRow.week_start)
            .where(col(WeeklySummaryRow.sent_at).is_not(None),
                   col(WeeklySummaryRow.read_at).is_(None))
            .order_by(WeeklySummaryRow.week_start)).scalars().all())
