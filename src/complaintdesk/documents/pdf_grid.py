"""The bordered label/value grids of the printed forms (`Grid` → `GridBlock`), long text
blocks that flow over page breaks, and the signature boxes."""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from reportlab.lib.colors import Color
from reportlab.lib.rl_accel import fp_str
from reportlab.platypus import (
    Flowable,
)

from complaintdesk.documents.pdf_common import CONTENT_W, LABEL_BG, SIDE_BG
from complaintdesk.documents.pdf_text import CellText, draw_plain_texts, para, styles

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

