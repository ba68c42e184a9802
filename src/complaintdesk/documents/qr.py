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
from itertools import zip_longest

from reportlab.graphics.barcode import qrencoder

_RUN = re.compile(r"0{5,}|1{5,}")
_FINDER = "10111010000"  # dark-light-dark×3-light-dark, then four light (rule 3)


def lost_point(rows: list[str]) -> int:
    """reportlab's `QRUtil.getLostPoint` of a symbol given as rows of '0'/'1'."""
    cols = ["".join(c) for c in zip(*rows, strict=True)]
    score = 0
    # rule 1: a run of five or more modules of one colour, in a row or a column: length - 2
    for line in rows + cols:
        for m in _RUN.finditer(line):
            score += m.end() - m.start() - 2
    # rule 2: each 2×2 block of one colour: 3
    for a, b in zip(rows, rows[1:], strict=False):
        for j in range(len(a) - 1):
            if a[j] == a[j + 1] == b[j] == b[j + 1]:
                score += 3
    # rule 3, as reportlab counts it: the finder-like pattern followed by four light
    # modules, left to right, not starting at the last possible place; in rows only (its
    # column pass compares tuples with a list, which never match)
    for line in rows:
        j, last = 0, len(line) - len(_FINDER)
        while (k := line.find(_FINDER, j)) != -1 and k < last:
            score += 40
            j = k + len(_FINDER)
    # rule 4: the share of dark modules away from half
    n = len(rows)
    dark = sum(r.count("1") for r in rows)
    return score + 10 * (abs(100 * dark // (n * n) - 50) // 5)


def best_mask(qr: qrencoder.QRCode) -> int:
    """The mask `qr.getBestMaskPattern()` picks (the first of the lowest score)."""
    qr.makeImpl(True, 0)  # function patterns (format bits blank while testing) and data
    placed = list(zip_longest(qr.dataPosIterator(), qr.dataBitIterator(qr.dataCache),
                              fillvalue=False))
    base = [["1" if m else "0" for m in row] for row in qr.modules]
    best, best_score = 0, -1
    for i in range(8):
        mask = qrencoder.QRUtil.getMask(i)
        rows = [r[:] for r in base]
        for (col, row), dark in placed:
            rows[row][col] = "1" if dark ^ mask(row, col) else "0"
        score = lost_point(["".join(r) for r in rows])
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
