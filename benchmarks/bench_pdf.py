"""PDF forms benchmark (DESIGN §10): one 处理单, a week's slips (20 in one PDF) and the
floor — a one-page reportlab document with the same font registered and one line of
Chinese (the same floor as run_all.py). Medians of N warm runs, interleaved (the font is
registered before timing).

The 处理单 is timed twice: the same case again (its QR code and its own font subset come
from the caches) and a case not printed before each time (both built).

A second, content floor is printed beside it: the very text of the 处理单 (every label,
value and caption, already cut into lines) as one plain reportlab table of strings on one
page — no Paragraphs, no spans, no form logic. It embeds the same glyphs (font subset) and
draws about as many strings and lines, which the three-line floor does not.

    uv run python benchmarks/bench_pdf.py [N]
"""

from __future__ import annotations

import io
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests" / "documents"))

from builders import CaseBuilder, context, slip  # noqa: E402
from common import interleaved_median_ms  # noqa: E402
from reportlab.lib import colors  # noqa: E402
from reportlab.lib.pagesizes import A4  # noqa: E402
from reportlab.lib.textsplit import wordSplit  # noqa: E402
from reportlab.pdfbase import pdfmetrics  # noqa: E402
from reportlab.pdfbase.ttfonts import TTFont  # noqa: E402
from reportlab.pdfgen.canvas import Canvas  # noqa: E402
from reportlab.platypus import (  # noqa: E402
    Flowable,
    Paragraph,
    SimpleDocTemplate,
    Table,
    TableStyle,
)

from complaintdesk.documents.fault_slip import slips_batch_pdf  # noqa: E402
from complaintdesk.documents.feedback_form import (  # noqa: E402
    feedback_form_pdf,
    feedback_story,
)
from complaintdesk.documents.fonts import CJK_FONT_FILE, register_cjk_font  # noqa: E402
from complaintdesk.documents.pdf_common import CONTENT_W  # noqa: E402
from complaintdesk.documents.pdf_grid import GridBlock, grid_widths  # noqa: E402
from complaintdesk.documents.pdf_text import CellText  # noqa: E402
from complaintdesk.resources_path import resource_path  # noqa: E402

CONTENT_FONT_SIZE = 8


FLOOR_TEXT = "客户信息反馈意见处理单 FK-202611-0001"
FLOOR_FONT = "WQYMicroHei-floor"


def floor_font() -> str:
    """The bundled CJK font registered the plain reportlab way (ComplaintDesk's own
    registration caches font subsets, which would speed the floor up too)."""
    if FLOOR_FONT not in pdfmetrics.getRegisteredFontNames():
        path = resource_path(*CJK_FONT_FILE)
        # not registerFont: it would map this name to the font already registered for the
        # same face, ComplaintDesk's (an own TTFont, so an own parse of the file)
        pdfmetrics._fonts[FLOOR_FONT] = TTFont(FLOOR_FONT, str(path), subfontIndex=0)
    return FLOOR_FONT


def floor_pdf() -> bytes:
    """The budget's floor (DESIGN §10): a one-page reportlab document with the same CJK font
    registered, drawing one line. Also the floor of run_all.py's PDF row."""
    buf = io.BytesIO()
    c = Canvas(buf, pagesize=A4)
    c.setFont(floor_font(), 10)
    c.drawString(72, 760, FLOOR_TEXT)
    c.showPage()
    c.save()
    return buf.getvalue()


def _cell_text(cell: object) -> str:
    if isinstance(cell, CellText):
        return cell.text
    if isinstance(cell, Paragraph):
        return cell.getPlainText()
    return "" if isinstance(cell, Flowable) else str(cell)


def form_rows(story: list[Flowable]) -> list[list[str]]:
    """The text of every row of a form's story (taken once, before timing), each cell
    cut into lines at the width up to the next filled cell of its row."""
    font = register_cjk_font()
    widths = grid_widths(True)
    starts = [sum(widths[:i]) for i in range(len(widths))]
    rows: list[list[str]] = []
    for t in story:
        if not isinstance(t, GridBlock):
            continue
        for r, row in enumerate(t.rows):
            texts = [""] * len(widths)
            for c in row.cells:  # the column of the form grid where the cell starts
                col = max(i for i, x in enumerate(starts) if x <= t.xs[c.c0] + 0.01)
                texts[col] = _cell_text(c.content)
            if t.caption is not None and r == 0:
                texts[0] = _cell_text(t.caption)
            filled = [i for i, x in enumerate(texts) if x] + [len(texts)]
            out = [""] * len(texts)
            for a, b in zip(filled, filled[1:], strict=False):
                w = sum(widths[a:b]) - 6
                out[a] = "\n".join(line for part in texts[a].split("\n")
                                   for _, line in wordSplit(part, w, font, CONTENT_FONT_SIZE))
            rows.append(out)
    return rows


