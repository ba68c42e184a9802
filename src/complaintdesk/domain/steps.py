"""The step vocabulary shared by the workflow engine, the forms, the KPIs and the UI.

Each step key names one step of one flow (DESIGN §4); `StepRecord.data` holds what the
step recorded, under the field names listed here. The flows themselves (who acts, the
deadline, where a step leads) are defined in `domain/workflow/flows.py`.
"""

from __future__ import annotations

# ---- §4.1 customer feedback (客户信息反馈意见处理单) -------------------------------------
REGISTER = "register"  # 0 登记 — data: {} (the intake lives on the case)
FORWARD = "forward"  # 1 填单转派 — data: {category, severity, department_id, note}
ASSIGN = "assign"  # 2 部门安排 — data: {supervisor_user_id, handle_myself: bool, note}
HANDLE = "handle"  # 3 主管处理
#   data: {process (事情经过), solution_kind (返修/电话解答/退换/补偿/其他), solution_text,
#          customer_attitude (客户对处理的感受和态度), customer_unreachable: bool,
#          responsible: [{employee_id, responsibility ("main"...), proposal (text)}],
#          opinion (对责任人的处理意见, text)}
DEPT_OPINION = "dept_opinion"  # 4 部门负责人签署
#   data: {opinion, responsible: [...same shape as HANDLE, possibly amended]}
ISSUE_SLIPS = "issue_slips"  # 5 开具过失单 — data: {slip_ids: [int], no_responsible: bool, note}
REVISIT = "revisit"  # 6 回访
#   data: {revisit_at (ISO), method (电话/短信/上门), reached: bool,
#          satisfaction (满意/基本满意/不满意 or ""), customer_words, skipped: bool,
#          reopen_department_id (when 不满意: the department the case goes back to)}
EVALUATE = "evaluate"  # 7 考核评估
#   data: {evaluation, on_time: bool, proper: bool, demand_unreasonable: bool (诉求无法合理满足)}
APPROVE = "approve"  # 8 总经理签批 — data: {approval, instructions}
ENFORCE = "enforce"  # 9 责任追究 — data: {feedback_to_department}
SECOND_REVISIT = "second_revisit"  # after closing 重要/重大: same data shape as REVISIT

FEEDBACK_STEP_TITLES: dict[str, str] = {
    REGISTER: "登记",
    FORWARD: "填单转派",
    ASSIGN: "部门安排",
    HANDLE: "主管处理",
    DEPT_OPINION: "部门负责人签署",
    ISSUE_SLIPS: "开具过失单",
    REVISIT: "回访",
    EVALUATE: "考核评估",
    APPROVE: "总经理签批",
    ENFORCE: "责任追究",
    SECOND_REVISIT: "二次回访",
}

# ---- §4.2 internal complaint (内部投诉意见处理单 → 处罚单) ------------------------------
IC_REPORT = "ic_report"  # 上报 (1 h after the incident was found) — data: {routing: {...}}
#   routing (see workflow/internal_routing.py): reporter_department_id,
#   company_department_id, own_assessor_departments — a snapshot taken at registration
IC_OPEN = "ic_open"  # 填单 (immediately = 1 h) — data: {department_id, supervisor_user_id, note}
#   plus {passed_on_by_user_id, passed_on_at} when the reporter's department head passed it on
IC_FORWARD = "ic_forward"  # 跨部门转交 (1 h) — data: {note, to_department_id (None: 行政部)}
IC_INVESTIGATE = "ic_investigate"  # 业务主管调查 (1 day) — data: {findings, responsible: [...]}
IC_REVIEW = "ic_review"  # 考核主管审核并拟处罚单 (1 day) — data: {review, slip_ids}
IC_DEPT_SIGN = "ic_dept_sign"  # 部门负责人签署 (same day) — data: {opinion}
IC_EVALUATE = "ic_evaluate"  # 考核评估并告知投诉部门 (24 h)
#   data: {evaluation, notified_department_id} (older records: {evaluation, notified: bool})
IC_APPROVE = "ic_approve"  # 总经理签批 (same day) — data: {approval}
IC_ENFORCE = "ic_enforce"  # 执行 (24 h) — data: {feedback_to_department}

INTERNAL_STEP_TITLES: dict[str, str] = {
    IC_REPORT: "报告考核主管",
    IC_OPEN: "考核主管填单",
    IC_FORWARD: "转交被投诉部门考核主管",
    IC_INVESTIGATE: "业务主管调查",
    IC_REVIEW: "审核并开具处罚单",
    IC_DEPT_SIGN: "部门负责人签署",
    IC_EVALUATE: "考核评估",
    IC_APPROVE: "总经理签批",
    IC_ENFORCE: "执行处罚",
}

# ---- §4.3 out-of-shop rework (车辆厂外返修作业单) ---------------------------------------
RW_OPEN = "rw_open"  # 维修顾问开单 — data: {}
RW_COMPLETE = "rw_complete"  # 竣工上报 (no clock until 竣工; then the same day)
#   data: {completed_at (ISO), note}
RW_HANDOVER = "rw_handover"  # 前台主管转考核主管 (24 h) — data: {note}
RW_INVESTIGATE = "rw_investigate"  # 调查并开过失单 (24 h, 2 days at most) — data: {findings, slip_ids}
#   rw_investigate also records {cs_revisit_assessment} (003 三.3: 对客服中心的回访情况做出考核记录)
RW_REVIEW = "rw_review"  # 维修部经理审核 (24 h) — data: {opinion}
RW_FORWARD_GM = "rw_forward_gm"  # 上报总经理 (same day) — data: {note}
RW_APPROVE = "rw_approve"  # 总经理签批 (same day) — data: {approval}
RW_ENFORCE = "rw_enforce"  # 执行 (24 h) — data: {feedback_to_department}
RW_REVISIT = "rw_revisit"  # 客服中心回访 — same data shape as REVISIT

REWORK_STEP_TITLES: dict[str, str] = {
    RW_OPEN: "开具返修单",
    RW_COMPLETE: "竣工上报",
    RW_HANDOVER: "前台主管转交",
    RW_INVESTIGATE: "调查并开具过失单",
    RW_REVIEW: "维修部经理审核",
    RW_FORWARD_GM: "上报总经理",
    RW_APPROVE: "总经理签批",
    RW_ENFORCE: "反馈并追究",
    RW_REVISIT: "客服回访",
}

# ---- 历史导入 (issue 18 §3): a case imported from the dealership's Excel ledger -----------
# Not a workflow step: the record of what the ledger said, finished when the ledger says the
# case closed, without a deadline (it counts in no 按时处理率; it is not in the KPI steps).
LEDGER_RECORD = "ledger_record"
#   data: {imported: True, result (处理结果), department (as written), note, extra: {header:
#          text} (columns no field took), sheet, source_row, ledger_number}

STEP_TITLES: dict[str, str] = {
    **FEEDBACK_STEP_TITLES, **INTERNAL_STEP_TITLES, **REWORK_STEP_TITLES,
    LEDGER_RECORD: "历史台账记录",
}


def step_title(key: str) -> str:
    return STEP_TITLES.get(key, key)
