"""The records of ComplaintDesk (DESIGN §2, §5, §6) as plain dataclasses.

These are what the storage layer hands in and out and what the services, documents and
KPI code work on. No Qt, no SQL. Times are aware UTC datetimes.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum
from typing import Any


class Role(StrEnum):
    RECEPTION = "reception"
    CS_CENTER = "cs_center"
    ASSESSOR = "assessor"
    DEPT_HEAD = "dept_head"
    SUPERVISOR = "supervisor"
    SERVICE_ADVISOR = "service_advisor"  # 维修顾问: opens rework orders (003 三.1)
    GENERAL_MANAGER = "general_manager"
    ADMIN = "admin"

    @property
    def label(self) -> str:
        return ROLE_LABELS[self]


ROLE_LABELS: dict[Role, str] = {
    Role.RECEPTION: "接待员",
    Role.CS_CENTER: "客服中心",
    Role.ASSESSOR: "行政部考核主管",
    Role.DEPT_HEAD: "部门负责人",
    Role.SUPERVISOR: "业务主管",
    Role.SERVICE_ADVISOR: "维修顾问",
    Role.GENERAL_MANAGER: "总经理",
    Role.ADMIN: "系统管理员",
}


class FlowKind(StrEnum):
    """Which of the three workflows (DESIGN §4) a case runs through."""

    FEEDBACK = "feedback"  # 客户信息反馈意见处理单  (numbers FK-)
    INTERNAL = "internal"  # 内部投诉意见处理单       (numbers NB-; its 处罚单 CF-)
    REWORK = "rework"  # 车辆厂外返修作业单           (numbers FX-)

    @property
    def label(self) -> str:
        return {"feedback": "客户反馈", "internal": "内部投诉", "rework": "厂外返修"}[self.value]


FLOW_PREFIX: dict[FlowKind, str] = {
    FlowKind.FEEDBACK: "FK",
    FlowKind.INTERNAL: "NB",
    FlowKind.REWORK: "FX",
}
FAULT_SLIP_PREFIX = "GS"
PENALTY_SLIP_PREFIX = "CF"


class FeedbackKind(StrEnum):
    COMPLAINT = "complaint"
    SUGGESTION = "suggestion"
    PRAISE = "praise"

    @property
    def label(self) -> str:
        return {"complaint": "投诉", "suggestion": "建议", "praise": "表扬"}[self.value]


class Severity(StrEnum):
    NORMAL = "normal"
    IMPORTANT = "important"
    MAJOR = "major"

    @property
    def label(self) -> str:
        return {"normal": "一般", "important": "重要", "major": "重大"}[self.value]


class CaseStatus(StrEnum):
    OPEN = "open"  # 处理中
    CLOSED = "closed"  # 已结案

    @property
    def label(self) -> str:
        return {"open": "处理中", "closed": "已结案"}[self.value]


class Responsibility(StrEnum):
    MAIN = "main"  # 主要责任
    SECONDARY = "secondary"  # 次要责任
    MANAGEMENT = "management"  # 管理责任
    JOINT = "joint"  # 连带责任

    @property
    def label(self) -> str:
        return RESPONSIBILITY_LABELS[self]


RESPONSIBILITY_LABELS: dict[Responsibility, str] = {
    Responsibility.MAIN: "主要责任",
    Responsibility.SECONDARY: "次要责任",
    Responsibility.MANAGEMENT: "管理责任",
    Responsibility.JOINT: "连带责任",
}


class PenaltyKind(StrEnum):
    WARNING = "warning"  # 警告
    FINE = "fine"  # 罚款 (integer yuan)
    POINTS = "points"  # 绩效扣分
    DEMOTION = "demotion"  # 降职降薪
    DISMISSAL = "dismissal"  # 辞退
    DEPT_HEAD_WARNING = "dept_head_warning"  # 部门负责人警告
    DEPT_POINTS = "dept_points"  # 部门绩效扣分
    DEPT_BONUS_CUT = "dept_bonus_cut"  # 扣减部门奖金 (yuan)
    # rewards (奖励)
    BONUS = "bonus"  # 奖金 (yuan)
    PRIZE = "prize"  # 奖品 (described in the note; 001 五.2 "奖金、奖品")
    REWARD_POINTS = "reward_points"  # 绩效加分
    COMMENDATION = "commendation"  # 通报表扬

    @property
    def label(self) -> str:
        return PENALTY_LABELS[self]

    @property
    def is_reward(self) -> bool:
        return self in (PenaltyKind.BONUS, PenaltyKind.PRIZE, PenaltyKind.REWARD_POINTS,
                        PenaltyKind.COMMENDATION)


PENALTY_LABELS: dict[PenaltyKind, str] = {
    PenaltyKind.WARNING: "警告",
    PenaltyKind.FINE: "罚款",
    PenaltyKind.POINTS: "绩效扣分",
    PenaltyKind.DEMOTION: "降职降薪",
    PenaltyKind.DISMISSAL: "辞退",
    PenaltyKind.DEPT_HEAD_WARNING: "部门负责人警告",
    PenaltyKind.DEPT_POINTS: "部门绩效扣分",
    PenaltyKind.DEPT_BONUS_CUT: "扣减部门奖金",
    PenaltyKind.BONUS: "奖金",
    PenaltyKind.PRIZE: "奖品",
    PenaltyKind.REWARD_POINTS: "绩效加分",
    PenaltyKind.COMMENDATION: "通报表扬",
}

# Default pick-lists (DESIGN §5). The live lists are data (settings), these are the seeds.
CHANNELS: tuple[str, ...] = (
    "电话", "到店", "邮件", "微信", "社交媒体", "第三方平台", "厂家转办", "12315", "其他",
)
MOODS: tuple[str, ...] = ("平静", "不满", "激动", "愤怒")
# seed 000 二(二)2 names 产品质量, 服务态度, 销售流程, 交车, 售后衔接; seed 001 adds 物流;
# the rest are this product's defaults. Earlier versions' 销售服务/新车质量/交车问题 stay.
CATEGORIES: tuple[str, ...] = (
    "产品质量", "服务态度", "销售流程", "售后衔接", "物流", "维修质量", "维修时间", "收费价格",
    "配件问题", "销售服务", "新车质量", "交车问题", "保险理赔", "其他",
)
SOLUTIONS: tuple[str, ...] = ("返修", "电话解答", "退换", "补偿", "其他")
SATISFACTION: tuple[str, ...] = ("满意", "基本满意", "不满意")
REVISIT_METHODS: tuple[str, ...] = ("电话", "短信", "上门")
# step outcomes the records themselves read (the engine writes them)
OUTCOME_REOPEN = "reopen"  # a 不满意 revisit sent the case back
OUTCOME_DEMAND_UNREASONABLE = "demand_unreasonable"  # 诉求无法合理满足 (assessor)


@dataclass(slots=True)
class Department:
    id: int | None
    name: str
    code: str = ""
    active: bool = True


@dataclass(slots=True)
class Employee:
    id: int | None
    name: str
    department_id: int | None
    post: str = ""
    active: bool = True  # False: left the dealership; stays in history


@dataclass(slots=True)
class User:
    id: int | None
    username: str
    display_name: str
    roles: frozenset[Role] = frozenset()
    department_id: int | None = None
    employee_id: int | None = None
    active: bool = True

    def has(self, role: Role) -> bool:
        return role in self.roles


@dataclass(slots=True)
class Attachment:
    id: int | None
    filename: str
    mime: str
    size: int
    data: bytes | None = None  # None when only the listing was loaded


@dataclass(slots=True)
class Intake:
    """What reception types in (客户投诉登记表, DESIGN §5) — before the case exists."""

    customer_name: str
    phone: str = ""
    landline: str = ""
    vehicle_model: str = ""
    plate: str = ""
    vin: str = ""
    purchase_date: date | None = None
    channel: str = "电话"
    location: str = ""
    description: str = ""
    persons_involved: str = ""
    demand: str = ""
    mood: str = "平静"
    received_by: str = ""
    complained_at: datetime | None = None  # when the customer complained (aware)
    kind: FeedbackKind = FeedbackKind.COMPLAINT
    # 部门自查 (003 一.9(1)): a department registering a complaint about itself fills the
    # step-1 fields (category, severity, its own department) and starts at step 2
    self_report_department_id: int | None = None
    self_report_category: str = ""
    self_report_severity: Severity | None = None
    # 受理人: the employee who received the complaint; step 0's lateness is theirs (§4.1)
    receiver_employee_id: int | None = None
    # 当场解决 (DESIGN §4.1 simple complaints, after seed 004 二(二)1): what was done on the
    # spot and how the customer took it; step 1 confirms it or sends it down the normal path
    resolved_on_spot: bool = False
    on_spot_action: str = ""
    on_spot_reaction: str = ""
    override_vin_check: bool = False  # a wrong VIN check digit is a warning the user accepts
    override_plate_check: bool = False  # so is a plate serial with more than two letters


@dataclass(slots=True)
class StepRecord:
    """One occurrence of one workflow step on one case (a step may recur after a reopen)."""

    id: int | None
    case_id: int | None
    step_key: str
    seq: int  # order of occurrence on the case, 1-based
    due_since: datetime  # when the step became due
    deadline: datetime | None
    assignee_user_id: int | None = None  # who holds it (None: anyone with the role)
    actor_user_id: int | None = None  # who finished it
    on_behalf_of_user_id: int | None = None  # 代 X 处理
    finished_at: datetime | None = None
    outcome: str = ""  # e.g. "done", "skipped", "reopen", "no_responsible"
    data: dict[str, Any] = field(default_factory=dict)  # what the step recorded
    breach: bool = False  # finished (or still open) after its deadline
    extensions: list[dict[str, Any]] = field(default_factory=list)  # {deadline, reason, by, at}

    @property
    def is_open(self) -> bool:
        return self.finished_at is None


@dataclass(slots=True)
class Case:
    """One complaint / suggestion / praise (or internal complaint, or rework order)."""

    id: int | None
    number: str
    flow: FlowKind
    kind: FeedbackKind
    intake: Intake
    registered_at: datetime
    registered_by_user_id: int | None
    status: CaseStatus = CaseStatus.OPEN
    current_step: str = ""  # key of the open step ("" when closed)
    category: str = ""
    severity: Severity | None = None
    department_id: int | None = None
    supervisor_user_id: int | None = None
    reopen_count: int = 0
    repeat_of_id: int | None = None  # an earlier case by the same phone/VIN within 90 days
    needs_revisit: bool = True
    closed_at: datetime | None = None
    version: int = 1
    steps: list[StepRecord] = field(default_factory=list)
    attachments: list[Attachment] = field(default_factory=list)
    # the simple-complaint fast path, confirmed at step 1 (steps 2–4 skipped): the KPI code
    # keeps such a case out of the 24 h/48 h 处理率 (DESIGN §4.8 "KPIs on special paths")
    simple_path: bool = False
    # 003 一.12 处理意见告知: the window after receipt in which the customer is told the
    # decision (set at registration for complaints), and when it was done
    notice_from: datetime | None = None
    notice_due: datetime | None = None
    # what happened to it in this unit of work, not stored (domain/events.py's events;
    # typed Any: events.py imports this module)
    events: list[Any] = field(default_factory=list, compare=False, repr=False)
    notified_at: datetime | None = None
    # a 重要/重大 solution awaiting approval (000 二(四)2): the approver's role and the
    # sub-task's deadline, so 我的待办 finds it; cleared when approved or sent back
    approval_role: str = ""
    approval_due: datetime | None = None

    @property
    def open_step(self) -> StepRecord | None:
        for s in reversed(self.steps):
            if s.is_open:
                return s
        return None

    def rounds(self) -> list[list[StepRecord]]:
        """The case's steps by handling round: a 不满意 revisit that reopened the case
        ends a round (DESIGN §4.1: every round keeps its own people, slips, decision)."""
        out: list[list[StepRecord]] = [[]]
        for s in self.steps:
            out[-1].append(s)
            if s.outcome == OUTCOME_REOPEN:
                out.append([])
        return out

    def round_started_at(self) -> datetime:
        """When the current round began: registration, or the latest reopen."""
        start = self.registered_at
        for s in self.steps:
            if s.outcome == OUTCOME_REOPEN and s.finished_at is not None:
                start = s.finished_at
        return start

    def responsible_in_round(self, steps: list[StepRecord]) -> tuple[int, ...]:
        """Employees named responsible in one round: the department head's (amended)
        list at step 4, else the supervisor's at step 3, else — on the simple path —
        those named when step 1 confirmed 当场解决."""
        found: dict[str, StepRecord] = {}
        for s in steps:
            if s.step_key in ("dept_opinion", "handle", "forward") \
                    and s.finished_at is not None and "responsible" in s.data:
                found[s.step_key] = s
        s = found.get("dept_opinion") or found.get("handle") or found.get("forward")
        if s is None:
            return ()
        ids = (r.get("employee_id") for r in s.data.get("responsible") or ()
               if isinstance(r, dict))
        return tuple(dict.fromkeys(i for i in ids if i is not None))

    def responsible_all_rounds(self) -> tuple[int, ...]:
        """Everyone named responsible in any round, each once, in order of first naming
        — the statistics' 被投诉次数 input (DESIGN §8: responsibility over all rounds)."""
        ids: dict[int, None] = {}
        for r in self.rounds():
            ids.update(dict.fromkeys(self.responsible_in_round(r)))
        return tuple(ids)

    @property
    def closed_unresolved(self) -> bool:
        """Closed on the assessor's documented 诉求无法合理满足, not on a satisfied revisit:
        counts as closed but not resolved (DESIGN §4.1)."""
        return self.status is CaseStatus.CLOSED and any(
            s.outcome == OUTCOME_DEMAND_UNREASONABLE for s in self.steps)


