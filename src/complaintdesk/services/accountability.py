"""Use cases of accountability (DESIGN §6): fault slips, appeals, the ledger, the rule table.

Each use case is one transaction: load, check the person (slip_access.allowed — §3), let
the domain change the slip (domain/slips.py guards its state), save with the optimistic
version, hand the slip's events to the message bus (services/messagebus.py: whoever the
slip now waits on is alerted), write the audit entry. The workflow side (slips proposed, issued, approved and
enforced by the case's own steps) is in handlers/accountability.py.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from ..domain import slips as D
from ..domain.dept_assessment import ACCOUNTABILITY_KEY, AccountabilitySettings
from ..domain.ledger import LedgerRow, department_ledger, employee_ledger, ledger_entries
from ..domain.penalty_text import penalty_text
from ..domain.records import FaultSlip, Penalty, Role, SlipStatus, User
from ..domain.review_board import REVIEW_BOARD_KEY, ReviewBoard
from ..domain.rules import Rule, RuleProblem, penalties_to_raw, rule_problems
from ..domain.workflow.internal_routing import company_department
from ..storage.repo_slips import SlipQuery, SlipWithCase
from ..storage.uow import UnitOfWork
from . import slip_access as A
from .base import ServiceBase
from .errors import NotFound, PermissionDenied, ServiceError
from .slip_access import HistoryLine, SlipView
from .slip_ops import (
    RULES_KEY,
    RULES_USER,
    current_rules,
    domain_call,
    issue_slip,
    rules_raw,
)


class RulesInvalid(ServiceError):
    """The rule table the admin tried to save: `problems` lists every problem with its row
    and field (domain/rules.RuleProblem), `messages` their text; `row` is the first bad
    row's index (None when the problem is the table as a whole)."""

    def __init__(self, problems: list[RuleProblem]) -> None:
        messages = [p.message for p in problems]
        first = next((p.row for p in problems if p.row is not None), None)
        super().__init__("奖惩规则有误，未保存：\n" + "\n".join(messages), field="rules",
                         row=first)
        self.problems = problems
        self.messages = messages


@dataclass(frozen=True, slots=True)
class SlipRef:
    """What the ledger's drill-down shows of a slip."""

    slip_id: int
    number: str
    status: SlipStatus
    case_id: int | None
    case_number: str
    employee_name: str
    penalty_text: str


@dataclass(slots=True)
class LedgerReport:
    month: str  # "YYYY-MM"
    employees: list[LedgerRow] = field(default_factory=list)
    departments: list[LedgerRow] = field(default_factory=list)
    slips: dict[int, SlipRef] = field(default_factory=dict)


def month_bounds(month: str, tz: Any) -> tuple[datetime, datetime]:
    """[start, end) of a local calendar month "YYYY-MM" as aware instants."""
    try:
        year, mon = (int(x) for x in month.split("-"))
        start = datetime(year, mon, 1, tzinfo=tz)
    except (ValueError, TypeError) as exc:
        raise ServiceError(f"月份“{month}”格式无效，请按 YYYY-MM 填写，如 2026-11",
                           field="month") from exc
    end = datetime(year + (mon == 12), mon % 12 + 1, 1, tzinfo=tz)
    return start, end


