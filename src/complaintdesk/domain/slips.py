"""The life of a fault slip (过失单, DESIGN §6; §4.1 steps 4, 5, 8, 9).

    proposed ──issue──▶ issued ──approve──▶ approved ──enforce──▶ enforced ──file_appeal──▶ appealed
        │                                                            ▲                       │
        └─discard─▶ discarded                       upheld / reduced ┴──── decide_appeal ────┤
                                                                                 revoked ◀───┘

Every function mutates the slip and appends a SlipChange (who, when, what, before → after,
why), and records what happened as a domain event (domain/events.py: a change of status
as its own event, any other change of a stored slip as SlipChanged) for the service
layer's message bus to handle after the change. Nothing is ever deleted: the original penalties of a reduced or revoked slip stay
in the change history and in `slip.appeal["original_penalties"]`, and the ledger shows a
correction (domain/ledger.py). Role checks are the service layer's job (DESIGN §3); these
functions guard the *state* of the slip. Changes before and after are JSON-friendly.
"""

from __future__ import annotations

from collections import Counter
from datetime import datetime, timedelta, tzinfo
from typing import Any, Literal
from zoneinfo import ZoneInfo

from complaintdesk.domain.errors import DomainError
from complaintdesk.domain.events import (
    SLIP_STATUS_EVENTS,
    SlipAppealDecided,
    SlipChanged,
    SlipIssued,
)
from complaintdesk.domain.penalty_text import penalty_text
from complaintdesk.domain.proposals import Proposal
from complaintdesk.domain.records import (
    Employee,
    FaultSlip,
    Penalty,
    PenaltyKind,
    Responsibility,
    Role,
    SlipChange,
    SlipStatus,
    User,
)
from complaintdesk.domain.rules import (
    POINT_KINDS,
    YUAN_KINDS,
    penalties_from_raw,
    penalties_to_raw,
)

APPEAL_WINDOW = timedelta(days=7)  # §6: appeal within 7 days (7×24 h) of enforcement
DEFAULT_TZ = ZoneInfo("Asia/Shanghai")
EMPLOYEE_NAME = "责任人"  # the acting name when the employee acts without a user account

# SlipChange.what values
CREATED = "created"
PENALTIES = "penalties"
STATUS = "status"
DEPT_OPINION = "dept_opinion"
GM_OPINION = "gm_opinion"
ACKNOWLEDGED = "acknowledged"
APPEAL_FILED = "appeal_filed"
APPEAL_REVIEW = "appeal_review"
APPEAL_DECISION = "appeal_decision"
GM_INFORMED = "gm_informed"  # the GM has read the appeal decision
BASIS = "basis"  # the rule(s) and escalations as they stood when proposed (slip_basis.py)

AppealDecision = Literal["upheld", "reduced", "revoked"]
DECISION_LABELS: dict[str, str] = {"upheld": "维持原处罚", "reduced": "减轻处罚", "revoked": "撤销"}
# While a slip is still a proposal or on its way to enforcement, the assessor (step 5),
# the department head (steps 4/5) and the general manager (step 8) may change it (§6).
CHANGEABLE = frozenset({SlipStatus.PROPOSED, SlipStatus.ISSUED, SlipStatus.APPROVED})


class AccountabilityError(DomainError):
    """A fault-slip action that the slip's state (or the policy) does not allow."""


def issued_with_the_case(slip: FaultSlip) -> bool:
    """A penalty for the case's own handling, issued with the case at step 5 (DESIGN §4.1):
    not a deadline breach's slip (issued from the 过失单 list) nor a reward (issued at 7)."""
    return not slip.is_reward and not slip.from_breach


def waits_on_gm(slip: FaultSlip) -> bool:
    """Issued and not yet signed: the GM's 签批 decides it, slip by slip (003 一.7)."""
    return slip.status is SlipStatus.ISSUED


def _who(by: User | None) -> tuple[int | None, str]:
    return (by.id, by.display_name) if by is not None else (None, EMPLOYEE_NAME)


