"""《客户信息反馈意见处理单》 — the handling form of a customer complaint (DESIGN §7, §4.1).

Every intake field (§5), then one block per step occurrence in the order they happened
(a reopened case shows the repeated steps again), then empty blocks for the steps still
to come so the paper can be completed by hand, then the signature boxes.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import replace
from typing import Any

from reportlab.platypus import Flowable, Spacer

from complaintdesk.documents.form_parts import (
    responsible_rows,
    revisit_rows,
    side_caption,
    slip_rows,
    slips_for,
    ticks,
)
from complaintdesk.documents.pdf_common import PrintContext
from complaintdesk.documents.pdf_grid import Grid, signature_table, text_block
from complaintdesk.documents.pdf_page import FormHeader, build_pdf
from complaintdesk.documents.pdf_text import yes_no
from complaintdesk.domain import steps as S
from complaintdesk.domain.records import (
    REVISIT_METHODS,
    SATISFACTION,
    SOLUTIONS,
    Case,
    CaseStatus,
    FaultSlip,
    FeedbackKind,
    Severity,
    StepRecord,
)

TITLE = "客户信息反馈意见处理单"
SIGNERS = ("业务主管", "部门负责人", "客服中心回访人", "行政部考核主管", "总经理")
SEAL = "公司盖章"  # seed 003 一.13: the company seal beside the general manager's signature
LONG_TEXT = 300  # characters; longer customer texts print a size smaller

# Which steps each kind of feedback goes through (§4.1: praise skips 3–5, a suggestion
# goes 0 → 1 → 2 → 3 → 7 → 8). Used only to print the steps still to come.
KIND_STEPS: dict[FeedbackKind, tuple[str, ...]] = {
    FeedbackKind.COMPLAINT: (S.FORWARD, S.ASSIGN, S.HANDLE, S.DEPT_OPINION, S.ISSUE_SLIPS,
                             S.REVISIT, S.EVALUATE, S.APPROVE, S.ENFORCE),
    FeedbackKind.SUGGESTION: (S.FORWARD, S.ASSIGN, S.HANDLE, S.EVALUATE, S.APPROVE),
    FeedbackKind.PRAISE: (S.FORWARD, S.ASSIGN, S.REVISIT, S.EVALUATE, S.APPROVE, S.ENFORCE),
}
STEP_NO: dict[str, str] = {
    S.FORWARD: "①", S.ASSIGN: "②", S.HANDLE: "③", S.DEPT_OPINION: "④", S.ISSUE_SLIPS: "⑤",
    S.REVISIT: "⑥", S.EVALUATE: "⑦", S.APPROVE: "⑧", S.ENFORCE: "⑨", S.SECOND_REVISIT: "",
}
# The time limits of policy 003 as printed on the paper form.
STEP_HINT: dict[str, str] = {
    S.FORWARD: "1小时内", S.ASSIGN: "立即", S.HANDLE: "24小时内", S.DEPT_OPINION: "24小时内",
    S.ISSUE_SLIPS: "当天", S.REVISIT: "2天内", S.EVALUATE: "24小时内", S.APPROVE: "24小时内",
    S.ENFORCE: "当天", S.SECOND_REVISIT: "结案后",
}


# What a complaint's 处理单 prints whatever the case, most common first: chrome, title,
# intake labels, signature boxes, the blocks of the steps. Registered with the font
# before anything is drawn (`build_pdf(glyph_seed=...)`), it makes the first font subset
# (~160 characters) the same glyph list on every form, built and compressed once per
# process. A character here that a form does not print costs that PDF one unused glyph.
GLYPH_SEED = "".join((
    TITLE, "编号：打印日期：第页/共页ComplaintDesk打印·",
    "客户信息姓名手机固定电话车型牌号架购/维修日期反馈渠道情绪类投诉时间登记接待人发生地点"
    "反映内容涉及员诉求重复新处理状态否无次",
    *SIGNERS, "签字：日期：年月日",
    *(S.step_title(k) for k in KIND_STEPS[FeedbackKind.COMPLAINT]),
    "投诉类别严重程度责任部门转派说明处理主管安排说明事情经过解决办法客户感受和态度责任人"
    "责任程度处理建议对责任人的处理意见部门负责人意见过失单号处罚回访时间回访方式联系上客户"
    "是客户满意度客户意见评估意见按时处理处理得当诉求无法合理满足签批意见批示执行情况反馈业务部门",
    *SOLUTIONS, *REVISIT_METHODS, *SATISFACTION, "□",
    SEAL, "加盖公章证据附件无按时超时期限二次回访一般需",
))


def _severity(value: Any) -> str:
    try:
        return Severity(value).label if value else ""
    except ValueError:
        return str(value)


def _intake_block(case: Case, ctx: PrintContext) -> list[Flowable]:
    i = case.intake
    g = Grid("客户信息")
    g.pairs(("客户姓名", i.customer_name), ("手机", i.phone), ("固定电话", i.landline))
    g.pairs(("车型", i.vehicle_model), ("车牌号", i.plate), ("车架号", i.vin))
    g.pairs(("购车/维修日期", ctx.fmt_date(i.purchase_date)), ("反馈渠道", i.channel),
            ("客户情绪", i.mood))
    g.pairs(("反馈类型", case.kind.label), ("投诉时间", ctx.fmt_dt(i.complained_at)),
            ("登记时间", ctx.fmt_dt(case.registered_at)))
    g.pairs(("接待人", i.received_by), ("登记人", ctx.user(case.registered_by_user_id)),
            ("发生地点", i.location))
    long = len(i.description) > LONG_TEXT
    if not long:
        g.text("客户反映内容", i.description, min_h=36)
    g.text("涉及人员", i.persons_involved)
    g.text("客户诉求", i.demand, min_h=18)
    status = case.status.label
    if case.status is CaseStatus.CLOSED and case.closed_at:
        status += f" {ctx.fmt_date(case.closed_at)}"
    repeat = ctx.case_number(case.repeat_of_id) if case.repeat_of_id is not None else "否"
    g.pairs(("重复投诉", repeat or "是"),
            ("重新处理", f"{case.reopen_count} 次" if case.reopen_count else "无"),
            ("处理状态", status))
    g.text("证据附件", attachments_text(case))
    if not long:
        return [g.table()]
    # a long text gets the full width and flows over the page break
    return [g.table(), text_block("客户反映内容", i.description)]


# ---- one block per step -----------------------------------------------------------------

def _forward(g: Grid, rec: StepRecord | None, ctx: PrintContext, _slips: Sequence[FaultSlip]
             ) -> None:
    d = rec.data if rec else {}
    g.pairs(("投诉类别", d.get("category", "")), ("严重程度", _severity(d.get("severity"))),
            ("责任部门", ctx.department(d.get("department_id"))))
    g.text("转派说明", d.get("note", ""))


def _assign(g: Grid, rec: StepRecord | None, ctx: PrintContext, _slips: Sequence[FaultSlip]
            ) -> None:
    d = rec.data if rec else {}
    who = "部门负责人亲自处理" if d.get("handle_myself") else ctx.user(d.get("supervisor_user_id"))
    g.pairs(("处理主管", who), ("安排说明", d.get("note", "")))


def _handle(g: Grid, rec: StepRecord | None, ctx: PrintContext, _slips: Sequence[FaultSlip]
            ) -> None:
    d = rec.data if rec else {}
    done = bool(rec and rec.finished_at)
    g.text("事情经过", d.get("process", ""), min_h=34)
    g.text("解决办法", f"{ticks(SOLUTIONS, d.get('solution_kind'))}\n{d.get('solution_text', '')}"
           .rstrip(), min_h=26)
    g.text("客户感受和态度", d.get("customer_attitude", ""), min_h=22)
    if d.get("customer_unreachable"):
        g.pairs(("联系客户", "24小时内未能联系上客户，处理期限延至48小时"))
    responsible_rows(g, ctx, d.get("responsible"), done)
    g.text("对责任人的处理意见", d.get("opinion", ""), min_h=22)


def _dept_opinion(g: Grid, rec: StepRecord | None, ctx: PrintContext,
                  _slips: Sequence[FaultSlip]) -> None:
    d = rec.data if rec else {}
    g.text("部门负责人意见", d.get("opinion", ""), min_h=30)
    if d.get("responsible"):
        responsible_rows(g, ctx, d.get("responsible"), True, label="确认责任人")


def _issue_slips(g: Grid, rec: StepRecord | None, ctx: PrintContext,
                 slips: Sequence[FaultSlip]) -> None:
    slip_rows(g, ctx, slips_for(rec, slips), rec)


def _revisit(g: Grid, rec: StepRecord | None, ctx: PrintContext, _slips: Sequence[FaultSlip]
             ) -> None:
    revisit_rows(g, ctx, rec)


def _evaluate(g: Grid, rec: StepRecord | None, ctx: PrintContext, _slips: Sequence[FaultSlip]
              ) -> None:
    d = rec.data if rec else {}
    g.text("评估意见", d.get("evaluation", ""), min_h=24)
    # 按时处理 is printed from the recorded deadlines (on_time_summary), never the typed field
    g.pairs(("按时处理", d.get(ON_TIME_KEY, "")), ("处理得当", yes_no(d.get("proper"))),
            ("诉求无法合理满足", yes_no(d.get("demand_unreasonable"))))


def _approve(g: Grid, rec: StepRecord | None, ctx: PrintContext, _slips: Sequence[FaultSlip]
             ) -> None:
    d = rec.data if rec else {}
    g.text("签批意见", d.get("approval", ""), min_h=22)
    if d.get("instructions") or not rec:
        g.text("批示", d.get("instructions", ""))


def _enforce(g: Grid, rec: StepRecord | None, ctx: PrintContext, _slips: Sequence[FaultSlip]
             ) -> None:
    d = rec.data if rec else {}
    done = bool(rec and rec.finished_at)
    g.pairs(("执行情况", "处罚已生效，记入考核台账" if done else ""))
    g.text("反馈业务部门", d.get("feedback_to_department", ""), min_h=18)


BlockFn = Callable[[Grid, StepRecord | None, PrintContext, Sequence[FaultSlip]], None]
BLOCKS: dict[str, BlockFn] = {
    S.FORWARD: _forward, S.ASSIGN: _assign, S.HANDLE: _handle, S.DEPT_OPINION: _dept_opinion,
    S.ISSUE_SLIPS: _issue_slips, S.REVISIT: _revisit, S.EVALUATE: _evaluate,
    S.APPROVE: _approve, S.ENFORCE: _enforce, S.SECOND_REVISIT: _revisit,
}


ON_TIME_KEY = "_on_time_from_record"  # set on a print-only copy of the evaluate record


def step_on_time(rec: StepRecord) -> str:
    """按时 / 超时 of one finished step, from its recorded deadline and breach flag."""
    late = rec.breach or (rec.deadline is not None and rec.finished_at is not None
                          and rec.finished_at > rec.deadline)
    return "超时" if late else "按时"


def on_time_summary(case: Case, until: StepRecord) -> str:
    """The case's 按时处理 up to a step: 是, or 否 naming the late steps (from the record)."""
    late = [S.step_title(s.step_key) for s in sorted(case.steps, key=lambda s: s.seq)
            if s.seq < until.seq and s.finished_at is not None and s.step_key in BLOCKS
            and step_on_time(s) == "超时"]
    if not late:
        return "是（各步骤均在期限内完成）"
    return f"否（超时：{'、'.join(dict.fromkeys(late))}）"


