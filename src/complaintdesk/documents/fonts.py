"""The CJK font for the PDF forms (DESIGN §7).

reportlab can only embed TrueType-outline fonts; the bundled WenQuanYi Micro Hei TTC is
one. Parsing the TTC is the expensive part of producing a form (~100 ms), so it is
registered once per process. reportlab embeds only the glyphs used, in subsets of up to
256 characters, which keeps a one-page form small.

Building a subset (a TrueType file of its glyphs, its widths and its ToUnicode map) and
compressing it is, after that, the largest fixed cost of a form. The subsets are cached
by their exact glyph list: a form
that first registers its fixed text with the font (`seed_glyphs`) gets the same first
subset every time, which is then built and compressed once per process.
"""

from __future__ import annotations

import copy
import itertools
import threading
import zlib
from collections import OrderedDict
from typing import Any

from reportlab import rl_config
from reportlab.lib.rl_accel import escapePDF
from reportlab.pdfbase import pdfdoc, pdfmetrics
from reportlab.pdfbase.ttfonts import (
    FF_NONSYMBOLIC,
    FF_SYMBOLIC,
    SUBSETN,
    TTFont,
    TTFontFace,
    makeToUnicodeCMap,
)

from complaintdesk.documents.font_subset import GlyphPieces
from complaintdesk.resources_path import resource_path

CJK_FONT_NAME = "WQYMicroHei"
CJK_FONT_FILE = ("fonts", "wqy-microhei.ttc")
SUBSET_CACHE_SIZE = 8  # a subset is ~50 KB raw + ~30 KB compressed

_lock = threading.Lock()
_registered: str | None = None

# Each code of a font subset (0..255) as it stands inside a PDF string: what the
# canvas's escaping writes for it (a byte's escape does not depend on its neighbours).
_ESCAPED = tuple(escapePDF(bytes([b])) for b in range(256))


class DocText:
    """A dynamic (TrueType) font's text in one document as (subset, PDF string text) runs:
    `font.splitString`, then the canvas's escaping, as one `str.translate` per run for a
    text whose characters all have their codes already (almost every text of a form: the
    seeded labels and the values' characters after their first use).

    Codes, once given to a character in a document, never change (reportlab only
    appends), so the tables learnt here stay right; a character not yet learnt goes
    through `splitString` (which gives it its code) and is learnt from its result."""

    def __init__(self, font: Any, doc: Any) -> None:
        self.font = font
        self.doc = doc
        self.known: set[str] = set()  # the characters learnt
        self.subset_of: dict[str, int] = {}
        self.first: set[str] = set()  # those of subset 0 (the seeded text, ASCII)
        self.tables: list[dict[int, str]] = []  # per subset, ord → escaped code
        self.names: dict[int, str] = {}

    @staticmethod
    def of(font: Any, doc: Any) -> DocText:
        """The document's DocText of the font (one per document and font)."""
        cache = doc.__dict__.setdefault("_cd_doc_text", {})
        found = cache.get(font.fontName)
        if found is None:
            found = cache[font.fontName] = DocText(font, doc)
        return found

    def copy_from(self, other: DocText) -> None:
        """Take what `other` learnt (a document whose codes were given in the same order)."""
        self.known = set(other.known)
        self.subset_of = dict(other.subset_of)
        self.first = set(other.first)
        self.tables = [dict(t) for t in other.tables]

    def encode(self, text: str) -> list[tuple[int, str]]:
        """`[(subset, escape(codes)) for subset, codes in font.splitString(text, doc)]`."""
        if self.known.issuperset(text) and text:
            if self.first.issuperset(text):
                return [(0, text.translate(self.tables[0]))]
            tables = self.tables
            return [(k, "".join(run).translate(tables[k]))
                    for k, run in itertools.groupby(text, self.subset_of.__getitem__)]
        runs = self.font.splitString(text, self.doc)
        self._learn(text)
        return [(subset, escapePDF(codes)) for subset, codes in runs]

    def _learn(self, text: str) -> None:
        assigned = self.font.state[self.doc].assignments
        for ch in set(text):
            # splitString prints U+00A0 as the space; a character the font lacks gets
            # code 0 (.notdef) without an assignment, and is never learnt
            code = assigned.get(32 if ch == "\xa0" else ord(ch))
            if code is None:
                continue
            subset = code >> 8
            while len(self.tables) <= subset:
                self.tables.append({})
            self.tables[subset][ord(ch)] = _ESCAPED[code & 0xFF]
            self.subset_of[ch] = subset
            self.known.add(ch)
            if subset == 0:
                self.first.add(ch)

    def name(self, subset: int) -> str:
        """The subset's font resource name (`getSubsetInternalName`, fixed per document)."""
        found = self.names.get(subset)
        if found is None:
            found = self.names[subset] = self.font.getSubsetInternalName(subset, self.doc)
        return found


