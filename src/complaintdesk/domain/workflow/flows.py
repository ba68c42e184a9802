"""The three workflows as data (DESIGN §4; policy text 003 客户投诉解决制度).

Each step says who acts, its deadline (counted from when it became due), what it records
and the actions that finish it. Where an action leads: NEXT = the next step on the route
of the case's feedback kind, or a named step. Routes differ by kind: a suggestion skips
4–6 and 9, praise skips 3–5. The engine (engine.py) only interprets these tables.
"""

from __future__ import annotations

from dataclasses import dataclass

from .. import steps as S
from ..records import Case, FeedbackKind, FlowKind, User
from ..records import Role as R
from .deadlines import NO_DEADLINE, SAME_DAY, DeadlineRule, days, hours
from .permissions import (
    ANYONE,
    ASSIGNED_HANDLER,
    CASE_ASSESSOR,
    DEPT_HEAD_OF_CASE,
    REPORT_ASSESSOR,
    REPORTER_DEPT_HEAD,
    SUPERVISOR_OF_DEPT,
    Who,
    role,
)

NEXT = "next"  # the next step on the route (closing the case after the last one)
STAY = "stay"  # the step stays open (extensions, reclassification)

# Effects: what the engine does besides recording the data (see engine._EFFECTS).
FINISH = "finish"
FORWARD = "forward"  # sets category, severity, department
ASSIGN = "assign"  # names the handler
HANDLE_MYSELF = "handle_myself"  # the dept head handles it in person
REVISIT = "revisit"  # 不满意 reopens the case
SKIP_REVISIT = "skip_revisit"
EXTEND_ONCE = "extend_once"  # a fixed extension taken before the original deadline
EXTEND = "extend"  # a new deadline with a reason (重大 适当宽限)
CLASSIFY = "classify"  # correct category/severity without finishing the step
DEMAND_UNREASONABLE = "demand_unreasonable"  # 诉求无法合理满足: on to evaluation
FORWARD_SIMPLE = "forward_simple"  # step 1 confirms 当场解决: the simple-complaint path
REQUEST_APPROVAL = "request_approval"  # 重要/重大: the solution goes to its approver
DECIDE_APPROVAL = "decide_approval"  # the approver approves or sends it back
REASSIGN = "reassign"  # the dept head names another handler while step 3 is open
# internal complaints and rework orders (secondary_effects.py)
OPEN_INTERNAL = "open_internal"  # names the reported department; forward or investigate next
PASS_ON = "pass_on"  # the reporter's department head passes the report to 行政部
FORWARD_INTERNAL = "forward_internal"  # to the reported department's 考核主管
TELL_REPORTER = "tell_reporter"  # the reporting department's head is told the outcome
FEED_BACK = "feed_back"  # the GM's opinion to the department heads
RECORD_COMPLETION = "record_completion"  # 竣工: the step's clock starts
REPORT_COMPLETION = "report_completion"  # 竣工上报 (records 竣工 too when given)

# Conditions under which an action is offered (see engine._CONDITIONS).
BEFORE_FIRST_DEADLINE = "before_first_deadline"
NOT_EXTENDED_YET = "not_extended_yet"
MAJOR_ONLY = "major_only"
AFTER_UNSATISFIED = "after_unsatisfied"
NOT_INVOLVED = "not_involved"  # has not acted on any step of the case
NOT_BEFORE_DUE = "not_before_due"  # a scheduled step (二次回访) cannot be done early
CASE_OPEN = "case_open"
ON_SPOT = "on_spot"  # registered as 当场解决 (a 一般 complaint)
HANDLING_STEP = "handling_step"  # only the handling step (重大: 适当宽限 at step 3 only)
NEEDS_APPROVAL = "needs_approval"  # 重要/重大 and no approval pending or given
APPROVAL_PENDING = "approval_pending"  # a solution awaits this user's approval
SOLUTION_APPROVED = "solution_approved"  # 重要/重大: approved before step 3 is finished
REVISIT_SKIPPABLE = "revisit_skippable"  # 无需回访: never 重要/重大 or a reopened round