def attachments_text(case: Case) -> str:
    """证据附件: the evidence attached to the case (name and size each), or 无."""
    def size(n: int) -> str:
        return f"{n / 1024:.0f} KB" if n >= 1024 else f"{n} B"

    return "、".join(f"{a.filename}（{size(a.size)}）" for a in case.attachments) or "无"


def _second_revisit_line(case: Case, ctx: PrintContext) -> Flowable | None:
    """The 二次回访 line of a complaint that has no second-revisit step (yet)."""
    if case.kind is not FeedbackKind.COMPLAINT or any(
            s.step_key == S.SECOND_REVISIT for s in case.steps):
        return None
    normal = case.severity is Severity.NORMAL
    g = Grid(side_caption("", S.step_title(S.SECOND_REVISIT),
                          "" if normal else STEP_HINT[S.SECOND_REVISIT], None, ctx))
    if normal:
        g.wide("一般投诉，无需二次回访")
    else:  # 重要/重大 (or not yet classified): one row of boxes to fill in by hand
        g.pairs(("回访时间", ""), ("回访方式", ticks(REVISIT_METHODS, None)),
                ("客户满意度", ticks(SATISFACTION, None)))
    return g.table()


def _step_block(key: str, rec: StepRecord | None, occurrence: int, ctx: PrintContext,
                slips: Sequence[FaultSlip]) -> Flowable:
    note = ""
    if rec is not None and rec.outcome == "reopen":
        note = "客户不满意，退回重新处理"
    hint = STEP_HINT[key] if rec is None or rec.finished_at is None else ""
    if rec is not None and rec.finished_at is not None:
        hint = step_on_time(rec)  # 按时/超时 from the recorded deadline
    g = Grid(side_caption(STEP_NO[key], S.step_title(key), hint, rec, ctx, occurrence, note))
    # an open step prints as empty boxes, with its deadline in the caption
    BLOCKS[key](g, rec if rec is None or rec.finished_at else None, ctx, slips)
    return g.table()


