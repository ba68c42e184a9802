"""Printing (DESIGN §7): the PDF bytes of a case's form, a slip, a week of slips.

Each call is one read-only transaction that gathers the records and the names printed on
paper (the PrintContext), then lays the form out. Nothing read from the database is kept
across calls; what the documents module keeps per process depends only on the font and
the texts drawn (the registered CJK font, its subsets, text measurements, QR codes of
numbers). reportlab is imported on first use, not when the services open, so the main
window does not wait for it.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime, time, timedelta
from typing import TYPE_CHECKING

from ..domain.masking import CaseHandling, masked_case, print_shows_contact
from ..domain.records import (
    FAULT_SLIP_PREFIX,
    PENALTY_SLIP_PREFIX,
    Case,
    FaultSlip,
    FlowKind,
    Role,
    SlipStatus,
    User,
)
from ..domain.weekly import week_start_of
from ..storage.repo_slips import SlipQuery
from ..storage.uow import UnitOfWork
from . import slip_access
from .base import ServiceBase
from .data_access import audit_contact_view, handles_now
from .errors import NotFound, PermissionDenied, ServiceError
from .print_context import make_print_context

if TYPE_CHECKING:
    from ..documents.pdf_common import PrintContext

# Slips that were never issued are not printed on their own nor in a week's batch.
_NOT_ISSUED = frozenset({SlipStatus.PROPOSED, SlipStatus.DISCARDED})
_SLIP_PREFIXES = frozenset({FAULT_SLIP_PREFIX, PENALTY_SLIP_PREFIX})


def may_view_slip(actor: User, slip: FaultSlip) -> bool:
    """Own slips; a department head or supervisor their department's; assessor, GM and
    admin all (the same rule as AccountabilityService's slip list)."""
    if slip_access.may_view_all(actor):
        return True
    if actor.employee_id is not None and actor.employee_id == slip.employee_id:
        return True
    return (actor.has(Role.DEPT_HEAD) or actor.has(Role.SUPERVISOR)) \
        and actor.department_id is not None and actor.department_id == slip.department_id


class PrintService(ServiceBase):
    # ---- the context --------------------------------------------------------------------
    def print_context(self, uow: UnitOfWork, case_ids: Sequence[int | None] = (),
                      clauses: bool = True) -> PrintContext:
        """See `print_context.make_print_context`: read in the caller's transaction."""
        return make_print_context(uow, self.clock.now(), self.tz_name, case_ids, clauses)

    # ---- a case -------------------------------------------------------------------------
    def case_pdf(self, actor: User, case_id: int, unmasked: bool = False) -> bytes:
        """The case's form by its flow (处理单 / 内部投诉意见处理单 / 返修作业单) with its
        slips. Anyone who may open the case may print it; the full mobile, landline and VIN
        only when one of the case's handlers prints it (the form is for the handlers, and
        the print is audited), masked for everyone else (DESIGN §3). `unmasked`: the
        command line, acting as the system, asked for the numbers (`print --unmasked`)."""
        with self.uow(readonly=True) as uow:
            case = uow.cases.get(case_id)
            if case is None:
                raise NotFound("找不到该案件，可能已被删除或编号有误")
            slips = [s for s in uow.slips.by_case(case_id) if s.status is not SlipStatus.DISCARDED]
            # the 处理单 prints no rule clauses: the rule table is not read; the internal
            # form and the rework order print their slips' 依据条款 (their flow's rules).
            # The case's own number is known, only a repeated case's is looked up
            ctx = self.print_context(uow, [case.repeat_of_id],
                                     clauses=case.flow is not FlowKind.FEEDBACK)
            if unmasked and actor.id is not None:
                raise PermissionDenied("只有命令行（系统）可以要求打印完整的客户信息")
            # a handler's print, or their delegate's; the system's only when asked
            full = print_shows_contact(actor, CaseHandling.of(case), unmasked) or (
                actor.id is not None and handles_now(uow, actor, case, self.clock.now()))
        if case.id is not None:
            ctx.case_numbers[case.id] = case.number
        if full and (case.intake.phone or case.intake.landline or case.intake.vin):
            with self.uow() as uow:
                audit_contact_view(self, uow, actor, case, "print")
                uow.commit()
        return _case_form(case if full else masked_case(case), ctx, slips)

    # ---- slips --------------------------------------------------------------------------
    def slip_pdf(self, actor: User, slip_id: int) -> bytes:
        """One 过失单 (GS-…) or 处罚单 (CF-…)."""
        with self.uow(readonly=True) as uow:
            slip = uow.slips.get(slip_id)
            if slip is None:
                raise NotFound("找不到该过失单，请刷新列表")
            if not may_view_slip(actor, slip):
                raise PermissionDenied("没有权限打印该过失单：只能打印本人或本部门的过失单")
            ctx = self.print_context(uow, [slip.case_id])
        return _slip_form(slip, ctx)

    def week_slips(self, actor: User, any_day: date) -> list[FaultSlip]:
        """The slips issued in the local week (Monday..Sunday) containing `any_day` that
        the actor may see, in the order they were issued."""
        monday = week_start_of(any_day)
        start = datetime.combine(monday, time(0), tzinfo=self.tz)
        with self.uow(readonly=True) as uow:
            rows = uow.slips.list(SlipQuery(issued_from=start, issued_to=start + timedelta(days=7),
                                            limit=100_000))
        slips = [r.slip for r in rows if r.slip.status not in _NOT_ISSUED
                 and may_view_slip(actor, r.slip)]
        return sorted(slips, key=lambda s: (s.issued_at or start, s.number))

    def week_slips_pdf(self, actor: User, any_day: date) -> bytes:
        """All slips issued that week as one PDF, one slip per page."""
        monday = week_start_of(any_day)
        slips = self.week_slips(actor, any_day)
        if not slips:
            raise ServiceError(f"该周没有开具过失单（{monday:%Y-%m-%d} 至 "
                               f"{monday + timedelta(days=6):%Y-%m-%d}）。")
        with self.uow(readonly=True) as uow:
            ctx = self.print_context(uow, [s.case_id for s in slips])
        from ..documents.fault_slip import slips_batch_pdf

        return slips_batch_pdf(slips, ctx, title=f"过失单 {monday:%Y-%m-%d} 当周")

    # ---- the weekly summary -------------------------------------------------------------
    def weekly_summary_pdf(self, actor: User, week_start: date) -> bytes:
        """The assessor's weekly summary (DESIGN §8) of the week containing `week_start`;
        who may see it is the report service's rule."""
        from ..documents.weekly_pdf import weekly_summary_pdf
        from .reports import ReportService

        monday = week_start_of(week_start)
        summary = ReportService(self.engine, self.clock, self.tz_name).weekly_summary(actor, monday)
        with self.uow(readonly=True) as uow:
            ctx = self.print_context(uow)
        return weekly_summary_pdf(summary, ctx)

    # ---- by number (the CLI, a scanned QR code) -----------------------------------------
    def pdf_by_number(self, actor: User, number: str, unmasked: bool = False) -> bytes:
        """The form of a case (FK-/NB-/FX-…) or slip (GS-/CF-…) given its number."""
        number = number.strip().upper()
        prefix = number.split("-", 1)[0]
        if prefix in _SLIP_PREFIXES:
            with self.uow(readonly=True) as uow:
                slip_id = uow.slips.id_by_number(number)
            if slip_id is not None:
                return self.slip_pdf(actor, slip_id)
        elif number:  # FK-/NB-/FX-, and 历史导入 cases: LS- or the ledger's own number
            with self.uow(readonly=True) as uow:
                case_id = uow.cases.id_by_number(number)
            if case_id is not None:
                return self.case_pdf(actor, case_id, unmasked)
        raise NotFound(f"找不到编号为 {number or '（空）'} 的案件或过失单，请核对编号"
                       "（如 FK-202611-0001、GS-202611-0001）")

    def record_print(self, actor: User, what: str, path: str, unmasked: bool = False) -> None:
        """A print written to a file (the command line), audited as `report` is."""
        with self.uow() as uow:
            self.audit(uow, actor, "print", "print", what,
                       after={"file": path, "unmasked": unmasked})
            uow.commit()


def _case_form(case: Case, ctx: PrintContext, slips: Sequence[FaultSlip]) -> bytes:
    from ..documents.feedback_form import feedback_form_pdf
    from ..documents.other_forms import internal_complaint_pdf, rework_order_pdf

    if case.flow is FlowKind.INTERNAL:
        return internal_complaint_pdf(case, ctx, slips)
    if case.flow is FlowKind.REWORK:
        return rework_order_pdf(case, ctx, slips)
    return feedback_form_pdf(case, ctx, slips)


def _slip_form(slip: FaultSlip, ctx: PrintContext) -> bytes:
    from ..documents.fault_slip import fault_slip_pdf, penalty_slip_pdf

    if slip.number.startswith(PENALTY_SLIP_PREFIX + "-"):
        return penalty_slip_pdf(slip, ctx)
    return fault_slip_pdf(slip, ctx)
