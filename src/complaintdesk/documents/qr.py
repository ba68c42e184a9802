"""The QR code of a form's number (DESIGN §7): reportlab's encoder, with the symbol laid
out and its mask chosen faster.

reportlab builds the whole symbol once per candidate mask (8 times), then once more, and
scores each with list-based loops — most of the cost of a form's footer. Here a symbol is
one integer: its n lines of n modules, each followed by a light separator bit (so a run
cannot cross from one line into the next), line 0 and column 0 highest. What does not
depend on the text is made once per version: the function patterns (format bits blank,
as while testing masks; and final, per mask), where the data modules go, which of them
each mask flips — as rows and as columns. Per text, the codewords are reportlab's
`createData`'s (its bit buffer, the Reed-Solomon remainders worked out here with the
generator polynomial kept), they are placed with one string permutation, and each mask's symbol is scored
by the rules of `QRUtil.getLostPoint` (as reportlab computes them) with a few shifts and
bit counts. The mask chosen, and so the symbol, is the one reportlab's `QRCode.make()`
gives (tests/documents/test_qr.py).
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache
from itertools import chain, zip_longest
from operator import itemgetter

from reportlab.graphics.barcode import qrencoder

_FINDER = "10111010000"  # dark-light-dark×3-light-dark, then four light (rule 3)


# GF(256) of QR codes (x^8 + x^4 + x^3 + x^2 + 1): powers of 2 and their logarithms
_EXP = [1] * 512
for _i in range(1, 255):
    _EXP[_i] = (_EXP[_i - 1] << 1) ^ (0x11D if _EXP[_i - 1] & 0x80 else 0)
for _i in range(255, 512):
    _EXP[_i] = _EXP[_i - 255]
_LOG = [0] * 256
for _i in range(255):
    _LOG[_EXP[_i]] = _i


@lru_cache(maxsize=64)
def _generator(ec_count: int) -> tuple[int, ...]:
    """The Reed-Solomon generator polynomial (x - 2^0)…(x - 2^(ec_count-1)), its
    coefficients after the leading 1, as logarithms."""
    poly = [1]
    for i in range(ec_count):
        nxt = [*poly, 0]
        for j, c in enumerate(poly):
            if c:
                nxt[j + 1] ^= _EXP[_LOG[c] + i]
        poly = nxt
    return tuple(_LOG[c] for c in poly[1:])


def _error_correction(data: list[int], ec_count: int) -> list[int]:
    """The error-correction codewords of a block: the remainder of data·x^ec_count by
    the generator (what reportlab's `QRPolynomial.mod` gives, its leading zeros kept)."""
    gen = _generator(ec_count)
    rest = [*data, *([0] * ec_count)]
    for i in range(len(data)):
        c = rest[i]
        if c:
            lc = _LOG[c]
            for j, g in enumerate(gen, i + 1):
                rest[j] ^= _EXP[lc + g]
    return rest[len(data):]


class _Bits:
    """reportlab's `QRBitBuffer` as one integer (the data's `write` only calls `put`)."""

    def __init__(self) -> None:
        self.value = 0
        self.length = 0

    def put(self, num: int, length: int) -> None:
        """The `length` low bits of `num`, highest first."""
        self.value = (self.value << length) | (num & ((1 << length) - 1))
        self.length += length


def _codewords(version: int, level: int, data_list: list) -> list[int]:
    """`QRCode.createData`: reportlab's data objects write their bits; the
    error-correction codewords (which reportlab computes with a generator built again for
    every block) are `_error_correction`'s."""
    blocks = qrencoder.QRRSBlock.getRSBlocks(version, level)
    buffer = _Bits()
    for data in data_list:
        data.write(buffer, version)
    capacity = 8 * sum(block.dataCount for block in blocks)
    if buffer.length > capacity:
        raise ValueError(f"code length overflow. ({buffer.length} > {capacity})")
    if buffer.length + 4 <= capacity:
        buffer.put(0, 4)  # the end code
    buffer.put(0, -buffer.length % 8)
    codewords = list(buffer.value.to_bytes(buffer.length // 8, "big"))
    pad = (qrencoder.QRCode.PAD0, qrencoder.QRCode.PAD1)
    codewords += [pad[i % 2] for i in range(capacity // 8 - len(codewords))]
    dc, ec = [], []
    offset = 0
    for block in blocks:
        dc.append(codewords[offset:offset + block.dataCount])
        offset += block.dataCount
        ec.append(_error_correction(dc[-1], block.totalCount - block.dataCount))
    return [d for group in chain(zip_longest(*dc), zip_longest(*ec))
            for d in group if d is not None]


class _Layout:
    """Masks of a symbol's integer of n lines (see the module doc)."""

    def __init__(self, n: int) -> None:
        self.n = n
        self.w = w = n + 1
        self.size = n * w
        line = (1 << n) - 1
        self.modules = sum(line << (i * w + 1) for i in range(n))  # every non-separator
        # rule 3: where the pattern may start, columns 0..n-12 (see lost_point)
        starts = ((1 << (n - 11)) - 1) << 12 if n > 11 else 0
        self.starts = sum(starts << (i * w) for i in range(n))

    def of_strings(self, lines: Sequence[str]) -> int:
        return int("0".join(lines) + "0", 2)

    def strings(self, symbol: int) -> list[str]:
        text = format(symbol, f"0{self.size}b")
        return [text[i:i + self.n] for i in range(0, self.size, self.w)]

    def score(self, rows: int, cols: int) -> int:
        """`QRUtil.getLostPoint` of the symbol given as its rows and its columns."""
        modules, w = self.modules, self.w
        light_rows = ~rows & modules
        score = 0
        # rule 1: a run of five or more modules of one colour, in a row or a column:
        # length - 2 — `at` marks where five of a colour start (length - 4 per run), its
        # lowest bit per block one per run
        for x in (rows, light_rows, cols, ~cols & modules):
            at = x & (x >> 1) & (x >> 2) & (x >> 3) & (x >> 4)
            score += at.bit_count() + 2 * (at & ~(at << 1)).bit_count()
        # rule 2: each 2×2 block of one colour: 3 (each line with the line above it)
        dark = rows & (rows >> w)
        light = light_rows & (light_rows >> w)
        score += 3 * ((dark & (dark >> 1)).bit_count() + (light & (light >> 1)).bit_count())
        # rule 3, as reportlab counts it: the finder-like pattern followed by four light
        # modules, left to right, not starting at the last possible place; in rows only
        # (its column pass compares tuples with a list, which never match)
        found = self.starts
        for j, bit in enumerate(_FINDER):
            found &= (rows if bit == "1" else light_rows) << j
        score += 40 * found.bit_count()
        # rule 4: the share of dark modules away from half
        n = self.n
        return score + 10 * (abs(100 * rows.bit_count() // (n * n) - 50) // 5)


@lru_cache(maxsize=64)
def _layout(n: int) -> _Layout:
    return _Layout(n)


def lost_point(rows: list[str]) -> int:
    """reportlab's `QRUtil.getLostPoint` of a symbol given as rows of '0'/'1'."""
    layout = _layout(len(rows))
    return layout.score(layout.of_strings(rows),
                        layout.of_strings(["".join(c) for c in zip(*rows, strict=True)]))


class _Template:
    """What a symbol of one version and error-correction level is without its text."""

    def __init__(self, version: int, level: int) -> None:
        qr = qrencoder.QRCode(version, level)
        qr.addData("0")
        n = qr.moduleCount = version * 4 + 17
        self.layout = layout = _layout(n)
        positions = qr.dataPosIterator()  # (column, row), in placement order
        self.capacity = len(positions)
        # the places of the string of data bits (then a '0' for the other modules) in the
        # string of the symbol's rows, and of its columns
        in_rows = [self.capacity] * layout.size
        in_cols = [self.capacity] * layout.size
        for k, (col, row) in enumerate(positions):
            in_rows[row * layout.w + col] = k
            in_cols[col * layout.w + row] = k
        self.rows_from, self.cols_from = itemgetter(*in_rows), itemgetter(*in_cols)
        where = self.place("1" * self.capacity)
        qr.makeImpl(True, 0)
        self.base = self._without(qr.modules, where[0]), self._without(
            [list(c) for c in zip(*qr.modules, strict=True)], where[1])
        self.frames = []
        self.flips = []
        for i in range(8):
            qr.makeImpl(False, i)
            self.frames.append(self._without(qr.modules, where[0]))
            mask = qrencoder.QRUtil.getMask(i)
            self.flips.append(self.place("".join("1" if mask(row, col) else "0"
                                                 for col, row in positions)))

    def _without(self, modules: list[list[bool]], where: int) -> int:
        """The symbol's modules outside the data modules, as the integer."""
        lines = ["".join("1" if m else "0" for m in line) for line in modules]
        return self.layout.of_strings(lines) & ~where

    def place(self, bits: str) -> tuple[int, int]:
        """A string of data bits (dark = '1', in placement order; short: light after)
        as the symbol's rows and columns."""
        bits = bits[:self.capacity].ljust(self.capacity + 1, "0")
        return (int("".join(self.rows_from(bits)), 2), int("".join(self.cols_from(bits)), 2))

    def choose(self, data: Sequence[int]) -> tuple[int, int]:
        """The mask reportlab picks for these codewords, and the data modules' rows."""
        rows, cols = self.place("".join(format(b, "08b") for b in data))
        base_rows, base_cols = self.base
        best, best_score = 0, -1
        for i, (flip_rows, flip_cols) in enumerate(self.flips):
            score = self.layout.score(base_rows | (rows ^ flip_rows),
                                      base_cols | (cols ^ flip_cols))
            if best_score < 0 or score < best_score:
                best, best_score = i, score
        return best, rows

    def symbol(self, data: Sequence[int]) -> list[str]:
        mask, rows = self.choose(data)
        return self.layout.strings(self.frames[mask] | (rows ^ self.flips[mask][0]))


@lru_cache(maxsize=16)
def _template(version: int, level: int) -> _Template:
    return _Template(version, level)


def best_mask(qr: qrencoder.QRCode) -> int:
    """The mask `qr.getBestMaskPattern()` picks (the first of the lowest score)."""
    if qr.dataCache is None:
        qr.dataCache = _codewords(qr.version, qr.errorCorrectLevel, qr.dataList)
    return _template(qr.version, qr.errorCorrectLevel).choose(qr.dataCache)[0]


def qr_rows(text: str, level: int = qrencoder.QRErrorCorrectLevel.M) -> list[str]:
    """The QR code of `text`, as reportlab makes it: rows of '1' (dark) and '0'."""
    qr = qrencoder.QRCode(None, level)
    qr.addData(text)
    version = qr.calculate_version()
    return _template(version, level).symbol(_codewords(version, level, qr.dataList))


def qr_modules(text: str, level: int = qrencoder.QRErrorCorrectLevel.M) -> list[list[bool]]:
    """The modules (dark = True) of the QR code of `text`, as reportlab makes it."""
    return [[m == "1" for m in row] for row in qr_rows(text, level)]
