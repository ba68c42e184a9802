"""厂家转办 exports (DESIGN §4.6): the per-case reply sheet (PDF and Excel) and the monthly
list for the manufacturer (Excel), each milestone with its deadline, the reply and met or
missed; and the month workbook's 厂家转办 sheet (DESIGN §8)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, tzinfo
from typing import Any

from reportlab.platypus import Flowable, Spacer

from ..domain.manufacturer import (
    MILESTONE_KEYS,
    MILESTONE_LABELS,
    ManufacturerForward,
    ManufacturerReply,
    MilestoneState,
)
from .excel_common import (
    DATETIME_FORMAT,
    Col,
    Job,
    TableSheet,
    Target,
    local_naive,
    new_workbook,
    write_workbook,
)
from .pdf_common import PrintContext
from .pdf_grid import Grid, signature_table
from .pdf_page import FormHeader, build_pdf
from .pdf_text import para
from .weekly_pdf import _list_table

SHEET_TITLE = "厂家转办回复单"
MONTH_TITLE = "厂家转办月度清单"
STATUS_LABELS = {"open": "处理中", "closed": "已结案"}


@dataclass(frozen=True, slots=True)
class ReplySheet:
    """One 厂家转办 case as the reply sheet prints it."""

    number: str
    customer_name: str
    vehicle_model: str
    plate: str
    description: str
    forward: ManufacturerForward
    states: list[MilestoneState]
    replies: list[ManufacturerReply]
    user_names: dict[int, str] = field(default_factory=dict)

    @property
    def on_time_text(self) -> str:
        if self.states and all(s.met for s in self.states):
            return "是（各节点均按时回复）"
        if any(s.missed for s in self.states):
            return "否（有节点超时）"
        return "尚未全部回复"

    def by(self, reply: ManufacturerReply) -> str:
        return self.user_names.get(reply.by_user_id, "") if reply.by_user_id else ""


def _fmt(dt: datetime | None, tz: tzinfo) -> str:
    return dt.astimezone(tz).strftime("%Y-%m-%d %H:%M") if dt is not None else ""


# ---- the reply sheet, PDF ------------------------------------------------------------------
def reply_sheet_story(s: ReplySheet, ctx: PrintContext) -> list[Flowable]:
    f = s.forward
    grid = Grid()
    grid.pairs(("厂家品牌", f.brand), ("厂家工单号", f.reference))
    grid.pairs(("本店编号", s.number), ("厂家转办时间", ctx.fmt_dt(f.forwarded_at)))
    grid.pairs(("客户姓名", s.customer_name), ("车型 / 车牌", f"{s.vehicle_model} {s.plate}".strip()))
    grid.text("客户反映", s.description[:300], min_h=30)
    grid.text("是否按时回复", s.on_time_text)
    milestones = [[st.label, st.rule_text, ctx.fmt_dt(st.due), ctx.fmt_dt(st.replied_at),
                   st.state_label] for st in s.states]
    replies = [[ctx.fmt_dt(r.at), r.milestone_label, s.by(r), r.text] for r in s.replies]
    return [
        FormHeader(SHEET_TITLE, s.number), grid.table(), Spacer(0, 6),
        para("一、厂家时限节点", "head"), Spacer(0, 2),
        _list_table(("节点", "时限", "回复期限", "回复时间", "结果"), (70, 56, 90, 90),
                    milestones), Spacer(0, 6),
        para(f"二、回复厂家记录（{len(s.replies)} 条）", "head"), Spacer(0, 2),
        _list_table(("回复时间", "回复节点", "回复人", "回复内容"), (90, 70, 56), replies),
        Spacer(0, 10),
        signature_table(("经办人", "客服中心", "总经理")),
    ]


def reply_sheet_pdf(sheet: ReplySheet, ctx: PrintContext) -> bytes:
    return build_pdf(reply_sheet_story(sheet, ctx), ctx, f"{SHEET_TITLE} {sheet.number}")


# ---- the reply sheet, Excel ----------------------------------------------------------------
def write_reply_sheet_xlsx(target: Target, s: ReplySheet, ctx: PrintContext) -> None:
    tz = ctx.local(ctx.printed_at).tzinfo
    assert tz is not None
    f = s.forward
    wb = new_workbook()
    job = Job(len(s.states) + len(s.replies) + 6, None, None)

    def body() -> None:
        head = TableSheet(wb, "厂家转办", [Col("项目", 16), Col("内容", 48)],
                          heading=f"{ctx.dealership_name} {SHEET_TITLE}")
        for label, value in (("本店编号", s.number), ("厂家品牌", f.brand),
                             ("厂家工单号", f.reference),
                             ("厂家转办时间", local_naive(f.forwarded_at, tz)),
                             ("客户姓名", s.customer_name),
                             ("车型 / 车牌", f"{s.vehicle_model} {s.plate}".strip()),
                             ("是否按时回复", s.on_time_text)):
            head.add([label, value], [None, DATETIME_FORMAT if isinstance(value, datetime)
                                      else None])
            job.step()
        nodes = TableSheet(wb, "时限节点", [Col("节点", 14), Col("时限", 12),
                                          Col("回复期限", 18, DATETIME_FORMAT),
                                          Col("回复时间", 18, DATETIME_FORMAT), Col("结果", 14)])
        for st in s.states:
            nodes.add([st.label, st.rule_text, local_naive(st.due, tz),
                       local_naive(st.replied_at, tz), st.state_label])
            job.step()
        log = TableSheet(wb, "回复记录", [Col("回复时间", 18, DATETIME_FORMAT),
                                        Col("回复节点", 16), Col("回复人", 12),
                                        Col("回复内容", 60)])
        for r in s.replies:
            log.add([local_naive(r.at, tz), r.milestone_label, s.by(r), r.text])
            job.step()

    write_workbook(wb, target, job, body)


# ---- the monthly list ------------------------------------------------------------------
def _month_cols() -> list[Col]:
    cols = [Col("本店编号", 16), Col("厂家品牌", 12), Col("厂家工单号", 18), Col("客户", 10),
            Col("厂家转办时间", 17, DATETIME_FORMAT), Col("案件状态", 9)]
    for key in MILESTONE_KEYS:
        label = MILESTONE_LABELS[key]
        cols += [Col(f"{label}·期限", 17, DATETIME_FORMAT),
                 Col(f"{label}·回复", 17, DATETIME_FORMAT), Col(f"{label}·结果", 11)]
    return [*cols, Col("按时回复", 9)]


def _month_values(row: Any, tz: tzinfo) -> list[Any]:
    values: list[Any] = [row.number, row.brand, row.reference, row.customer_name,
                         local_naive(row.forwarded_at, tz),
                         STATUS_LABELS.get(row.status, row.status)]
    by_key = {s.key: s for s in row.states}
    for key in MILESTONE_KEYS:
        st = by_key.get(key)
        values += [local_naive(st.due, tz), local_naive(st.replied_at, tz), st.state_label] \
            if st is not None else ["", "", "—"]
    return [*values, "是" if row.on_time else ("否" if row.settled or any(
        s.missed for s in row.states) else "待定")]


def write_month_list(target: Target, rows: Sequence[Any], year: int, month: int,
                     brand: str | None, dealership: str, tz: tzinfo,
                     now: datetime) -> None:
    """`rows`: services.manufacturer.MonthListRow, forwarded in the month."""
    wb = new_workbook()
    job = Job(len(rows) + 4, None, None)
    on_time = sum(1 for r in rows if r.on_time)
    missed = sum(1 for r in rows if any(s.missed for s in r.states))

    def body() -> None:
        title = f"{dealership} {year}年{month}月 {MONTH_TITLE}（{brand or '全部品牌'}）"
        notes = [f"导出时间：{_fmt(now, tz)}；各节点按导出时的回复情况判定。",
                 f"共 {len(rows)} 件，按时回复 {on_time} 件，有节点超时 {missed} 件。"]
        sheet = TableSheet(wb, "厂家转办清单", _month_cols(), heading=title, notes=notes)
        for r in rows:
            sheet.add(_month_values(r, tz))
            job.step()

    write_workbook(wb, target, job, body)


def write_month_figures_sheet(wb: Any, count: int, on_time: int, missed: int,
                              pending: int) -> None:
    """The month workbook's 厂家转办 sheet (DESIGN §8: count, share answered on time),
    computed apart from the KPI tallies from the 厂家转办 records."""
    sheet = TableSheet(wb, "厂家转办", [Col("指标", 22), Col("数值", 12)],
                       heading="厂家转办投诉",
                       notes=["按时回复 = 厂家的各时限节点均按时回复（DESIGN §4.8），"
                              "按导出时的回复情况判定。"])
    sheet.add(["厂家转办投诉量", count], [None, "0"])
    sheet.add(["按时回复厂家", on_time], [None, "0"])
    sheet.add(["有节点超时", missed], [None, "0"])
    sheet.add(["尚在期限内", pending], [None, "0"])
    sheet.add(["按时回复率", on_time / count if count else "—"],
              [None, "0.0%" if count else None])
