"""Blocks shared by the case forms (feedback, internal complaint, rework): the step
caption on the left of each block, tick boxes, responsible-person rows, slip rows and
the revisit block."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from reportlab.lib.colors import Color

from complaintdesk.documents.pdf_common import ALERT, MUTED, PrintContext
from complaintdesk.documents.pdf_grid import Grid
from complaintdesk.documents.pdf_text import CaptionLines, yes_no
from complaintdesk.domain.penalty_text import penalty_text
from complaintdesk.domain.records import (
    REVISIT_METHODS,
    SATISFACTION,
    FaultSlip,
    Responsibility,
    StepRecord,
)

ON_TIME_WORDS = ("按时", "超时")


def ticks(options: Sequence[str], chosen: str | None) -> str:
    """■返修 □电话解答 □退换 — a filled box for the recorded choice, empty ones to tick.
    (One space between: a printed cell collapses spaces anyway.)"""
    return " ".join(("■" if o == chosen else "□") + o for o in options)


def side_caption(
    no: str, title: str, hint: str, rec: StepRecord | None, ctx: PrintContext,
    occurrence: int = 1, note: str = "",
) -> CaptionLines:
    """Left column of a step block: number, title, time limit, then who finished it."""
    small = 6.5
    lines: list[tuple[str, float | None, Color | None]] = [
        (f"{no}{title}" if no else title, None, None)]
    if occurrence > 1:
        lines.append((f"（第{occurrence}次）", None, None))
    # a finished step's hint is its 按时/超时 (from the record): printed after who did it
    verdict = hint if hint in ON_TIME_WORDS and rec is not None and rec.finished_at else ""
    if hint and not verdict:
        lines.append((hint, small, MUTED))
    if rec is not None:
        if rec.finished_at is not None:
            who = ctx.user(rec.actor_user_id)
            if rec.on_behalf_of_user_id is not None:
                who = f"{who}（代 {ctx.user(rec.on_behalf_of_user_id)} 处理）"
            who = " ".join(x for x in (who, verdict) if x)
            if who:
                lines.append((who, small, ALERT if verdict == "超时" else None))
            lines.append((ctx.fmt_dt(rec.finished_at), small, None))
        else:
            lines.append(("处理中", small, ALERT))
            if rec.deadline is not None:
                lines.append((f"期限 {ctx.fmt_dt(rec.deadline)}", small, None))
        for ext in rec.extensions:
            if ext.get("deadline"):
                lines.append((f"延期至 {ctx.fmt_dt(ext['deadline'])}", small, None))
        if rec.breach and verdict != "超时":
            lines.append(("超时", small, ALERT))
    if note:
        lines.append((note, small, ALERT))
    return CaptionLines(lines, "side")


def responsibility_label(value: str | None) -> str:
    if not value:
        return ""
    try:
        return Responsibility(value).label
    except ValueError:
        return str(value)


def employee_label(ctx: PrintContext, employee_id: int | None) -> str:
    """王五(售后服务部·维修技师)."""
    emp = ctx.employee(employee_id)
    if emp is None:
        return ""
    extra = "·".join(x for x in (ctx.department(emp.department_id), emp.post) if x)
    return f"{emp.name}({extra})" if extra else emp.name


def responsible_rows(
    g: Grid, ctx: PrintContext, people: Iterable[dict[str, Any]] | None, done: bool,
    label: str = "责任人",
) -> None:
    """One row per responsible person; two empty rows on a form still to be filled in."""
    people = list(people or [])
    if not people:
        if done:
            g.pairs((label, "无"))
        else:
            for _ in range(2):
                g.pairs((label, ""), ("责任程度", ""), ("处理建议", ""))
        return
    for p in people:
        g.pairs(
            (label, employee_label(ctx, p.get("employee_id"))),
            ("责任程度", responsibility_label(p.get("responsibility"))),
            ("处理建议", p.get("proposal", "")),
        )


def slips_for(rec: StepRecord | None, slips: Sequence[FaultSlip]) -> list[FaultSlip]:
    """The slips a step issued: by the ids it recorded, else none."""
    if rec is None:
        return []
    ids = rec.data.get("slip_ids") or []
    return [s for s in slips if s.id in ids]


def slip_rows(
    g: Grid, ctx: PrintContext, issued: Sequence[FaultSlip], rec: StepRecord | None,
    label: str = "过失单号",
) -> None:
    done = rec is not None and rec.finished_at is not None
    if done and rec is not None and rec.data.get("no_responsible"):
        g.wide("无责任人，不开具" + label.removesuffix("号"))
    elif issued or (done and rec is not None and rec.data.get("slip_ids")):
        for s in issued:
            g.pairs((label, s.number or "（未编号）"), ("责任人", ctx.employee_name(s.employee_id)),
                    ("处罚", penalty_text(s.penalties)))
        # slips the step recorded that were not handed in (not loaded, or not visible to
        # this printout): an empty row each, to be completed by hand
        ids = (rec.data.get("slip_ids") or []) if rec is not None else []
        for _ in range(len(set(ids) - {s.id for s in issued})):
            g.pairs((label, ""), ("责任人", ""), ("处罚", ""))
    elif not done:
        for _ in range(2):
            g.pairs((label, ""), ("责任人", ""), ("处罚", ""))
    if rec is not None and rec.data.get("note"):
        g.text("说明", rec.data["note"])


def revisit_rows(g: Grid, ctx: PrintContext, rec: StepRecord | None) -> None:
    d = rec.data if rec is not None and rec.finished_at is not None else {}
    if d.get("skipped"):
        g.wide("无需回访")
        return
    reached = d.get("reached")
    g.pairs(("回访时间", ctx.fmt_dt(d.get("revisit_at"))),
            ("回访方式", ticks(REVISIT_METHODS, d.get("method"))),
            ("联系上客户", ticks(("是", "否"), yes_no(reached) or None)))
    g.pairs(("客户满意度", ticks(SATISFACTION, d.get("satisfaction"))))
    g.text("客户意见", d.get("customer_words", ""), min_h=24)
