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
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import lru_cache
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape
from zoneinfo import ZoneInfo

from reportlab.graphics.barcode import qrencoder
from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_LEFT, TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    BaseDocTemplate,
    Flowable,
    Frame,
    KeepTogether,
    PageTemplate,
    Paragraph,
    Table,
    TableStyle,
)
from reportlab.platypus.paragraph import cleanBlockQuotedText

from complaintdesk.documents.fonts import register_cjk_font
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
    s = "" if text is None else str(text)
    s = escape(s.replace("\r\n", "\n"))
    # a Paragraph collapses U+3000 like any whitespace; keep the customer's indentation
    return s.replace("\u3000", "&nbsp;&nbsp;").replace("\n", "<br/>")


# Characters that make a Paragraph more than one plain run of text: markup, line breaks,
# U+3000 (kept as two &nbsp;) and whitespace other than the spaces it collapses.
_NOT_PLAIN = frozenset("&<>\n\r\u3000\xa0\x0b\x0c\u2028\u2029")


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


class CellText(Flowable):
    """A short plain text drawn exactly as a one-line CJK Paragraph of the same style
    (same glyphs, same place) without parsing markup or measuring it glyph by glyph.

    Most cells of a form hold a name, a number or a date that fits its column; as a
    Paragraph each one costs an XML parse and a per-character line break on every
    wrap. When the text does not fit the width it is given, it becomes that Paragraph.
    """

    def __init__(self, text: str, style: ParagraphStyle) -> None:
        super().__init__()
        self.text = cleanBlockQuotedText(text)  # what the Paragraph parser would keep
        self.style = style
        self.text_w = stringWidth(self.text, style.fontName, style.fontSize)
        self.para: Paragraph | None = None

    def _fits(self, avail_w: float) -> bool:
        st = self.style
        return self.text_w <= avail_w - st.leftIndent - st.firstLineIndent - st.rightIndent \
            - 0.01

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:  # noqa: N803
        if self.para is None and not self.text:
            self.width, self.height = availWidth, 0
        elif self.para is None and self._fits(availWidth):
            self.width, self.height = availWidth, self.style.leading
        else:
            if self.para is None:
                self.para = WrapOnceParagraph(escape(self.text), self.style)
            self.width, self.height = self.para.wrap(availWidth, availHeight)
        return self.width, self.height

    def split(self, availWidth: float, availHeight: float) -> list[Flowable]:  # noqa: N803
        if self.para is None:
            self.wrap(availWidth, availHeight)
        return self.para.split(availWidth, availHeight) if self.para is not None else []

    def drawOn(self, canvas: Canvas, x: float, y: float, _sW: float = 0) -> None:  # noqa: N802,N803
        if self.para is not None:
            self.para.drawOn(canvas, x, y, _sW)
            return
        if not self.text:
            return
        st = self.style
        # Paragraph: baseline at height - fontSize; centred in the space left on the line
        dx = st.leftIndent + st.firstLineIndent
        if st.alignment == TA_CENTER:
            dx += (self.width - dx - st.rightIndent - self.text_w) / 2
        elif st.alignment == TA_RIGHT:
            dx = self.width - st.rightIndent - self.text_w
        canvas.saveState()
        canvas.setFillColor(st.textColor)
        canvas.setFont(st.fontName, st.fontSize, st.leading)
        canvas.drawString(x + dx, y + self.height - st.fontSize, self.text)
        canvas.restoreState()


def para(text: Any, style: str = "value") -> Flowable:
    """The text as a Paragraph of the style; a plain one-line text as a `CellText`."""
    s = "" if text is None else str(text)
    st = styles()[style]
    if st.alignment in (TA_LEFT, TA_CENTER, TA_RIGHT) and _NOT_PLAIN.isdisjoint(s):
        return CellText(s, st)
    return WrapOnceParagraph(markup(s), st)


