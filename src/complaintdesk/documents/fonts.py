"""The CJK font for the PDF forms (DESIGN §7).

reportlab can only embed TrueType-outline fonts; the bundled WenQuanYi Micro Hei TTC is
one. Parsing the TTC is the expensive part of producing a form (~100 ms), so it is
registered once per process. reportlab embeds only the glyphs used, in subsets of up to
256 characters, which keeps a one-page form small.

Building a subset (a TrueType file of its glyphs) and compressing it is, after that, the
largest fixed cost of a form. The subsets are cached by their exact glyph list: a form
that first registers its fixed text with the font (`seed_glyphs`) gets the same first
subset every time, which is then built and compressed once per process.
"""

from __future__ import annotations

import threading
import zlib
from collections import OrderedDict
from typing import Any

from reportlab.pdfbase import pdfdoc, pdfmetrics
from reportlab.pdfbase.ttfonts import FF_NONSYMBOLIC, FF_SYMBOLIC, TTFont, TTFontFace

from complaintdesk.resources_path import resource_path

CJK_FONT_NAME = "WQYMicroHei"
CJK_FONT_FILE = ("fonts", "wqy-microhei.ttc")
SUBSET_CACHE_SIZE = 8  # a subset is ~50 KB raw + ~30 KB compressed

_lock = threading.Lock()
_registered: str | None = None


class _CachingFace(TTFontFace):
    """A TrueType face whose subsets (font file, compressed) are built once per glyph
    list. Otherwise as reportlab's `TTFontFace.addSubsetObjects` (reportlab 4/5)."""

    _subsets: OrderedDict[tuple[int, ...], tuple[bytes, bytes]]
    _subsets_lock: threading.Lock

    def _subset_file(self, subset: list[int]) -> tuple[bytes, bytes]:
        key = tuple(subset)
        with self._subsets_lock:
            hit = self._subsets.get(key)
            if hit is not None:
                self._subsets.move_to_end(key)
                return hit
        raw = self.makeSubset(subset)
        hit = (raw, zlib.compress(raw))
        with self._subsets_lock:
            self._subsets[key] = hit
            while len(self._subsets) > SUBSET_CACHE_SIZE:
                self._subsets.popitem(last=False)
        return hit

    def addSubsetObjects(self, doc: Any, fontname: str, subset: list[int]) -> Any:  # noqa: N802
        raw, packed = self._subset_file(subset)
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


def register_cjk_font() -> str:
    """Register the bundled CJK font with reportlab (once) and return its font name."""
    global _registered
    if _registered is not None:
        return _registered
    with _lock:
        if _registered is None:
            if CJK_FONT_NAME not in pdfmetrics.getRegisteredFontNames():
                path = resource_path(*CJK_FONT_FILE)
                font = TTFont(CJK_FONT_NAME, str(path), subfontIndex=0)
                face = font.face
                face.__class__ = _CachingFace  # same object, subsets cached
                face._subsets = OrderedDict()
                face._subsets_lock = threading.Lock()
                pdfmetrics.registerFont(font)
            _registered = CJK_FONT_NAME
    return _registered


def seed_glyphs(doc: Any, text: str) -> None:
    """Give the characters of `text` their codes in the document's font subsets first, in
    this order (nothing is drawn). Forms call it with their fixed text, so that their
    first subset is the same glyph list on every form and comes from the cache."""
    font = pdfmetrics.getFont(register_cjk_font())
    font.splitString(text, doc)