CONTACT_METHODS: tuple[str, ...] = ("电话", "短信", "微信", "上门", "到店", "其他")
NOTICE_KIND = "处理意见告知"  # 003 一.12: the decision told, the customer's opinion asked
CONTACT_KINDS: tuple[str, ...] = ("进展告知", NOTICE_KIND, "补充了解", "其他")


@dataclass(slots=True)
class ContactEntry:
    """One entry of a case's contact log (DESIGN §4.1): who talked to the customer, when,
    how, about what, and what the customer said. Any handler adds to it."""

    id: int | None
    case_id: int | None
    at: datetime  # when the contact took place (aware UTC)
    method: str  # CONTACT_METHODS
    kind: str  # CONTACT_KINDS
    by_user_id: int | None
    summary: str  # what was conveyed
    customer_reply: str = ""  # what the customer said
    recorded_at: datetime | None = None


@dataclass(slots=True)
class Penalty:
    kind: PenaltyKind
    amount: int = 0  # yuan for FINE / DEPT_BONUS_CUT / BONUS
    points: int = 0  # performance points (positive number; sign comes from the kind)
    note: str = ""


class SlipStatus(StrEnum):
    PROPOSED = "proposed"  # 拟开具 (from rules or a deadline breach, not yet issued)
    ISSUED = "issued"  # 已开具 (step 5)
    APPROVED = "approved"  # 总经理已签批 (step 8)
    ENFORCED = "enforced"  # 已执行 (step 9) — only now in the ledger
    APPEALED = "appealed"  # 申诉中
    REVOKED = "revoked"  # 已撤销
    DISCARDED = "discarded"  # a proposal the assessor decided not to issue

    @property
    def label(self) -> str:
        return {
            "proposed": "拟开具", "issued": "已开具", "approved": "已签批",
            "enforced": "已执行", "appealed": "申诉中", "revoked": "已撤销",
            "discarded": "不予开具",
        }[self.value]


