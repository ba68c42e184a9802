"""What every printed form shares (DESIGN §7): the print context, the page chrome
(header with dealership, title, number and print date on every page; footer with
"第 x 页 / 共 y 页" and a QR code of the number), paragraph styles and a grid builder
for the bordered label/value tables.

A document may hold several forms (a batch of slips): each starts with a
`FormHeader` flowable, and the page numbering restarts for each form.
"""

from __future__ import annotations

import io
import itertools
import zlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import lru_cache
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape
from zoneinfo import ZoneInfo

from reportlab import rl_config
from reportlab.lib import colors
from reportlab.lib.colors import Color
from reportlab.lib.enums import TA_CENTER, TA_LEFT, TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.rl_accel import fp_str
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.textsplit import wordSplit
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfdoc
from reportlab.pdfbase.pdfmetrics import getFont, stringWidth
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    BaseDocTemplate,
    Flowable,
    Frame,
    PageTemplate,
    Paragraph,
)
from reportlab.platypus.paragraph import _wsc, cleanBlockQuotedText

from complaintdesk.documents.fonts import DocText, register_cjk_font, seed_glyphs
from complaintdesk.documents.qr import qr_modules
from complaintdesk.documents.safe_text import clean
from complaintdesk.domain.records import Employee, Penalty, PenaltyKind

PAGE_W, PAGE_H = A4
MARGIN_X = 14 * mm
HEADER_H = 21 * mm  # band at the top of every page, above the frame
FOOTER_H = 15 * mm
CONTENT_W = PAGE_W - 2 * MARGIN_X

LABEL_BG = colors.HexColor("#EDEDED")
SIDE_BG = colors.HexColor("#E2E2E2")
MUTED = colors.HexColor("#555555")
ALERT = colors.HexColor("#B00000")


@dataclass(slots=True)
class PrintContext:
    """Everything a form needs besides the records themselves.

    The lookups turn ids on the records into the names printed on paper; whatever is
    missing prints as an empty box rather than an id.
    """

    dealership_name: str
    printed_at: datetime  # aware; shown in `tz`
    tz: str = "Asia/Shanghai"
    logo_path: Path | str | None = None
    departments: dict[int, str] = field(default_factory=dict)
    users: dict[int, str] = field(default_factory=dict)  # user id → display name
    employees: dict[int, Employee] = field(default_factory=dict)
    case_numbers: dict[int, str] = field(default_factory=dict)  # case id → FK-…
    rule_clauses: dict[str, str] = field(default_factory=dict)  # rule id → 依据条款 text

    def local(self, dt: datetime) -> datetime:
        return dt.astimezone(ZoneInfo(self.tz))

    def fmt_dt(self, dt: datetime | str | None) -> str:
        """2026-11-05 14:30 in the dealership's time zone; "" for None."""
        if dt is None or dt == "":
            return ""
        if isinstance(dt, str):  # ISO strings stored in StepRecord.data
            try:
                dt = datetime.fromisoformat(dt)
            except ValueError:
                return dt
        if dt.tzinfo is None:
            return dt.strftime("%Y-%m-%d %H:%M")
        return self.local(dt).strftime("%Y-%m-%d %H:%M")

    def fmt_date(self, d: date | datetime | None) -> str:
        if d is None:
            return ""
        if isinstance(d, datetime):
            d = self.local(d).date() if d.tzinfo else d.date()
        return d.strftime("%Y-%m-%d")

    def department(self, dept_id: int | None) -> str:
        return self.departments.get(dept_id, "") if dept_id is not None else ""

    def clause(self, rule_id: str) -> str:
        """The clause text a slip prints as 依据条款; the id when the rule is unknown."""
        return self.rule_clauses.get(rule_id) or rule_id

    def user(self, user_id: int | None) -> str:
        return self.users.get(user_id, "") if user_id is not None else ""

    def employee(self, employee_id: int | None) -> Employee | None:
        return self.employees.get(employee_id) if employee_id is not None else None

    def employee_name(self, employee_id: int | None) -> str:
        emp = self.employee(employee_id)
        return emp.name if emp else ""

    def case_number(self, case_id: int | None) -> str:
        return self.case_numbers.get(case_id, "") if case_id is not None else ""