# Data checks beyond required fields (see engine._CHECKS).
SLIPS_OR_NONE = "slips_or_none"  # slip_ids, or no_responsible=True
SATISFACTION_IF_REACHED = "satisfaction_if_reached"
LATER_DEADLINE = "later_deadline"
NO_REVISIT_ALLOWED = "no_revisit_allowed"  # step 5's 无需回访 mark
COMPLETION_TIME = "completion_time"  # 竣工 not before the order was opened, not in the future
COMPLETION_KNOWN = "completion_known"  # 竣工 recorded, or given with the report

# What an action does to the case's fault slips (ActionDef.slips; the accountability side,
# services/handlers/accountability.py, acts on it — DESIGN §6).
ISSUE_SLIPS = "issue"  # the case's proposals are issued (slip_ids / no_responsible)
SIGN_SLIPS = "sign"  # the department head's opinion goes on the issued slips
APPROVE_SLIPS = "approve"  # the GM decides each issued slip
ENFORCE_SLIPS = "enforce"  # the approved slips take effect
ISSUE_REWARDS = "issue_rewards"  # the proposed rewards (奖励单) are issued


@dataclass(frozen=True, slots=True)
class ActionDef:
    key: str
    label: str  # the button
    leads_to: str = NEXT
    required: tuple[str, ...] = ()
    effect: str = FINISH
    who: tuple[Who, ...] = ()  # empty: the step's holder
    conditions: tuple[str, ...] = ()
    checks: tuple[str, ...] = ()
    extend_to: DeadlineRule | None = None  # for EXTEND_ONCE; 竣工上报: the deadline from 竣工
    fixed_reason: str = ""  # for EXTEND_ONCE: recorded instead of asking
    slips: str = ""  # what it does to the case's slips (ISSUE_SLIPS …), "" nothing


@dataclass(frozen=True, slots=True)
class StepDef:
    key: str
    title: str
    who: tuple[Who, ...]
    deadline: DeadlineRule
    records: tuple[str, ...]
    actions: tuple[ActionDef, ...] = ()
    clause: str = ""  # where the policy says so
    # 003 一.9(3): a 重大 complaint's handling step is taken in person (no delegate)
    in_person_when_major: bool = False


@dataclass(frozen=True, slots=True)
class FlowDef:
    kind: FlowKind
    title: str
    steps: dict[str, StepDef]
    routes: dict[FeedbackKind, tuple[str, ...]]
    common_actions: tuple[ActionDef, ...] = ()  # offered at any open step of the flow
    close_requires_revisit: bool = False  # 不满意 must be resolved before closing
    simple_route: tuple[str, ...] = ()  # the simple-complaint path (当场解决), if any

    def route(self, kind: FeedbackKind) -> tuple[str, ...]:
        return self.routes.get(kind) or self.routes[FeedbackKind.COMPLAINT]

    def case_route(self, case: Case) -> tuple[str, ...]:
        """The route this case follows: its kind's, or the simple path once confirmed."""
        if case.simple_path and self.simple_route:
            return self.simple_route
        return self.route(case.kind)

    def next_on(self, case: Case, key: str) -> str | None:
        """The step after `key` on the case's route, None when it ends (→ closed)."""
        route = self.case_route(case)
        i = route.index(key)
        return route[i + 1] if i + 1 < len(route) else None

    def next_after(self, kind: FeedbackKind, key: str) -> str | None:
        """The step after `key` on the route, None when the route ends (→ closed)."""
        route = self.route(kind)
        i = route.index(key)
        return route[i + 1] if i + 1 < len(route) else None