def _log(slip: FaultSlip, by: User | None, now: datetime, what: str,
         before: Any, after: Any, reason: str = "") -> None:
    uid, name = _who(by)
    slip.changes.append(SlipChange(at=now, by_user_id=uid, by_name=name, what=what,
                                   before=before, after=after, reason=reason))


def _change(slip: FaultSlip, by: User | None, now: datetime, what: str,
            before: Any, after: Any, reason: str = "") -> None:
    """A change that leaves the status as it is: logged, and recorded as SlipChanged."""
    _log(slip, by, now, what, before, after, reason)
    slip.events.append(SlipChanged(slip.id, slip.case_id, _who(by)[0], now, what))


def _set_status(slip: FaultSlip, status: SlipStatus, by: User | None, now: datetime,
                reason: str = "") -> None:
    appeal_decided = slip.status is SlipStatus.APPEALED
    _log(slip, by, now, STATUS, slip.status.value, status.value, reason)
    slip.status = status
    # the slip records what happened to it (domain/events.py; handled after the change)
    who = by.id if by is not None else None
    if appeal_decided:
        slip.events.append(SlipAppealDecided(slip.id, slip.case_id, who, now, status))
    elif status is SlipStatus.ISSUED:
        slip.events.append(SlipIssued(slip.id, slip.case_id, who, now, slip.number))
    elif status in SLIP_STATUS_EVENTS:
        slip.events.append(SLIP_STATUS_EVENTS[status](slip.id, slip.case_id, who, now))


def _require(slip: FaultSlip, allowed: set[SlipStatus] | frozenset[SlipStatus],
             action: str) -> None:
    if slip.status not in allowed:
        need = "、".join(s.label for s in allowed)
        raise AccountabilityError(
            f"过失单{slip.number or ''}当前状态为“{slip.status.label}”，不能{action}"
            f"（仅限{need}状态）。"
        )


def _text(value: str, field_zh: str, what_to_do: str) -> str:
    value = (value or "").strip()
    if not value:
        raise AccountabilityError(f"{field_zh}不能为空，请{what_to_do}。")
    return value


def check_penalties(penalties: list[Penalty], *, reward: bool) -> None:
    """Penalties a person typed are sane: sizes positive integers, kinds fit the slip."""
    if not penalties:
        raise AccountabilityError(
            "处罚/奖励不能为空，请至少填写一项；如不需处罚，请作“不予开具”或申诉撤销处理。"
        )
    for i, p in enumerate(penalties, 1):
        where = f"第{i}项（{p.kind.label}）"
        if p.kind in YUAN_KINDS and (not isinstance(p.amount, int) or p.amount <= 0):
            raise AccountabilityError(f"{where}：请填写大于 0 的整数金额（元）。")
        if p.kind in POINT_KINDS and (not isinstance(p.points, int) or p.points <= 0):
            raise AccountabilityError(f"{where}：请填写大于 0 的整数分值。")
        if p.amount < 0 or p.points < 0:
            raise AccountabilityError(f"{where}：金额和分值不能为负数。")
        if p.kind is PenaltyKind.PRIZE and not p.note.strip():
            raise AccountabilityError(f"{where}：请在说明中填写奖品名称。")
        if p.kind.is_reward != reward:
            kind = "奖励单只能填写奖励" if reward else "过失单不能填写奖励"
            raise AccountabilityError(f"{where}：{kind}，请改选类型。")


# ---- creation and the way to enforcement --------------------------------------------------

def new_slip_proposal(
    *,
    case_id: int | None,
    employee: Employee | None,
    facts: str,
    responsibility: Responsibility | None,
    proposal: Proposal,
    now: datetime,
    department_id: int | None = None,
    from_breach: bool = False,
    is_reward: bool = False,
    by: User | None = None,
) -> FaultSlip:
    """A proposed slip (拟开具) from a rule proposal; `employee` None for a team reward."""
    slip = FaultSlip(
        id=None,
        number="",
        case_id=case_id,
        employee_id=employee.id if employee else None,
        department_id=employee.department_id if employee else department_id,
        post=employee.post if employee else "",
        facts=facts.strip(),
        responsibility=responsibility,
        penalties=list(proposal.penalties),
        rule_ids=list(proposal.rule_ids),
        is_reward=is_reward,
        from_breach=from_breach,
        created_at=now,
    )
    if department_id is not None:
        slip.department_id = department_id
    _log(slip, by, now, CREATED, None, penalties_to_raw(slip.penalties),
         "；".join(proposal.notes))
    basis = proposal.basis()
    if basis is not None:
        _log(slip, by, now, BASIS, None, basis)
    return slip