# ---- text -------------------------------------------------------------------------------


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


def penalties_text(penalties: Iterable[Penalty]) -> str:
    """罚款 ¥100、绩效扣分 2 分、警告 — how penalties read on paper."""
    parts = []
    for p in penalties:
        if p.kind in (PenaltyKind.FINE, PenaltyKind.DEPT_BONUS_CUT, PenaltyKind.BONUS):
            parts.append(f"{p.kind.label} ¥{p.amount}")
        elif p.kind in (PenaltyKind.POINTS, PenaltyKind.DEPT_POINTS, PenaltyKind.REWARD_POINTS):
            parts.append(f"{p.kind.label} {p.points} 分")
        else:
            parts.append(p.kind.label)
        if p.note:
            parts[-1] += f"({p.note})"
    return "、".join(parts)


def yes_no(value: Any) -> str:
    if value is None or value == "":
        return ""
    return "是" if value else "否"


# ---- grids ------------------------------------------------------------------------------

SIDE_W = 58.0
LABEL_W = 60.0


def grid_widths(side: bool) -> list[float]:
    """Column widths: [side,] (label, value) × 3 — identical on every block of a form."""
    rest = CONTENT_W - (SIDE_W if side else 0)
    value_w = (rest - 3 * LABEL_W) / 3
    cols = [LABEL_W, value_w] * 3
    return [SIDE_W, *cols] if side else cols


class Grid:
    """Builds one bordered block: optional side caption spanning all rows, then rows of
    label/value pairs or a label with a wide value. Empty values make empty boxes.

    Borders are drawn per logical cell (not a table grid) so that a long text can be cut
    into several rows inside one box: the block then breaks between those rows and the
    text flows onto the next page.
    """

    def __init__(self, side: Flowable | str | None = None) -> None:
        self.side = side
        self.off = 1 if side is not None else 0
        self.widths = grid_widths(bool(self.off))
        self.rows: list[GridRow] = []
        self.boxes: list[tuple[int, int, int, int, float]] = []
        self.fills: list[tuple[int, int, int, int, Color]] = []
        self.breakable = False  # holds a text cut into rows: the block may break pages

    def _add(self, cells: list[GridCell], min_h: float, blank: bool) -> int:
        # `blank`: the row has an empty box or a column its cells do not cover
        self.rows.append(GridRow(cells, min_h, blank))
        return len(self.rows) - 1

    def _box(self, c0: int, r0: int, c1: int, r1: int, label: bool = False) -> None:
        self.boxes.append((c0, r0, c1, r1, 0.5))
        if label:
            self.fills.append((c0, r0, c1, r1, LABEL_BG))

    def pairs(self, *pairs: tuple[str, Any], min_h: float = 15) -> Grid:
        """Up to three label/value pairs; the last value stretches to the right edge."""
        cells: list[GridCell] = []
        blank = len(pairs) < 3
        r = len(self.rows)
        for i, (label, value) in enumerate(pairs):
            c = self.off + 2 * i
            last = self.off + 5 if i == len(pairs) - 1 else c + 1
            cells.append(GridCell(c, c, para(label, "label"), MIDDLE))
            v = _cell(value)
            if v is None:
                blank = True
            else:
                cells.append(GridCell(c + 1, last, v, MIDDLE))
            self._box(c, r, c, r, label=True)
            self._box(c + 1, r, last, r)
        self._add(cells, min_h, blank)
        return self

    def text(self, label: str, value: Any, min_h: float = 15, style: str = "value") -> Grid:
        """A label and a wide value; a long text is cut into rows that may break pages."""
        width = sum(self.widths[self.off + 1:]) - 2 * PAD_X
        chunks = split_text(value, width, style) if value not in (None, "") else [None]
        r0 = len(self.rows)
        last = len(chunks) - 1
        for i, chunk in enumerate(chunks):
            cells: list[GridCell] = []
            if i == 0:
                cells.append(GridCell(self.off, self.off, para(label, "label"),
                                      MIDDLE if last == 0 else TOP))
            if chunk is not None:
                # the pieces of one text sit flush on each other
                cells.append(GridCell(self.off + 1, self.off + 5, chunk, TOP,
                                      top=PAD_T if i == 0 else 0,
                                      bottom=PAD_B if i == last else 0))
            self._add(cells, min_h if last == 0 else 0, True)
        r1 = len(self.rows) - 1
        self.breakable = self.breakable or r1 > r0
        self.fills.append((self.off, r0, self.off, r1, LABEL_BG))
        self.boxes += [(self.off, r0, self.off, r1, 0.5), (self.off + 1, r0, self.off + 5, r1, 0.5)]
        return self

    def wide(self, value: Any, min_h: float = 15, shaded: bool = False) -> Grid:
        """One cell across the whole block (a caption or a free note)."""
        r = len(self.rows)
        v = _cell(value)
        cells = [] if v is None else [GridCell(self.off, self.off + 5, v,
                                               MIDDLE if shaded else TOP)]
        self._add(cells, min_h, True)
        self._box(self.off, r, self.off + 5, r, label=shaded)
        return self

    def table(self) -> GridBlock:
        """The block as one flowable."""
        if not self.rows:  # a block with nothing to say still prints as one empty box
            self.wide("")
        n = len(self.rows)
        boxes, fills = self.boxes, self.fills
        caption: Flowable | None = None
        continued: Flowable | None = None
        span = False
        if self.off:
            fills = [(0, 0, 0, n - 1, SIDE_BG), *fills]
            boxes = [(0, 0, 0, n - 1, 0.5), *boxes]
            caption = self.side if isinstance(self.side, Flowable) else para(self.side, "side")
            # a short block: the caption spans the rows and grows them to fit; a block that
            # may break prints it centred on each part, marked (续) after the break
            span = not self.breakable
            if not span:
                continued = para(
                    f"{self.side}（续）" if isinstance(self.side, str) else "（续）", "side")
        boxes = [*boxes, (0, 0, len(self.widths) - 1, n - 1, 1.0)]
        return GridBlock(self.widths, self.rows, boxes, fills, caption, span, continued)