# ---- §4.1 customer feedback (客户信息反馈意见处理单) -------------------------------------
CS_OR_ASSESSOR = (role(R.CS_CENTER, R.ASSESSOR),)
ASSESSOR = (role(R.ASSESSOR),)
CS_CENTER = (role(R.CS_CENTER),)
GM = (role(R.GENERAL_MANAGER),)
DEPT_HEAD = (DEPT_HEAD_OF_CASE,)
HANDLER = (ASSIGNED_HANDLER,)

_REVISIT_FIELDS = ("revisit_at", "method", "reached", "satisfaction", "customer_words", "skipped")
_RECORD_REVISIT = ActionDef(
    "revisit", "记录回访结果", required=("method", "reached"),
    effect=REVISIT, checks=(SATISFACTION_IF_REACHED,),
)
# DESIGN §4.8: the assessor decides 无需回访 (003 一.4 "不用回访的"); never for 重要/重大
# or a reopened round
_SKIP_REVISIT = ActionDef(
    "skip", "无需回访", effect=SKIP_REVISIT, who=ASSESSOR, conditions=(REVISIT_SKIPPABLE,),
)

FEEDBACK_STEPS: tuple[StepDef, ...] = (
    # #  step          who              deadline                records / actions
    StepDef(S.REGISTER, "登记", ANYONE, hours(1), (), (),
            clause="003 一.1: 1小时内上报 (counted from when the customer complained)"),
    StepDef(S.FORWARD, "填单转派", CS_OR_ASSESSOR, hours(1),
            ("category", "severity", "department_id", "note"),
            (ActionDef("forward", "填单并转派部门",
                       required=("category", "severity", "department_id"), effect=FORWARD),
             # DESIGN §4.1 simple complaints: confirm 当场解决 (responsible optional)
             ActionDef("forward_simple", "确认当场解决（简易投诉）",
                       required=("category", "department_id"), effect=FORWARD_SIMPLE,
                       conditions=(ON_SPOT,))),
            clause="003 一.1: 立即填写处理单，1小时内转给业务部门负责人"),
    StepDef(S.ASSIGN, "部门安排", DEPT_HEAD, hours(1, setting="assign_hours"),
            ("supervisor_user_id", "handle_myself", "note"),
            (ActionDef("assign", "安排主管处理", required=("supervisor_user_id",), effect=ASSIGN),
             ActionDef("handle_myself", "本人亲自处理", effect=HANDLE_MYSELF)),
            clause="003 一.2: 立即安排业务主管（必要时部门负责人直接处理）"),
    StepDef(S.HANDLE, "主管处理", HANDLER, hours(24),
            ("process", "solution_kind", "solution_text", "customer_attitude",
             "customer_unreachable", "responsible", "opinion"),
            (ActionDef("handle", "提交处理意见",
                       required=("process", "solution_kind", "customer_attitude"),
                       conditions=(SOLUTION_APPROVED,)),
             ActionDef("mark_unreachable", "客户未联系上（延至48小时）", leads_to=STAY,
                       effect=EXTEND_ONCE, extend_to=hours(48), fixed_reason="客户无法联系",
                       conditions=(BEFORE_FIRST_DEADLINE, NOT_EXTENDED_YET)),
             # 000 二(四)2: a 重要/重大 solution is approved before it is carried out
             ActionDef("request_approval", "提交解决方案审批", leads_to=STAY,
                       required=("solution_kind", "solution_text"), effect=REQUEST_APPROVAL,
                       conditions=(NEEDS_APPROVAL,)),
             ActionDef("approve_solution", "批准解决方案", leads_to=STAY,
                       effect=DECIDE_APPROVAL, who=(DEPT_HEAD_OF_CASE, role(R.GENERAL_MANAGER)),
                       conditions=(APPROVAL_PENDING,)),
             ActionDef("return_solution", "退回解决方案", leads_to=STAY, required=("reason",),
                       effect=DECIDE_APPROVAL, who=(DEPT_HEAD_OF_CASE, role(R.GENERAL_MANAGER)),
                       conditions=(APPROVAL_PENDING,)),
             # DESIGN §4.8: a 重大 handler who is away is replaced at step 2's level
             ActionDef("reassign", "改派处理主管", leads_to=STAY,
                       required=("supervisor_user_id",), effect=REASSIGN,
                       who=(DEPT_HEAD_OF_CASE, role(R.GENERAL_MANAGER)))),
            clause="003 一.3: 24小时内；24小时内未联系上客户的 48小时内",
            in_person_when_major=True),
    StepDef(S.DEPT_OPINION, "部门负责人签署", DEPT_HEAD, hours(24), ("opinion", "responsible"),
            (ActionDef("dept_opinion", "签署处理意见", required=("opinion",)),),
            clause="003 一.4: 24小时内完成对责任人处理意见的签署"),
    StepDef(S.ISSUE_SLIPS, "开具过失单", ASSESSOR, SAME_DAY,
            ("slip_ids", "no_responsible", "no_revisit", "note"),
            (ActionDef("issue_slips", "确认过失单已开具",
                       checks=(SLIPS_OR_NONE, NO_REVISIT_ALLOWED), slips=ISSUE_SLIPS),),
            clause="003 一.4: 开具《过失单》并于当天返回客服中心"),
    StepDef(S.REVISIT, "回访", CS_CENTER, days(2), _REVISIT_FIELDS,
            (_RECORD_REVISIT, _SKIP_REVISIT),
            clause="003 一.4–5: 2天内回访；不用回访的直接进行评估"),
    StepDef(S.EVALUATE, "考核评估", ASSESSOR, hours(24),
            ("evaluation", "on_time", "proper", "demand_unreasonable"),
            (ActionDef("evaluate", "提交考核评估", required=("evaluation", "on_time", "proper"),
                       slips=ISSUE_REWARDS),),
            clause="003 一.6: 24小时内完成评估，上报总经理"),
    StepDef(S.APPROVE, "总经理签批", GM, hours(24), ("approval", "instructions"),
            (ActionDef("approve", "签批", required=("approval",), slips=APPROVE_SLIPS),),
            clause="003 一.7: 总经理24小时内签批"),
    StepDef(S.ENFORCE, "责任追究", ASSESSOR, SAME_DAY, ("feedback_to_department",),
            (ActionDef("enforce", "执行责任追究并结案", required=("feedback_to_department",),
                       slips=ENFORCE_SLIPS),),
            clause="003 一.7: 于当天实施责任追究，反馈业务部门负责人"),
    StepDef(S.SECOND_REVISIT, "二次回访", CS_CENTER, days(2), _REVISIT_FIELDS,
            (ActionDef("second_revisit", "记录二次回访结果", required=("method", "reached"),
                       effect=REVISIT, checks=(SATISFACTION_IF_REACHED,),
                       conditions=(NOT_INVOLVED, NOT_BEFORE_DUE)),),
            clause="DESIGN §4.1: 重要/重大投诉结案后由未经办人员二次回访"),
)

