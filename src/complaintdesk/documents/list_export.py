"""A list as the person sees it (台账, 过失单, 我的待办), as a workbook or a printable PDF:
the dealership's name and the list's title on top, one bordered table per section, a
total row in bold where the list has one, and a note saying what the figures count.

The rows arrive already masked for the person exporting (the services mask phones and
VINs before a list reaches the screen, DESIGN §3); nothing here unmasks."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from reportlab.lib import colors
from reportlab.platypus import Flowable, Spacer, Table, TableStyle

from .fonts import register_cjk_font
from .list_section import ListSection
from .pdf_common import CONTENT_W, LABEL_BG, PrintContext
from .pdf_page import FormHeader, build_pdf
from .pdf_text import para

MAX_SHEET_TITLE = 31  # Excel's limit

__all__ = ["ListSection", "list_pdf", "write_list_workbook"]


def _width(values: Sequence[Any]) -> float:
    def chars(v: Any) -> float:
        s = "" if v is None else str(v)
        return sum(2.0 if ord(ch) > 0x2E80 else 1.0 for ch in s)
    return min(max((chars(v) for v in values), default=4) + 2, 60)


def write_list_workbook(path: Path, title: str, dealership: str, sections: Sequence[ListSection],
                        note: str = "", generated: datetime | None = None) -> Path:
    """One sheet: the title line (with the dealership's name), the note, then each section
    under its heading. Numbers stay numbers."""
    wb = Workbook()
    ws = wb.active
    ws.title = title[:MAX_SHEET_TITLE].replace("/", "-")
    bold = Font(bold=True)
    thin = Side(style="thin", color="999999")
    box = Border(left=thin, right=thin, top=thin, bottom=thin)
    shade = PatternFill("solid", fgColor="EDEDED")
    ws.cell(1, 1, f"{dealership} {title}".strip()).font = Font(bold=True, size=14)
    row = 2
    if generated is not None:
        ws.cell(row, 1, f"导出时间：{generated:%Y-%m-%d %H:%M}")
        row += 1
    if note:
        ws.cell(row, 1, note)
        row += 1
    widths: dict[int, list[Any]] = {}
    for section in sections:
        row += 1
        ws.cell(row, 1, f"{section.title}（{len(section.rows) - section.total_last} 行）"
                ).font = bold
        row += 1
        for c, h in enumerate(section.headers, 1):
            cell = ws.cell(row, c, h)
            cell.font, cell.fill, cell.border = bold, shade, box
            widths.setdefault(c, []).append(h)
        for i, values in enumerate(section.rows):
            row += 1
            total = section.total_last and i == len(section.rows) - 1
            for c, v in enumerate(values, 1):
                cell = ws.cell(row, c, v)
                cell.border = box
                if total:
                    cell.font, cell.fill = bold, shade
                if isinstance(v, int | float):
                    cell.alignment = Alignment(horizontal="right")
                    cell.number_format = "#,##0" if isinstance(v, int) else "#,##0.0"
                widths.setdefault(c, []).append(v)
        if not section.rows:
            row += 1
            ws.cell(row, 1, "无")
        row += 1
    for c, values in widths.items():
        ws.column_dimensions[get_column_letter(c)].width = _width(values)
    wb.save(path)
    return path


def _text(v: Any) -> str:
    if isinstance(v, int):
        return f"{v:,}"
    if isinstance(v, float):
        return f"{v:,.1f}"
    return "" if v is None else str(v)


def _table(section: ListSection) -> Table:
    n = max(len(section.headers), 1)
    widths = [CONTENT_W / n] * n
    data: list[list[Any]] = [[para(h, "label") for h in section.headers]]
    data += [[para(_text(v), "small") for v in r] for r in section.rows]
    if not section.rows:
        data.append([para("无", "small")] + [""] * (n - 1))
    t = Table(data, colWidths=widths, repeatRows=1)
    cmds: list[tuple[Any, ...]] = [
        ("FONTNAME", (0, 0), (-1, -1), register_cjk_font()),
        ("GRID", (0, 0), (-1, -1), 0.5, colors.black),
        ("BOX", (0, 0), (-1, -1), 1.0, colors.black),
        ("BACKGROUND", (0, 0), (-1, 0), LABEL_BG),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("TOPPADDING", (0, 0), (-1, -1), 1.5),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 2),
        ("LEFTPADDING", (0, 0), (-1, -1), 3),
    ]
    if not section.rows:
        cmds.append(("SPAN", (0, 1), (-1, 1)))
    if section.total_last and section.rows:
        cmds.append(("BACKGROUND", (0, -1), (-1, -1), LABEL_BG))
    t.setStyle(TableStyle(cmds))
    return t


def list_pdf(title: str, sections: Sequence[ListSection], ctx: PrintContext,
             note: str = "", number: str = "") -> bytes:
    """The list on A4 with the forms' header (the dealership's name, the print date)."""
    story: list[Flowable] = [FormHeader(title, number)]
    if note:
        story += [para(note, "head"), Spacer(0, 4)]
    for section in sections:
        count = len(section.rows) - section.total_last
        story += [para(f"{section.title}（{count} 行）", "head"), Spacer(0, 2),
                  _table(section), Spacer(0, 6)]
    return build_pdf(story, ctx, title)