TOP, MIDDLE = "TOP", "MIDDLE"
PAD_X = 3
PAD_T = 2
PAD_B = 2.5
CHUNK_LINES = 3
# An empty box is as tall as one line of reportlab's default cell font (10 pt, leading 12)
# plus the paddings: what the forms looked like when they were reportlab Tables.
BLANK_H = 12 + PAD_T + PAD_B
_FUZZ = 1e-6


@dataclass(slots=True)
class GridCell:
    """One filled cell: columns c0..c1 of its row, content, vertical alignment, paddings."""

    c0: int
    c1: int
    content: Flowable
    valign: str = TOP
    top: float = PAD_T
    bottom: float = PAD_B
    left: float = PAD_X
    right: float = PAD_X


@dataclass(slots=True)
class GridRow:
    cells: list[GridCell]
    min_h: float = 0
    blank: bool = False  # has an empty box: at least BLANK_H tall
    fixed_h: float | None = None


class GridBlock(Flowable):
    """A bordered block of rows on fixed columns, laid out and drawn in one pass.

    The geometry is that of a reportlab Table with the same cells (a row is as tall as
    its tallest cell plus paddings, at least its minimum; a caption spanning all rows
    grows them evenly; it breaks between rows), without the Table's per-cell style
    machinery: backgrounds are filled, then the cells drawn, then every border stroked
    as one path per line width.
    """

    def __init__(
        self, widths: Sequence[float], rows: list[GridRow],
        boxes: Sequence[tuple[Any, ...]],
        fills: list[tuple[int, int, int, int, Color]],
        caption: Flowable | None = None, span: bool = False,
        caption_continued: Flowable | None = None, keep: bool = False,
        continued: bool = False,
    ) -> None:
        super().__init__()
        self.widths = list(widths)
        self.xs = list(itertools.accumulate(self.widths, initial=0.0))
        self.rows = rows
        # (c0, r0, c1, r1, line width, open at the top, open at the bottom): a box cut
        # by a page break stays open at the cut, as a reportlab Table's BOX does
        self.boxes = [b if len(b) == 7 else (*b, False, False) for b in boxes]
        self.fills = fills
        self.caption = caption
        self.span = span  # the caption is a cell spanning every row (the block can't break)
        self.caption_continued = caption_continued
        self.keep = keep or span
        self.continued = continued
        self.hAlign = "CENTER"
        self.heights: list[float] | None = None
        self._cap_h = 0.0

    # -- layout ---------------------------------------------------------------------------
    def _layout(self) -> list[float]:
        if self.heights is not None:
            return self.heights
        canv = getattr(self, "canv", None)
        xs = self.xs
        # a caption drawn over the column (not a spanning cell) leaves a blank in each row
        side_blank = self.caption is not None and not self.span
        heights = []
        for row in self.rows:
            if row.fixed_h is not None:
                for c in row.cells:
                    c.content.wrapOn(canv, xs[c.c1 + 1] - xs[c.c0] - c.left - c.right,
                                     row.fixed_h - c.top - c.bottom)
                heights.append(row.fixed_h)
                continue
            h = BLANK_H if row.blank or side_blank else 0.0
            for c in row.cells:
                _, ch = c.content.wrapOn(canv, xs[c.c1 + 1] - xs[c.c0] - c.left - c.right,
                                         72000 - c.top - c.bottom)
                h = max(h, ch + c.top + c.bottom)
            heights.append(max(row.min_h, h))
        if self.caption is not None:
            _, ch = self.caption.wrapOn(canv, self.widths[0] - 2 * PAD_X, 72000)
            self._cap_h = ch
            need = ch + PAD_T + PAD_B
            total = sum(heights)
            if self.span and total < need - _FUZZ:
                extra = (need - total) / len(heights)
                heights = [h + extra for h in heights]
        self.heights = heights
        return heights

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:  # noqa: N803
        self.width = self.xs[-1]
        self.height = sum(self._layout())
        return self.width, self.height

    def split(self, availWidth: float, availHeight: float) -> list[Flowable]:  # noqa: N803
        heights = self._layout()
        if self.keep:
            return []
        n, h = 0, 0.0
        for rh in heights:
            if h + rh > availHeight:
                break
            h += rh
            n += 1
        if n == 0:
            return []
        if n == len(heights):
            return [self]
        return [self._part(0, n, self.continued), self._part(n, len(heights), True)]

    def _part(self, r0: int, r1: int, continued: bool) -> GridBlock:
        fills = [(c0, max(a, r0) - r0, c1, min(b, r1 - 1) - r0, color)
                 for c0, a, c1, b, color in self.fills if a < r1 and b >= r0]
        boxes = [(c0, max(a, r0) - r0, c1, min(b, r1 - 1) - r0, lw, top or a < r0, bottom or b >= r1)
                 for c0, a, c1, b, lw, top, bottom in self.boxes if a < r1 and b >= r0]
        part = GridBlock(self.widths, self.rows[r0:r1], boxes, fills,
                         self.caption, False, self.caption_continued, continued=continued)
        part.heights = self.heights[r0:r1] if self.heights is not None else None
        return part

    # -- drawing --------------------------------------------------------------------------
    def draw(self) -> None:
        """Backgrounds, cells, caption, borders. The backgrounds and borders are written as
        the very operators the canvas's saveState / setFillColor / drawPath … restoreState
        write (the same bytes), without its graphics-state bookkeeping and with each
        coordinate formatted once: a block has a few columns and rows but dozens of
        boxes."""
        canv = self.canv
        heights = self._layout()
        xs = self.xs
        # row tops, from the top of the block down
        tops = [self.height - h for h in itertools.accumulate(heights, initial=0.0)]
        rect = _Rects(xs, tops)
        code = canv._code

        code.append("q")
        by_color: dict[Color, list[str]] = {}
        for c0, r0, c1, r1, color in self.fills:
            by_color.setdefault(color, []).append(rect(c0, r0, c1, r1))
        for color, rects in by_color.items():
            code.append(_fill_color(color))
            code.append("n " + " ".join(rects))
            code.append("f*")
        code.append("Q")

        plain: list[tuple[float, float, CellText]] = []
        for r, row in enumerate(self.rows):
            y0, rh = tops[r + 1], heights[r]
            for c in row.cells:
                f = c.content  # laid out by _layout at this width
                if c.valign == MIDDLE:
                    y = y0 + (rh + c.bottom - c.top - f.height) / 2
                else:
                    y = y0 + rh - c.top - f.height
                if isinstance(f, CellText) and f.plain:
                    plain.append((xs[c.c0] + c.left, y, f))
                else:
                    f.drawOn(canv, xs[c.c0] + c.left, y)
        if plain:
            draw_plain_texts(canv, plain)
        cap = self.caption_continued if self.continued else self.caption
        if cap is not None:
            cap.wrapOn(canv, self.widths[0] - 2 * PAD_X, self.height)
            if self.span:
                y = (self.height + PAD_B - PAD_T - cap.height) / 2
            else:
                y = max((self.height - cap.height) / 2, 0)
            cap.drawOn(canv, PAD_X, y)

        # round caps and joins, black (as setLineCap(1), setLineJoin(1), setStrokeColor)
        code.append("q")
        code.append("1 J")
        code.append("1 j")
        code.append("0 0 0 RG")
        by_width: dict[float, list[str]] = {}
        for c0, r0, c1, r1, lw, open_top, open_bottom in self.boxes:
            path = by_width.setdefault(lw, [])
            if not (open_top or open_bottom):
                path.append(rect(c0, r0, c1, r1))
                continue
            x0, x1, y0, y1 = xs[c0], xs[c1 + 1], tops[r1 + 1], tops[r0]
            for x in (x0, x1):
                path.append(f"{fp_str(x, y0)} m")
                path.append(f"{fp_str(x, y1)} l")
            for y, cut in ((y1, open_top), (y0, open_bottom)):
                if not cut:
                    path.append(f"{fp_str(x0, y)} m")
                    path.append(f"{fp_str(x1, y)} l")
        for lw, ops in by_width.items():
            code.append(f"{fp_str(lw)} w")
            code.append("n " + " ".join(ops))
            code.append("S")
        code.append("Q")


