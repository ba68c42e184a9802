"""A TrueType subset built from cached glyph pieces (the font file of a form's subsets).

reportlab's `TTFontFile.makeSubset` seeks and reads each glyph's outline out of the font,
parses composite glyphs twice and lays out the tables; for a form's per-case subset (the
characters of its names and texts, ~100–200 glyphs) that is paid again for every case
printed the first time. Here each glyph's piece of the 'glyf' table is cut out,
checksummed and parsed once per process, and a subset's file is assembled from the
pieces — byte for byte what `makeSubset` writes (tests/documents/test_font_subset.py
compares them on many glyph lists).

Most CJK glyphs of the bundled font are composites of others (radicals): their component
numbers are rewritten to the subset's per subset, the simple glyphs' pieces are reused.
"""

from __future__ import annotations

import threading
from itertools import accumulate
from struct import pack, pack_into, unpack_from
from typing import Any

from reportlab.lib.rl_accel import add32, calcChecksum
from reportlab.pdfbase.ttfonts import (
    GF_ARG_1_AND_2_ARE_WORDS,
    GF_MORE_COMPONENTS,
    GF_WE_HAVE_A_SCALE,
    GF_WE_HAVE_A_TWO_BY_TWO,
    GF_WE_HAVE_AN_X_AND_Y_SCALE,
)

GLYPH_CACHE_SIZE = 20_000  # glyphs kept per face (≈ 150 B each; the font has 49,531)


class _Glyph:
    """One glyph's piece of the 'glyf' table, as makeSubset lays it out (padded to 4).

    A composite names its components by glyph number, which makeSubset rewrites to their
    numbers in the subset: `components` (offset in the piece, the font's glyph number)
    says where; a simple glyph's piece is the same in every subset."""

    __slots__ = ("raw", "components")

    def __init__(self, data: bytes) -> None:
        self.raw = data + b"\0" * (-len(data) % 4)
        self.components = _components(data)


def _components(data: bytes) -> tuple[tuple[int, int], ...]:
    """(offset of the glyph number, glyph number) of each component of a composite
    glyph; () for a simple one (read as makeSubset reads them)."""
    if len(data) <= 2 or unpack_from(">h", data)[0] >= 0:
        return ()
    out = []
    at = 10
    flags = GF_MORE_COMPONENTS
    while flags & GF_MORE_COMPONENTS:
        flags, index = unpack_from(">HH", data, at)
        out.append((at + 2, index))
        at += 8 if flags & GF_ARG_1_AND_2_ARE_WORDS else 6
        if flags & GF_WE_HAVE_A_SCALE:
            at += 2
        elif flags & GF_WE_HAVE_AN_X_AND_Y_SCALE:
            at += 4
        elif flags & GF_WE_HAVE_A_TWO_BY_TWO:
            at += 8
    return tuple(out)


