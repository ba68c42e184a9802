"""Row-per-record sheets: 明细 (cases), 过失单 (slips), 月末未结 (open at the end), and
月度评估 (the department proposals and the 监督与评估小组's sign-off)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, tzinfo
from typing import Any

from openpyxl import Workbook

from ..domain import steps as S
from ..domain.dept_assessment import PENALTY, REWARD, DeptVerdict
from ..domain.kpi.shapes import KpiLookups, PeriodKpis
from ..domain.kpi.tally import effective_deadline, is_skipped, responsible_employees
from ..domain.masking import mask_landline, mask_mobile, mask_vin
from ..domain.penalty_text import penalty_text
from ..domain.records import Case, FaultSlip, PenaltyKind, Responsibility
from ..domain.steps import step_title
from .excel_common import (
    DATETIME_FORMAT,
    FORMATS,
    Col,
    Job,
    TableSheet,
    local_naive,
)

_H = FORMATS["hours"]
_Y = FORMATS["money"]
CASE_COLS: tuple[Col, ...] = (
    Col("编号", 16), Col("类型", 6), Col("登记时间", 16, DATETIME_FORMAT),
    Col("投诉时间", 16, DATETIME_FORMAT), Col("客户姓名", 10), Col("手机", 13),
    Col("车型", 14), Col("车牌", 10), Col("车架号", 19), Col("渠道", 9), Col("类别", 10),
    Col("严重程度", 8), Col("责任部门", 12), Col("业务主管", 10), Col("状态", 8),
    Col("当前步骤", 12), Col("主管处理完成", 16, DATETIME_FORMAT),
    Col("受理→主管处理（小时）", 12, _H), Col("结案时间", 16, DATETIME_FORMAT),
    Col("受理→结案（小时）", 12, _H), Col("回访满意度", 10), Col("重开次数", 8, "0"),
    Col("重复投诉", 8), Col("超时步骤数", 9, "0"), Col("责任人", 16),
)


def _hours(a: datetime | None, b: datetime | None) -> float | None:
    if a is None or b is None:
        return None
    return (b - a).total_seconds() / 3600.0


def case_row(case: Case, tz: tzinfo, lookups: KpiLookups, as_of: datetime) -> list[object]:
    """One 明细 row: masked mobile (or landline) and VIN — workbooks are always masked
    (DESIGN §3) — and local wall-clock times."""
    handled: datetime | None = None
    satisfaction = ""
    late = 0
    for s in case.steps:
        if is_skipped(s):
            continue
        if s.step_key == S.HANDLE and s.finished_at is not None and handled is None:
            handled = s.finished_at
        if s.step_key == S.REVISIT and s.finished_at is not None:
            satisfaction = s.data.get("satisfaction") or ("未联系上" if not s.data.get("reached")
                                                         else "")
        deadline = effective_deadline(s)
        if deadline is not None and (s.finished_at or as_of) > deadline:
            late += 1
    receipt = case.intake.complained_at or case.registered_at
    intake = case.intake
    return [
        case.number, case.kind.label, local_naive(case.registered_at, tz),
        local_naive(receipt, tz), intake.customer_name,
        mask_mobile(intake.phone) if intake.phone else mask_landline(intake.landline),
        intake.vehicle_model, intake.plate, mask_vin(intake.vin),
        intake.channel, case.category or "未分类",
        case.severity.label if case.severity else "未定级",
        lookups.department(case.department_id) if case.department_id is not None else "未分派",
        lookups.user(case.supervisor_user_id) if case.supervisor_user_id is not None else "",
        case.status.label, step_title(case.current_step) if case.current_step else "",
        local_naive(handled, tz), _hours(receipt, handled), local_naive(case.closed_at, tz),
        _hours(receipt, case.closed_at), satisfaction, case.reopen_count,
        "是" if case.repeat_of_id is not None else "", late,
        "、".join(lookups.employee(e) for e in responsible_employees(case)),
    ]


def write_cases_sheet(wb: Workbook, job: Job, cases: Sequence[Case], tz: tzinfo,
                      lookups: KpiLookups, as_of: datetime, title: str = "明细") -> TableSheet:
    sheet = TableSheet(wb, title, CASE_COLS)
    for case in cases:
        sheet.add_plain(case_row(case, tz, lookups, as_of))
        job.step()
    return sheet


SLIP_COLS: tuple[Col, ...] = (
    Col("编号", 16), Col("类型", 6), Col("开具时间", 16, DATETIME_FORMAT), Col("员工", 10),
    Col("部门", 12), Col("岗位", 10), Col("关联案件", 16), Col("责任程度", 9),
    Col("处罚/奖励", 28), Col("罚款", 9, _Y), Col("扣分", 6, "0"), Col("奖金", 9, _Y),
    Col("加分", 6, "0"), Col("状态", 8), Col("违时", 6), Col("申诉", 10), Col("过失事实", 30),
)
_APPEAL = {"upheld": "维持", "reduced": "减轻", "revoked": "撤销"}


def slip_row(slip: FaultSlip, tz: tzinfo, lookups: KpiLookups,
             case_numbers: dict[int, str]) -> list[object]:
    def total(kind: PenaltyKind, attr: str) -> int:
        return sum(getattr(p, attr) for p in slip.penalties if p.kind == kind)

    appeal = ""
    if slip.appeal and slip.appeal.get("filed_at"):
        appeal = _APPEAL.get(str(slip.appeal.get("decision") or ""), "申诉中")
    resp = slip.responsibility
    return [
        slip.number, "奖励" if slip.is_reward else "过失", local_naive(slip.issued_at, tz),
        lookups.employee(slip.employee_id), lookups.department(slip.department_id),
        slip.post, case_numbers.get(slip.case_id, "") if slip.case_id is not None else "",
        Responsibility(resp).label if resp else "", penalty_text(slip.penalties),
        total(PenaltyKind.FINE, "amount"), total(PenaltyKind.POINTS, "points"),
        total(PenaltyKind.BONUS, "amount"), total(PenaltyKind.REWARD_POINTS, "points"),
        slip.status.label, "是" if slip.from_breach else "", appeal, slip.facts,
    ]


def write_slips_sheet(wb: Workbook, job: Job, slips: Sequence[FaultSlip], tz: tzinfo,
                      lookups: KpiLookups, case_numbers: dict[int, str],
                      title: str = "过失单") -> TableSheet:
    sheet = TableSheet(wb, title, SLIP_COLS)
    for slip in slips:
        sheet.add(slip_row(slip, tz, lookups, case_numbers))
        job.step()
    return sheet


OPEN_COLS: tuple[Col, ...] = (
    Col("编号", 16), Col("责任部门", 12), Col("待办步骤", 14), Col("步骤开始", 16, DATETIME_FORMAT),
    Col("期限", 16, DATETIME_FORMAT), Col("已登记（小时）", 12, _H), Col("超时（小时）", 11, _H),
)


def write_open_sheet(wb: Workbook, job: Job, period: PeriodKpis, tz: tzinfo) -> TableSheet:
    as_of = period.as_of.astimezone(tz)
    sheet = TableSheet(wb, "月末未结", OPEN_COLS,
                       notes=[f"截至 {as_of:%Y-%m-%d %H:%M} 仍未结案的投诉，按超时时长排序"])
    for r in period.open_cases:
        sheet.add([r.number, r.department_label, step_title(r.step_key),
                   local_naive(r.due_since, tz), local_naive(r.deadline, tz), r.age_hours,
                   r.overdue_hours])
        job.step()
    return sheet


# ---- 月度评估: the 监督与评估小组's monthly evaluation (seed 001 二.3, 五.1–3) --------------
EVALUATION_SIGNERS: tuple[tuple[str, str], ...] = (
    ("组长（行政部负责人）", "监督与评估小组"), ("成员（人力资源部）", "监督与评估小组"),
    ("成员（财务部）", "监督与评估小组"), ("行政部考核主管", "审核"), ("总经理", "决定"),
)


def write_evaluation_sheet(wb: Any, job: Any, verdicts: Sequence[DeptVerdict],
                           month_title: str) -> TableSheet:
    """The month's proposed department rewards and penalties (the statistics propose,
    the assessor and the general manager decide) and the sign-off block of the
    监督与评估小组's monthly evaluation."""
    cols = [Col("部门", 14), Col("提议", 18), Col("依据（本月统计）", 70), Col("决定", 20)]
    sheet = TableSheet(wb, "月度评估", cols, heading=f"{month_title}部门投诉处理月度评估",
                       notes=["统计提议，行政部考核主管与总经理决定；通过后在“过失单”中开具，"
                              "记入奖惩台账。阈值为系统设置（本系统默认值，制度未规定具体数值）。"])
    labels = {REWARD: "部门团队奖励", PENALTY: "部门处罚"}
    for v in verdicts:
        proposal = "、".join(labels[p] for p in v.proposals) or "无"
        sheet.add([v.department, proposal, v.text, "□同意 □不同意"])
    if not verdicts:
        sheet.add(["—", "无", "本月没有部门数据", ""])
    sheet.blank()
    sheet.note("监督与评估小组月度评估签字：")
    sheet.add(["签字人", "职责", "签字", "日期"], [None, None, None, None], total=True)
    for who, role in EVALUATION_SIGNERS:
        sheet.add([who, role, "", "    年    月    日"])
    job.step()
    return sheet