FEEDBACK_COMMON_ACTIONS: tuple[ActionDef, ...] = (
    # 003 一.9(3): 重大投诉 处理时间可适当宽限 — the handling step only (DESIGN §4.1)
    ActionDef("extend_deadline", "延长期限（重大投诉）", leads_to=STAY, effect=EXTEND,
              required=("deadline", "reason"), who=(role(R.ASSESSOR, R.GENERAL_MANAGER),
                                                    DEPT_HEAD_OF_CASE),
              conditions=(MAJOR_ONLY, HANDLING_STEP), checks=(LATER_DEADLINE,)),
    ActionDef("classify", "修改类别/严重程度", leads_to=STAY, effect=CLASSIFY,
              required=("category", "severity"), who=CS_OR_ASSESSOR, conditions=(CASE_OPEN,)),
    # DESIGN §4.1 (after 004 二(四)4): after a 不满意 revisit the assessor may document that
    # the demand cannot reasonably be met and let it close (closed, not resolved)
    ActionDef(DEMAND_UNREASONABLE, "判定诉求无法合理满足", leads_to=S.EVALUATE,
              effect=DEMAND_UNREASONABLE, required=("reason",), who=ASSESSOR,
              conditions=(AFTER_UNSATISFIED,)),
)

FEEDBACK_FLOW = FlowDef(
    kind=FlowKind.FEEDBACK,
    title="客户信息反馈意见处理单",
    steps={s.key: s for s in FEEDBACK_STEPS},
    routes={
        FeedbackKind.COMPLAINT: (S.REGISTER, S.FORWARD, S.ASSIGN, S.HANDLE, S.DEPT_OPINION,
                                 S.ISSUE_SLIPS, S.REVISIT, S.EVALUATE, S.APPROVE, S.ENFORCE),
        FeedbackKind.SUGGESTION: (S.REGISTER, S.FORWARD, S.ASSIGN, S.HANDLE,
                                  S.EVALUATE, S.APPROVE),
        # praise: step 9 enforces the reward
        FeedbackKind.PRAISE: (S.REGISTER, S.FORWARD, S.ASSIGN, S.REVISIT,
                              S.EVALUATE, S.APPROVE, S.ENFORCE),
    },
    common_actions=FEEDBACK_COMMON_ACTIONS,
    close_requires_revisit=True,
    # DESIGN §4.1: 当场解决 confirmed at step 1 skips 2–4; step 5 only when someone is named
    simple_route=(S.REGISTER, S.FORWARD, S.ISSUE_SLIPS, S.REVISIT, S.EVALUATE, S.APPROVE,
                  S.ENFORCE),
)

