"""The weekly summary (周报, DESIGN §8) as PDF: last week's new, closed and overdue cases
and the slips issued, as bordered lists with a repeated column header on page breaks."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from reportlab.lib import colors
from reportlab.platypus import Flowable, Spacer, Table, TableStyle

from complaintdesk.documents.fonts import register_cjk_font
from complaintdesk.documents.pdf_common import CONTENT_W, LABEL_BG, PrintContext
from complaintdesk.documents.pdf_page import FormHeader, build_pdf
from complaintdesk.documents.pdf_text import para
from complaintdesk.domain.weekly import WeeklyCaseRow, WeeklySlipRow, WeeklySummary

TITLE = "客户投诉处理周报"
CASE_COLS = ("编号", "类型", "客户", "责任部门", "当前环节", "期限", "超时（小时）", "意见内容")
CASE_W = (78, 44, 46, 56, 56, 66, 40)
SLIP_COLS = ("过失单号", "责任人", "部门", "来源单号", "处罚")
SLIP_W = (84, 60, 80, 84)
UNSIGNED_COLS = ("编号", "责任部门", "未存档的签字表单")
UNSIGNED_W = (84, 80)


def _list_table(head: Sequence[str], widths: Sequence[float], rows: list[list[Any]]) -> Table:
    widths = [*widths, CONTENT_W - sum(widths)]
    data = [[para(h, "label") for h in head]]
    data += [[para(c, "small") for c in r] for r in rows] or [[para("无", "small")] + [""] * (
        len(head) - 1)]
    t = Table(data, colWidths=widths, repeatRows=1)
    cmds: list[tuple[Any, ...]] = [
        ("FONTNAME", (0, 0), (-1, -1), register_cjk_font()),  # not Helvetica (see fault_slip)
        ("GRID", (0, 0), (-1, -1), 0.5, colors.black),
        ("BOX", (0, 0), (-1, -1), 1.0, colors.black),
        ("BACKGROUND", (0, 0), (-1, 0), LABEL_BG),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("TOPPADDING", (0, 0), (-1, -1), 1.5),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 2),
        ("LEFTPADDING", (0, 0), (-1, -1), 3),
    ]
    if not rows:
        cmds.append(("SPAN", (0, 1), (-1, 1)))
    t.setStyle(TableStyle(cmds))
    return t


def _case_rows(rows: Sequence[WeeklyCaseRow], ctx: PrintContext) -> list[list[Any]]:
    return [[r.number, r.kind, r.customer, r.department, r.step, ctx.fmt_dt(r.deadline),
             f"{r.overdue_hours:.1f}" if r.overdue_hours > 0 else "", r.opinion] for r in rows]


def _slip_rows(rows: Sequence[WeeklySlipRow]) -> list[list[Any]]:
    return [[r.number, r.employee, r.department, r.case_number, r.penalties] for r in rows]


def weekly_summary_story(summary: WeeklySummary, ctx: PrintContext, section: int = 0
                         ) -> list[Flowable]:
    s = summary
    period = f"统计周期：{s.week_start:%Y-%m-%d} 至 {s.week_end:%Y-%m-%d}"
    counts = (f"新增 {len(s.new_cases)} 件 · 结案 {len(s.closed_cases)} 件 · "
              f"超时未结 {len(s.overdue_cases)} 件 · 过失单 {len(s.slips)} 张")
    story: list[Flowable] = [FormHeader(TITLE, s.number, section), para(period, "head"),
                             para(counts, "head"), Spacer(0, 4)]
    for title, rows in (("一、本周新增", s.new_cases), ("二、本周结案", s.closed_cases),
                        ("三、超时未结", s.overdue_cases)):
        story += [para(f"{title}（{len(rows)} 件）", "head"), Spacer(0, 2),
                  _list_table(CASE_COLS, CASE_W, _case_rows(rows, ctx)), Spacer(0, 6)]
    story += [para(f"四、本周开具过失单（{len(s.slips)} 张）", "head"), Spacer(0, 2),
              _list_table(SLIP_COLS, SLIP_W, _slip_rows(s.slips))]
    unsigned = s.unsigned_closed
    if unsigned:  # DESIGN §4.7: closed, but the signed and stamped form is not on file
        story += [Spacer(0, 6), para(f"五、结案未存档签字处理单（{len(unsigned)} 件）", "head"),
                  Spacer(0, 2), _list_table(UNSIGNED_COLS, UNSIGNED_W,
                                            [[r.number, r.department, r.unsigned]
                                             for r in unsigned])]
    if s.audit_head is not None:  # DESIGN §9: the chain's head on paper, to hold check against
        count, last_hash = s.audit_head
        story += [Spacer(0, 6), para(f"审计链头：共 {count} 条审计记录，最后一条哈希 "
                                     f"{last_hash or '—'}（可用 complaintdesk check 核对）", "small")]
    return story


def weekly_summary_pdf(summary: WeeklySummary, ctx: PrintContext) -> bytes:
    """The weekly summary (Monday–Sunday) as PDF bytes."""
    return build_pdf(weekly_summary_story(summary, ctx), ctx, f"{TITLE} {summary.number}")