def change_penalties(slip: FaultSlip, penalties: list[Penalty], by: User, reason: str,
                     now: datetime) -> None:
    """Amend the proposal (assessor step 5, dept head 4/5, GM 8); the reason is kept."""
    if slip.status in (SlipStatus.ENFORCED, SlipStatus.APPEALED):
        raise AccountabilityError(
            "过失单已执行，不能直接修改处罚；如有异议，请由责任人在7天内提出申诉。"
        )
    _require(slip, CHANGEABLE, "修改处罚")
    reason = _text(reason, "修改原因", "填写为何修改处罚")
    check_penalties(penalties, reward=slip.is_reward)
    before, after = penalties_to_raw(slip.penalties), penalties_to_raw(penalties)
    if before == after:
        raise AccountabilityError("处罚内容没有变化，无需保存。")
    slip.penalties = list(penalties)
    _change(slip, by, now, PENALTIES, before, after, reason)


def issue(slip: FaultSlip, number: str, by: User, now: datetime) -> None:
    """Step 5: the assessor issues the slip under its gapless number (GS-YYYYMM-NNNN)."""
    _require(slip, {SlipStatus.PROPOSED}, "开具")
    number = _text(number, "过失单编号", "由系统分配编号后再开具")
    check_penalties(slip.penalties, reward=slip.is_reward)
    slip.number = number
    slip.issued_by_user_id = by.id
    slip.issued_at = now
    _set_status(slip, SlipStatus.ISSUED, by, now, f"编号 {number}")


def discard(slip: FaultSlip, by: User, reason: str, now: datetime) -> None:
    """Step 5: the assessor decides not to issue a proposal (kept, never deleted)."""
    _require(slip, {SlipStatus.PROPOSED}, "作不予开具处理")
    reason = _text(reason, "不予开具原因", "填写不予开具的理由")
    _set_status(slip, SlipStatus.DISCARDED, by, now, reason)


def record_dept_opinion(slip: FaultSlip, by: User, opinion: str, now: datetime) -> None:
    """Steps 4/5: the department head's opinion on the responsible person."""
    _require(slip, {SlipStatus.PROPOSED, SlipStatus.ISSUED}, "填写部门负责人意见")
    opinion = _text(opinion, "部门负责人意见", "填写对责任人的处理意见")
    _change(slip, by, now, DEPT_OPINION, slip.dept_opinion, opinion)
    slip.dept_opinion = opinion


def approve(slip: FaultSlip, by: User, opinion: str, now: datetime) -> None:
    """Step 8: the general manager signs (opinion may be empty: 同意)."""
    _require(slip, {SlipStatus.ISSUED}, "签批")
    opinion = (opinion or "").strip() or "同意"
    _log(slip, by, now, GM_OPINION, slip.gm_opinion, opinion)
    slip.gm_opinion = opinion
    _set_status(slip, SlipStatus.APPROVED, by, now)


def enforce(slip: FaultSlip, by: User, now: datetime) -> None:
    """Step 9: the penalties take effect — only from now on does the slip count in the ledger."""
    _require(slip, {SlipStatus.APPROVED}, "执行")
    slip.enforced_at = now
    _set_status(slip, SlipStatus.ENFORCED, by, now)


def acknowledge(slip: FaultSlip, now: datetime, by: User | None = None) -> None:
    """The responsible employee signs the slip (责任人签字确认)."""
    _require(
        slip,
        {SlipStatus.ISSUED, SlipStatus.APPROVED, SlipStatus.ENFORCED, SlipStatus.APPEALED},
        "签字确认",
    )
    if slip.acknowledged_at is not None:
        raise AccountabilityError("责任人已签字确认过，无需重复确认。")
    slip.acknowledged_at = now
    _change(slip, by, now, ACKNOWLEDGED, None, now.isoformat())


