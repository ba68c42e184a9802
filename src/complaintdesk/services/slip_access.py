"""Who may do what to a fault slip (DESIGN §3, §6), and the views the UI shows.

One predicate per slip action, used twice: the service refuses with it (enforcement) and
the slip dialog shows only the buttons it allows (convenience). The slip's *state* is the
domain's business (domain/slips.py); these checks are about the person.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from ..domain.records import FaultSlip, Role, SlipStatus, User
from ..domain.review_board import ReviewBoard
from ..domain.slips import APPEAL_WINDOW, CHANGEABLE, appeal_deadline

# Slip action keys (one button each in the slip dialog)
CHANGE = "change"  # 修改处罚
ISSUE = "issue"  # 开具
DISCARD = "discard"  # 不予开具
DEPT_OPINION = "dept_opinion"  # 签署意见
APPROVE = "approve"  # 签批
ENFORCE = "enforce"  # 执行
ACKNOWLEDGE = "acknowledge"  # 员工确认
APPEAL = "appeal"  # 申诉
REVIEW_APPEAL = "review_appeal"  # 复核
DECIDE_APPEAL = "decide_appeal"  # 裁决
GM_INFORMED = "gm_informed"  # 总经理知悉申诉裁决

ACTION_LABELS: dict[str, str] = {
    CHANGE: "修改处罚", ISSUE: "开具", DISCARD: "不予开具", DEPT_OPINION: "签署意见",
    APPROVE: "签批", ENFORCE: "执行", ACKNOWLEDGE: "员工确认", APPEAL: "申诉",
    REVIEW_APPEAL: "复核", DECIDE_APPEAL: "裁决", GM_INFORMED: "知悉申诉裁决",
}

_BEFORE_APPROVAL = frozenset({SlipStatus.PROPOSED, SlipStatus.ISSUED})
_SIGNED_STATES = frozenset(
    {SlipStatus.ISSUED, SlipStatus.APPROVED, SlipStatus.ENFORCED, SlipStatus.APPEALED}
)


def _dept_head_of(actor: User, slip: FaultSlip) -> bool:
    return actor.has(Role.DEPT_HEAD) and slip.department_id is not None \
        and actor.department_id == slip.department_id


def _own(actor: User, slip: FaultSlip) -> bool:
    return actor.employee_id is not None and actor.employee_id == slip.employee_id


@dataclass(frozen=True, slots=True)
class AppealRules:
    """Who hears appeals and for how long they may be filed (settings, DESIGN §6)."""

    board: ReviewBoard = ReviewBoard()
    window: timedelta = APPEAL_WINDOW
    # issue 14: a slip against an assessor is issued by the 行政部 head (or the GM)
    admin_department_id: int | None = None
    assessor_employees: frozenset[int] = frozenset()

    def admin_head_for(self, actor: User, slip: FaultSlip) -> bool:
        """The 行政部 head, on a slip against one of the assessors."""
        return slip.employee_id in self.assessor_employees and actor.has(Role.DEPT_HEAD) \
            and self.admin_department_id is not None \
            and actor.department_id == self.admin_department_id


NO_BOARD = AppealRules()


def allowed(actor: User, slip: FaultSlip, action: str, now: datetime,
            rules: AppealRules = NO_BOARD) -> bool:
    """Whether this person may take `action` on the slip in its current state.

    Appeals go to the 监督与评估小组 (`rules.board`): a member re-investigates, the leader
    records the group's decision. Until the administrator names the group, the assessor
    re-investigates and the general manager decides."""
    st = slip.status
    assessor, gm = actor.has(Role.ASSESSOR), actor.has(Role.GENERAL_MANAGER)
    if action == CHANGE:
        # §6: the assessor (step 5), the department head (4/5) and the GM (8) may change it
        return (st in _BEFORE_APPROVAL and (assessor or _dept_head_of(actor, slip))) \
            or (gm and st in CHANGEABLE)
    if action in (ISSUE, DISCARD):
        # issue 14: never issued (or discarded) by the person it is against — a slip on the
        # assessor goes to the 行政部 head or the GM
        return st is SlipStatus.PROPOSED and not _own(actor, slip) \
            and (assessor or gm or rules.admin_head_for(actor, slip))
    if action == DEPT_OPINION:
        return _dept_head_of(actor, slip) and st in _BEFORE_APPROVAL
    if action == APPROVE:
        return gm and st is SlipStatus.ISSUED
    if action == ENFORCE:
        return assessor and st is SlipStatus.APPROVED
    if action == ACKNOWLEDGE:
        return (_own(actor, slip) or assessor) and st in _SIGNED_STATES \
            and slip.acknowledged_at is None
    if action == APPEAL:
        deadline = appeal_deadline(slip, rules.window)
        return (_own(actor, slip) or assessor) and st is SlipStatus.ENFORCED \
            and not slip.is_reward and not slip.appeal \
            and deadline is not None and now <= deadline
    board = rules.board
    if action == REVIEW_APPEAL:
        hears = board.is_member(actor) if board.is_set else assessor
        return hears and st is SlipStatus.APPEALED
    if action == DECIDE_APPEAL:
        decides = board.is_leader(actor) if board.is_set else gm
        return decides and st is SlipStatus.APPEALED \
            and bool((slip.appeal or {}).get("review"))
    if action == GM_INFORMED:
        appeal = slip.appeal or {}
        return gm and bool(appeal.get("decision")) and not appeal.get("gm_informed_at")
    return False


def refusal_text(action: str) -> str:
    """The Chinese refusal when `allowed` says no (the state error comes from the domain)."""
    who = {
        CHANGE: "行政部考核主管、本部门负责人（签批前）或总经理",
        ISSUE: "行政部考核主管（针对考核主管本人的由行政部负责人或总经理）",
        DISCARD: "行政部考核主管（针对考核主管本人的由行政部负责人或总经理）",
        DEPT_OPINION: "责任人所在部门的部门负责人", APPROVE: "总经理",
        ENFORCE: "行政部考核主管", ACKNOWLEDGE: "责任人本人或行政部考核主管",
        APPEAL: "责任人本人或代其申诉的行政部考核主管",
        REVIEW_APPEAL: "监督与评估小组成员（未设置小组时为行政部考核主管）",
        DECIDE_APPEAL: "监督与评估小组组长（未设置小组时为总经理）",
        GM_INFORMED: "总经理",
    }[action]
    return f"没有权限“{ACTION_LABELS[action]}”：该操作只能由{who}执行，且须在过失单的相应状态下进行。"


def may_view_all(actor: User) -> bool:
    return any(actor.has(r) for r in (Role.ASSESSOR, Role.GENERAL_MANAGER, Role.ADMIN))


@dataclass(frozen=True, slots=True)
class HistoryLine:
    at: datetime
    by_name: str
    text: str  # "修改处罚：罚款100元 → 罚款50元（…）"
    reason: str = ""


@dataclass(slots=True)
class SlipView:
    """A slip with the names a person reads, for the list and the slip dialog."""

    slip: FaultSlip
    case_number: str = ""
    employee_name: str = ""
    department_name: str = ""
    issuer_name: str = ""
    penalty_text: str = ""
    clauses: list[str] = field(default_factory=list)  # 依据条款 of slip.rule_ids
    proposal_notes: str = ""  # why the rules proposed it (escalations included)
    history: list[HistoryLine] = field(default_factory=list)
    actions: tuple[str, ...] = ()  # what the viewer may do now
    appeal_deadline: datetime | None = None

    @property
    def kind_label(self) -> str:
        if self.slip.is_reward:
            return "奖励单"
        return "处罚单" if self.slip.number.startswith("CF") else "过失单"
