"""《过失单》 and 《处罚单》 (DESIGN §6, §7): one slip per page, ready to sign by hand.

The same layout serves the fault slip of a customer complaint or rework order (GS-…)
and the penalty slip of an internal complaint (CF-…); a batch of slips (all slips of a
week) is one PDF with one slip per page, each with its own header, number and page count.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from reportlab.lib import colors
from reportlab.platypus import Flowable, PageBreak, Spacer, Table, TableStyle

from complaintdesk.documents.fonts import register_cjk_font
from complaintdesk.documents.pdf_common import CONTENT_W, LABEL_BG, PrintContext
from complaintdesk.documents.pdf_grid import Grid, signature_table
from complaintdesk.documents.pdf_page import FormHeader, build_pdf
from complaintdesk.documents.pdf_text import para
from complaintdesk.domain.penalty_text import penalty_text
from complaintdesk.domain.records import PENALTY_SLIP_PREFIX, FaultSlip, PenaltyKind
from complaintdesk.domain.rules import penalties_from_raw
from complaintdesk.domain.slip_basis import basis_lines
from complaintdesk.domain.slips import DECISION_LABELS, describe_change

FAULT_TITLE = "过失单"
PENALTY_TITLE = "处罚单"
REWARD_TITLE = "奖励单"
SIGNERS = ("开具人", "部门负责人", "总经理", "责任人签字确认")
ACK_TEXT = "本人已知悉上述过失事实及处理决定。"
# a reward (表扬 → 奖励单) is printed in its own words: nobody is "responsible" for praise
REWARD_SIGNERS = ("开具人", "部门负责人", "总经理", "受奖人签字确认")
REWARD_ACK_TEXT = "本人已知悉上述表扬事实及奖励决定。"


def _title(slip: FaultSlip, default: str) -> str:
    if slip.is_reward:
        return REWARD_TITLE
    if slip.number.startswith(PENALTY_SLIP_PREFIX + "-"):
        return PENALTY_TITLE
    return default


def _penalty_rows(g: Grid, slip: FaultSlip) -> None:
    if not slip.penalties:
        for _ in range(2):
            g.pairs(("处理方式", ""), ("金额（元）", ""), ("绩效分", ""))
        return
    for p in slip.penalties:
        amount = f"¥{p.amount}" if p.amount else ""
        points = ""
        if p.points:
            points = f"+{p.points}" if p.kind is PenaltyKind.REWARD_POINTS else f"-{p.points}"
        g.pairs(("处理方式", p.kind.label + (f"（{p.note}）" if p.note else "")),
                ("金额（元）", amount), ("绩效分", points))
    g.pairs(("合计", penalty_text(slip.penalties)))


def _appeal_text(slip: FaultSlip, ctx: PrintContext) -> str:
    a: dict[str, Any] = slip.appeal or {}
    lines = [f"申诉时间：{ctx.fmt_dt(a.get('filed_at'))}  申诉理由：{a.get('reason', '')}"]
    if a.get("review"):
        lines.append(f"复核意见（{a.get('reviewed_by_name', '')}）：{a['review']}")
    decision = a.get("decision")
    if decision:
        line = (f"总经理裁决：{DECISION_LABELS.get(decision, decision)}"
                f"（{ctx.fmt_dt(a.get('decided_at'))}）")
        if a.get("decision_reason"):
            line += f" 理由：{a['decision_reason']}"
        if decision == "reduced" and a.get("new_penalties"):
            line += f"；减轻后：{penalty_text(penalties_from_raw(a['new_penalties']))}"
        lines.append(line)
    else:
        lines.append("总经理裁决：待裁决")
    return "\n".join(lines)


def _history(slip: FaultSlip, ctx: PrintContext) -> Flowable:
    rows: list[list[Any]] = [[para("变更记录", "small"), "", ""]]
    for c in slip.changes:
        try:
            what = describe_change(c)
        except (KeyError, TypeError, ValueError):
            what = f"{c.what}：{c.before} → {c.after}" + (f"（{c.reason}）" if c.reason else "")
        rows.append([para(ctx.fmt_dt(c.at), "small"), para(c.by_name, "small"),
                     para(what, "small")])
    t = Table(rows, colWidths=[72, 52, CONTENT_W - 124])
    t.setStyle(TableStyle([
        # the table sets its cells' font even for Paragraph cells: Helvetica otherwise,
        # referenced (not embedded) in the PDF although no text is set in it
        ("FONTNAME", (0, 0), (-1, -1), register_cjk_font()),
        ("SPAN", (0, 0), (-1, 0)),
        ("BACKGROUND", (0, 0), (-1, 0), LABEL_BG),
        ("LINEABOVE", (0, 0), (-1, 0), 0.5, colors.black),
        ("LINEBELOW", (0, 0), (-1, -1), 0.25, colors.grey),
        ("TOPPADDING", (0, 0), (-1, -1), 1),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 1.5),
        ("LEFTPADDING", (0, 0), (-1, -1), 3),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
    ]))
    return t


def slip_story(slip: FaultSlip, ctx: PrintContext, section: int = 0,
               title: str = FAULT_TITLE) -> list[Flowable]:
    """The flowables of one slip (the batch puts a page break between slips)."""
    emp = ctx.employee(slip.employee_id)
    reward = slip.is_reward
    g = Grid()
    g.pairs(("受奖人" if reward else "责任人", emp.name if emp else ""),
            ("所属部门", ctx.department(slip.department_id)),
            ("岗位", slip.post or (emp.post if emp else "")))
    if reward:
        g.pairs(("来源单号", ctx.case_number(slip.case_id)), ("状态", slip.status.label))
    else:
        g.pairs(("来源单号", ctx.case_number(slip.case_id)),
                ("责任程度", slip.responsibility.label if slip.responsibility else ""),
                ("状态", slip.status.label))
    g.text("表扬事实" if reward else "过失事实", slip.facts, min_h=80)
    _penalty_rows(g, slip)
    # the rule as it stood when proposed, its escalations and any later change (§6)
    g.text("依据条款", "\n".join(basis_lines(slip, ctx.clause)), min_h=28)
    g.pairs(("开具依据", "客户表扬" if reward else
             "处理期限超时" if slip.from_breach else "投诉处理意见"))
    g.pairs(("开具人", ctx.user(slip.issued_by_user_id)), ("开具时间", ctx.fmt_dt(slip.issued_at)),
            ("执行时间", ctx.fmt_dt(slip.enforced_at)))
    g.text("部门负责人意见", slip.dept_opinion, min_h=54)
    g.text("总经理意见", slip.gm_opinion, min_h=54)
    ack = REWARD_ACK_TEXT if reward else ACK_TEXT
    if slip.acknowledged_at is not None:
        ack += f"（已于 {ctx.fmt_dt(slip.acknowledged_at)} 确认）"
    g.text("受奖人确认" if reward else "责任人确认", ack, min_h=36)
    if slip.appeal:
        g.text("申诉处理", _appeal_text(slip, ctx), min_h=28)
    story: list[Flowable] = [FormHeader(_title(slip, title), slip.number, section), g.table(),
                             Spacer(0, 8), signature_table(
                                 REWARD_SIGNERS if reward else SIGNERS, sign_h=40)]
    if slip.changes:
        story += [Spacer(0, 8), _history(slip, ctx)]
    return story


def fault_slip_pdf(slip: FaultSlip, ctx: PrintContext) -> bytes:
    """One 过失单 (or 奖励单 for a reward) as PDF bytes."""
    return build_pdf(slip_story(slip, ctx), ctx, f"{_title(slip, FAULT_TITLE)} {slip.number}")


def penalty_slip_pdf(slip: FaultSlip, ctx: PrintContext) -> bytes:
    """One 处罚单 of an internal complaint (numbers CF-…) as PDF bytes."""
    return build_pdf(slip_story(slip, ctx, title=PENALTY_TITLE), ctx,
                     f"{PENALTY_TITLE} {slip.number}")


def slips_batch_pdf(slips: Sequence[FaultSlip], ctx: PrintContext,
                    title: str = "过失单汇总打印") -> bytes:
    """All the given slips in one PDF, one slip per page (e.g. all slips of a week)."""
    story: list[Flowable] = []
    for i, slip in enumerate(slips):
        if i:
            story.append(PageBreak())
        story += slip_story(slip, ctx, section=i)
    if not story:
        story = [FormHeader(FAULT_TITLE, "", 0), para("本期无过失单。")]
    return build_pdf(story, ctx, title)