# ---- §4.2 internal complaint (内部投诉意见处理单 → 处罚单), 003 二 -------------------------
# Which 考核主管 acts (the reporter's department's own, the reported department's own, else
# the 行政部's) is decided by the routing snapshot stored at the report (internal_routing.py).
REPORT_ASSESSOR_ONLY = (REPORT_ASSESSOR,)
CASE_ASSESSOR_ONLY = (CASE_ASSESSOR,)

INTERNAL_STEPS: tuple[StepDef, ...] = (
    # a late report is recorded on the step (breach), never penalised (DESIGN §4.8)
    StepDef(S.IC_REPORT, "报告考核主管", ANYONE, hours(1), (), (),
            clause="003 二.1: 当事人1小时内上报考核主管（本部门没有考核主管则上报部门负责人）"),
    StepDef(S.IC_OPEN, "考核主管填单", (REPORT_ASSESSOR, REPORTER_DEPT_HEAD), hours(1),
            ("department_id", "supervisor_user_id", "note"),
            (ActionDef("ic_open", "填写处理单并责成业务主管", required=("department_id",),
                       effect=OPEN_INTERNAL, who=REPORT_ASSESSOR_ONLY),
             ActionDef("ic_pass_on", "转交行政部考核主管", leads_to=STAY, effect=PASS_ON,
                       who=(REPORTER_DEPT_HEAD,))),
            clause="003 二.2: 考核主管应立即填写《内部投诉意见处理单》（立即 = 1小时，产品默认）"),
    StepDef(S.IC_FORWARD, "转交被投诉部门考核主管", REPORT_ASSESSOR_ONLY, hours(1), ("note",),
            (ActionDef("ic_forward", "转交被投诉部门考核主管", leads_to=S.IC_INVESTIGATE,
                       effect=FORWARD_INTERNAL),),
            clause="003 二.2: 跨部门的在1小时内转给被投诉部门的考核主管"),
    StepDef(S.IC_INVESTIGATE, "业务主管调查", (SUPERVISOR_OF_DEPT,), days(1),
            ("findings", "responsible", "against_department"),
            (ActionDef("ic_investigate", "提交调查处理意见", required=("findings",)),),
            clause="003 二.2: 责成相关业务主管1日内完成调查和处理"),
    StepDef(S.IC_REVIEW, "审核并开具处罚单", CASE_ASSESSOR_ONLY, days(1), ("review", "slip_ids"),
            (ActionDef("ic_review", "审核并开具处罚单", required=("review",),
                       checks=(SLIPS_OR_NONE,), slips=ISSUE_SLIPS),),
            clause="003 二.3: 1日内审核并开具《处罚单》（按内部投诉规则）"),
    StepDef(S.IC_DEPT_SIGN, "部门负责人签署", DEPT_HEAD, SAME_DAY, ("opinion",),
            (ActionDef("ic_dept_sign", "签署意见", required=("opinion",), slips=SIGN_SLIPS),),
            clause="003 二.4: 业务部门负责人于当日完成签批"),
    StepDef(S.IC_EVALUATE, "考核评估", CASE_ASSESSOR_ONLY, hours(24), ("evaluation",),
            (ActionDef("ic_evaluate", "提交评估并告知投诉部门负责人", required=("evaluation",),
                       effect=TELL_REPORTER),),
            clause="003 二.5: 24小时内完成评估，将处理意见告知投诉部门负责人"),
    StepDef(S.IC_APPROVE, "总经理签批", GM, SAME_DAY, ("approval",),
            (ActionDef("ic_approve", "签批", required=("approval",), slips=APPROVE_SLIPS),),
            clause="003 二.6: 业务总经理于当日签批"),
    StepDef(S.IC_ENFORCE, "执行处罚", CASE_ASSESSOR_ONLY, hours(24), ("feedback_to_department",),
            (ActionDef("ic_enforce", "执行处罚、反馈总经理意见并结案",
                       required=("feedback_to_department",), effect=FEED_BACK,
                       slips=ENFORCE_SLIPS),),
            clause="003 二.6: 实施责任追究，24小时内将总经理的意见反馈给相关部门负责人"),
)