class _CachingFace(TTFontFace):
    """A TrueType face whose subsets (font file, compressed) are built once per glyph
    list. Otherwise as reportlab's `TTFontFace.addSubsetObjects` (reportlab 4/5)."""

    _subsets: OrderedDict[tuple[int, ...], tuple[bytes, bytes]]
    _subsets_lock: threading.Lock
    _tables: dict[str, bytes]
    _pieces: GlyphPieces | None

    def get_table(self, tag: str) -> bytes:
        """The font table (cached: building a subset reads the whole 'glyf' table, 3.5 MB
        of this font, copied out of the file's bytes each time — ≈ 1.8 ms)."""
        table = self._tables.get(tag)
        if table is None:
            table = self._tables[tag] = TTFontFace.get_table(self, tag)
        return table

    def _subset_file(self, subset: list[int], seeded: bool = True) -> tuple[bytes, bytes]:
        """The subset's font file, raw and compressed. `seeded`: the document's first
        subset (its form's fixed text), the same in every form and so compressed once per
        process (zlib level 2: ≈ 3 % larger than the default level, a third of its time);
        a later subset holds a case's own characters and is compressed each time the
        case is first printed, Huffman-only: ≈ 0.3 ms instead of ≈ 0.6 ms for ~100
        glyphs, ≈ 18 % larger (≈ 4 KB)."""
        key = tuple(subset)
        with self._subsets_lock:
            hit = self._subsets.get(key)
            if hit is not None:
                self._subsets.move_to_end(key)
                return hit
        pieces = self._pieces
        if pieces is None:
            pieces = self._pieces = GlyphPieces(self)
        raw = pieces.subset(subset)  # = self.makeSubset(subset), from cached glyph pieces
        if seeded:
            packed = zlib.compress(raw, 2)
        else:
            z = zlib.compressobj(1, zlib.DEFLATED, 15, 8, zlib.Z_HUFFMAN_ONLY)
            packed = z.compress(raw) + z.flush()
        hit = (raw, packed)
        with self._subsets_lock:
            self._subsets[key] = hit
            while len(self._subsets) > SUBSET_CACHE_SIZE:
                self._subsets.popitem(last=False)
        return hit

    def addSubsetObjects(self, doc: Any, fontname: str, subset: list[int],  # noqa: N802
                         seeded: bool = True) -> Any:
        raw, packed = self._subset_file(subset, seeded)
        fontFile = pdfdoc.PDFStream()  # noqa: N806
        if doc.compression:
            # already compressed: a stream whose dictionary names its filter is written as is
            fontFile.content = packed
            fontFile.dictionary["Filter"] = pdfdoc.PDFName("FlateDecode")
        else:
            fontFile.content = raw
        fontFile.dictionary["Length1"] = len(raw)
        fontFileRef = doc.Reference(fontFile, f"fontFile:{self.filename}({fontname})")  # noqa: N806
        flags = (self.flags & ~FF_NONSYMBOLIC) | FF_SYMBOLIC
        fontDescriptor = pdfdoc.PDFDictionary({  # noqa: N806
            "Type": "/FontDescriptor",
            "Ascent": self.ascent,
            "CapHeight": self.capHeight,
            "Descent": self.descent,
            "Flags": flags,
            "FontBBox": pdfdoc.PDFArray(self.bbox),
            "FontName": pdfdoc.PDFName(fontname),
            "ItalicAngle": self.italicAngle,
            "StemV": self.stemV,
            "FontFile2": fontFileRef,
            "MissingWidth": self.defaultWidth,
        })
        return doc.Reference(fontDescriptor, "fontDescriptor:" + fontname)


_NUMBERS: dict[float, bytes] = {}  # a width → as pdfdoc formats it


def widths_array(widths: list[float], doc: Any) -> bytes:
    """`pdfdoc.PDFArray(widths).format(doc)` — ten numbers a line — without formatting
    each number again (a subset's widths are a handful of values)."""
    if rl_config.pdfMultiLine:
        return pdfdoc.PDFArray(widths).format(doc)
    items = []
    for w in widths:
        text = _NUMBERS.get(w)
        if text is None:
            text = _NUMBERS[w] = pdfdoc.format(w, doc)
        items.append(text)
    return b"[ " + b" \n  ".join([b" ".join(items[i:i + 10])
                                  for i in range(0, len(items), 10)]) + b" ]"


class _Formatted(pdfdoc.PDFObject):
    """A PDF value formatted once (a subset's widths array)."""

    def __init__(self, data: bytes) -> None:
        self.data = data

    def format(self, document: Any) -> bytes:
        return self.data