def planned_steps(case: Case) -> list[tuple[str, StepRecord | None]]:
    """The step occurrences to print: what happened (in order), then what is still to come."""
    order = KIND_STEPS.get(case.kind, KIND_STEPS[FeedbackKind.COMPLAINT])
    done = [s for s in sorted(case.steps, key=lambda s: s.seq) if s.step_key in BLOCKS]
    out: list[tuple[str, StepRecord | None]] = [(s.step_key, s) for s in done]
    if case.status is CaseStatus.OPEN:
        last = next((s.step_key for s in reversed(done) if s.step_key in order), None)
        start = order.index(last) + 1 if last else 0
        out += [(k, None) for k in order[start:]]
    return out


def feedback_story(case: Case, ctx: PrintContext, slips: Sequence[FaultSlip] = (),
                   section: int = 0) -> list[Flowable]:
    story: list[Flowable] = [FormHeader(TITLE, case.number, section), *_intake_block(case, ctx)]
    seen: dict[str, int] = {}
    for key, rec in planned_steps(case):
        seen[key] = seen.get(key, 0) + 1
        if key == S.EVALUATE and rec is not None and rec.finished_at is not None:
            rec = replace(rec, data={**rec.data, ON_TIME_KEY: on_time_summary(case, rec)})
        story.append(_step_block(key, rec, seen[key], ctx, slips))
    second = _second_revisit_line(case, ctx)
    if second is not None:
        story.append(second)
    story += [Spacer(0, 4), signature_table(SIGNERS, seal=SEAL)]
    return story


def feedback_form_pdf(case: Case, ctx: PrintContext, slips: Sequence[FaultSlip] = ()) -> bytes:
    """The 客户信息反馈意见处理单 of one case as PDF bytes (A4 portrait)."""
    return build_pdf(feedback_story(case, ctx, slips), ctx, f"{TITLE} {case.number}",
                     glyph_seed=GLYPH_SEED + ctx.dealership_name)