def content_floor_pdf(rows: list[list[str]]) -> bytes:
    """The form's text as one plain reportlab table of strings (see the module doc)."""
    font = floor_font()
    buf = io.BytesIO()
    doc = SimpleDocTemplate(buf, pagesize=A4, leftMargin=40, rightMargin=40, topMargin=60,
                            bottomMargin=40)

    def page(c: Canvas, _doc: object) -> None:
        c.setFont(font, 15)
        c.drawCentredString(A4[0] / 2, A4[1] - 40, "客户信息反馈意见处理单")
        c.setFont(font, 9)
        c.drawString(40, A4[1] - 55, "编号:FK-202611-0007")
        c.drawRightString(A4[0] - 40, A4[1] - 55, "打印日期:2026-11-09 10:15")
        c.drawCentredString(A4[0] / 2, 20, "第 1 页 / 共 1 页")

    t = Table(rows, colWidths=[w * (A4[0] - 80) / CONTENT_W for w in grid_widths(True)])
    t.setStyle(TableStyle([
        ("FONT", (0, 0), (-1, -1), font, CONTENT_FONT_SIZE, CONTENT_FONT_SIZE + 1.5),
        ("GRID", (0, 0), (-1, -1), 0.5, colors.black),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("TOPPADDING", (0, 0), (-1, -1), 1),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 1.5),
    ]))
    doc.build([t], onFirstPage=page, onLaterPages=page)
    return buf.getvalue()


_SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任"
_GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰萍红鹏辉建国文"
_ISSUES = ("发动机异响", "变速箱顿挫", "空调不制冷", "刹车片磨损过快", "轮胎漏气", "保养等待过长",
           "配件缺货", "收费不透明", "车漆划痕", "雨刮器异响", "导航死机", "座椅加热失灵")


def _names(n: int) -> list[str]:
    return [_SURNAMES[i % len(_SURNAMES)] + _GIVEN[(i * 7) % len(_GIVEN)]
            + _GIVEN[(i * 11 + 3) % len(_GIVEN)] for i in range(n)]


def _texts(n: int) -> list[str]:
    return [f"{_ISSUES[i % len(_ISSUES)]},{_ISSUES[(i * 5 + 1) % len(_ISSUES)]},已返厂{i % 4 + 1}次。"
            for i in range(n)]


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 20
    t0 = time.perf_counter()
    register_cjk_font()
    reg_ms = (time.perf_counter() - t0) * 1000
    floor_font()
    ctx = context()
    case = CaseBuilder().full().build()
    # cases not printed before: own number (QR code) and own names and text (font subset)
    people = zip(_names(n + 2), _texts(n + 2), strict=True)
    others = iter([CaseBuilder(number=f"FK-202611-{i:04d}", customer_name=name,
                               description=f"{name}反映:{text}").full().build()
                   for i, (name, text) in enumerate(people, 100)])
    slips = [slip(i, f"GS-202611-{i:04d}") for i in range(1, 21)]
    rows = form_rows(feedback_story(case, ctx, [slip()]))
    # interleaved: each round runs every one once, so machine load hits them alike
    m = interleaved_median_ms({
        "floor": floor_pdf,
        "content": lambda: content_floor_pdf(rows),
        "form": lambda: feedback_form_pdf(case, ctx, [slip()]),
        "new": lambda: feedback_form_pdf(next(others), ctx, [slip()]),
        "batch": lambda: slips_batch_pdf(slips, ctx),
    }, repeat=n, warmup=1)
    floor, floor2, form, batch = m["floor"], m["content"], m["form"], m["batch"]
    new = m["new"]
    print(f"font registration (once per process): {reg_ms:8.1f} ms")
    print(f"median of {n} warm runs, interleaved")
    print(f"floor: one-page reportlab doc, same font, one line: {floor:8.1f} ms")
    print(f"content floor: the 处理单's text ({len(rows)} rows) as a plain reportlab table: "
          f"{floor2:8.1f} ms")
    print(f"客户信息反馈意见处理单 (full case, 1 page): {form:8.1f} ms  ×{form / floor:.1f} floor "
          f"(target ≤ 3×)  ×{form / floor2:.1f} content floor")
    print(f"  … a case not printed before (own QR code, own font subset): {new:8.1f} ms  "
          f"×{new / floor:.1f} floor")
    print(f"20 过失单 in one PDF (20 pages):          {batch:8.1f} ms  ×{batch / floor:.1f} floor"
          f"  ({batch / 20:.1f} ms/slip)")
    print(f"sizes: floor {len(floor_pdf())} B, content floor {len(content_floor_pdf(rows))} B, "
          "form "
          f"{len(feedback_form_pdf(case, ctx, [slip()]))} B, batch "
          f"{len(slips_batch_pdf(slips, ctx))} B")


if __name__ == "__main__":
    main()
