"""Text on the printed forms: the paragraph styles on the CJK font, plain text made safe
for a Paragraph, and the flowables that draw plain cell text and step captions exactly as
the Paragraph of the same text would, without its per-character work."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from functools import lru_cache
from typing import Any
from xml.sax.saxutils import escape

from reportlab.lib.colors import Color
from reportlab.lib.enums import TA_CENTER, TA_LEFT, TA_RIGHT
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.textsplit import wordSplit
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    Flowable,
    Paragraph,
)
from reportlab.platypus.paragraph import _wsc, cleanBlockQuotedText

from complaintdesk.documents.fonts import register_cjk_font
from complaintdesk.documents.pdf_common import MUTED
from complaintdesk.documents.pdf_runs import TextRuns
from complaintdesk.documents.safe_text import clean


@lru_cache(maxsize=1)
def styles() -> dict[str, ParagraphStyle]:
    """Paragraph styles on the CJK font (built once, after the font is registered)."""
    font = register_cjk_font()
    base = ParagraphStyle("cd-base", fontName=font, fontSize=8.5, leading=11, wordWrap="CJK")
    return {
        "value": base,
        "label": ParagraphStyle("cd-label", parent=base, fontSize=7.5, leading=10,
                                alignment=TA_CENTER),
        "side": ParagraphStyle("cd-side", parent=base, fontSize=8.5, leading=11,
                               alignment=TA_CENTER),
        "small": ParagraphStyle("cd-small", parent=base, fontSize=7, leading=8.8),
        "small_c": ParagraphStyle("cd-small-c", parent=base, fontSize=7, leading=8.8,
                                  alignment=TA_CENTER, textColor=MUTED),
        "long": ParagraphStyle("cd-long", parent=base, fontSize=8, leading=10),
        "head": ParagraphStyle("cd-head", parent=base, fontSize=10, leading=13),
        "title": ParagraphStyle("cd-title", parent=base, fontSize=15, leading=19,
                                alignment=TA_CENTER),
    }


def markup(text: Any) -> str:
    """Plain text → Paragraph markup: escaped, line breaks kept, U+3000 kept as space."""
    s = "" if text is None else clean(str(text))  # what PDF text cannot hold (safe_text)
    s = escape(s.replace("\r\n", "\n"))
    # a Paragraph collapses U+3000 like any whitespace; keep the customer's indentation
    return s.replace("\u3000", "&nbsp;&nbsp;").replace("\n", "<br/>")


# Characters that make a Paragraph more than one plain run of text: markup, line breaks,
# U+3000 (kept as two &nbsp;) and whitespace other than the spaces it collapses.
_NOT_PLAIN = frozenset("&<>\n\r\u3000\xa0\x0b\x0c\u2028\u2029")
_NOT_PLAIN_LINES = _NOT_PLAIN - {"\n"}


# Whitespace a Paragraph strips, collapses or breaks lines at, other than the plain space.
_WS_NOT_SPACE = frozenset(_wsc) - {" "}


def clean_text(text: str) -> str:
    """The text a Paragraph keeps of a plain text (`cleanBlockQuotedText`): the text itself
    when it has no whitespace to strip or collapse, which is the usual case."""
    if _WS_NOT_SPACE.isdisjoint(text) and "  " not in text and text[:1] != " " \
            and text[-1:] != " ":
        return text
    return cleanBlockQuotedText(text)


class WrapOnceParagraph(Paragraph):
    """A Paragraph that lays itself out once per width: a table wraps every cell when it
    measures the rows and again when it draws them, and a CJK paragraph with markup
    (a step caption) is broken character by character each time."""

    _wrapped_w: float | None = None

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:  # noqa: N803
        if availWidth == self._wrapped_w:
            return self.width, self.height
        w, h = super().wrap(availWidth, availHeight)
        # (a width too small to hold anything is not laid out: nothing to keep)
        self._wrapped_w = availWidth if hasattr(self, "blPara") and w == availWidth else None
        return w, h


@lru_cache(maxsize=4096)
def _measured(text: str, font: str, size: float
              ) -> tuple[tuple[str, ...] | None, str, tuple[float, ...], float]:
    """A CellText's lines of its own (see `para`: drawn as they are while each fits; None
    for one), the text a Paragraph keeps, the width of each line and the widest. Cached:
    the labels and most values recur from form to form."""
    segments = tuple(text.split("\n")) if "\n" in text else None
    kept = text if segments else clean_text(text)
    widths = tuple(stringWidth(t, font, size) for t in segments or (kept,))
    return segments, kept, widths, max(widths)


class CellText(Flowable):
    """A plain text (no markup, no line breaks) drawn exactly as the CJK Paragraph of the
    same style draws it (same lines, same glyphs, same places) without parsing markup or
    building styled fragments.

    Most cells of a form hold a name, a number or a date that fits its column: one line.
    A longer one is broken into lines by `wordSplit`, which is what a Paragraph of one
    plain fragment does. Split across pages (a long text) it becomes that Paragraph.
    """

    def __init__(self, text: str, style: ParagraphStyle) -> None:
        super().__init__()
        self.style = style
        self.segments, self.text, self.seg_w, self.text_w = _measured(
            clean(text), style.fontName, style.fontSize)
        self.para: Paragraph | None = None
        # (space left, text) per line when the text takes more than one; None for one line
        self.lines: list[tuple[float, str]] | None = None
        self._lines_w: float | None = None

    def _fits(self, avail_w: float) -> bool:
        st = self.style
        return self.text_w <= avail_w - st.leftIndent - st.firstLineIndent - st.rightIndent \
            - 0.01

    def _paragraph(self) -> Paragraph:
        if self.para is None:
            self.para = WrapOnceParagraph(markup(self.text), self.style)
        return self.para

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:  # noqa: N803
        st = self.style
        if self.para is None and not self.text:
            self.width, self.height = availWidth, 0
        elif self.para is None and self.segments is None and self._fits(availWidth):
            self.lines = None
            self.width, self.height = availWidth, st.leading
        elif self.para is None and self.segments is not None and self._fits(availWidth) \
                and not (st.leftIndent or st.firstLineIndent or st.rightIndent):
            # a Paragraph breaks lines only at its <br/>s when each line fits
            self.lines = [(availWidth - w, t) for w, t in zip(self.seg_w, self.segments,
                                                              strict=True)]
            self.width, self.height = availWidth, st.leading * len(self.lines)
        elif self.para is None and self.segments is None \
                and not (st.leftIndent or st.firstLineIndent or st.rightIndent):
            if self._lines_w != availWidth:
                self.lines = [(float(sp), line) for sp, line in
                              wordSplit(self.text, [availWidth, availWidth], st.fontName,
                                        st.fontSize)]
                self._lines_w = availWidth
            self.width, self.height = availWidth, st.leading * len(self.lines or ())
        else:
            self.width, self.height = self._paragraph().wrap(availWidth, availHeight)
        return self.width, self.height

    def split(self, availWidth: float, availHeight: float) -> list[Flowable]:  # noqa: N803
        if not self.text:
            return []
        return self._paragraph().split(availWidth, availHeight)

    def drawOn(self, canvas: Canvas, x: float, y: float, _sW: float = 0) -> None:  # noqa: N802,N803
        if self.para is not None:
            self.para.drawOn(canvas, x, y, _sW)
        elif self.text:
            draw_plain_texts(canvas, [(x, y, self)])

    def runs(self, x: float, y: float) -> list[tuple[float, float, str]]:
        """(x, baseline, text) of each line when the flowable is drawn at x, y: as a
        Paragraph places them (first baseline at height - fontSize, one leading per line,
        the space left on a line split for centring)."""
        st = self.style
        top = y + self.height - st.fontSize
        if self.lines is None:
            dx = st.leftIndent + st.firstLineIndent
            if st.alignment == TA_CENTER:
                dx += (self.width - dx - st.rightIndent - self.text_w) / 2
            elif st.alignment == TA_RIGHT:
                dx = self.width - st.rightIndent - self.text_w
            return [(x + dx, top, self.text)]
        out = []
        for i, (space, line) in enumerate(self.lines):
            dx = space / 2 if st.alignment == TA_CENTER else \
                space if st.alignment == TA_RIGHT else 0.0
            out.append((x + dx, top - i * st.leading, line))
        return out

    @property
    def plain(self) -> bool:
        """Drawn as lines of text (not as a Paragraph)."""
        return self.para is None


def draw_plain_texts(canv: Canvas, items: Iterable[tuple[float, float, CellText]]) -> None:
    """Draw CellTexts (at their flowable positions) as one text object: the same glyphs at
    the same places as drawing each, without a graphics state and a text object per
    cell."""
    canv.saveState()
    out = TextRuns(canv)
    for x, y, cell in items:
        if not cell.text:
            continue
        st = cell.style
        out.style(st.fontName, st.fontSize, st.leading, st.textColor)
        for rx, ry, text in cell.runs(x, y):
            out.put(rx, ry, text)
    out.draw()
    canv.restoreState()



class CaptionLines(Flowable):
    """Short lines, each centred on its own line in its own size and colour — a step
    caption (title, time limit, who, when) — drawn as the Paragraph of the same markup
    draws them (`<br/>` between lines, `<font size color>` around each): a line too long
    for the width is broken where that Paragraph breaks it (`wordSplit`, as CellText).
    Markup, spaces to collapse or a first line in another size make it that Paragraph."""

    def __init__(self, lines: Sequence[tuple[str, float | None, Color | None]],
                 style: str = "side") -> None:
        super().__init__()
        self.style = styles()[style]
        st = self.style
        self.lines = [(clean_text(clean(t)), size or st.fontSize, color or st.textColor)
                      for t, size, color in lines]
        self.widths = [_measured(t, st.fontName, size)[3] for t, size, _ in self.lines]
        self.para: Paragraph | None = None
        # plain lines only: anything a Paragraph would parse or collapse goes to it
        self.plain = st.alignment == TA_CENTER and not getattr(st, "autoLeading", None) and all(
            t and _NOT_PLAIN.isdisjoint(t) and "  " not in t and t == t.strip()
            for t, _, _ in self.lines) and self.lines[0][1] == st.fontSize
        # the lines as drawn at `_drawn_w`: (text, size, colour, offset from the left)
        self._drawn: list[tuple[str, float, Color, float]] | None = None
        self._drawn_w: float | None = None

    def markup(self) -> str:
        st = self.style
        out = []
        for t, size, color in self.lines:
            m = markup(t)
            if size != st.fontSize or color != st.textColor:
                attrs = f' size="{size:g}"' if size != st.fontSize else ""
                if color != st.textColor:
                    attrs += f' color="#{color.hexval()[2:].upper()}"'
                m = f"<font{attrs}>{m}</font>"
            out.append(m)
        return "<br/>".join(out)

    def _fits(self, avail_w: float) -> bool:
        st = self.style
        room = avail_w - st.leftIndent - st.firstLineIndent - st.rightIndent - 0.01
        return self.plain and all(w <= room for w in self.widths)

    def _lay_out(self, avail_w: float) -> list[tuple[str, float, Color, float]] | None:
        """The lines as drawn at this width; None when it takes the Paragraph."""
        if avail_w == self._drawn_w:
            return self._drawn
        st = self.style
        if not self.plain:
            return None
        indented = st.leftIndent or st.firstLineIndent or st.rightIndent
        room = avail_w - st.leftIndent - st.firstLineIndent - st.rightIndent - 0.01
        out: list[tuple[str, float, Color, float]] = []
        for (t, size, color), w in zip(self.lines, self.widths, strict=True):
            if w <= room:
                out.append((t, size, color, st.leftIndent + (avail_w - st.leftIndent
                                                             - st.rightIndent - w) / 2))
            elif indented:
                return None
            else:  # as CellText: the Paragraph's lines, each centred in the space it leaves
                pieces = wordSplit(t, [avail_w, avail_w], st.fontName, size)
                if any(space < 0 or line[:1] == " " for space, line in pieces):
                    # a closing mark hangs past the edge (the Paragraph then adds an empty
                    # line before the next <br/>) or a line would start with the space
                    # after a CJK character (the Paragraph drops it): not followed here
                    return None
                out += [(line, size, color, float(space) / 2) for space, line in pieces]
        self._drawn, self._drawn_w = out, avail_w
        return out

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:  # noqa: N803
        drawn = self._lay_out(availWidth) if self.para is None else None
        if drawn is not None:
            self.width, self.height = availWidth, self.style.leading * len(drawn)
        else:
            if self.para is None:
                self.para = WrapOnceParagraph(self.markup(), self.style)
            self.width, self.height = self.para.wrap(availWidth, availHeight)
        return self.width, self.height

    def split(self, availWidth: float, availHeight: float) -> list[Flowable]:  # noqa: N803
        if self.para is None:
            self.para = WrapOnceParagraph(self.markup(), self.style)
        return self.para.split(availWidth, availHeight)

    def drawOn(self, canvas: Canvas, x: float, y: float, _sW: float = 0) -> None:  # noqa: N802,N803
        if self.para is not None:
            self.para.drawOn(canvas, x, y, _sW)
            return
        drawn = self._drawn or ()  # laid out by `wrap`
        st = self.style
        canvas.saveState()
        out = TextRuns(canvas)
        baseline = y + self.height - st.fontSize
        for t, size, c, dx in drawn:
            out.style(st.fontName, size, st.leading, c)
            out.put(x + dx, baseline, t)
            baseline -= st.leading
        out.draw()
        canvas.restoreState()


def para(text: Any, style: str = "value") -> Flowable:
    """The text as a Paragraph of the style; a plain text as a `CellText` (also lines
    separated by line breaks, each plain, non-empty and without spaces to collapse)."""
    s = "" if text is None else str(text)
    st = styles()[style]
    if st.alignment in (TA_LEFT, TA_CENTER, TA_RIGHT):
        if _NOT_PLAIN.isdisjoint(s):
            return CellText(s, st)
        if "\n" in s and _NOT_PLAIN_LINES.isdisjoint(s) \
                and all(t and clean_text(t) == t for t in s.split("\n")):
            return CellText(s, st)
    return WrapOnceParagraph(markup(s), st)



def yes_no(value: Any) -> str:
    if value is None or value == "":
        return ""
    return "是" if value else "否"