# ---- appeal (申诉, §6; seed 001 §四.1 申诉权) -------------------------------------------------

def appeal_deadline(slip: FaultSlip, window: timedelta = APPEAL_WINDOW) -> datetime | None:
    """The end of the appeal window (a setting, 7 days after enforcement by default)."""
    return slip.enforced_at + window if slip.enforced_at else None


def appeal_time(slip: FaultSlip, key: str) -> datetime | None:
    """A time stored in `slip.appeal` (ISO text, so the dict stays JSON-friendly)."""
    value = (slip.appeal or {}).get(key)
    if value is None or isinstance(value, datetime):
        return value
    return datetime.fromisoformat(value)


def file_appeal(slip: FaultSlip, reason: str, now: datetime, *, by: User | None = None,
                tz: tzinfo = DEFAULT_TZ, window: timedelta = APPEAL_WINDOW) -> None:
    """The employee appeals an enforced slip to the 监督与评估小组, within the window
    (`window` × 24 h of enforcement; 7 days by default)."""
    if slip.is_reward:
        raise AccountabilityError("奖励单不能申诉。")
    if slip.appeal:
        raise AccountabilityError("该过失单已申诉过一次，不能重复申诉。")
    _require(slip, {SlipStatus.ENFORCED}, "申诉")
    deadline = appeal_deadline(slip, window)
    assert deadline is not None  # enforced slips have enforced_at
    if now > deadline:
        local = deadline.astimezone(tz).strftime("%Y-%m-%d %H:%M")
        raise AccountabilityError(
            f"申诉期限已过：须在执行后{window.days}天内（{local} 前）提出申诉。"
        )
    reason = _text(reason, "申诉理由", "填写对责任认定或处罚的异议")
    slip.appeal = {"filed_at": now.isoformat(), "reason": reason}
    _log(slip, by, now, APPEAL_FILED, None, reason, reason)
    _set_status(slip, SlipStatus.APPEALED, by, now, reason)


def review_appeal(slip: FaultSlip, by: User, review_text: str, now: datetime) -> None:
    """A member of the 监督与评估小组 re-investigates the appeal (重新调查) before the group
    decides (without a group named: the assessor, then the general manager)."""
    _require(slip, {SlipStatus.APPEALED}, "复核申诉")
    review_text = _text(review_text, "复核意见", "填写对申诉的复核意见")
    assert slip.appeal is not None
    before = slip.appeal.get("review")
    slip.appeal.update(review=review_text, reviewed_at=now.isoformat(),
                       reviewed_by_user_id=by.id, reviewed_by_name=by.display_name)
    _change(slip, by, now, APPEAL_REVIEW, before, review_text)


def _is_lighter(new: list[Penalty], old: list[Penalty]) -> bool:
    def totals(ps: list[Penalty]) -> Counter:
        c: Counter = Counter()
        for p in ps:
            c[(p.kind, "n")] += 1
            c[(p.kind, "amount")] += p.amount
            c[(p.kind, "points")] += p.points
        return c

    t_new, t_old = totals(new), totals(old)
    no_heavier = all(t_new[k] <= t_old[k] for k in t_new)
    return no_heavier and t_new != t_old


def decide_appeal(
    slip: FaultSlip,
    by: User,
    decision: AppealDecision,
    new_penalties: list[Penalty] | None,
    reason: str,
    now: datetime,
) -> None:
    """The general manager decides: upheld, reduced (with the lighter penalties) or revoked."""
    _require(slip, {SlipStatus.APPEALED}, "裁决申诉")
    assert slip.appeal is not None
    if not slip.appeal.get("review"):
        raise AccountabilityError("请先重新调查（复核）申诉并填写复核意见，再作裁决。")
    reason = check_appeal_decision(slip.penalties, decision, new_penalties, reason)
    original = penalties_to_raw(slip.penalties)
    if decision == "reduced":
        slip.penalties = list(new_penalties or [])
    slip.appeal.update(
        decision=decision, decision_reason=reason, decided_at=now.isoformat(),
        decided_by_user_id=by.id, decided_by_name=by.display_name,
        original_penalties=original, new_penalties=penalties_to_raw(slip.penalties),
        # the general manager is told of the group's decision (001 四.1; DESIGN §6)
        gm_informed_at=now.isoformat() if by.has(Role.GENERAL_MANAGER) else None,
    )
    after: dict[str, Any] = {"decision": decision, "penalties": penalties_to_raw(slip.penalties)}
    _log(slip, by, now, APPEAL_DECISION, {"penalties": original}, after,
         f"{DECISION_LABELS[decision]}：{reason}")
    status = SlipStatus.REVOKED if decision == "revoked" else SlipStatus.ENFORCED
    _set_status(slip, status, by, now, DECISION_LABELS[decision])