INTERNAL_FLOW = FlowDef(
    kind=FlowKind.INTERNAL,
    title="内部投诉意见处理单",
    steps={s.key: s for s in INTERNAL_STEPS},
    # ic_forward only on a cross-department complaint (the ic_open effect decides)
    routes={FeedbackKind.COMPLAINT: tuple(s.key for s in INTERNAL_STEPS)},
)

# ---- §4.3 out-of-shop rework (车辆厂外返修作业单), 003 三 -------------------------------
SERVICE_ADVISOR = (role(R.SERVICE_ADVISOR),)

REWORK_STEPS: tuple[StepDef, ...] = (
    # only a 维修顾问 opens the order: the registration service checks the role
    StepDef(S.RW_OPEN, "开具返修单", SERVICE_ADVISOR, NO_DEADLINE, (), (),
            clause="003 三.1: 由维修顾问开具，车间生产调度优先安排"),
    # no clock until 竣工 is recorded; then the same day as 竣工 (DESIGN §4.4)
    StepDef(S.RW_COMPLETE, "竣工上报", SERVICE_ADVISOR, NO_DEADLINE, ("completed_at", "note"),
            (ActionDef("rw_record_completion", "记录竣工时间", leads_to=STAY,
                       required=("completed_at",), effect=RECORD_COMPLETION,
                       checks=(COMPLETION_TIME,), extend_to=SAME_DAY),
             ActionDef("rw_report", "竣工上报前台主管", effect=REPORT_COMPLETION,
                       checks=(COMPLETION_KNOWN,), extend_to=SAME_DAY)),
            clause="003 三.2: 维修顾问收集竣工返修车辆的委托书和返修作业单，于当天上报前台业务主管"),
    StepDef(S.RW_HANDOVER, "前台主管转交", (SUPERVISOR_OF_DEPT,), hours(24), ("note",),
            (ActionDef("rw_handover", "转交考核主管"),),
            clause="003 三.2: 前台业务主管24小时内交给行政部考核主管"),
    StepDef(S.RW_INVESTIGATE, "调查并开具过失单", ASSESSOR, hours(24),
            ("findings", "responsible", "cs_revisit_assessment", "slip_ids"),
            (ActionDef("rw_investigate", "提交调查结果并开具过失单",
                       required=("findings", "cs_revisit_assessment"), checks=(SLIPS_OR_NONE,),
                       slips=ISSUE_SLIPS),
             ActionDef("rw_need_more_time", "需要更多时间（最长2天）", leads_to=STAY,
                       effect=EXTEND_ONCE, extend_to=hours(48), required=("reason",),
                       conditions=(BEFORE_FIRST_DEADLINE, NOT_EXTENDED_YET))),
            clause="003 三.3: 与业务主管24小时内（最长不得超过2天）完成调查并开具《过失单》，"
                   "同时对客服中心的回访情况做出考核记录"),
    StepDef(S.RW_REVIEW, "维修部经理审核", DEPT_HEAD, hours(24), ("opinion",),
            (ActionDef("rw_review", "签署审核意见", required=("opinion",), slips=SIGN_SLIPS),),
            clause="003 三.4: 维修部经理24小时内完成审核"),
    StepDef(S.RW_FORWARD_GM, "上报总经理", ASSESSOR, SAME_DAY, ("note",),
            (ActionDef("rw_forward_gm", "上报总经理"),),
            clause="003 三.4: 考核主管于当天上报业务总经理"),
    StepDef(S.RW_APPROVE, "总经理签批", GM, SAME_DAY, ("approval",),
            (ActionDef("rw_approve", "签批", required=("approval",), slips=APPROVE_SLIPS),),
            clause="003 三.5: 业务总经理于当天签批"),
    StepDef(S.RW_ENFORCE, "反馈并追究", ASSESSOR, hours(24), ("feedback_to_department",),
            (ActionDef("rw_enforce", "反馈维修部经理并实施责任追究",
                       required=("feedback_to_department",), effect=FEED_BACK,
                       slips=ENFORCE_SLIPS),),
            clause="003 三.5: 24小时内将总经理批示反馈维修部经理，实施责任追究"),
    StepDef(S.RW_REVISIT, "客服回访", CS_CENTER, days(2, setting="rework_revisit_days"),
            _REVISIT_FIELDS,
            (ActionDef("rw_revisit", "记录回访结果并结案", required=("method", "reached"),
                       effect=REVISIT, checks=(SATISFACTION_IF_REACHED,)),
             ActionDef("rw_skip_revisit", "无需回访并结案", effect=SKIP_REVISIT,
                       who=CS_OR_ASSESSOR)),
            clause="003 三.5: 将《车辆厂外返修作业单》交给客服中心回访（2天为产品默认，制度未规定）"),
)

