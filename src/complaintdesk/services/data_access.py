"""Customer data (DESIGN §3, seed 002): who reads a case's full mobile, landline and VIN.

The rule itself is `domain/masking.py`; here it meets the database: the case's handlers,
the approvals still running, the setting for how long an approval lasts. Use cases:
ask for access with a reason, approve or refuse it (the case's department head or the
GM — it shows in their pending list), read the numbers (audited). The helpers at the top
are what the case, task, print and report services call to mask what they hand out.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from ..domain.alerts import AlertKind, NewAlert
from ..domain.masking import (
    ACCESS_HOURS_SETTING,
    APPROVED,
    DEFAULT_ACCESS_HOURS,
    PENDING,
    REFUSED,
    AccessRequest,
    CaseHandling,
    approves_requests,
    grant_expiry,
    handles_all_cases,
    handles_case,
    mask_mobile,
    masked_case,
    may_approve,
    may_read_contact,
)
from ..domain.query import CaseListRow
from ..domain.records import Case, User
from ..storage.uow import UnitOfWork
from .base import ServiceBase
from .errors import NotFound, PermissionDenied, ServiceError

REASON_MAX = 200

STATUS_LABELS = {PENDING: "待批准", APPROVED: "已批准", REFUSED: "已拒绝"}


# ---- helpers the other services call ------------------------------------------------------
def access_hours(uow: UnitOfWork) -> float:
    """How long an approval lasts: the setting, else the product default (24 h)."""
    value = uow.settings.get(ACCESS_HOURS_SETTING, DEFAULT_ACCESS_HOURS)
    try:
        hours = float(value)
    except (TypeError, ValueError):
        return DEFAULT_ACCESS_HOURS
    return hours if hours > 0 else DEFAULT_ACCESS_HOURS


def handles_now(uow: UnitOfWork, actor: User, case: Case, now: datetime) -> bool:
    """A handler of the case — or the delegate, now, of someone who handles it (DESIGN §3:
    the delegate sees and acts on the absent user's steps)."""
    handling = CaseHandling.of(case)
    if handles_case(actor, handling):
        return True
    if actor.id is None:
        return False
    for d in uow.people.delegations(now):
        if d.delegate_user_id == actor.id:
            absent = uow.people.user(d.absent_user_id)
            if absent is not None and handles_case(absent, handling):
                return True
    return False


def contact_readable(uow: UnitOfWork, actor: User, case: Case, now: datetime) -> bool:
    """The one rule, with the delegations and approvals the database holds."""
    handling = CaseHandling.of(case)
    if handles_now(uow, actor, case, now):
        return True
    grants = uow.contact_access.grants(actor.id, now, [case.id]) \
        if actor.id is not None and case.id is not None else []
    return may_read_contact(actor, case.id, handling, grants, now)


def rows_for(uow: UnitOfWork, actor: User, rows: Sequence[CaseListRow]) -> list[CaseListRow]:
    """List / search / task rows as the actor may see them: the mobile masked unless the
    actor handles the case (a list never shows numbers on an approval: reading them is
    an act of its own, in the case view, and audited)."""
    if handles_all_cases(actor):
        return list(rows)
    stepped: set[int] = set()
    if actor.id is not None:
        stepped = uow.contact_access.stepped_cases(actor.id, [r.id for r in rows])
    out = []
    for r in rows:
        handling = CaseHandling(r.department_id, None, r.current_step,
                                frozenset({actor.id}) if r.id in stepped and actor.id else frozenset())
        out.append(r if handles_case(actor, handling) else r.replace(phone=mask_mobile(r.phone)))
    return out


def audit_contact_view(service: ServiceBase, uow: UnitOfWork, actor: User, case: Case,
                       how: str) -> None:
    """Every time someone reads the full numbers: the case view, a reveal, a print."""
    service.audit(uow, actor, "view_contact", "case", case.number, None,
                  {"how": how, "fields": ["phone", "landline", "vin"]})


@dataclass(frozen=True, slots=True)
class AccessRequestView:
    """A request as the pending list and the case view show it."""

    request: AccessRequest
    case_number: str
    requester_name: str
    decided_by_name: str = ""

    @property
    def status_label(self) -> str:
        return STATUS_LABELS.get(self.request.status, self.request.status)


@dataclass(frozen=True, slots=True)
class ContactNumbers:
    phone: str
    landline: str
    vin: str


class DataAccessService(ServiceBase):
    def hours(self) -> float:
        with self.uow(readonly=True) as uow:
            return access_hours(uow)

    def may_read(self, actor: User, case_id: int) -> bool:
        with self.uow(readonly=True) as uow:
            case = self._case(uow, case_id)
            return contact_readable(uow, actor, case, self.clock.now())

    def handles(self, actor: User, case_id: int) -> bool:
        with self.uow(readonly=True) as uow:
            return handles_now(uow, actor, self._case(uow, case_id), self.clock.now())

    # ---- asking -------------------------------------------------------------------------
    def request_access(self, actor: User, case_id: int, reason: str) -> AccessRequest:
        """Ask to read the case's numbers; the reason is what the approver decides on."""
        reason = (reason or "").strip()
        if not reason:
            raise ServiceError("请填写查阅理由。", field="reason")
        if len(reason) > REASON_MAX:
            raise ServiceError(f"查阅理由不能超过{REASON_MAX}个字。", field="reason")
        if actor.id is None:
            raise PermissionDenied("命令行不能申请查阅客户信息。")
        now = self.clock.now()
        with self.uow() as uow:
            case = self._case(uow, case_id)
            if contact_readable(uow, actor, case, now):
                raise ServiceError("您已可以查看该案件的客户信息，无需申请。")
            if any(r.status == PENDING for r in uow.contact_access.of_user(actor.id, case_id)):
                raise ServiceError("已有一条待批准的申请，请等待负责人处理。")
            req = uow.contact_access.add(case_id, actor.id, reason, now)
            self.audit(uow, actor, "request_contact_access", "case", case.number, None,
                       {"request_id": req.id, "reason": reason})
            # the approvers' 提醒 (DESIGN §4.5): the case's department head(s) and the GM
            text = (f"{actor.display_name} 申请查看 {case.number} 的客户信息（理由：{reason}），"
                    "请在“我的待办”中批准或拒绝。")
            uow.alerts.add_many([
                NewAlert(u.id, AlertKind.NOTICE, text, f"case:{case.id}",
                         f"contact_access:{req.id}", now)
                for u in uow.people.users(False)
                if u.id is not None and u.id != actor.id and may_approve(u, case.department_id)
            ], now)
            uow.commit()
        return req

    def my_requests(self, actor: User, case_id: int) -> list[AccessRequestView]:
        if actor.id is None:
            return []
        with self.uow(readonly=True) as uow:
            case = self._case(uow, case_id)
            return [self._view(uow, r, case.number) for r in
                    uow.contact_access.of_user(actor.id, case_id)]

    # ---- deciding -----------------------------------------------------------------------
    def pending_for(self, actor: User) -> list[AccessRequestView]:
        """Requests waiting for this approver: the GM sees all, a department head those
        on their department's cases (their 待办)."""
        if not approves_requests(actor):
            return []
        with self.uow(readonly=True) as uow:
            out = []
            for r in uow.contact_access.pending():
                case = uow.cases.get(r.case_id)
                if case is not None and may_approve(actor, case.department_id) \
                        and r.requester_user_id != actor.id:
                    out.append(self._view(uow, r, case.number))
            return out

    def approve(self, actor: User, request_id: int) -> AccessRequest:
        return self._decide(actor, request_id, APPROVED)

    def refuse(self, actor: User, request_id: int) -> AccessRequest:
        return self._decide(actor, request_id, REFUSED)

    def _decide(self, actor: User, request_id: int, status: str) -> AccessRequest:
        now = self.clock.now()
        with self.uow() as uow:
            req = uow.contact_access.get(request_id)
            if req is None:
                raise NotFound("找不到该查阅申请，请刷新列表。")
            case = self._case(uow, req.case_id)
            if not may_approve(actor, case.department_id):
                raise PermissionDenied("没有权限批准查阅客户信息：需要该案件部门负责人或总经理。")
            if req.requester_user_id == actor.id:
                raise PermissionDenied("不能批准自己的查阅申请。")
            if req.status != PENDING:
                raise ServiceError("该申请已被处理，请刷新列表。")
            expires = grant_expiry(now, access_hours(uow)) if status == APPROVED else None
            done = uow.contact_access.decide(request_id, status, actor.id or 0, now, expires)
            text = (f"您查看 {case.number} 客户信息的申请已由{actor.display_name}批准，"
                    f"{access_hours(uow):g}小时内可在案件详情中查看。" if status == APPROVED else
                    f"您查看 {case.number} 客户信息的申请已被{actor.display_name}拒绝。")
            uow.alerts.add_many([NewAlert(req.requester_user_id, AlertKind.NOTICE, text,
                                          f"case:{case.id}", f"contact_access:{req.id}:{status}",
                                          now)], now)
            self.audit(uow, actor, "approve_contact_access" if status == APPROVED
                       else "refuse_contact_access", "case", case.number,
                       {"request_id": req.id, "status": PENDING},
                       {"request_id": req.id, "status": status, "requester": req.requester_user_id,
                        "expires_at": expires.isoformat() if expires else None})
            uow.commit()
        return done

    # ---- reading ------------------------------------------------------------------------
    def reveal(self, actor: User, case_id: int) -> ContactNumbers:
        """The full numbers for a handler or an approval still running; audited."""
        now = self.clock.now()
        with self.uow() as uow:
            case = self._case(uow, case_id)
            if not contact_readable(uow, actor, case, now):
                raise PermissionDenied("没有权限查看完整的客户信息：请先申请，经该案件部门负责人"
                                       "或总经理批准后查看。")
            audit_contact_view(self, uow, actor, case, "reveal")
            uow.commit()
        i = case.intake
        return ContactNumbers(i.phone, i.landline, i.vin)

    # ---- internals ----------------------------------------------------------------------
    @staticmethod
    def _case(uow: UnitOfWork, case_id: int) -> Case:
        case = uow.cases.get(case_id)
        if case is None:
            raise NotFound("找不到该案件，可能已被删除或编号有误")
        return case

    @staticmethod
    def _view(uow: UnitOfWork, r: AccessRequest, number: str) -> AccessRequestView:
        who = uow.people.user(r.requester_user_id)
        by = uow.people.user(r.decided_by_user_id) if r.decided_by_user_id else None
        return AccessRequestView(r, number, who.display_name if who else "",
                                 by.display_name if by else "")


__all__ = ["AccessRequestView", "ContactNumbers", "DataAccessService", "access_hours",
           "audit_contact_view", "contact_readable", "handles_now", "masked_case", "rows_for"]