@dataclass(slots=True)
class SlipChange:
    at: datetime
    by_user_id: int | None
    by_name: str
    what: str  # e.g. "penalties", "status"
    before: Any
    after: Any
    reason: str = ""


@dataclass(slots=True)
class FaultSlip:
    """过失单 (DESIGN §6) — or, for internal complaints, 处罚单 (prefix CF)."""

    id: int | None
    number: str  # "" while only proposed
    case_id: int | None
    employee_id: int | None
    department_id: int | None
    post: str
    facts: str
    responsibility: Responsibility | None
    penalties: list[Penalty] = field(default_factory=list)
    rule_ids: list[str] = field(default_factory=list)  # the clauses that proposed them
    status: SlipStatus = SlipStatus.PROPOSED
    is_reward: bool = False
    from_breach: bool = False  # proposed by a deadline breach
    issued_by_user_id: int | None = None
    issued_at: datetime | None = None
    dept_opinion: str = ""
    gm_opinion: str = ""
    acknowledged_at: datetime | None = None
    enforced_at: datetime | None = None
    appeal: dict[str, Any] | None = None  # {filed_at, reason, review, decision, decided_at}
    changes: list[SlipChange] = field(default_factory=list)
    created_at: datetime | None = None
    version: int = 1  # optimistic locking (storage bumps it on every save)
    events: list[Any] = field(default_factory=list, compare=False, repr=False)  # see Case


@dataclass(frozen=True, slots=True)
class DelegationRecord:
    """An absent user's delegate for a date range (DESIGN §3)."""

    id: int
    absent_user_id: int
    delegate_user_id: int
    start: datetime
    end: datetime
    reason: str