class GlyphPieces:
    """The per-process glyph cache of one face, and the subsets made from it."""

    def __init__(self, face: Any) -> None:
        self.face = face
        self.lock = threading.Lock()
        self.glyphs: dict[int, _Glyph] = {}
        self.glyf = face.get_table("glyf")
        # tables copied whole into every subset (as makeSubset: those the font has)
        self.copied: dict[str, bytes] = {}
        for tag in ("name", "OS/2", "cvt ", "fpgm", "prep"):
            try:
                self.copied[tag] = face.get_table(tag)
            except KeyError:
                pass
        self.post = b"\x00\x03\x00\x00" + face.get_table("post")[4:16] + b"\x00" * 16
        self.hhea = face.get_table("hhea")
        self.maxp = face.get_table("maxp")
        self.head = face.get_table("head")

    def _glyph(self, index: int) -> _Glyph:
        found = self.glyphs.get(index)
        if found is None:
            positions = self.face.glyphPos
            found = _Glyph(self.glyf[positions[index]:positions[index + 1]])
            with self.lock:
                if len(self.glyphs) >= GLYPH_CACHE_SIZE:
                    self.glyphs.clear()
                self.glyphs[index] = found
        return found

    def subset(self, subset: list[int]) -> bytes:
        """The font file of the subset: `face.makeSubset(subset)`."""
        char_to_glyph = self.face.charToGlyph
        glyph_map = [0]  # new glyph index → the font's
        glyph_set = {0: 0}
        code_to_glyph = []
        for code in subset:
            original = char_to_glyph.get(code, 0)
            new = glyph_set.get(original)
            if new is None:
                new = glyph_set[original] = len(glyph_map)
                glyph_map.append(original)
            code_to_glyph.append(new)
        # the components of composite glyphs join the subset, in makeSubset's order
        pieces = []
        n = 0
        while n < len(glyph_map):
            piece = self._glyph(glyph_map[n])
            pieces.append(piece)
            n += 1
            for _, index in piece.components:
                if index not in glyph_set:
                    glyph_set[index] = len(glyph_map)
                    glyph_map.append(index)

        # hmtx: full pairs up to where the advance width stops changing, then the lsb's
        metrics = [self.face.hmetrics[index] for index in glyph_map]
        widths = [int(aw) for aw, _ in metrics]
        full = len(widths) - 1
        while full and widths[full] == widths[full - 1]:
            full -= 1
        full += 1
        hmtx = [v for aw, lsb in metrics[:full] for v in (int(aw), int(lsb))]
        hmtx += [int(lsb) for _, lsb in metrics[full:]]

        # glyf (composites get their components' numbers in the subset) and loca
        glyf = []
        for piece in pieces:
            if piece.components:
                data = bytearray(piece.raw)
                for at, index in piece.components:
                    pack_into(">H", data, at, glyph_set[index])
                glyf.append(bytes(data))
            else:
                glyf.append(piece.raw)
        offsets = list(accumulate(map(len, glyf), initial=0))
        pos = offsets[-1]
        if (pos + 1) >> 1 > 0xFFFF:
            loc_format, loca = 1, pack(f">{len(offsets)}L", *offsets)
        else:
            loc_format, loca = 0, pack(f">{len(offsets)}H", *(o >> 1 for o in offsets))

        cmap = [0, 1, 1, 0, 0, 12, 6, 10 + len(subset) * 2, 0, 0, len(subset), *code_to_glyph]
        tables: dict[str, bytes] = dict(self.copied)
        tables.update({
            "post": self.post,
            "hmtx": pack(f">{len(hmtx)}H", *hmtx),
            "hhea": _set_ushort(self.hhea, 34, full),
            "maxp": _set_ushort(self.maxp, 4, len(glyph_map)),
            "cmap": pack(f">{len(cmap)}H", *cmap),
            "loca": loca,
            # TTFontMaker.add blanks checksumAdjustment; it is set from the file's sum
            "head": _set_ushort(self.head[:8] + b"\0\0\0\0" + self.head[12:], 50, loc_format),
        })
        tables["glyf"] = b"".join(glyf)
        return _make_stream(tables)


def _make_stream(tables: dict[str, bytes]) -> bytes:
    """`TTFontMaker.makeStream` (its 'head' table's checksumAdjustment already blank)."""
    num_tables = len(tables)
    search_range, entry_selector = 1, 0
    while search_range * 2 <= num_tables:
        search_range *= 2
        entry_selector += 1
    search_range *= 16
    directory = [pack(">lHHHH", 0x00010000, num_tables, search_range, entry_selector,
                      num_tables * 16 - search_range)]
    data: list[bytes] = []
    offset = 12 + num_tables * 16
    head_at = 0
    file_sum = 0
    for tag in sorted(tables):
        table = tables[tag]
        checksum = calcChecksum(table)
        if tag == "head":
            head_at = offset
        directory.append(tag.encode("latin1") + pack(">LLL", checksum, offset, len(table)))
        data.append(table + b"\0" * (-len(table) % 4))
        file_sum += checksum
        offset += (len(table) + 3) & ~3
    out = b"".join(directory)
    file_sum = add32(file_sum & 0xFFFFFFFF, calcChecksum(out))
    stream = bytearray(out + b"".join(data))
    pack_into(">L", stream, head_at + 8, add32(0xB1B0AFBA, -file_sum))
    return bytes(stream)


def _set_ushort(data: bytes, offset: int, value: int) -> bytes:
    return data[:offset] + pack(">H", value) + data[offset + 2:]
