"""《内部投诉意见处理单》 (DESIGN §4.2) and 《车辆厂外返修作业单》 (§4.3).

Same construction as the feedback form: the intake fields, one block per step occurrence,
empty blocks for the steps still to come, signature boxes. The slips these flows issue
(处罚单 / 过失单) are listed by number; they print on their own with fault_slip.py.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from reportlab.platypus import Flowable, Spacer

from complaintdesk.documents.form_parts import (
    responsible_rows,
    revisit_rows,
    side_caption,
    slip_rows,
    slips_for,
)
from complaintdesk.documents.pdf_common import PrintContext
from complaintdesk.documents.pdf_grid import Grid, signature_table, text_block
from complaintdesk.documents.pdf_page import FormHeader, build_pdf
from complaintdesk.documents.pdf_text import yes_no
from complaintdesk.domain import steps as S
from complaintdesk.domain.records import Case, CaseStatus, FaultSlip, StepRecord
from complaintdesk.domain.slip_basis import basis_lines
from complaintdesk.domain.workflow.internal_routing import case_routing

IC_TITLE = "内部投诉意见处理单"
RW_TITLE = "车辆厂外返修作业单"
# DESIGN §7: the internal form carries the reporter's signature; the rework order the
# cs_center revisit box (and its signature)
IC_SIGNERS = ("投诉人", "业务主管", "部门负责人", "考核主管", "总经理")
RW_SIGNERS = ("维修顾问", "前台主管", "行政部考核主管", "维修部经理", "总经理", "客服中心回访人")
LONG_TEXT = 300

Block = Callable[[Grid, StepRecord | None, PrintContext, Sequence[FaultSlip]], None]


def _data(rec: StepRecord | None) -> dict:
    return rec.data if rec is not None else {}


def _done_by(g: Grid, rec: StepRecord | None, ctx: PrintContext) -> None:
    g.pairs(("经办人", ctx.user(rec.actor_user_id) if rec else ""),
            ("完成时间", ctx.fmt_dt(rec.finished_at) if rec else ""))


def _text(label: str, key: str, min_h: float = 24) -> Block:
    def block(g: Grid, rec: StepRecord | None, ctx: PrintContext, _s: Sequence[FaultSlip]
              ) -> None:
        g.text(label, _data(rec).get(key, ""), min_h=min_h)
    return block


def _investigate(g: Grid, rec: StepRecord | None, ctx: PrintContext,
                 slips: Sequence[FaultSlip]) -> None:
    d = _data(rec)
    g.text("调查情况", d.get("findings", ""), min_h=40)
    responsible_rows(g, ctx, d.get("responsible"), rec is not None)


def _clauses(g: Grid, ctx: PrintContext, issued: Sequence[FaultSlip]) -> None:
    """依据条款 of the slips as the slips print it: the flow's own rules (内部投诉 /
    厂外返修) as they stood when proposed, with their source (本系统默认 / 本店规定)."""
    texts = list(dict.fromkeys(line for s in issued for line in basis_lines(s, ctx.clause)))
    if texts:
        g.text("依据条款", "\n".join(texts))


def _ic_open(g: Grid, rec: StepRecord | None, ctx: PrintContext,
             _s: Sequence[FaultSlip]) -> None:
    d = _data(rec)
    g.pairs(("被投诉部门", ctx.department(d.get("department_id")) if rec else ""),
            ("责成业务主管", ctx.user(d.get("supervisor_user_id")) if rec else ""))
    if rec is not None and d.get("passed_on_by_user_id") is not None:
        g.pairs(("部门负责人转交", ctx.user(d.get("passed_on_by_user_id"))),
                ("转交时间", ctx.fmt_dt(d.get("passed_on_at"))))


def _ic_forward(g: Grid, rec: StepRecord | None, ctx: PrintContext,
                _s: Sequence[FaultSlip]) -> None:
    d = _data(rec)
    to = "" if rec is None else (ctx.department(d.get("to_department_id")) + "考核主管"
                                 if d.get("to_department_id") is not None else "行政部考核主管")
    g.pairs(("转交至", to), ("说明", d.get("note", "")))


def _ic_review(g: Grid, rec: StepRecord | None, ctx: PrintContext,
               slips: Sequence[FaultSlip]) -> None:
    g.text("审核意见", _data(rec).get("review", ""), min_h=28)
    issued = slips_for(rec, slips)
    slip_rows(g, ctx, issued, rec, label="处罚单号")
    _clauses(g, ctx, issued)


def _ic_evaluate(g: Grid, rec: StepRecord | None, ctx: PrintContext,
                 _s: Sequence[FaultSlip]) -> None:
    d = _data(rec)
    g.text("评估意见", d.get("evaluation", ""), min_h=24)
    if "notified_department_id" in d:  # 二.5: the app told the reporting department's head
        dept = d.get("notified_department_id")
        g.pairs(("已告知投诉部门负责人", ctx.department(dept) if dept is not None else "—"))
    else:  # recorded before the app told them itself, or not yet done
        g.pairs(("已告知投诉部门负责人", yes_no(d.get("notified")) if rec else ""))


def _rw_complete(g: Grid, rec: StepRecord | None, ctx: PrintContext,
                 _s: Sequence[FaultSlip]) -> None:
    d = _data(rec)
    g.pairs(("竣工时间", ctx.fmt_dt(d.get("completed_at"))),
            ("上报时间", ctx.fmt_dt(rec.finished_at) if rec else ""))
    if d.get("note"):
        g.text("说明", d["note"])


def _rw_investigate(g: Grid, rec: StepRecord | None, ctx: PrintContext,
                    slips: Sequence[FaultSlip]) -> None:
    d = _data(rec)
    g.text("调查情况", d.get("findings", ""), min_h=40)
    issued = slips_for(rec, slips)
    slip_rows(g, ctx, issued, rec)
    _clauses(g, ctx, issued)
    # 003 三.3: the assessor's record of cs_center's revisit work
    g.text("客服中心回访考核", d.get("cs_revisit_assessment", ""), min_h=20)


def _revisit(g: Grid, rec: StepRecord | None, ctx: PrintContext, _s: Sequence[FaultSlip]
             ) -> None:
    revisit_rows(g, ctx, rec)


def _registered(g: Grid, rec: StepRecord | None, ctx: PrintContext, _s: Sequence[FaultSlip]
                ) -> None:
    _done_by(g, rec, ctx)


IC_STEPS: dict[str, tuple[str, str, Block]] = {  # key → (number, time limit, block)
    S.IC_REPORT: ("①", "1小时内", _registered),
    S.IC_OPEN: ("②", "立即（1小时内）", _ic_open),
    S.IC_FORWARD: ("③", "跨部门的1小时内", _ic_forward),
    S.IC_INVESTIGATE: ("④", "1日内", _investigate),
    S.IC_REVIEW: ("⑤", "1日内", _ic_review),
    S.IC_DEPT_SIGN: ("⑥", "当日", _text("部门负责人意见", "opinion", 30)),
    S.IC_EVALUATE: ("⑦", "24小时内", _ic_evaluate),
    S.IC_APPROVE: ("⑧", "当日", _text("总经理签批", "approval", 26)),
    S.IC_ENFORCE: ("⑨", "24小时内", _text("总经理意见反馈", "feedback_to_department", 20)),
}
RW_STEPS: dict[str, tuple[str, str, Block]] = {
    S.RW_OPEN: ("①", "", _registered),
    S.RW_COMPLETE: ("②", "竣工当天", _rw_complete),
    S.RW_HANDOVER: ("③", "24小时内", _text("转交说明", "note", 18)),
    S.RW_INVESTIGATE: ("④", "24小时内，最长2天", _rw_investigate),
    S.RW_REVIEW: ("⑤", "24小时内", _text("维修部经理意见", "opinion", 30)),
    S.RW_FORWARD_GM: ("⑥", "当天", _text("上报说明", "note", 16)),
    S.RW_APPROVE: ("⑦", "当天", _text("总经理签批", "approval", 26)),
    S.RW_ENFORCE: ("⑧", "24小时内", _text("反馈维修部经理", "feedback_to_department", 20)),
    S.RW_REVISIT: ("⑨", "2天内", _revisit),
}


def _steps(case: Case, flow: dict[str, tuple[str, str, Block]], ctx: PrintContext,
           slips: Sequence[FaultSlip]) -> list[Flowable]:
    order = list(flow)
    done = [s for s in sorted(case.steps, key=lambda s: s.seq) if s.step_key in flow]
    plan: list[tuple[str, StepRecord | None]] = [(s.step_key, s) for s in done]
    if case.status is CaseStatus.OPEN:
        start = order.index(done[-1].step_key) + 1 if done else 0
        plan += [(k, None) for k in order[start:]]
    out: list[Flowable] = []
    seen: dict[str, int] = {}
    for key, rec in plan:
        seen[key] = seen.get(key, 0) + 1
        no, hint, block = flow[key]
        finished = rec if rec is not None and rec.finished_at is not None else None
        g = Grid(side_caption(no, S.step_title(key), "" if finished else hint, rec, ctx,
                              seen[key]))
        block(g, finished, ctx, slips)
        out.append(g.table())
    return out


def _ic_intake(case: Case, ctx: PrintContext) -> list[Flowable]:
    i = case.intake
    long = len(i.description) > LONG_TEXT
    g = Grid("投诉信息")
    routing = case_routing(case)
    reporter_dept = routing.reporter_department_id if routing else None
    g.pairs(("投诉人", i.customer_name),
            ("投诉人部门", ctx.department(reporter_dept) if reporter_dept is not None else ""),
            ("接报人", i.received_by))
    g.pairs(("被投诉部门", ctx.department(case.department_id)), ("发生时间",
            ctx.fmt_dt(i.complained_at)), ("登记时间", ctx.fmt_dt(case.registered_at)))
    g.pairs(("发生地点", i.location), ("被投诉人员", i.persons_involved))
    if not long:
        g.text("事件经过", i.description, min_h=40)
    g.text("违反的制度/流程", i.demand)  # ui/cases/internal_dialog.py keeps it in Intake.demand
    return [g.table()] + ([text_block("事件经过", i.description)] if long else [])


def _rw_intake(case: Case, ctx: PrintContext) -> list[Flowable]:
    i = case.intake
    long = len(i.description) > LONG_TEXT
    g = Grid("返修信息")
    g.pairs(("客户姓名", i.customer_name), ("联系电话", i.phone or i.landline),
            ("开单人", i.received_by or ctx.user(case.registered_by_user_id)))
    g.pairs(("车型", i.vehicle_model), ("车牌号", i.plate), ("车架号", i.vin))
    g.pairs(("购车/维修日期", ctx.fmt_date(i.purchase_date)), ("返修地点", i.location),
            ("开单时间", ctx.fmt_dt(case.registered_at)))
    if not long:
        g.text("返修原因及内容", i.description, min_h=40)
    g.text("涉及人员", i.persons_involved)
    g.text("客户要求", i.demand)
    return [g.table()] + ([text_block("返修原因及内容", i.description)] if long else [])


def internal_complaint_story(case: Case, ctx: PrintContext, slips: Sequence[FaultSlip] = (),
                             section: int = 0) -> list[Flowable]:
    return [FormHeader(IC_TITLE, case.number, section), *_ic_intake(case, ctx),
            *_steps(case, IC_STEPS, ctx, slips), Spacer(0, 4), signature_table(IC_SIGNERS)]


def rework_order_story(case: Case, ctx: PrintContext, slips: Sequence[FaultSlip] = (),
                       section: int = 0) -> list[Flowable]:
    return [FormHeader(RW_TITLE, case.number, section), *_rw_intake(case, ctx),
            *_steps(case, RW_STEPS, ctx, slips), Spacer(0, 4), signature_table(RW_SIGNERS)]


def internal_complaint_pdf(case: Case, ctx: PrintContext, slips: Sequence[FaultSlip] = ()
                           ) -> bytes:
    """The 内部投诉意见处理单 of an internal complaint (NB-…) as PDF bytes."""
    return build_pdf(internal_complaint_story(case, ctx, slips), ctx, f"{IC_TITLE} {case.number}")


def rework_order_pdf(case: Case, ctx: PrintContext, slips: Sequence[FaultSlip] = ()) -> bytes:
    """The 车辆厂外返修作业单 of a rework order (FX-…) as PDF bytes."""
    return build_pdf(rework_order_story(case, ctx, slips), ctx, f"{RW_TITLE} {case.number}")