def check_appeal_decision(current: list[Penalty], decision: str,
                          new_penalties: list[Penalty] | None, reason: str) -> str:
    """A decision on an appeal is complete and consistent (the dialog asks this before it
    closes, the decision again before it is recorded); returns the trimmed reason."""
    if decision not in DECISION_LABELS:
        raise AccountabilityError("裁决结果无效，请选择：维持原处罚、减轻处罚或撤销。")
    if decision == "reduced":
        if not new_penalties:
            raise AccountabilityError("减轻处罚时请填写减轻后的处罚；如全部免除，请选择撤销。")
        check_penalties(new_penalties, reward=False)
        if not _is_lighter(new_penalties, current):
            raise AccountabilityError(
                "减轻后的处罚须轻于原处罚：罚款、扣分不得增加，不得新增处罚类型，且须有所减轻。"
            )
    return _text(reason, "裁决理由", "填写裁决的理由")


def inform_gm(slip: FaultSlip, by: User, now: datetime) -> None:
    """The general manager has read the group's decision on the appeal."""
    if not slip.appeal or not slip.appeal.get("decision"):
        raise AccountabilityError("该申诉尚未裁决，无需确认。")
    if slip.appeal.get("gm_informed_at"):
        raise AccountabilityError("总经理已确认知悉该申诉裁决。")
    slip.appeal["gm_informed_at"] = now.isoformat()
    _change(slip, by, now, GM_INFORMED, None, now.isoformat())


def enforced_penalties(slip: FaultSlip) -> list[Penalty]:
    """What took effect at enforcement (before any appeal decision changed it)."""
    if slip.appeal and "original_penalties" in slip.appeal:
        return penalties_from_raw(slip.appeal["original_penalties"])
    return list(slip.penalties)


def describe_change(change: SlipChange) -> str:
    """A one-line Chinese description of a history entry for the slip's history tab."""
    def pens(raw: Any) -> str:
        return penalty_text(penalties_from_raw(raw), "无") if isinstance(raw, list) else str(raw)

    if change.what == PENALTIES:
        return f"修改处罚：{pens(change.before)} → {pens(change.after)}（{change.reason}）"
    if change.what == STATUS:
        b, a = SlipStatus(change.before).label, SlipStatus(change.after).label
        return f"状态：{b} → {a}" + (f"（{change.reason}）" if change.reason else "")
    if change.what == APPEAL_DECISION:
        return (f"申诉裁决：{pens(change.before['penalties'])} → "
                f"{pens(change.after['penalties'])}（{change.reason}）")
    if change.what == ACKNOWLEDGED:  # `after` is the moment as stored (UTC ISO); the
        return "责任人签字确认"  # entry's own time, shown beside it, says when — in local time
    if change.what == BASIS:
        rules = change.after.get("rules", []) if isinstance(change.after, dict) else []
        return "依据规则快照：" + "；".join(r.get("clause", "") for r in rules)
    labels = {CREATED: "拟开具", DEPT_OPINION: "部门负责人意见", GM_OPINION: "总经理意见",
              APPEAL_FILED: "提出申诉", APPEAL_REVIEW: "申诉复核",
              GM_INFORMED: "总经理已知悉申诉裁决"}
    after = pens(change.after) if change.what == CREATED else change.after
    return f"{labels.get(change.what, change.what)}：{after}"