def rich(markup_text: str, style: str = "value") -> Paragraph:
    """A paragraph from markup the caller built (already escaped)."""
    return WrapOnceParagraph(markup_text, styles()[style])


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
    into several table rows inside one box: the table then breaks between those rows and
    the text flows onto the next page.
    """

    def __init__(self, side: Flowable | str | None = None) -> None:
        self.side = side
        self.off = 1 if side is not None else 0
        self.widths = grid_widths(bool(self.off))
        self.rows: list[list[Any]] = []
        self.min_heights: list[float] = []
        self.cmds: list[tuple[Any, ...]] = []
        self.breakable = False  # holds a text cut into rows: the table may break pages

    def _add(self, cells: list[Any], min_h: float) -> int:
        self.rows.append([""] * self.off + cells)
        self.min_heights.append(min_h)
        return len(self.rows) - 1

    def _box(self, c0: int, r0: int, c1: int, r1: int, label: bool = False) -> None:
        self.cmds.append(("BOX", (c0, r0), (c1, r1), 0.5, colors.black))
        if (c0, r0) != (c1, r1) and r0 == r1:
            self.cmds.append(("SPAN", (c0, r0), (c1, r1)))
        if label:
            self.cmds.append(("BACKGROUND", (c0, r0), (c1, r1), LABEL_BG))
            self.cmds.append(("VALIGN", (c0, r0), (c1, r1), "MIDDLE"))

    def pairs(self, *pairs: tuple[str, Any], min_h: float = 15) -> Grid:
        """Up to three label/value pairs; the last value stretches to the right edge."""
        cells: list[Any] = []
        for label, value in pairs:
            cells += [para(label, "label"), _cell(value)]
        cells += [""] * (6 - len(cells))
        r = self._add(cells, min_h)
        for i in range(len(pairs)):
            c = self.off + 2 * i
            self._box(c, r, c, r, label=True)
            last = self.off + 5 if i == len(pairs) - 1 else c + 1
            self._box(c + 1, r, last, r)
        self.cmds.append(("VALIGN", (self.off, r), (self.off + 5, r), "MIDDLE"))
        return self

    def text(self, label: str, value: Any, min_h: float = 15, style: str = "value") -> Grid:
        """A label and a wide value; a long text is cut into rows that may break pages."""
        width = sum(self.widths[self.off + 1:]) - 2 * PAD_X
        chunks = split_text(value, width, style) if value not in (None, "") else [""]
        r0 = len(self.rows)
        for i, chunk in enumerate(chunks):
            first = para(label, "label") if i == 0 else ""
            self._add([first, chunk, "", "", "", ""], min_h if len(chunks) == 1 else 0)
            self.cmds.append(("SPAN", (self.off + 1, r0 + i), (self.off + 5, r0 + i)))
        r1 = len(self.rows) - 1
        self.breakable = self.breakable or r1 > r0
        # no vertical spans: reportlab cannot break a table inside one
        self.cmds += [
            ("BACKGROUND", (self.off, r0), (self.off, r1), LABEL_BG),
            ("BOX", (self.off, r0), (self.off, r1), 0.5, colors.black),
            ("BOX", (self.off + 1, r0), (self.off + 5, r1), 0.5, colors.black),
        ]
        if r1 > r0:
            self.cmds.append(("TOPPADDING", (self.off + 1, r0 + 1), (self.off + 1, r1), 0))
            self.cmds.append(("BOTTOMPADDING", (self.off + 1, r0), (self.off + 1, r1 - 1), 0))
        else:
            self.cmds.append(("VALIGN", (self.off, r0), (self.off, r0), "MIDDLE"))
        return self

    def wide(self, value: Any, min_h: float = 15, shaded: bool = False) -> Grid:
        """One cell across the whole block (a caption or a free note)."""
        r = self._add([_cell(value), "", "", "", "", ""], min_h)
        self._box(self.off, r, self.off + 5, r, label=shaded)
        return self

    def table(self) -> Table:
        if not self.rows:  # a block with nothing to say still prints as one empty box
            self.wide("")
        n = len(self.rows)
        cmds: list[tuple[Any, ...]] = [
            ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ("LEFTPADDING", (0, 0), (-1, -1), PAD_X),
            ("RIGHTPADDING", (0, 0), (-1, -1), PAD_X),
            ("TOPPADDING", (0, 0), (-1, -1), 2),
            ("BOTTOMPADDING", (0, 0), (-1, -1), 2.5),
        ]
        if self.off:
            cmds += [
                ("BACKGROUND", (0, 0), (0, n - 1), SIDE_BG),
                ("BOX", (0, 0), (0, n - 1), 0.5, colors.black),
            ]
            caption = self.side if isinstance(self.side, Flowable) else para(self.side, "side")
            if not self.breakable:
                # a short block: a plain vertical span, which also grows the rows to fit
                self.rows[0][0] = caption
                cmds += [("SPAN", (0, 0), (0, n - 1)), ("VALIGN", (0, 0), (0, n - 1), "MIDDLE")]
        cmds += self.cmds
        cmds.append(("BOX", (0, 0), (-1, -1), 1.0, colors.black))
        cls = CaptionTable if self.breakable else Table
        t = cls(self.rows, colWidths=self.widths, minRowHeights=self.min_heights)
        t.setStyle(TableStyle(cmds))
        if self.off and isinstance(t, CaptionTable):
            t.caption = caption
            t.caption_continued = para(
                f"{self.side}(续)" if isinstance(self.side, str) else "(续)", "side")
        return t


class CaptionTable(Table):
    """A table whose first column carries one caption, drawn centred over the whole
    column (instead of a vertical span, which would stop the table from breaking)."""

    caption: Flowable | None = None
    caption_continued: Flowable | None = None
    continued: bool = False

    def split(self, availWidth: float, availHeight: float) -> list[Flowable]:  # noqa: N803
        parts = super().split(availWidth, availHeight)
        for i, part in enumerate(parts):
            if isinstance(part, CaptionTable):
                part.caption = self.caption
                part.caption_continued = self.caption_continued
                part.continued = self.continued or i > 0
        return parts

    def draw(self) -> None:
        super().draw()
        if self.caption is None:
            return
        w = self._colWidths[0] - 2 * PAD_X
        cap = self.caption_continued if self.continued else self.caption
        if cap is None:
            return
        _, h = cap.wrap(w, self._height)
        y = max((self._height - h) / 2, 0)
        cap.drawOn(self.canv, PAD_X, y)


PAD_X = 3
CHUNK_LINES = 3


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


def text_block(label: str, value: Any, style: str = "long") -> Table:
    """A long text across the full width: a shaded caption row, then the text cut into
    rows so that it flows over page breaks."""
    chunks = split_text(value, CONTENT_W - 2 * PAD_X, style)
    rows = [[para(label, "label")], *[[c] for c in chunks]]
    n = len(rows)
    t = Table(rows, colWidths=[CONTENT_W])
    t.setStyle(TableStyle([
        ("BACKGROUND", (0, 0), (0, 0), LABEL_BG),
        ("LINEBELOW", (0, 0), (0, 0), 0.5, colors.black),
        ("BOX", (0, 0), (-1, -1), 1.0, colors.black),
        ("LEFTPADDING", (0, 0), (-1, -1), PAD_X),
        ("RIGHTPADDING", (0, 0), (-1, -1), PAD_X),
        ("TOPPADDING", (0, 0), (0, 1), 2),
        ("TOPPADDING", (0, 2), (0, n - 1), 0),
        ("BOTTOMPADDING", (0, 0), (0, 0), 2.5),
        ("BOTTOMPADDING", (0, 1), (0, n - 2), 0),
        ("BOTTOMPADDING", (0, n - 1), (0, n - 1), 3),
    ]))
    return t


def _cell(value: Any, style: str = "value") -> Any:
    if isinstance(value, Flowable | list):
        return value
    return para(value, style) if value not in (None, "") else ""


def signature_table(roles: Sequence[str], sign_h: float = 24) -> Flowable:
    """One box per signer: the role on top, room to sign, a date line at the bottom."""
    n = len(roles)
    w = CONTENT_W / n
    date_line = "日期:&nbsp;&nbsp;&nbsp;&nbsp;&nbsp;&nbsp;年&nbsp;&nbsp;&nbsp;&nbsp;月&nbsp;&nbsp;&nbsp;&nbsp;日"
    # every box holds the same two lines: one flowable each, laid out once
    sign, dated = para("签字:"), rich(date_line, "small")
    t = Table(
        [[para(r, "label") for r in roles], [sign] * n, [dated] * n],
        colWidths=[w] * n, rowHeights=[14, sign_h, 13],
    )
    t.setStyle(TableStyle([
        ("BOX", (0, 0), (-1, -1), 1.0, colors.black),
        ("INNERGRID", (0, 0), (-1, 0), 0.5, colors.black),
        ("LINEAFTER", (0, 0), (-2, -1), 0.5, colors.black),
        ("LINEBELOW", (0, 0), (-1, 0), 0.5, colors.black),
        ("BACKGROUND", (0, 0), (-1, 0), LABEL_BG),
        ("VALIGN", (0, 0), (-1, 0), "MIDDLE"),
        ("VALIGN", (0, 1), (-1, -1), "TOP"),
        ("LEFTPADDING", (0, 0), (-1, -1), 4),
        ("TOPPADDING", (0, 0), (-1, -1), 2),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 2),
    ]))
    return KeepTogether([t])


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
    qr = qrencoder.QRCode(None, qrencoder.QRErrorCorrectLevel.M)
    qr.addData(text)
    qr.make()
    runs = []
    for r, row in enumerate(qr.modules):
        c = 0
        for dark, group in itertools.groupby(bool(m) for m in row):
            n = len(list(group))
            if dark:
                runs.append((r, c, n))
            c += n
    return qr.getModuleCount(), tuple(runs)


def draw_qr(canv: Canvas, text: str, x: float, y: float, size: float) -> None:
    """Draw a QR code as one filled path (reportlab's widget makes a shape per run,
    which costs ~30 ms a page)."""
    count, runs = _qr_runs(text)
    box = size / count
    path = canv.beginPath()
    for r, c, n in runs:
        path.rect(x + c * box, y + size - (r + 1) * box, n * box, box)
    canv.saveState()
    canv.setFillColor(colors.black)
    canv.drawPath(path, stroke=0, fill=1)
    canv.restoreState()


def _make_canvas_class(ctx: PrintContext) -> type[Canvas]:
    font = register_cjk_font()
    printed = ctx.fmt_dt(ctx.printed_at)

    class FormCanvas(Canvas):
        """Defers header and footer until the page count of each form is known."""

        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            self._cd_pages: list[dict[str, Any]] = []
            self._cd_header: HeaderInfo | None = None

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
            self.setFont(font, 10)
            self.drawCentredString(PAGE_W / 2, top, ctx.dealership_name)
            if h:
                self.setFont(font, 16)
                self.drawCentredString(PAGE_W / 2, top - 7.5 * mm, h.title)
            y = PAGE_H - HEADER_H + 2.5 * mm
            self.setFont(font, 9)
            if h and h.number:
                self.drawString(MARGIN_X, y, f"编号:{h.number}")
            self.drawRightString(PAGE_W - MARGIN_X, y, f"打印日期:{printed}")
            self.setLineWidth(0.8)
            self.line(MARGIN_X, y - 1.5 * mm, PAGE_W - MARGIN_X, y - 1.5 * mm)
            # footer
            fy = 6 * mm
            self.setLineWidth(0.4)
            self.line(MARGIN_X, FOOTER_H - 1.5 * mm, PAGE_W - MARGIN_X, FOOTER_H - 1.5 * mm)
            self.setFont(font, 8.5)
            self.drawCentredString(PAGE_W / 2, fy, f"第 {page} 页 / 共 {total} 页")
            self.setFont(font, 7)
            self.setFillColor(MUTED)
            self.drawString(MARGIN_X, fy, f"{ctx.dealership_name} · ComplaintDesk 打印")
            if h and h.number:
                qr = 10 * mm
                self.drawRightString(PAGE_W - MARGIN_X - qr - 2 * mm, fy, h.number)
                draw_qr(self, h.number, PAGE_W - MARGIN_X - qr, 2.5 * mm, qr)
            self.restoreState()

    return FormCanvas


def build_pdf(story: list[Flowable], ctx: PrintContext, title: str) -> bytes:
    """Lay the story out on A4 portrait with the form chrome; return the PDF bytes."""
    register_cjk_font()
    buf = io.BytesIO()
    doc = BaseDocTemplate(
        buf, pagesize=A4, leftMargin=MARGIN_X, rightMargin=MARGIN_X,
        topMargin=HEADER_H, bottomMargin=FOOTER_H,
        title=title, author=ctx.dealership_name, creator="ComplaintDesk",
    )
    frame = Frame(MARGIN_X, FOOTER_H, CONTENT_W, PAGE_H - HEADER_H - FOOTER_H, id="body",
                  leftPadding=0, rightPadding=0, topPadding=0, bottomPadding=0)
    doc.addPageTemplates([PageTemplate(id="form", frames=[frame])])
    doc.build(story, canvasmaker=_make_canvas_class(ctx))
    return buf.getvalue()