class _CachingTTFont(TTFont):
    """reportlab's `TTFont.addObjects` (reportlab 4/5), with each subset's widths array and
    ToUnicode map (formatted, compressed) taken from a cache by subset name and glyph
    list — the font file itself is cached by the face."""

    _objects: OrderedDict[tuple[str, tuple[int, ...]], tuple[bytes, bytes, bytes]]

    def _subset_objects(self, doc: Any, base_name: str, subset: list[int]
                        ) -> tuple[bytes, bytes, bytes]:
        key = (base_name, tuple(subset))
        face = self.face
        with face._subsets_lock:
            hit = self._objects.get(key)
            if hit is not None:
                self._objects.move_to_end(key)
                return hit
        widths = widths_array([face.getCharWidth(c) for c in subset], doc)
        cmap = makeToUnicodeCMap(base_name, subset)
        raw = cmap.encode("utf8") if isinstance(cmap, str) else cmap
        hit = (widths, raw, zlib.compress(raw))
        with face._subsets_lock:
            self._objects[key] = hit
            while len(self._objects) > SUBSET_CACHE_SIZE:
                self._objects.popitem(last=False)
        return hit

    def addObjects(self, doc: Any) -> None:  # noqa: N802
        try:
            state = self.state[doc]
        except KeyError:
            state = self.state[doc] = TTFont.State(self._asciiReadable)
        state.frozen = 1
        for n, subset in enumerate(state.subsets):
            internal_name = self.getSubsetInternalName(n, doc)[1:]
            base_name = b"".join((SUBSETN(n), b"+", self.face.name, self.face.subfontNameX)
                                 ).decode("pdfdoc")
            widths, cmap_raw, cmap_packed = self._subset_objects(doc, base_name, subset)

            font = pdfdoc.PDFTrueTypeFont()
            font.__Comment__ = f"Font {self.fontName} subset {n}"
            font.Name = internal_name
            font.BaseFont = base_name
            font.FirstChar = 0
            font.LastChar = len(subset) - 1
            font.Widths = _Formatted(widths)
            cmap = pdfdoc.PDFStream()
            if doc.compression:
                cmap.content = cmap_packed
                cmap.dictionary["Filter"] = pdfdoc.PDFName("FlateDecode")
            else:
                cmap.content = cmap_raw
            font.ToUnicode = doc.Reference(cmap, "toUnicodeCMap:" + base_name)
            font.FontDescriptor = self.face.addSubsetObjects(doc, base_name, subset, n == 0)
            doc.Reference(font, internal_name)
            doc.idToObject["BasicFonts"].dict[internal_name] = font
        del self.state[doc]


def register_cjk_font() -> str:
    """Register the bundled CJK font with reportlab (once) and return its font name."""
    global _registered
    if _registered is not None:
        return _registered
    with _lock:
        if _registered is None:
            if CJK_FONT_NAME not in pdfmetrics.getRegisteredFontNames():
                path = resource_path(*CJK_FONT_FILE)
                font = _CachingTTFont(CJK_FONT_NAME, str(path), subfontIndex=0)
                font._objects = OrderedDict()
                face = font.face
                face.__class__ = _CachingFace  # same object, subsets cached
                face._subsets = OrderedDict()
                face._subsets_lock = threading.Lock()
                face._tables = {}
                face._pieces = None
                pdfmetrics.registerFont(font)
            _registered = CJK_FONT_NAME
    return _registered


_ASCII = "".join(map(chr, range(32, 127)))


class _Seeded:
    """What seeding a fresh document with a text gives: reportlab's subset state of the
    font for that document (the codes given, in order) and the DocText tables learnt from
    it. Both are the same for every fresh document seeded with the same text, so a
    document gets copies instead of giving the codes character by character."""

    def __init__(self, font: Any, text: str) -> None:
        self.key = _DocKey()  # a stand-in document (the font's state is per document)
        font.splitString(text, self.key)
        self.state = font.state[self.key]
        self.text = DocText(font, self.key)
        self.text._learn(text + _ASCII)  # (ASCII has its own codes from the start)

    def give(self, font: Any, doc: Any) -> None:
        state = copy.copy(self.state)
        state.assignments = dict(self.state.assignments)
        state.subsets = [list(s) for s in self.state.subsets]
        font.state[doc] = state
        DocText.of(font, doc).copy_from(self.text)


class _DocKey:
    pass


_seeded: dict[str, _Seeded] = {}  # by seed text


def seed_glyphs(doc: Any, text: str) -> None:
    """Give the characters of `text` their codes in the document's font subsets first, in
    this order (nothing is drawn). Forms call it with their fixed text, so that their
    first subset is the same glyph list on every form and comes from the cache. A fresh
    document gets a copy of the state and the DocText tables that text gives (made once
    per seed text)."""
    font = pdfmetrics.getFont(register_cjk_font())
    if font.state.get(doc) is not None:  # codes given already: these come after them
        font.splitString(text, doc)
        return
    with _lock:
        seeded = _seeded.get(text)
    if seeded is None:
        seeded = _Seeded(font, text)
        with _lock:
            if len(_seeded) > 16:  # a few seed texts per form kind and dealership name
                _seeded.clear()
            _seeded[text] = seeded
    seeded.give(font, doc)