class _Rects:
    """`x y w h re` of the box over columns c0..c1 and rows r0..r1 of a block, as a
    canvas path's `rect` writes it, each number formatted once per block."""

    def __init__(self, xs: Sequence[float], tops: Sequence[float]) -> None:
        self.xs, self.tops = xs, tops
        self.x = [fp_str(x) for x in xs]
        self.y = [fp_str(t) for t in tops]
        self.w: dict[tuple[int, int], str] = {}
        self.h: dict[tuple[int, int], str] = {}

    def __call__(self, c0: int, r0: int, c1: int, r1: int) -> str:
        w = self.w.get((c0, c1))
        if w is None:
            w = self.w[c0, c1] = fp_str(self.xs[c1 + 1] - self.xs[c0])
        h = self.h.get((r0, r1))
        if h is None:
            h = self.h[r0, r1] = fp_str(self.tops[r0] - self.tops[r1 + 1])
        return f"{self.x[c0]} {self.y[r1 + 1]} {w} {h} re"


@lru_cache(maxsize=64)
def _fill_color(color: Color) -> str:
    """The operator `canv.setFillColor(color)` writes for an opaque RGB colour."""
    if type(color) is not Color or color.alpha not in (None, 1):
        raise ValueError(f"the form grids fill with opaque RGB colours only: {color!r}")
    return f"{fp_str(color.red, color.green, color.blue)} rg"