class AccountabilityService(ServiceBase):
    # ---- reading -------------------------------------------------------------------
    def _names(self, uow: UnitOfWork) -> tuple[dict[int, str], dict[int, str], dict[int, str]]:
        emps = {e.id: e.name for e in uow.people.employees() if e.id is not None}
        deps = {d.id: d.name for d in uow.people.departments() if d.id is not None}
        users = {u.id: u.display_name for u in uow.people.users() if u.id is not None}
        return emps, deps, users

    @staticmethod
    def _appeal_rules(uow: UnitOfWork) -> A.AppealRules:
        """The 监督与评估小组 and the appeal window, as the administrator set them."""
        settings = AccountabilitySettings.from_dict(uow.settings.get(ACCOUNTABILITY_KEY))
        assessors = frozenset(u.employee_id for u in uow.people.users(include_inactive=False)
                              if u.has(Role.ASSESSOR) and u.employee_id is not None)
        return A.AppealRules(ReviewBoard.from_dict(uow.settings.get(REVIEW_BOARD_KEY)),
                             timedelta(days=settings.appeal_window_days),
                             company_department(uow.people.departments()), assessors)

    def _view(self, uow: UnitOfWork, actor: User, item: SlipWithCase, now: datetime,
              names: tuple[dict, dict, dict], rules: dict[str, Rule],
              appeal_rules: A.AppealRules | None = None) -> SlipView:
        s = item.slip
        ar = appeal_rules or self._appeal_rules(uow)
        emps, deps, users = names
        created = next((c for c in s.changes if c.what == D.CREATED), None)
        return SlipView(
            slip=s, case_number=item.case_number,
            employee_name=emps.get(s.employee_id, "") if s.employee_id else "",
            department_name=deps.get(s.department_id, "") if s.department_id else "",
            issuer_name=users.get(s.issued_by_user_id, "") if s.issued_by_user_id else "",
            penalty_text=penalty_text(s.penalties, "无"),
            clauses=[rules[r].clause if r in rules else f"{r}（规则已删除）" for r in s.rule_ids],
            proposal_notes=created.reason if created else "",
            history=[HistoryLine(c.at, c.by_name, D.describe_change(c), c.reason)
                     for c in s.changes],
            actions=tuple(a for a in A.ACTION_LABELS if A.allowed(actor, s, a, now, ar)),
            appeal_deadline=D.appeal_deadline(s, ar.window),
        )

    def _visible_query(self, actor: User, q: SlipQuery) -> SlipQuery:
        """Everyone sees their own slips; department heads and supervisors their
        department's; the assessor, GM and admin all (fines are personal data)."""
        if A.may_view_all(actor):
            return q
        if (actor.has(Role.DEPT_HEAD) or actor.has(Role.SUPERVISOR)) \
                and actor.department_id is not None:
            if q.department_id not in (None, actor.department_id):
                raise PermissionDenied("只能查看本部门的过失单。")
            return SlipQuery(**{**_asdict(q), "department_id": actor.department_id})
        if actor.employee_id is None:
            raise PermissionDenied("没有权限查看过失单：您的账号未关联员工。")
        return SlipQuery(**{**_asdict(q), "employee_id": actor.employee_id})

    def list_slips(self, actor: User, query: SlipQuery | None = None) -> list[SlipView]:
        now = self.clock.now()
        q = self._visible_query(actor, query or SlipQuery())
        with self.uow(readonly=True) as uow:
            names = self._names(uow)
            rules = {r.id: r for r in current_rules(uow)}
            ar = self._appeal_rules(uow)
            return [self._view(uow, actor, item, now, names, rules, ar)
                    for item in uow.slips.list(q)]

    def slip(self, actor: User, slip_id: int) -> SlipView:
        now = self.clock.now()
        with self.uow(readonly=True) as uow:
            s = uow.slips.get(slip_id)
            if s is None:
                raise NotFound("找不到该过失单，请刷新列表。")
            self._check_visible(actor, s, self._appeal_rules(uow).board)
            number = uow.slips.case_numbers([s.case_id]).get(s.case_id, "") if s.case_id else ""
            rules = {r.id: r for r in current_rules(uow)}
            return self._view(uow, actor, SlipWithCase(s, number), now, self._names(uow), rules)

    def _check_visible(self, actor: User, s: FaultSlip,
                       board: ReviewBoard | None = None) -> None:
        if A.may_view_all(actor) or (actor.employee_id and actor.employee_id == s.employee_id):
            return
        if board is not None and s.appeal and board.is_member(actor):
            return  # the 监督与评估小组 hears the appeal
        if (actor.has(Role.DEPT_HEAD) or actor.has(Role.SUPERVISOR)) \
                and actor.department_id == s.department_id:
            return
        raise PermissionDenied("没有权限查看该过失单：只能查看本人或本部门的过失单。")

    def proposals_for_case(self, actor: User, case_id: int) -> list[SlipView]:
        """Every slip of a case (proposals first in the UI's eyes: status 拟开具)."""
        return self.list_slips(actor, SlipQuery(case_id=case_id))

    def week_query(self, monday_local: datetime, **filters: Any) -> SlipQuery:
        """Slips issued in the local week starting on `monday_local` (a local date/time)."""
        start = monday_local.replace(hour=0, minute=0, second=0, microsecond=0,
                                     tzinfo=monday_local.tzinfo or self.tz)
        return SlipQuery(issued_from=start, issued_to=start + timedelta(days=7), **filters)

    # ---- one slip, one transaction ---------------------------------------------------
    def _act(self, actor: User, slip_id: int, action: str,
             change: Callable[[UnitOfWork, FaultSlip, datetime], None],
             expected_version: int | None = None) -> SlipView:
        now = self.clock.now()
        with self.uow() as uow:
            s = uow.slips.get(slip_id)
            if s is None:
                raise NotFound("找不到该过失单，请刷新列表。")
            if expected_version is not None and s.version != expected_version:
                from .errors import ConflictError
                raise ConflictError("已被他人处理：该过失单刚刚被其他人修改，请刷新后重试。")
            ar = self._appeal_rules(uow)
            if not A.allowed(actor, s, action, now, ar):
                _state_refusal(s, action, actor, now, ar)
                raise PermissionDenied(A.refusal_text(action))
            before = _snapshot(s)
            change(uow, s, now)
            uow.slips.save(s)
            # what follows from the change (services/messagebus.py): whoever the slip now
            # waits on is alerted (DESIGN §4.5), before the audit entry, as before
            self.bus.handle(uow)
            self.audit(uow, actor, f"slip:{action}", "fault_slip", s.number or f"#{s.id}",
                       before, _snapshot(s))
            uow.commit()
        return self.slip(actor, slip_id)

    def change_penalties(self, actor: User, slip_id: int, penalties: list[Penalty],
                         reason: str, expected_version: int | None = None) -> SlipView:
        return self._act(actor, slip_id, A.CHANGE, lambda uow, s, now: domain_call(
            D.change_penalties, s, penalties, actor, reason, now), expected_version)

    def issue(self, actor: User, slip_id: int) -> SlipView:
        def run(uow: UnitOfWork, s: FaultSlip, now: datetime) -> None:
            case = uow.cases.get(s.case_id) if s.case_id else None
            issue_slip(uow, actor, s, case, now, self.tz)
        return self._act(actor, slip_id, A.ISSUE, run)

    def discard(self, actor: User, slip_id: int, reason: str) -> SlipView:
        return self._act(actor, slip_id, A.DISCARD, lambda uow, s, now: domain_call(
            D.discard, s, actor, reason, now))

    def record_dept_opinion(self, actor: User, slip_id: int, opinion: str) -> SlipView:
        return self._act(actor, slip_id, A.DEPT_OPINION, lambda uow, s, now: domain_call(
            D.record_dept_opinion, s, actor, opinion, now))

    def approve(self, actor: User, slip_id: int, opinion: str = "",
                penalties: list[Penalty] | None = None, reason: str = "") -> SlipView:
        """The GM signs one slip (e.g. a breach slip issued after the case's step 8),
        optionally changing its penalties first (reason required)."""
        def run(uow: UnitOfWork, s: FaultSlip, now: datetime) -> None:
            if penalties is not None and penalties_to_raw(penalties) != \
                    penalties_to_raw(s.penalties):
                domain_call(D.change_penalties, s, penalties, actor, reason, now)
            domain_call(D.approve, s, actor, opinion, now)
        return self._act(actor, slip_id, A.APPROVE, run)

    def enforce(self, actor: User, slip_id: int) -> SlipView:
        return self._act(actor, slip_id, A.ENFORCE, lambda uow, s, now: domain_call(
            D.enforce, s, actor, now))

    def acknowledge(self, actor: User, slip_id: int) -> SlipView:
        return self._act(actor, slip_id, A.ACKNOWLEDGE, lambda uow, s, now: domain_call(
            D.acknowledge, s, now, by=actor))

    def file_appeal(self, actor: User, slip_id: int, reason: str) -> SlipView:
        """The employee appeals to the 监督与评估小组 within the window (a setting)."""
        return self._act(actor, slip_id, A.APPEAL, lambda uow, s, now: domain_call(
            D.file_appeal, s, reason, now, by=actor, tz=self.tz,
            window=self._appeal_rules(uow).window))

    def review_appeal(self, actor: User, slip_id: int, review: str) -> SlipView:
        return self._act(actor, slip_id, A.REVIEW_APPEAL, lambda uow, s, now: domain_call(
            D.review_appeal, s, actor, review, now))

    def decide_appeal(self, actor: User, slip_id: int, decision: str,
                      new_penalties: list[Penalty] | None, reason: str) -> SlipView:
        """The group decides (维持/减轻/撤销); the slip is never deleted, the ledger shows
        the correction; the general manager is told (`appeal_notices`)."""
        return self._act(actor, slip_id, A.DECIDE_APPEAL, lambda uow, s, now: domain_call(
            D.decide_appeal, s, actor, decision, new_penalties, reason, now))

    def inform_gm(self, actor: User, slip_id: int) -> SlipView:
        """The general manager confirms having read the group's decision."""
        return self._act(actor, slip_id, A.GM_INFORMED, lambda uow, s, now: domain_call(
            D.inform_gm, s, actor, now))

    def appeal_notices(self, actor: User) -> list[SlipView]:
        """Appeal decisions the general manager has not yet read (001 四.1: the GM is told)."""
        self.require(actor, Role.GENERAL_MANAGER, what="查看申诉裁决通知")
        decided = SlipQuery(statuses=(SlipStatus.ENFORCED, SlipStatus.REVOKED),
                            is_reward=False, limit=100000)
        return [v for v in self.list_slips(actor, decided)
                if (v.slip.appeal or {}).get("decision")
                and not (v.slip.appeal or {}).get("gm_informed_at")]

    def list_appeals(self, actor: User) -> list[SlipView]:
        """Slips under appeal, for the 监督与评估小组 (and the assessor and GM)."""
        now = self.clock.now()
        with self.uow(readonly=True) as uow:
            ar = self._appeal_rules(uow)
            if not (A.may_view_all(actor) or ar.board.is_member(actor)):
                raise PermissionDenied("没有权限查看申诉：需要监督与评估小组成员、"
                                       "行政部考核主管或总经理角色")
            names, rules = self._names(uow), {r.id: r for r in current_rules(uow)}
            items = uow.slips.list(SlipQuery(statuses=(SlipStatus.APPEALED,), limit=100000))
            return [self._view(uow, actor, item, now, names, rules, ar) for item in items]

    # ---- the 监督与评估小组 and the settings of accountability -----------------------------
    def review_board(self) -> ReviewBoard:
        with self.uow(readonly=True) as uow:
            return ReviewBoard.from_dict(uow.settings.get(REVIEW_BOARD_KEY))

    def set_review_board(self, actor: User, leader_user_id: int | None,
                         member_user_ids: list[int]) -> ReviewBoard:
        """The administrator names the group: the 行政部 head leads, HR and finance members."""
        self.require(actor, Role.ADMIN, what="设置监督与评估小组")
        with self.uow() as uow:
            users = {u.id: u for u in uow.people.users() if u.active}
            if leader_user_id is None:
                raise ServiceError("请选择监督与评估小组组长（行政部负责人）。", field="leader")
            for uid, field_name in ([(leader_user_id, "leader")]
                                    + [(m, "members") for m in member_user_ids]):
                if uid not in users:
                    raise ServiceError("所选人员不存在或已停用，请重新选择监督与评估小组成员。",
                                       field=field_name)
            board = ReviewBoard.from_dict({"leader_user_id": leader_user_id,
                                           "member_user_ids": member_user_ids})
            before = uow.settings.get(REVIEW_BOARD_KEY)
            uow.settings.put(REVIEW_BOARD_KEY, board.to_dict())
            self.audit(uow, actor, "setting", "setting", REVIEW_BOARD_KEY, before,
                       board.to_dict())
            uow.commit()
        return board

    def accountability_settings(self) -> AccountabilitySettings:
        with self.uow(readonly=True) as uow:
            return AccountabilitySettings.from_dict(uow.settings.get(ACCOUNTABILITY_KEY))

    def set_accountability_settings(self, actor: User, raw: dict[str, Any]
                                    ) -> AccountabilitySettings:
        """Thresholds of the department evaluation and the appeal window (admin)."""
        self.require(actor, Role.ADMIN, what="修改奖惩考核设置")
        settings = domain_call(AccountabilitySettings.from_dict, raw)
        with self.uow() as uow:
            before = uow.settings.get(ACCOUNTABILITY_KEY)
            uow.settings.put(ACCOUNTABILITY_KEY, settings.to_dict())
            self.audit(uow, actor, "setting", "setting", ACCOUNTABILITY_KEY, before,
                       settings.to_dict())
            uow.commit()
        return settings

    # ---- the ledger ------------------------------------------------------------------
    def ledger(self, actor: User, month: str) -> LedgerReport:
        """Per employee and per department for a local month, with the slips behind each
        row (and their cases) for the drill-down."""
        start, end = month_bounds(month, self.tz)
        dept_only = None
        if not A.may_view_all(actor):
            if actor.has(Role.DEPT_HEAD) and actor.department_id is not None:
                dept_only = actor.department_id
            else:
                raise PermissionDenied("没有权限查看奖惩台账：需要行政部考核主管、总经理、"
                                       "系统管理员或部门负责人角色。")
        with self.uow(readonly=True) as uow:
            slips = uow.slips.for_ledger(start, end)
            if dept_only is not None:
                slips = [s for s in slips if s.department_id == dept_only]
            entries = ledger_entries(slips, self.tz)
            employees, departments = uow.people.employees(), uow.people.departments()
            report = LedgerReport(
                month, employee_ledger(entries, month, employees, departments),
                department_ledger(entries, month, departments),
            )
            numbers = uow.slips.case_numbers([s.case_id for s in slips if s.case_id])
        emp_names = {e.id: e.name for e in employees}
        for s in slips:
            assert s.id is not None
            report.slips[s.id] = SlipRef(
                s.id, s.number, s.status, s.case_id, numbers.get(s.case_id, "") if s.case_id
                else "", emp_names.get(s.employee_id, ""), penalty_text(s.penalties, "无"))
        return report

    # ---- the rule table ----------------------------------------------------------------
    def rules(self) -> list[dict[str, Any]]:
        """The table as stored (the shipped defaults until the admin saves one)."""
        with self.uow(readonly=True) as uow:
            return rules_raw(uow)

    def save_rules(self, actor: User, raw: list[dict[str, Any]]) -> None:
        self.require(actor, Role.ADMIN, what="修改奖惩规则")
        problems = rule_problems(raw)
        if problems:
            raise RulesInvalid(problems)
        with self.uow() as uow:
            before = rules_raw(uow)
            uow.settings.put(RULES_KEY, raw)
            self.audit(uow, actor, "save_rules", "setting", RULES_KEY, before, raw)
            uow.commit()