REWORK_FLOW = FlowDef(
    kind=FlowKind.REWORK,
    title="车辆厂外返修作业单",
    steps={s.key: s for s in REWORK_STEPS},
    routes={FeedbackKind.COMPLAINT: tuple(s.key for s in REWORK_STEPS)},
)

FLOWS: dict[FlowKind, FlowDef] = {
    FlowKind.FEEDBACK: FEEDBACK_FLOW,
    FlowKind.INTERNAL: INTERNAL_FLOW,
    FlowKind.REWORK: REWORK_FLOW,
}


def flow_for(kind: FlowKind) -> FlowDef:
    return FLOWS[kind]


def _step_roles() -> frozenset[R]:
    whos = [w for f in FLOWS.values()
            for a in (*f.common_actions, *(a for s in f.steps.values() for a in s.actions))
            for w in a.who]
    whos += [w for f in FLOWS.values() for s in f.steps.values() for w in s.who]
    return frozenset(r for w in whos for r in w.usual_roles)


# the roles that hold workflow steps, read off the tables above (not a second list): the
# app opens 我的待办 first for them. Reception registers (任何员工) but holds no step.
STEP_ROLES: frozenset[R] = _step_roles()


def takes_steps(user: User) -> bool:
    """Whether the user holds a role that takes workflow steps (STEP_ROLES)."""
    return bool(user.roles & STEP_ROLES)