def split_text(value: Any, width: float, style: str = "value") -> list[Any]:
    """A paragraph, or — when taller than a few lines — consecutive pieces of it."""
    p = para(value, style)
    lead = styles()[style].leading
    _, h = p.wrap(width, 1e6)
    if h <= lead * (CHUNK_LINES + 2):
        return [p]
    pieces: list[Any] = []
    rest = p
    while True:
        parts = rest.split(width, lead * CHUNK_LINES + 1)
        if len(parts) < 2:
            pieces.append(rest)
            return pieces
        pieces.append(parts[0])
        rest = parts[1]


def text_block(label: str, value: Any, style: str = "long") -> GridBlock:
    """A long text across the full width: a shaded caption row, then the text cut into
    rows so that it flows over page breaks."""
    chunks = split_text(value, CONTENT_W - 2 * PAD_X, style)
    last = len(chunks)
    rows = [GridRow([GridCell(0, 0, para(label, "label"))])]
    rows += [GridRow([GridCell(0, 0, c, top=PAD_T if i == 1 else 0,
                               bottom=3 if i == last else 0)])
             for i, c in enumerate(chunks, 1)]
    return GridBlock([CONTENT_W], rows,
                     [(0, 0, 0, 0, 0.5), (0, 0, 0, last, 1.0)], [(0, 0, 0, 0, LABEL_BG)])


