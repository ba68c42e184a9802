"""The QR code of a form's number (DESIGN §7): reportlab's encoder, with its choice of
mask computed faster.

reportlab builds the whole symbol once per candidate mask (8 times) and scores each with
list-based loops — most of the cost of a form's footer. Here the symbol is built once,
each mask only flips the data modules, and the same scores (`QRUtil.getLostPoint`, as
reportlab computes them) are counted on strings. The mask chosen, and so the symbol, is
the one reportlab's `QRCode.make()` gives.
"""

from __future__ import annotations

import re
from functools import lru_cache
from itertools import zip_longest

from reportlab.graphics.barcode import qrencoder

_RUN = re.compile(r"0{5,}|1{5,}")
_FINDER = "10111010000"  # dark-light-dark×3-light-dark, then four light (rule 3)


def lost_point(rows: list[str]) -> int:
    """reportlab's `QRUtil.getLostPoint` of a symbol given as rows of '0'/'1'."""
    cols = ["".join(c) for c in zip(*rows, strict=True)]
    score = 0
    # rule 1: a run of five or more modules of one colour, in a row or a column: length - 2
    runs = _RUN.findall("2".join(rows + cols))  # (a run cannot cross the "2" between lines)
    score += sum(map(len, runs)) - 2 * len(runs)
    # rule 2: each 2×2 block of one colour: 3 (rows as bits: both dark / both light in
    # two rows, then in two neighbouring columns)
    full = (1 << len(rows[0])) - 1
    ints = [int(r, 2) for r in rows]
    for a, b in zip(ints, ints[1:], strict=False):
        dark, light = a & b, ~(a | b) & full
        score += 3 * ((dark & (dark >> 1)).bit_count() + (light & (light >> 1)).bit_count())
    # rule 3, as reportlab counts it: the finder-like pattern followed by four light
    # modules, left to right, not starting at the last possible place; in rows only (its
    # column pass compares tuples with a list, which never match)
    # (the pattern cannot overlap itself, so reportlab's skip past a match finds them all)
    n = len(rows)
    line = "2".join(rows)
    k = line.find(_FINDER)
    while k != -1:
        if k % (n + 1) < n - len(_FINDER):
            score += 40
        k = line.find(_FINDER, k + 1)
    # rule 4: the share of dark modules away from half
    dark = line.count("1")
    return score + 10 * (abs(100 * dark // (n * n) - 50) // 5)


@lru_cache(maxsize=16)
def _mask_rows(version: int, positions: tuple[tuple[int, int], ...]) -> tuple[tuple[int, ...], ...]:
    """Per mask, per row: the data modules the mask flips, as bits (column 0 highest)."""
    n = version * 4 + 17
    out = []
    for i in range(8):
        mask = qrencoder.QRUtil.getMask(i)
        rows = [0] * n
        for col, row in positions:
            if mask(row, col):
                rows[row] |= 1 << (n - 1 - col)
        out.append(tuple(rows))
    return tuple(out)


def best_mask(qr: qrencoder.QRCode) -> int:
    """The mask `qr.getBestMaskPattern()` picks (the first of the lowest score)."""
    qr.makeImpl(True, 0)  # function patterns (format bits blank while testing) and data
    n = qr.moduleCount
    positions = tuple((col, row) for col, row in qr.dataPosIterator())
    bits = qr.dataBitIterator(qr.dataCache)
    data, where = [0] * n, [0] * n
    for (col, row), dark in zip_longest(positions, bits, fillvalue=False):
        where[row] |= 1 << (n - 1 - col)
        if dark:
            data[row] |= 1 << (n - 1 - col)
    # the symbol without its data modules
    base = [int("".join("1" if m else "0" for m in r), 2) & ~w for r, w in zip(qr.modules, where,
                                                                          strict=True)]
    best, best_score = 0, -1
    for i, flips in enumerate(_mask_rows(qr.version, positions)):
        rows = [format(b | (d ^ f), f"0{n}b") for b, d, f in zip(base, data, flips, strict=True)]
        score = lost_point(rows)
        if best_score < 0 or score < best_score:
            best, best_score = i, score
    return best


def qr_modules(text: str, level: int = qrencoder.QRErrorCorrectLevel.M) -> list[list[bool]]:
    """The modules (dark = True) of the QR code of `text`, as reportlab makes it."""
    qr = qrencoder.QRCode(None, level)
    qr.addData(text)
    if qr.version is None:
        qr.version = qr.calculate_version()
    qr.makeImpl(False, best_mask(qr))
    return [[bool(m) for m in row] for row in qr.modules]
