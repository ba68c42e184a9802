"""厂家转办 records (DESIGN §4.6; migration 0017_manufacturer): the forwarding of a case
and its replies to the manufacturer, handed out as domain records."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any, cast

from sqlalchemy import CursorResult, bindparam, func, insert, select, update
from sqlmodel import Session, col

from ..domain.clock import utc
from ..domain.manufacturer import (
    MILESTONE_KEYS,
    ManufacturerForward,
    ManufacturerReply,
    MilestoneDue,
)
from .tables import AlertRow, CaseRow, ManufacturerForwardRow, ManufacturerReplyRow, table_of


@dataclass(frozen=True, slots=True)
class ForwardCase:
    """A forwarding with what the lists need of its case."""

    forward: ManufacturerForward
    number: str
    customer_name: str
    status: str
    department_id: int | None
    supervisor_user_id: int | None
    phone: str


def _forward(r: ManufacturerForwardRow) -> ManufacturerForward:
    return ManufacturerForward(
        case_id=r.case_id, brand=r.brand, reference=r.reference,
        forwarded_at=utc(r.forwarded_at),
        milestones=tuple(MilestoneDue(str(m["key"]), str(m.get("rule", "")),
                                      utc(datetime.fromisoformat(m["due"])))
                         for m in r.milestones),
        registered_at=utc(r.registered_at), registered_by_user_id=r.registered_by_user_id)


def _reply(r: ManufacturerReplyRow) -> ManufacturerReply:
    return ManufacturerReply(r.id, r.case_id, utc(r.at), r.text, r.by_user_id, r.milestone,
                             utc(r.recorded_at))


_F = table_of(ManufacturerForwardRow)
_CASE_COLS: tuple[Any, ...] = (CaseRow.number, CaseRow.customer_name, CaseRow.status,
                               CaseRow.department_id, CaseRow.supervisor_user_id,
                               CaseRow.phone)


class ManufacturerRepository:
    def __init__(self, session: Session) -> None:
        self._s = session

    def add_forward(self, f: ManufacturerForward) -> None:
        self._s.add(ManufacturerForwardRow(
            case_id=f.case_id, brand=f.brand, reference=f.reference,
            forwarded_at=f.forwarded_at,
            milestones=[{"key": m.key, "rule": m.rule_text, "due": m.due.isoformat()}
                        for m in f.milestones],
            registered_at=f.registered_at, registered_by_user_id=f.registered_by_user_id))
        self._s.flush()

    def forward(self, case_id: int) -> ManufacturerForward | None:
        row = self._s.get(ManufacturerForwardRow, case_id)
        return _forward(row) if row is not None else None

    def by_reference(self, brand: str, reference: str) -> int | None:
        """The case already registered with this brand's reference, if any."""
        return self._s.execute(
            select(ManufacturerForwardRow.case_id).where(
                ManufacturerForwardRow.brand == brand,
                func.upper(ManufacturerForwardRow.reference) == reference.upper())
        ).scalars().first()

    def add_reply(self, reply: ManufacturerReply) -> ManufacturerReply:
        rid = self._s.execute(insert(ManufacturerReplyRow).values(
            case_id=reply.case_id, at=reply.at, text=reply.text, by_user_id=reply.by_user_id,
            milestone=reply.milestone, recorded_at=reply.recorded_at,
        ).returning(ManufacturerReplyRow.id)).scalar_one()
        return ManufacturerReply(rid, reply.case_id, reply.at, reply.text, reply.by_user_id,
                                 reply.milestone, reply.recorded_at)

    def settle_alerts(self, case_id: int, milestone: str, now: datetime) -> int:
        """A milestone answered: its reminders are marked read for everyone."""
        stmt = (update(AlertRow)
                .where(col(AlertRow.ref) == f"case:{case_id}",
                       col(AlertRow.key).like(f"mfr:{case_id}:{milestone}:%"),
                       col(AlertRow.read_at).is_(None))
                .values(read_at=now))
        # an UPDATE's result is a CursorResult (Session.execute is typed as returning Result)
        result = cast("CursorResult[Any]", self._s.execute(stmt))
        return int(result.rowcount or 0)

    def replies(self, case_ids: list[int]) -> dict[int, list[ManufacturerReply]]:
        """The replies of these cases, in the order they were made."""
        out: dict[int, list[ManufacturerReply]] = {c: [] for c in case_ids}
        for i in range(0, len(case_ids), 500):
            rows = self._s.execute(
                select(ManufacturerReplyRow)
                .where(col(ManufacturerReplyRow.case_id).in_(case_ids[i:i + 500]))
                .order_by(ManufacturerReplyRow.at, ManufacturerReplyRow.id)).scalars()
            for r in rows:
                out[r.case_id].append(_reply(r))
        return out

    def _with_case(self, *where: Any, ordered: bool = True) -> list[ForwardCase]:
        stmt = (select(ManufacturerForwardRow, *_CASE_COLS)
                .join(CaseRow, col(CaseRow.id) == ManufacturerForwardRow.case_id)
                .where(*where))
        if ordered:
            stmt = stmt.order_by(ManufacturerForwardRow.forwarded_at,
                                 ManufacturerForwardRow.case_id)
        return [ForwardCase(_forward(r[0]), *r[1:]) for r in self._s.execute(stmt).all()]

    def forwarded_between(self, start: datetime, end: datetime,
                          brand: str | None = None) -> list[ForwardCase]:
        """Forwardings with start <= forwarded_at < end (of one brand)."""
        conds: list[Any] = [ManufacturerForwardRow.forwarded_at >= start,
                            ManufacturerForwardRow.forwarded_at < end]
        if brand:
            conds.append(ManufacturerForwardRow.brand == brand)
        return self._with_case(*conds)

    def channel_cases_without_forward(self, channel: str, kind: str
                                      ) -> list[tuple[int, datetime, str, int | None]]:
        """(case id, complained_at, vehicle model, supervisor) of the cases of a channel and
        kind that have no forwarding recorded (the demo gives them one)."""
        has = select(ManufacturerForwardRow.case_id).where(
            ManufacturerForwardRow.case_id == CaseRow.id)
        rows = self._s.execute(
            select(CaseRow.id, CaseRow.complained_at, CaseRow.vehicle_model,
                   CaseRow.supervisor_user_id)
            .where(CaseRow.channel == channel, CaseRow.kind == kind, ~has.exists())
            .order_by(CaseRow.id)).all()
        return [(int(i), utc(at), str(model), sup) for i, at, model, sup in rows]

    def marks_due(self, now: datetime) -> list[ForwardCase]:
        """The forwardings whose next milestone mark has come (by `now`) or is not known
        (NULL: new, or never looked at), off their index: all the reminder scan reads."""
        mark = _F.c.next_mark_at
        # two range reads of its index: not one OR, nor in forwarding order (each a walk of
        # every forwarding)
        return (self._with_case(mark.is_(None), ordered=False)
                + self._with_case(mark <= now, ordered=False))

    def settle_answered_marks(self, never: datetime) -> int:
        """The forwardings with no mark known whose every milestone is answered have no
        mark left: `never` (after the upgrade, most of the old ones — not read one by one)."""
        return int(self._s.connection().execute(
            update(_F).where(_F.c.next_mark_at.is_(None), ~self._unanswered())
            .values(next_mark_at=never)).rowcount or 0)

    @staticmethod
    def _unanswered() -> Any:
        """A forwarding has fewer distinct milestone replies than milestones."""
        answered = (select(func.count(func.distinct(ManufacturerReplyRow.milestone)))
                    .where(ManufacturerReplyRow.case_id == ManufacturerForwardRow.case_id,
                           col(ManufacturerReplyRow.milestone).in_(MILESTONE_KEYS))
                    .scalar_subquery())
        return answered < len(MILESTONE_KEYS)

    def set_marks(self, marks: Mapping[int, datetime]) -> None:
        """Store each forwarding's next milestone mark (by case id)."""
        if marks:
            self._s.connection().execute(
                update(_F).where(_F.c.case_id == bindparam("b_id"))
                .values(next_mark_at=bindparam("b_mark")),
                [{"b_id": k, "b_mark": v} for k, v in marks.items()])

    def unanswered(self) -> list[ForwardCase]:
        """Forwardings with a milestone nobody has replied to yet (for 我的待办 and the
        reminders): fewer distinct milestone replies than milestones. The service judges
        each milestone itself."""
        return self._with_case(self._unanswered())
