"""典型案例库 (seed 003 一.11: "以此案例，教育全体职工，吸取教训") as PDF: each marked case
with what happened, how it was handled and the lesson — the customer left out (the
service hands over views already scrubbed: no name, numbers, plate or VIN)."""

from __future__ import annotations

from collections.abc import Sequence

from reportlab.platypus import Flowable, Spacer

from complaintdesk.documents.pdf_common import PrintContext
from complaintdesk.documents.pdf_grid import Grid
from complaintdesk.documents.pdf_page import FormHeader, build_pdf
from complaintdesk.documents.pdf_text import para
from complaintdesk.domain.paper import ExampleView

TITLE = "典型案例库"
CLAUSE = ("制度依据（003 一.11）：对造成责任事故的直接责任人，分析原因，批评教育，"
          "并以此案例，教育全体职工，吸取教训，防止类似的问题再度发生。")


def case_examples_story(views: Sequence[ExampleView], ctx: PrintContext) -> list[Flowable]:
    story: list[Flowable] = [FormHeader(TITLE, ""), para(CLAUSE, "small"), Spacer(0, 4),
                             para(f"共 {len(views)} 个典型案例（已隐去客户姓名、电话、车牌和车架号）",
                                  "head"), Spacer(0, 6)]
    if not views:
        story.append(para("暂无典型案例。", "value"))
    for i, v in enumerate(views, 1):
        g = Grid()
        g.pairs(("编号", v.number), ("类型", v.kind), ("责任部门", v.department))
        g.pairs(("投诉类别", v.category), ("严重程度", v.severity),
                ("结案时间", ctx.fmt_dt(v.closed_at)))
        g.text("事情经过", v.description or "—")
        g.text("处理经过", v.handling or "—")
        g.text("考核评估", v.evaluation or "—")
        g.text("案例教训", v.lesson)
        story += [para(f"案例 {i}", "head"), Spacer(0, 2), g.table(),
                  para(f"标记人：{v.marked_by}　标记时间：{ctx.fmt_dt(v.marked_at)}", "small"),
                  Spacer(0, 10)]
    return story


def case_examples_pdf(views: Sequence[ExampleView], ctx: PrintContext) -> bytes:
    return build_pdf(case_examples_story(views, ctx), ctx, TITLE)
