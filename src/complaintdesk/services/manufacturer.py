"""厂家转办 use cases (DESIGN §4.6, §4.8): the forwarding recorded at registration, replies
to the manufacturer, the milestones in 我的待办 and the reminders, the exports.

Who holds a milestone (DESIGN §4.8): first contact and the plan are held by step 3's
holder — the case's 业务主管 once step 2 named one; until then by 客服中心, who takes the
forwarded complaint in; the result report by the 考核主管. A milestone is a to-do of its
holders until a reply for it is recorded.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, tzinfo
from pathlib import Path
from typing import Any

from ..domain import manufacturer as M
from ..domain.alerts import AlertKind, NewAlert
from ..domain.manufacturer import (
    ForwardInput,
    ManufacturerForward,
    ManufacturerReply,
    ManufacturerSettings,
    MilestoneState,
)
from ..domain.records import Case, Role, User
from ..domain.workflow.calendar import BusinessCalendar
from ..storage.repo_manufacturer import ForwardCase
from ..storage.uow import UnitOfWork
from .base import ServiceBase
from .cases import handles_case
from .errors import NotFound, PermissionDenied, ServiceError
from .settings import workflow_settings

# the forwardings with a milestone unanswered, and their replies by case id
Pending = tuple[list[ForwardCase], dict[int, list[ManufacturerReply]]]

SETTINGS_KEY = "manufacturer"
MANUFACTURER_CHANNEL = "厂家转办"
# who exports the monthly list for the manufacturer (the CLI acts as the system)
LIST_ROLES = (Role.CS_CENTER, Role.ASSESSOR, Role.GENERAL_MANAGER, Role.ADMIN)
TASK_STATES = {M.DUE_SOON: "due_soon", M.OVERDUE: "overdue"}


def manufacturer_settings(uow: UnitOfWork) -> ManufacturerSettings:
    try:
        return ManufacturerSettings.from_dict(uow.settings.get(SETTINGS_KEY))
    except ValueError as exc:
        raise ServiceError(str(exc), field=SETTINGS_KEY) from exc


def _closed_dates(uow: UnitOfWork, tz: str) -> frozenset[date]:
    cal = workflow_settings(uow, tz).calendar
    return cal.closed_dates if cal is not None else frozenset()


def record_forward(uow: UnitOfWork, actor: User, case: Case, data: ForwardInput,
                   now: datetime, tz: str) -> ManufacturerForward:
    """At registration, in its transaction: the forwarding and its milestones' deadlines,
    computed now and stored (changing the settings later does not move them)."""
    assert case.id is not None and data.forwarded_at is not None
    settings = manufacturer_settings(uow)
    brand, ref = data.brand.strip(), data.reference.strip()
    other = uow.manufacturer.by_reference(brand, ref)
    if other is not None:
        number = uow.slips.case_numbers([other]).get(other, "")
        raise ServiceError(f"「厂家工单号」{ref} 已登记（{number}），请勿重复登记。",
                           field="mfr_reference")
    forward = ManufacturerForward(
        case_id=case.id, brand=brand, reference=ref, forwarded_at=data.forwarded_at,
        milestones=M.milestone_dues(brand, data.forwarded_at, tz, settings,
                                    _closed_dates(uow, tz)),
        registered_at=now, registered_by_user_id=actor.id)
    uow.manufacturer.add_forward(forward)
    return forward


def check_forward_input(uow: UnitOfWork, data: ForwardInput, now: datetime) -> None:
    errors = M.check_forward(data, manufacturer_settings(uow).brands, now)
    if errors:
        raise ServiceError(next(iter(errors.values())), fields=errors)


def holders(fc: ForwardCase, key: str, users: Sequence[User]) -> list[int]:
    """The people a milestone waits on (DESIGN §4.8; see the module's docstring)."""
    if key != "result" and fc.supervisor_user_id is not None:
        return [fc.supervisor_user_id]
    role = Role.ASSESSOR if key == "result" else Role.CS_CENTER
    return [u.id for u in users if u.id is not None and u.active and u.has(role)]


@dataclass(frozen=True, slots=True)
class ForwardPanel:
    """What the case view's 厂家转办 panel shows."""

    forward: ManufacturerForward
    states: list[MilestoneState]
    replies: list[ManufacturerReply]
    user_names: dict[int, str] = field(default_factory=dict)
    may_reply: bool = False

    @property
    def answered_on_time(self) -> bool:
        return M.answered_on_time(self.states)


@dataclass(frozen=True, slots=True)
class MilestoneTask:
    case_id: int
    number: str
    customer_name: str
    milestone: str
    due: datetime
    state: str  # normal / due_soon / overdue (as 我的待办)

    @property
    def label(self) -> str:
        return M.MILESTONE_LABELS.get(self.milestone, self.milestone)


@dataclass(frozen=True, slots=True)
class MonthListRow:
    """One case of the monthly list for the manufacturer."""

    number: str
    brand: str
    reference: str
    customer_name: str
    forwarded_at: datetime
    status: str
    states: list[MilestoneState]

    @property
    def on_time(self) -> bool:
        return M.answered_on_time(self.states)

    @property
    def settled(self) -> bool:
        """Every milestone answered or already missed: on time or not is decided."""
        return all(s.state in (M.MET, M.LATE, M.OVERDUE) for s in self.states)


@dataclass(frozen=True, slots=True)
class MonthFigures:
    """The month workbook's 厂家转办 figures (DESIGN §8)."""

    count: int
    on_time: int
    missed: int
    pending: int

    @property
    def share_on_time(self) -> float | None:
        return self.on_time / self.count if self.count else None


def _may_reply(actor: User, fc: ForwardCase | Case) -> bool:
    dept = fc.department_id
    sup = fc.supervisor_user_id
    return handles_case(actor, dept, sup) or actor.has(Role.CS_CENTER) \
        or actor.has(Role.ASSESSOR)


class ManufacturerService(ServiceBase):
    # ---- settings -----------------------------------------------------------------------
    def settings(self) -> ManufacturerSettings:
        with self.uow(readonly=True) as uow:
            return manufacturer_settings(uow)

    def brands(self) -> list[str]:
        return list(self.settings().brands)

    def put_settings(self, actor: User, settings: ManufacturerSettings) -> None:
        self.require(actor, Role.ADMIN, what="修改厂家转办设置")
        if not settings.brands:
            raise ServiceError("「厂家品牌」至少保留一项。", field="brands")
        with self.uow() as uow:
            before = uow.settings.get(SETTINGS_KEY)
            uow.settings.put(SETTINGS_KEY, settings.to_dict())
            self.audit(uow, actor, "setting", "setting", SETTINGS_KEY, before,
                       settings.to_dict())
            uow.commit()

    def check(self, data: ForwardInput) -> dict[str, str]:
        """The intake dialog's live check: field → message."""
        return M.check_forward(data, self.brands(), self.clock.now())

    # ---- one case -----------------------------------------------------------------------
    def panel(self, actor: User, case_id: int) -> ForwardPanel | None:
        """The case's 厂家转办 panel, or None when it was not forwarded by a manufacturer."""
        now = self.clock.now()
        with self.uow(readonly=True) as uow:
            forward = uow.manufacturer.forward(case_id)
            if forward is None:
                return None
            case = uow.cases.get(case_id)
            if case is None:
                raise NotFound("找不到该案件")
            replies = uow.manufacturer.replies([case_id])[case_id]
            names = {u.id: u.display_name for u in uow.people.users() if u.id is not None}
        return ForwardPanel(forward, M.milestone_states(forward, replies, now), replies,
                            names, _may_reply(actor, case))

    def record_reply(self, actor: User, case_id: int, milestone: str, text: str,
                     at: datetime | None = None) -> ManufacturerReply:
        """A reply to the manufacturer: when (default now), what, by the actor, which
        milestone it answers (or none: a progress note)."""
        now = self.clock.now()
        at = at or now
        with self.uow() as uow:
            forward = uow.manufacturer.forward(case_id)
            case = uow.cases.get(case_id)
            if forward is None or case is None:
                raise NotFound("找不到该厂家转办案件")
            if not _may_reply(actor, case):
                raise PermissionDenied("只有本案的经办人员、客服中心或考核主管可以记录厂家回复。")
            errors = M.check_reply(milestone, text, at, forward.forwarded_at, now)
            if errors:
                raise ServiceError(next(iter(errors.values())), fields=errors)
            reply = uow.manufacturer.add_reply(ManufacturerReply(
                None, case_id, at, text.strip(), actor.id, milestone, now))
            if milestone:  # its reminders are settled (stay in the list, read)
                uow.manufacturer.settle_alerts(case_id, milestone, now)
            self.audit(uow, actor, "mfr_reply", "case", case.number, None, {
                "milestone": milestone, "at": at.isoformat(), "text": reply.text,
                "reference": forward.reference})
            uow.commit()
        return reply

    # ---- 我的待办 and the reminders -------------------------------------------------------
    def tasks(self, actor: User) -> list[MilestoneTask]:
        """The milestones waiting on this person, the earliest due first."""
        if actor.id is None:
            return []
        now = self.clock.now()
        with self.uow(readonly=True) as uow:
            open_ = uow.manufacturer.unanswered()
            users = uow.people.users(False)
            replies = uow.manufacturer.replies([f.forward.case_id for f in open_])
        out = []
        for fc in open_:
            for s in M.milestone_states(fc.forward, replies[fc.forward.case_id], now):
                if s.open and actor.id in holders(fc, s.key, users):
                    out.append(MilestoneTask(fc.forward.case_id, fc.number, fc.customer_name,
                                             s.key, s.due, TASK_STATES.get(s.state, "normal")))
        return sorted(out, key=lambda t: (t.due, t.number))

    # ---- the month ----------------------------------------------------------------------
    def _month_bounds(self, year: int, month: int) -> tuple[datetime, datetime]:
        if not (2000 <= year <= 2999 and 1 <= month <= 12):
            raise ServiceError(f"月份无效：{year}-{month:02d}。", field="month")
        start = datetime(year, month, 1, tzinfo=self.tz)
        end = datetime(year + month // 12, month % 12 + 1, 1, tzinfo=self.tz)
        return start, end

    def month_rows(self, year: int, month: int, brand: str | None = None,
                   uow: UnitOfWork | None = None) -> list[MonthListRow]:
        """The cases forwarded in the local month (of one brand), judged now."""
        if uow is None:
            with self.uow(readonly=True) as own:
                return self.month_rows(year, month, brand, own)
        start, end = self._month_bounds(year, month)
        now = self.clock.now()
        fcs = uow.manufacturer.forwarded_between(start, end, brand)
        replies = uow.manufacturer.replies([f.forward.case_id for f in fcs])
        return [MonthListRow(f.number, f.forward.brand, f.forward.reference, f.customer_name,
                             f.forward.forwarded_at, f.status,
                             M.milestone_states(f.forward, replies[f.forward.case_id], now))
                for f in fcs]

    def month_figures(self, year: int, month: int,
                      uow: UnitOfWork | None = None) -> MonthFigures:
        rows = self.month_rows(year, month, None, uow)
        on_time = sum(1 for r in rows if r.on_time)
        missed = sum(1 for r in rows if any(s.missed for s in r.states))
        return MonthFigures(len(rows), on_time, missed, len(rows) - on_time - missed)

    # ---- exports ------------------------------------------------------------------------
    def _audit_export(self, actor: User, what: str, path: Path | str) -> None:
        with self.uow() as uow:
            self.audit(uow, actor, "export", "report", what, after={"file": str(path)})
            uow.commit()

    def _sheet_data(self, actor: User, case_id: int) -> tuple[Any, Any]:
        from ..documents.manufacturer import ReplySheet
        from .print_context import make_print_context

        panel = self.panel(actor, case_id)
        if panel is None:
            raise NotFound("该案件不是厂家转办案件")
        if not panel.may_reply:
            raise PermissionDenied("只有本案的经办人员、客服中心或考核主管可以导出厂家回复单。")
        with self.uow(readonly=True) as uow:
            case = uow.cases.get(case_id)
            assert case is not None
            ctx = make_print_context(uow, self.clock.now(), self.tz_name, clauses=False)
        sheet = ReplySheet(case.number, case.intake.customer_name, case.intake.vehicle_model,
                           case.intake.plate, case.intake.description, panel.forward,
                           panel.states, panel.replies, panel.user_names)
        return sheet, ctx

    def reply_sheet_pdf(self, actor: User, case_id: int) -> bytes:
        from ..documents.manufacturer import reply_sheet_pdf

        sheet, ctx = self._sheet_data(actor, case_id)
        data = reply_sheet_pdf(sheet, ctx)
        self._audit_export(actor, f"mfr_sheet_pdf:{sheet.number}", "")
        return data

    def write_reply_sheet_xlsx(self, actor: User, case_id: int, path: Path) -> Path:
        from ..documents.manufacturer import write_reply_sheet_xlsx

        sheet, ctx = self._sheet_data(actor, case_id)
        write_reply_sheet_xlsx(path, sheet, ctx)
        self._audit_export(actor, f"mfr_sheet:{sheet.number}", path)
        return Path(path)

    def write_month_list(self, actor: User, year: int, month: int, path: Path,
                         brand: str | None = None) -> Path:
        """The monthly list for the manufacturer (Excel)."""
        from ..documents.manufacturer import write_month_list
        from .settings import DEFAULTS

        self.require(actor, *LIST_ROLES, what="导出厂家转办月度清单")
        brand = (brand or "").strip() or None
        with self.uow(readonly=True) as uow:
            if brand is not None and brand not in manufacturer_settings(uow).brands:
                raise ServiceError(f"「厂家品牌」不在品牌列表中：{brand}。", field="brand")
            rows = self.month_rows(year, month, brand, uow)
            dealer = uow.settings.get("dealership_name", DEFAULTS["dealership_name"])
        write_month_list(path, rows, year, month, brand, dealer, self.tz,
                         self.clock.now())
        self._audit_export(actor, f"mfr_month:{year:04d}-{month:02d}:{brand or '全部'}", path)
        return Path(path)


def unanswered_with_replies(uow: UnitOfWork) -> Pending:
    """The forwardings with a milestone unanswered, and their replies."""
    open_ = uow.manufacturer.unanswered()
    return open_, (uow.manufacturer.replies([f.forward.case_id for f in open_]) if open_
                   else {})


def marked_with_replies(uow: UnitOfWork, now: datetime, never: datetime) -> Pending:
    """The forwardings whose next milestone mark has come or is not known, and their
    replies: what the reminder scan reads, once, for both the reminders and the breaches
    (the others have no mark before their stored one; those all answered, none: `never`)."""
    uow.manufacturer.settle_answered_marks(never)
    due = uow.manufacturer.marks_due(now)
    return due, (uow.manufacturer.replies([f.forward.case_id for f in due]) if due else {})


def milestone_marks(pending: Pending, now: datetime, never: datetime) -> dict[int, datetime]:
    """Each forwarding's next mark after `now` (`never`: none is left), to be stored."""
    forwards, replies = pending
    return {fc.forward.case_id: M.next_milestone_mark(
        fc.forward, {r.milestone for r in replies[fc.forward.case_id]}, now) or never
        for fc in forwards}


def milestone_reminders(uow: UnitOfWork, since: datetime, now: datetime,
                        users: Sequence[User],
                        calendar: BusinessCalendar | None = None,
                        pending: Pending | None = None) -> list[NewAlert]:
    """DESIGN §4.5 for the manufacturer's milestones: the 75 % mark and the deadline of
    each unanswered milestone that fell in (since, now], to its holders, once each; with
    a business calendar one that falls while closed shows at the next opening."""
    out: list[NewAlert] = []
    open_, replies = pending if pending is not None else unanswered_with_replies(uow)
    for fc in open_:
        answered = {r.milestone for r in replies[fc.forward.case_id]}
        for m in fc.forward.milestones:
            if m.key in answered:
                continue
            for mark, at in M.reminder_marks(fc.forward, m):
                if not since < at <= now:
                    continue
                what = "已到回复期限" if mark == "deadline" else "即将到期"
                text = (f"{fc.number} 厂家转办（{fc.forward.brand} {fc.forward.reference}）"
                        f"「{m.label}」{what}，请及时回复厂家。")
                kind = AlertKind.DEADLINE if mark == "deadline" else AlertKind.THREE_QUARTERS
                key = f"mfr:{fc.forward.case_id}:{m.key}:{mark}"
                send = calendar.next_open_instant(at) if calendar is not None else at
                out += [NewAlert(p, kind, text, f"case:{fc.forward.case_id}", key, send)
                        for p in holders(fc, m.key, users)]
    return out


def milestone_breaches(uow: UnitOfWork, since: datetime, now: datetime,
                       users: Sequence[User], tz: tzinfo,
                       pending: Pending | None = None) -> list[NewAlert]:
    """DESIGN §4.8: a milestone missed is a breach of its holder. When a deadline of
    contact or plan passes (since, now] unanswered while the case's 业务主管 holds it, a
    PROPOSED breach slip for his employee waits in the assessor's 过失单 list (the
    assessor issues or discards it). A milestone held by a role (客服中心 before step 2,
    the 考核主管's result) has no one person to charge: its reminders are all it gets."""
    from .slip_ops import propose_fault

    out: list[NewAlert] = []
    open_, replies = pending if pending is not None else unanswered_with_replies(uow)
    if not open_:
        return out
    assessors = [u.id for u in users if u.id is not None and u.active and u.has(Role.ASSESSOR)]
    by_id = {u.id: u for u in users}
    for fc in open_:
        answered = {r.milestone for r in replies[fc.forward.case_id]}
        for m in fc.forward.milestones:
            if m.key in answered or m.key == "result" or not since < m.due <= now:
                continue
            holder = by_id.get(fc.supervisor_user_id) if fc.supervisor_user_id else None
            employee = uow.people.employee(holder.employee_id) \
                if holder is not None and holder.employee_id is not None else None
            case = uow.cases.get(fc.forward.case_id)
            if employee is None or case is None:
                continue
            when = m.due.astimezone(tz).strftime("%Y-%m-%d %H:%M")
            facts = (f"案件{fc.number}厂家转办（{fc.forward.brand} {fc.forward.reference}）"
                     f"「{m.label}」未在厂家时限内回复（时限 {when}）")
            propose_fault(uow, case, employee, None, facts, now, tz, breach=True)
            text = f"{facts}，已拟开具过失单，请在过失单列表中处理。"
            out += [NewAlert(p, AlertKind.SLIP, text, f"case:{fc.forward.case_id}",
                             f"mfrbreach:{fc.forward.case_id}:{m.key}", now) for p in assessors]
    return out