def _cell(value: Any, style: str = "value") -> Flowable | None:
    """The content of a value box; None for an empty box."""
    if isinstance(value, Flowable):
        return value
    return para(value, style) if value not in (None, "") else None


def signature_table(roles: Sequence[str], sign_h: float = 24, seal: str = "") -> Flowable:
    """One box per signer: the role on top, room to sign, a date line at the bottom.

    `seal` adds a wider last box with that caption and nothing to sign on (the 公司盖章
    box beside the general manager's signature, seed 003 一.13).
    """
    n = len(roles) + (1 if seal else 0)
    unit = CONTENT_W / (n + (0.5 if seal else 0))
    widths = [unit] * len(roles) + ([CONTENT_W - unit * len(roles)] if seal else [])
    # "日期:      年    月    日" with no-break spaces, drawn as the Paragraph of that
    # markup draws it (one line, each character after the other)
    date_line = "日期：" + "\xa0" * 6 + "年" + "\xa0" * 4 + "月" + "\xa0" * 4 + "日"
    # every box holds the same two lines: one flowable each, laid out once
    sign, dated = para("签字："), CellText(date_line, styles()["small"])

    def cell(c: int, f: Flowable, valign: str = TOP) -> GridCell:
        return GridCell(c, c, f, valign, top=2, bottom=2, left=4, right=6)

    captions = [*roles, seal] if seal else list(roles)
    body = [cell(c, sign) for c in range(len(roles))]
    if seal:
        body.append(cell(len(roles), para("（加盖公司公章）", "small"), MIDDLE))
    rows = [
        GridRow([cell(c, para(r, "label"), MIDDLE) for c, r in enumerate(captions)], fixed_h=14),
        GridRow(body, fixed_h=sign_h),
        GridRow([cell(c, dated) for c in range(n)], fixed_h=13),
    ]
    boxes = [(0, 0, n - 1, 0, 0.5), *[(c, 0, c, 2, 0.5) for c in range(n)],
             (0, 0, n - 1, 2, 1.0)]
    return GridBlock(widths, rows, boxes, [(0, 0, n - 1, 0, LABEL_BG)], keep=True)


# ---- page chrome ------------------------------------------------------------------------


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
        self.canv._cd_header = self.info  # type: ignore[attr-defined]


@lru_cache(maxsize=512)
def _qr_runs(text: str) -> tuple[int, tuple[tuple[int, int, int], ...]]:
    """QR modules of `text` as (module count, dark runs (row, first column, length))."""
    modules = qr_modules(text)
    runs = []
    for r, row in enumerate(modules):
        c = 0
        for dark, group in itertools.groupby(bool(m) for m in row):
            n = len(list(group))
            if dark:
                runs.append((r, c, n))
            c += n
    return len(modules), tuple(runs)


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
    rects = " ".join(f"{fp_str(x + c * box, y + size - (r + 1) * box, n * box, box)} re"
                     for r, c, n in runs)
    return f"q\n0 0 0 rg\nn {rects}\nf*\nQ"


class _FastFlate(pdfdoc.PDFStreamFilterZCompress):
    """Flate at zlib level 2 for the page content: about a third of level 6's time (the
    default's, ≈ 0.4 ms for a 处理单 page) for a stream a few hundred bytes larger."""

    def encode(self, text: str | bytes) -> bytes:
        return zlib.compress(text.encode("utf8") if isinstance(text, str) else text, 2)


_FAST_FLATE = _FastFlate()


def _compress_fast(page: Any) -> None:
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
                _compress_fast(self._doc.Pages.pages[-1])
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
