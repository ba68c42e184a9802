"""The reference for the read side (storage/read_models/): the same records read through
the ORM — sqlmodel selects of the table classes, every value through SQLAlchemy's own type
processing — and mapped attribute by attribute, written independently of the fast
readers so that a test can compare the two field by field."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime
from typing import Any

from sqlmodel import Session, select

from complaintdesk.domain.records import (
    Attachment,
    Case,
    CaseStatus,
    FaultSlip,
    FeedbackKind,
    FlowKind,
    Intake,
    Penalty,
    PenaltyKind,
    Responsibility,
    Severity,
    SlipChange,
    SlipStatus,
    StepRecord,
)
from complaintdesk.storage.tables import AttachmentRow, CaseRow, FaultSlipRow, StepRow


def _aware(v: datetime | None) -> datetime | None:
    return None if v is None else v.astimezone(UTC)


def orm_step(s: StepRow) -> StepRecord:
    return StepRecord(
        id=s.id, case_id=s.case_id, step_key=s.step_key, seq=s.seq,
        due_since=_aware(s.due_since), deadline=_aware(s.deadline),
        assignee_user_id=s.assignee_user_id, actor_user_id=s.actor_user_id,
        on_behalf_of_user_id=s.on_behalf_of_user_id, finished_at=_aware(s.finished_at),
        outcome=s.outcome, data=dict(s.data or {}), breach=s.breach,
        extensions=list(s.extensions or []))


def orm_case(r: CaseRow, steps: list[StepRow], attachments: list[AttachmentRow]) -> Case:
    intake = Intake(
        customer_name=r.customer_name, phone=r.phone, landline=r.landline,
        vehicle_model=r.vehicle_model, plate=r.plate, vin=r.vin, purchase_date=r.purchase_date,
        channel=r.channel, location=r.location, description=r.description,
        persons_involved=r.persons_involved, demand=r.demand, mood=r.mood,
        received_by=r.received_by, complained_at=_aware(r.complained_at),
        kind=FeedbackKind(r.kind), self_report_department_id=r.self_report_department_id,
        receiver_employee_id=r.receiver_employee_id, resolved_on_spot=r.resolved_on_spot,
        on_spot_action=r.on_spot_action, on_spot_reaction=r.on_spot_reaction)
    return Case(
        id=r.id, number=r.number, flow=FlowKind(r.flow), kind=FeedbackKind(r.kind),
        intake=intake, registered_at=_aware(r.registered_at),
        registered_by_user_id=r.registered_by_user_id, status=CaseStatus(r.status),
        current_step=r.current_step, category=r.category,
        severity=Severity(r.severity) if r.severity else None,
        department_id=r.department_id, supervisor_user_id=r.supervisor_user_id,
        reopen_count=r.reopen_count, repeat_of_id=r.repeat_of_id,
        needs_revisit=r.needs_revisit, closed_at=_aware(r.closed_at), version=r.version,
        steps=[orm_step(s) for s in steps],
        attachments=[Attachment(id=a.id, filename=a.filename, mime=a.mime, size=a.size)
                     for a in attachments],
        simple_path=r.simple_path, notice_from=_aware(r.notice_from),
        notice_due=_aware(r.notice_due), notified_at=_aware(r.notified_at),
        approval_role=r.approval_role, approval_due=_aware(r.approval_due))


def orm_cases(session: Session) -> list[Case]:
    """Every case, with its steps and its attachments' listing, in id order."""
    steps: dict[int, list[StepRow]] = {}
    for s in session.exec(select(StepRow).order_by(StepRow.case_id, StepRow.seq)):
        steps.setdefault(s.case_id, []).append(s)
    attachments: dict[int, list[AttachmentRow]] = {}
    for a in session.exec(select(AttachmentRow).order_by(AttachmentRow.id)):
        attachments.setdefault(a.case_id, []).append(a)
    return [orm_case(r, steps.get(r.id, []), attachments.get(r.id, []))
            for r in session.exec(select(CaseRow).order_by(CaseRow.id))]


def orm_slip(r: FaultSlipRow) -> FaultSlip:
    return FaultSlip(
        id=r.id, number=r.number, case_id=r.case_id, employee_id=r.employee_id,
        department_id=r.department_id, post=r.post, facts=r.facts,
        responsibility=Responsibility(r.responsibility) if r.responsibility else None,
        penalties=[Penalty(PenaltyKind(p["kind"]), int(p.get("amount") or 0),
                           int(p.get("points") or 0), str(p.get("note") or ""))
                   for p in r.penalties or []],
        rule_ids=list(r.rule_ids or []), status=SlipStatus(r.status), is_reward=r.is_reward,
        from_breach=r.from_breach, issued_by_user_id=r.issued_by_user_id,
        issued_at=_aware(r.issued_at), dept_opinion=r.dept_opinion, gm_opinion=r.gm_opinion,
        acknowledged_at=_aware(r.acknowledged_at), enforced_at=_aware(r.enforced_at),
        appeal=dict(r.appeal) if r.appeal is not None else None,
        changes=[SlipChange(at=datetime.fromisoformat(c["at"]).astimezone(UTC),
                            by_user_id=c.get("by_user_id"), by_name=c.get("by_name", ""),
                            what=c.get("what", ""), before=c.get("before"),
                            after=c.get("after"), reason=c.get("reason", ""))
                 for c in r.changes or []],
        created_at=_aware(r.created_at), version=r.version)


def orm_slips(session: Session) -> list[FaultSlip]:
    return [orm_slip(r) for r in session.exec(select(FaultSlipRow).order_by(FaultSlipRow.id))]


def field_differences(fast: Any, orm: Any, path: str = "") -> list[str]:
    """Where two records differ, field by field (nested records and lists followed), each
    value compared with its type: a naive time, a str for an int or a 0 for False is a
    difference even where == would let it pass."""
    if dataclasses.is_dataclass(orm) and not isinstance(orm, type):
        if type(fast) is not type(orm):
            return [f"{path}: {type(fast).__name__} != {type(orm).__name__}"]
        out = []
        for f in dataclasses.fields(orm):
            out += field_differences(getattr(fast, f.name), getattr(orm, f.name),
                                     f"{path}.{f.name}")
        return out
    if isinstance(orm, list) and isinstance(fast, list):
        if len(fast) != len(orm):
            return [f"{path}: {len(fast)} items != {len(orm)}"]
        out = []
        for i, (a, b) in enumerate(zip(fast, orm, strict=True)):
            out += field_differences(a, b, f"{path}[{i}]")
        return out
    if type(fast) is not type(orm) or fast != orm:
        return [f"{path}: {fast!r} != {orm!r}"]
    if isinstance(orm, datetime) and fast.tzinfo != orm.tzinfo:
        return [f"{path}: tz {fast.tzinfo!r} != {orm.tzinfo!r}"]
    return []
