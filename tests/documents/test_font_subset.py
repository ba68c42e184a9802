"""A subset's font file assembled from cached glyph pieces is byte for byte the one
reportlab's `makeSubset` writes, for any glyph list — composite CJK glyphs (whose
component numbers are rewritten per subset), simple ones, characters the font lacks —
and whichever subsets were made before it (the pieces are cached per process)."""

from __future__ import annotations

import io
import random
import zlib

import pytest
from builders import CaseBuilder, context, slip
from pypdf import PdfReader
from reportlab.pdfbase import pdfmetrics

from complaintdesk.documents import font_subset
from complaintdesk.documents.feedback_form import feedback_form_pdf
from complaintdesk.documents.font_subset import GlyphPieces, _components
from complaintdesk.documents.fonts import register_cjk_font


@pytest.fixture(scope="module")
def face():
    return pdfmetrics.getFont(register_cjk_font()).face


def _glyph_lists(face) -> list[list[int]]:
    rnd = random.Random(17)
    cjk = [c for c in face.charToGlyph if 0x4E00 <= c <= 0x9FFF]
    latin = [c for c in face.charToGlyph if c < 0x250]
    lists = [
        [ord(c) for c in "客户信息反馈意见处理单 FK-202611-0001"],
        [ord(c) for c in "王伟反映：发动机异响，已返厂3次。"],
        [0x20, 0x41, 0xE9, 0x4E00],  # é: a composite in many fonts
        [0x10FFF, 0xE000, 0x4E2D],  # not in the font: glyph 0
        [0x20] * 3 + [0x4E2D, 0x4E2D],  # repeated characters share their glyph
    ]
    lists += [rnd.sample(cjk, k) for k in (1, 17, 95, 200, 256)]
    lists += [rnd.sample(latin, 60) + rnd.sample(cjk, 60) for _ in range(3)]
    return lists


def test_the_subset_file_is_reportlabs(face):
    pieces = GlyphPieces(face)
    lists = _glyph_lists(face)
    for subset in lists + lists[::-1]:  # again, from the cached pieces
        assert pieces.subset(subset) == face.makeSubset(subset), subset[:8]


def test_composite_cjk_glyphs_get_their_components_renumbered(face):
    """What makes the per-subset work necessary: the bundled font builds most CJK glyphs
    (31,440 of its 49,531 glyphs are composites) from components, whose numbers differ
    per subset."""
    chars = [ord(c) for c in "投诉理客信息"]
    assert all(_components(_glyph_data(face, face.charToGlyph[c])) for c in chars)
    pieces = GlyphPieces(face)
    assert pieces.subset(chars) == face.makeSubset(chars)
    assert pieces.subset(chars[::-1]) == face.makeSubset(chars[::-1])
    assert pieces.subset(chars) != pieces.subset(chars[::-1])


def test_a_full_glyph_cache_starts_again(face, monkeypatch):
    monkeypatch.setattr(font_subset, "GLYPH_CACHE_SIZE", 5)
    pieces = GlyphPieces(face)
    for subset in _glyph_lists(face)[:6]:
        assert pieces.subset(subset) == face.makeSubset(subset)
        assert len(pieces.glyphs) <= 5


def test_the_printed_form_embeds_the_subsets(face):
    """Each subset's font file in a printed form decompresses to a TrueType font of the
    glyphs the page draws, and the text reads back."""
    case = CaseBuilder(number="FK-202611-0417", customer_name="欧阳翠花",
                       description="欧阳翠花反映：座椅加热失灵，已返厂2次。").full().build()
    reader = PdfReader(io.BytesIO(feedback_form_pdf(case, context(), [slip()])))
    text = reader.pages[0].extract_text()
    assert "欧阳翠花" in text and "座椅加热失灵" in text
    files = []
    for ref in reader.pages[0]["/Resources"]["/Font"].values():
        desc = ref.get_object()["/FontDescriptor"].get_object()
        stream = desc["/FontFile2"].get_object()
        data = stream.get_data()
        assert data[:4] == b"\x00\x01\x00\x00" and len(data) == stream["/Length1"]
        assert zlib.decompress(stream._data) == data
        files.append(data)
    assert len(files) >= 2


def _glyph_data(face, index: int) -> bytes:
    glyf = face.get_table("glyf")
    return glyf[face.glyphPos[index]:face.glyphPos[index + 1]]


def test_a_subsets_widths_are_formatted_as_reportlab_formats_them(face):
    from reportlab.pdfbase import pdfdoc

    from complaintdesk.documents.fonts import widths_array

    doc = pdfdoc.PDFDocument()
    rnd = random.Random(3)
    codes = list(face.charToGlyph)
    for n in (1, 9, 10, 11, 20, 95, 256):
        widths = [face.getCharWidth(c) for c in rnd.sample(codes, n)] + [0, 1000.0, 512.5]
        assert widths_array(widths, doc) == pdfdoc.PDFArray(widths).format(doc)
