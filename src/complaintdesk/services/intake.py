"""Use case: register feedback (登记, step 0) — anyone may register (DESIGN §3)."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Any

from ..domain.events import audit_entry
from ..domain.input_rules import check_mobile
from ..domain.input_rules.registration import FIELD_LABELS, check_attachment
from ..domain.manufacturer import ForwardInput
from ..domain.records import (
    FLOW_PREFIX,
    Attachment,
    Case,
    FeedbackKind,
    FlowKind,
    Intake,
    Role,
    User,
)
from ..domain.validation import (
    ValidationResult,
    check_registration,
    format_number,
    normalize_vin,
    validate_registration,
)
from ..domain.workflow import WorkflowError, start_case
from ..domain.workflow.internal_routing import ROUTING_KEY, AssessorMap, company_department
from .base import ServiceBase
from .errors import ServiceError
from .manufacturer import MANUFACTURER_CHANNEL, check_forward_input, record_forward
from .settings import workflow_settings

MAX_ATTACHMENT_BYTES = 20 * 1024 * 1024  # DESIGN §5: ≤ 20 MB each
REPEAT_WINDOW = timedelta(days=90)  # DESIGN §5: same phone or VIN within 90 days


@dataclass(frozen=True, slots=True)
class NewAttachment:
    filename: str
    mime: str
    data: bytes


@dataclass(frozen=True, slots=True)
class RepeatHit:
    case_id: int
    number: str
    registered_at: datetime


class IntakeService(ServiceBase):
    def validate(self, intake: Intake, flow: FlowKind = FlowKind.FEEDBACK,
                 department_id: int | None = None) -> ValidationResult:
        return validate_registration(intake, self.clock.now(), flow, department_id)

    def find_repeats(self, phone: str, vin: str, exclude_id: int | None = None) -> list[RepeatHit]:
        since = self.clock.now() - REPEAT_WINDOW
        phone, vin = check_mobile(phone).value, normalize_vin(vin)  # as they are stored
        with self.uow(readonly=True) as uow:
            return [RepeatHit(*r) for r in uow.cases.recent_by_phone_or_vin(phone, vin, since,
                                                                            exclude_id)]

    def register(self, actor: User, intake: Intake,
                 attachments: list[NewAttachment] | tuple[NewAttachment, ...] = (),
                 flow: FlowKind = FlowKind.FEEDBACK, department_id: int | None = None,
                 reporter_department_id: int | None = None,
                 manufacturer: ForwardInput | None = None) -> Case:
        """Validate, number (FK-/NB-/FX-YYYYMM-NNNN, gapless per prefix), link a repeat,
        start the workflow, audit — one transaction.

        Internal complaints (NB-) and rework orders (FX-) need `department_id`: the reported
        department (被投诉部门) / the owning department (所属部门); their workflow starts
        with that department's supervisor. It is ignored for customer feedback, whose
        department is chosen at step 1 (or by 部门自查 in the intake).

        Only a 维修顾问 opens a rework order (003 三.1). An internal complaint goes to the
        考核主管 of the reporter's department (`reporter_department_id`, the actor's
        department by default) or the company's (003 二.1): the routing is decided from a
        snapshot of who is an assessor where, stored with the report.

        `manufacturer`: a complaint forwarded by the manufacturer (厂家转办, DESIGN §4.6):
        its brand, reference and forwarding time; the channel becomes 厂家转办 and receipt
        (step 0's start) is the forwarding time (DESIGN §4.8)."""
        now = self.clock.now()
        if manufacturer is not None:
            if flow is not FlowKind.FEEDBACK or intake.kind is not FeedbackKind.COMPLAINT:
                raise ServiceError("「厂家转办」只用于客户投诉，请将类型选为投诉。", field="kind")
            with self.uow(readonly=True) as uow:
                check_forward_input(uow, manufacturer, now)
            intake = replace(intake, channel=MANUFACTURER_CHANNEL,
                             complained_at=manufacturer.forwarded_at)
        if flow is FlowKind.REWORK:
            self.require(actor, Role.SERVICE_ADVISOR, what="开具厂外返修作业单（003 三.1：由维修顾问开具）")
        if flow is FlowKind.FEEDBACK:
            department_id = None
        # the input rules (DESIGN §5): the stored intake is the normalised one
        intake, result = check_registration(intake, now, flow, department_id)
        if not result.ok:
            first = next(iter(result.errors.values()))
            raise ServiceError(first, fields=result.errors)
        if result.warnings:  # VIN check digit, unusual plate: the user must confirm them
            raise ServiceError(next(iter(result.warnings.values())), fields=result.warnings)
        for a in attachments:
            problem = check_attachment(a.filename, a.mime, len(a.data), MAX_ATTACHMENT_BYTES)
            if problem:
                raise ServiceError(problem, field="attachments")
        if flow is not FlowKind.FEEDBACK:  # one route each: no suggestion/praise, no 自查
            intake = replace(intake, kind=FeedbackKind.COMPLAINT, self_report_department_id=None)
        intake = _special_paths(intake)
        with self.uow() as uow:
            local = now.astimezone(self.tz)
            prefix = FLOW_PREFIX[flow]
            active = {d.id for d in uow.people.departments() if d.active}
            if department_id is not None and department_id not in active:
                label = FIELD_LABELS[flow]["department_id"]
                raise ServiceError(f"所选{label}不存在或已停用，请重新选择。",
                                   field="department_id")
            srd = intake.self_report_department_id
            if srd is not None and srd not in active:
                raise ServiceError("所选「自查部门」不存在或已停用，请重新选择。",
                                   field="self_report_department_id")
            seq = uow.sequences.next(prefix, f"{local.year:04d}{local.month:02d}")
            # an internal complaint has no customer: nothing to be a repeat of
            repeats = [] if flow is FlowKind.INTERNAL else uow.cases.recent_by_phone_or_vin(
                intake.phone, intake.vin, now - REPEAT_WINDOW)
            case = Case(
                id=None, number=format_number(prefix, local.year, local.month, seq), flow=flow,
                kind=intake.kind, intake=intake, registered_at=now,
                registered_by_user_id=actor.id,
                repeat_of_id=repeats[0][0] if repeats else None, department_id=department_id,
                attachments=[Attachment(None, a.filename, a.mime, len(a.data), a.data)
                             for a in attachments],
            )
            _check_people(uow, intake)
            settings = workflow_settings(uow, self.tz_name)
            report_data = None
            if flow is FlowKind.INTERNAL:
                reporter = reporter_department_id if reporter_department_id is not None \
                    else actor.department_id
                departments = uow.people.departments()
                if reporter is not None and not any(d.id == reporter for d in departments):
                    raise ServiceError("所选投诉人部门不存在或已停用，请重新选择。",
                                       field="reporter_department_id")
                routing = AssessorMap.from_users(uow.people.users(),
                                                 company_department(departments), reporter)
                report_data = {ROUTING_KEY: routing.to_dict()}
            try:
                events = start_case(case, actor, settings, now, report_data=report_data)
            except WorkflowError as exc:
                raise ServiceError(exc.message_zh, field=exc.field, fields=exc.fields) from exc
            uow.cases.add(case)
            forward = record_forward(uow, actor, case, manufacturer, now, self.tz_name) \
                if manufacturer is not None else None
            # what follows from the registration (services/messagebus.py): the next step's
            # alerts, 重要/重大 told, step 0 registered late → the receiver's breach slip
            self.bus.handle(uow)
            self.audit(uow, actor, "register", "case", case.number, None, {
                # what was registered, as stored: `check` holds the row against it
                "intake_digest": uow.audit.intake_digest(case.id or 0),
                "number": case.number, "customer": intake.customer_name, "kind": case.kind.value,
                "channel": intake.channel, "repeat_of": case.repeat_of_id,
                "flow": flow.value, "department_id": department_id,
                **({"routing": report_data[ROUTING_KEY]} if report_data else {}),
                "attachments": [a.filename for a in attachments],
                "events": [audit_entry(e)["kind"] for e in events],
                "receiver_employee_id": intake.receiver_employee_id,
                "self_report": intake.self_report_department_id,
                "resolved_on_spot": intake.resolved_on_spot,
                **({"manufacturer": {"brand": forward.brand, "reference": forward.reference,
                                     "forwarded_at": forward.forwarded_at.isoformat()}}
                   if forward is not None else {}),
            })
            uow.commit()
        return case


def _special_paths(intake: Intake) -> Intake:
    """当场解决 is for a complaint only, and needs what was done and how the customer took
    it (DESIGN §4.1); a self-report is not registered as resolved on the spot."""
    if not intake.resolved_on_spot:
        return replace(intake, on_spot_action="", on_spot_reaction="")
    if intake.kind is not FeedbackKind.COMPLAINT or intake.self_report_department_id:
        raise ServiceError("只有客户投诉可以登记为「当场解决」（部门自查除外）。",
                           field="resolved_on_spot")
    missing = {}
    if not intake.on_spot_action.strip():
        missing["on_spot_action"] = "登记「当场解决」须填写「当场处理情况」。"
    if not intake.on_spot_reaction.strip():
        missing["on_spot_reaction"] = "登记「当场解决」须填写「客户反应」。"
    if missing:
        raise ServiceError(next(iter(missing.values())), fields=missing)
    return replace(intake, on_spot_action=intake.on_spot_action.strip(),
                   on_spot_reaction=intake.on_spot_reaction.strip())


def _check_people(uow: Any, intake: Intake) -> None:
    """The receiver (受理人) and a self-reporting department must exist."""
    rid = intake.receiver_employee_id
    if rid is not None:
        emp = uow.people.employee(rid)
        if emp is None or not emp.active:
            raise ServiceError("所选「受理人」不存在或已离职，请重新选择。",
                               field="receiver_employee_id")
    dept = intake.self_report_department_id
    if dept is not None and not any(d.id == dept and d.active
                                    for d in uow.people.departments()):
        raise ServiceError("所选「自查部门」不存在或已停用，请重新选择。",
                           field="self_report_department_id")


