"""The page frame of every printed form: header (dealership, title, number, print date)
and footer ("第 x 页 / 共 y 页", QR code of the number), numbered per form of a batch
(`FormHeader`), and `build_pdf`, which lays a story out on A4 with it."""

from __future__ import annotations

import io
from dataclasses import dataclass
from typing import Any

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    BaseDocTemplate,
    Flowable,
    Frame,
    PageTemplate,
)

from complaintdesk.documents.fonts import register_cjk_font, seed_glyphs
from complaintdesk.documents.pdf_common import (
    CONTENT_W,
    FOOTER_H,
    HEADER_H,
    MARGIN_X,
    MUTED,
    PAGE_H,
    PAGE_W,
    PrintContext,
)
from complaintdesk.documents.pdf_runs import TextRuns, compress_fast, draw_qr


@dataclass(frozen=True, slots=True)
class HeaderInfo:
    title: str
    number: str
    section: int  # page numbering restarts per section (one form in a batch)


class FormHeader(Flowable):
    """Zero-size marker: the pages from here on belong to this form (title, number)."""

    def __init__(self, title: str, number: str, section: int = 0) -> None:
        super().__init__()
        self.info = HeaderInfo(title, number, section)
        self.width = self.height = 0

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:  # noqa: N803
        return 0, 0

    def draw(self) -> None:
        self.canv._cd_header = self.info




def _make_canvas_class(ctx: PrintContext, glyph_seed: str = "") -> type[Canvas]:
    font = register_cjk_font()
    printed = ctx.fmt_dt(ctx.printed_at)

    class FormCanvas(Canvas):
        """Defers header and footer until the page count of each form is known."""

        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            self._cd_pages: list[dict[str, Any]] = []
            self._cd_header: HeaderInfo | None = None
            if glyph_seed:
                seed_glyphs(self._doc, glyph_seed)

        def showPage(self) -> None:  # noqa: N802 (reportlab API)
            self._cd_pages.append(dict(self.__dict__))
            self._startPage()

        def save(self) -> None:
            totals: dict[int, int] = {}
            for state in self._cd_pages:
                h = state.get("_cd_header")
                key = h.section if h else -1
                totals[key] = totals.get(key, 0) + 1
            seen: dict[int, int] = {}
            for state in self._cd_pages:
                self.__dict__.update(state)
                h = self._cd_header
                key = h.section if h else -1
                seen[key] = seen.get(key, 0) + 1
                self._chrome(h, seen[key], totals[key])
                Canvas.showPage(self)
                compress_fast(self._doc.Pages.pages[-1])
            Canvas.save(self)

        def _chrome(self, h: HeaderInfo | None, page: int, total: int) -> None:
            self.saveState()
            top = PAGE_H - 9 * mm
            x = MARGIN_X
            if ctx.logo_path:
                try:
                    self.drawImage(str(ctx.logo_path), x, top - 8 * mm, width=24 * mm,
                                   height=10 * mm, preserveAspectRatio=True, anchor="sw",
                                   mask="auto")
                except OSError:
                    pass  # a missing logo must not stop the form from printing
            y = PAGE_H - HEADER_H + 2.5 * mm
            fy = 6 * mm
            self.setLineWidth(0.8)
            self.line(MARGIN_X, y - 1.5 * mm, PAGE_W - MARGIN_X, y - 1.5 * mm)
            self.setLineWidth(0.4)
            self.line(MARGIN_X, FOOTER_H - 1.5 * mm, PAGE_W - MARGIN_X, FOOTER_H - 1.5 * mm)
            # every text of the header and footer in one text object
            out = TextRuns(self)

            def text(x: float, y: float, s: str, size: float, align: str = "left",
                     color: Any = colors.black) -> None:
                out.style(font, size, size * 1.2, color)
                if align != "left":
                    w = stringWidth(s, font, size)
                    x -= w / 2 if align == "centre" else w
                out.put(x, y, s)

            text(PAGE_W / 2, top, ctx.dealership_name, 10, "centre")
            if h:
                text(PAGE_W / 2, top - 7.5 * mm, h.title, 16, "centre")
            if h and h.number:
                text(MARGIN_X, y, f"编号：{h.number}", 9)
            text(PAGE_W - MARGIN_X, y, f"打印日期：{printed}", 9, "right")
            text(PAGE_W / 2, fy, f"第 {page} 页 / 共 {total} 页", 8.5, "centre")
            text(MARGIN_X, fy, f"{ctx.dealership_name} · ComplaintDesk 打印", 7, color=MUTED)
            qr = 10 * mm
            if h and h.number:
                text(PAGE_W - MARGIN_X - qr - 2 * mm, fy, h.number, 7, "right", MUTED)
            out.draw()
            if h and h.number:
                draw_qr(self, h.number, PAGE_W - MARGIN_X - qr, 2.5 * mm, qr)
            self.restoreState()

    return FormCanvas


def build_pdf(story: list[Flowable], ctx: PrintContext, title: str, glyph_seed: str = "") -> bytes:
    """Lay the story out on A4 portrait with the form chrome; return the PDF bytes.

    `glyph_seed`: the text the form prints whatever the record (see `fonts.seed_glyphs`);
    only characters the form really prints belong there, the others would be embedded
    for nothing."""
    font = register_cjk_font()
    buf = io.BytesIO()
    # initialFontName: the canvas would otherwise start in Helvetica and reference it,
    # unembedded, in every PDF even though no text is ever set in it.
    doc = BaseDocTemplate(
        buf, pagesize=A4, leftMargin=MARGIN_X, rightMargin=MARGIN_X,
        topMargin=HEADER_H, bottomMargin=FOOTER_H,
        title=title, author=ctx.dealership_name, creator="ComplaintDesk",
        initialFontName=font,
    )
    frame = Frame(MARGIN_X, FOOTER_H, CONTENT_W, PAGE_H - HEADER_H - FOOTER_H, id="body",
                  leftPadding=0, rightPadding=0, topPadding=0, bottomPadding=0)
    doc.addPageTemplates([PageTemplate(id="form", frames=[frame])])
    doc.build(story, canvasmaker=_make_canvas_class(ctx, glyph_seed))
    return buf.getvalue()