def _asdict(q: SlipQuery) -> dict[str, Any]:
    return {f: getattr(q, f) for f in q.__dataclass_fields__}


def _snapshot(s: FaultSlip) -> dict[str, Any]:
    return {"number": s.number, "status": s.status.value,
            "penalties": penalties_to_raw(s.penalties), "employee_id": s.employee_id,
            "case_id": s.case_id, "version": s.version}


def _state_refusal(s: FaultSlip, action: str, actor: User, now: datetime,
                   ar: A.AppealRules = A.NO_BOARD) -> None:
    """When the person could act on the slip in another state, say what the state is
    (the domain's message) rather than "no permission"."""
    from copy import deepcopy
    from dataclasses import replace
    if action == A.APPEAL:
        fresh = replace(s, status=SlipStatus.ENFORCED, enforced_at=now, appeal=None, changes=[])
        if A.allowed(actor, fresh, action, now, ar):  # the person may appeal: say why not now
            domain_call(D.file_appeal, deepcopy(s), "申诉", now, by=actor, window=ar.window)
        return
    probe = {A.CHANGE: SlipStatus.ISSUED, A.ISSUE: SlipStatus.PROPOSED,
             A.DISCARD: SlipStatus.PROPOSED, A.DEPT_OPINION: SlipStatus.ISSUED,
             A.APPROVE: SlipStatus.ISSUED, A.ENFORCE: SlipStatus.APPROVED,
             A.REVIEW_APPEAL: SlipStatus.APPEALED}.get(action)
    if probe is None or probe is s.status:
        return
    if A.allowed(actor, replace(s, status=probe, changes=[]), action, now, ar):
        raise ServiceError(f"{s.number or '该过失单'}当前状态为“{s.status.label}”，"
                           f"不能{A.ACTION_LABELS[action]}。")


__all__ = ["AccountabilityService", "LedgerReport", "RulesInvalid", "SlipQuery", "SlipRef",
           "SlipView", "RULES_USER", "month_bounds"]
