"""The speed-up layer over reportlab's internals: one text object of positioned runs
written straight into the canvas's code (`TextRuns`), QR codes as one path, and page
streams flate-compressed at a faster level. Each writes what the public reportlab calls
would write (tests/documents/test_pdf_fonts_and_reportlab.py fails loudly if those
internals change)."""

from __future__ import annotations

import re
import zlib
from functools import lru_cache
from typing import Any

from reportlab import rl_config
from reportlab.lib.rl_accel import fp_str
from reportlab.pdfbase import pdfdoc
from reportlab.pdfbase.pdfmetrics import getFont
from reportlab.pdfgen.canvas import Canvas

from complaintdesk.documents.fonts import DocText
from complaintdesk.documents.qr import qr_rows


@lru_cache(maxsize=64)
def _font_setting(font_name: str, size: float, leading: float) -> tuple[bool, str]:
    """Whether the font is dynamic (its runs are written by `TextRuns.put`), and the
    ` size Tf leading TL` that follows a subset's name."""
    dynamic = bool(getattr(getFont(font_name), "_dynamicFont", False))
    return dynamic, f" {fp_str(size)} Tf {fp_str(leading)} TL"


class TextRuns:
    """One text object of short runs, each at its own origin: what `beginText`, then
    `setFont` / `setFillColor` / `setTextOrigin` / `textOut` per run write, without
    measuring each run to move the cursor (every run sets its origin)."""

    def __init__(self, canv: Canvas) -> None:
        self.canv = canv
        self.tx = canv.beginText()
        self.code: list[str] = self.tx._code
        self.doc = canv._doc
        self.text: DocText | None = None  # of the current font, when it is dynamic
        self.texts: dict[str, DocText] = {}
        self.key: tuple[str, float, float] | None = None
        self.color: Any = None
        self.tf = ""
        self.subset = -1

    def style(self, font_name: str, size: float, leading: float, color: Any) -> None:
        key = font_name, size, leading
        if key != self.key:
            self.key = key
            dynamic, self.tf = _font_setting(font_name, size, leading)
            if dynamic and self.canv.bottomup:
                # the runs name their subset and size themselves (`put`); the text object
                # keeps the font as its setFont would (which writes nothing for this font)
                tx = self.tx
                tx._fontname, tx._fontsize, tx._leading = key
                tx._curSubset = -1
                text = self.texts.get(font_name)
                if text is None:
                    text = self.texts[font_name] = DocText.of(getFont(font_name), self.doc)
                self.text = text
            else:
                self.tx.setFont(font_name, size, leading)
                self.text = None
            self.subset = -1
        if color is not self.color:  # the styles share their colours
            self.color = color
            self.tx.setFillColor(color)

    def put(self, x: float, y: float, text: str) -> None:
        doc_text = self.text
        if doc_text is None:
            self.tx.setTextOrigin(x, y)
            self.tx.textOut(text)
            return
        code = self.code
        code.append(f"1 0 0 1 {fp_str(x, y)} Tm")
        for subset, escaped in doc_text.encode(text):
            if subset != self.subset:
                code.append(doc_text.name(subset) + self.tf)
                self.subset = subset
            code.append(f"({escaped}) Tj")

    def draw(self) -> None:
        self.canv.drawText(self.tx)



_DARK = re.compile("1+")


def _qr_runs(text: str) -> tuple[int, tuple[tuple[int, int, int], ...]]:
    """QR modules of `text` as (module count, dark runs (row, first column, length))."""
    rows = qr_rows(text)
    return len(rows), tuple((r, m.start(), m.end() - m.start())
                            for r, row in enumerate(rows) for m in _DARK.finditer(row))


def draw_qr(canv: Canvas, text: str, x: float, y: float, size: float) -> None:
    """Draw a QR code as one filled path (reportlab's widget makes a shape per run,
    which costs ~30 ms a page)."""
    canv._code.append(_qr_ops(text, x, y, size))


@lru_cache(maxsize=512)
def _qr_ops(text: str, x: float, y: float, size: float) -> str:
    """The operators of a QR code drawn at x, y: what saveState, setFillColor(black), a
    path of one rect per dark run, drawPath(fill) and restoreState write (the same
    text), formatted once per number and place (every page of a form repeats them)."""
    count, runs = _qr_runs(text)
    box = size / count
    # each rect is `fp_str(x + c * box, y + size - (r + 1) * box, n * box, box) re`: the
    # numbers formatted once per column, row and length (fp_str joins its numbers so)
    xs = [fp_str(x + c * box) for c in range(count)]
    ys = [fp_str(y + size - (r + 1) * box) for r in range(count)]
    ws = [fp_str(n * box) for n in range(count + 1)]
    tail = f" {fp_str(box)} re"
    rects = " ".join([f"{xs[c]} {ys[r]} {ws[n]}{tail}" for r, c, n in runs])
    return f"q\n0 0 0 rg\nn {rects}\nf*\nQ"


class _FastFlate(pdfdoc.PDFStreamFilterZCompress):
    """Flate at zlib level 2 for the page content: about a third of level 6's time (the
    default's, ≈ 0.4 ms for a 处理单 page) for a stream a few hundred bytes larger."""

    def encode(self, text: str | bytes) -> bytes:
        return zlib.compress(text.encode("utf8") if isinstance(text, str) else text, 2)


_FAST_FLATE = _FastFlate()


def compress_fast(page: Any) -> None:
    """Give a page just shown its content stream as PDFPage.check_format would, but
    flate-compressed by `_FastFlate` (then ASCII85-encoded if reportlab's settings say
    so, as it does)."""
    if page.Contents or not page.compression or not page.stream:
        return
    stream = pdfdoc.PDFStream()
    stream.filters = [pdfdoc.PDFBase85Encode, _FAST_FLATE] if rl_config.useA85 \
        else [_FAST_FLATE]
    stream.content = page.stream
    stream.__Comment__ = "page stream"
    page.Contents = stream
