"""Every font a printed form names is embedded, and the reportlab internals the fast PDF
path (documents/pdf_runs.py, pdf_text.py, documents/fonts.py) relies on are still there.

reportlab is pinned below its next minor release in pyproject.toml; when the pin is moved,
this file says at once which internal went away instead of a form printing wrong."""

from __future__ import annotations

import io

import pytest
from builders import CaseBuilder, context, internal_case, rework_case, slip
from pypdf import PdfReader

from complaintdesk.documents.fault_slip import fault_slip_pdf
from complaintdesk.documents.feedback_form import feedback_form_pdf
from complaintdesk.documents.other_forms import internal_complaint_pdf, rework_order_pdf


def _fonts(pdf: bytes) -> dict[str, bool]:
    """Base font name → embedded? for every font any page's resources name."""
    out: dict[str, bool] = {}
    for page in PdfReader(io.BytesIO(pdf)).pages:
        fonts = page["/Resources"].get_object().get("/Font")
        for ref in (fonts.get_object().values() if fonts else []):
            font = ref.get_object()
            desc = font.get("/FontDescriptor")
            if desc is None and "/DescendantFonts" in font:
                desc = font["/DescendantFonts"][0].get_object().get("/FontDescriptor")
            desc = desc.get_object() if desc is not None else {}
            out[str(font["/BaseFont"])] = any(
                k in desc for k in ("/FontFile", "/FontFile2", "/FontFile3"))
    return out


@pytest.mark.parametrize("make", [
    lambda: feedback_form_pdf(CaseBuilder().full().build(), context(), [slip()]),
    lambda: fault_slip_pdf(slip(), context()),
    lambda: internal_complaint_pdf(internal_case(), context(), [slip(900, "CF-202611-0001", 101, 3)]),
    lambda: rework_order_pdf(rework_case(), context(), [slip(501, "GS-202611-0020", 100, 4)]),
], ids=["feedback", "fault_slip", "internal", "rework"])
def test_every_font_in_a_printed_form_is_embedded(make):
    fonts = _fonts(make())
    assert fonts, "the form names no font at all"
    assert all(fonts.values()), f"fonts referenced but not embedded: {fonts}"
    assert not any("Helvetica" in name for name in fonts), fonts


def test_reportlab_internals_used_by_the_fast_pdf_path_exist():
    from reportlab.pdfbase import pdfdoc
    from reportlab.pdfgen.canvas import Canvas
    from reportlab.pdfgen.textobject import PDFTextObject
    from reportlab.platypus import paragraph

    canv = Canvas(io.BytesIO())
    tx = canv.beginText()
    assert isinstance(canv._code, list)  # draw_qr and the grid append operators directly
    assert canv._doc is not None and hasattr(canv._doc, "Pages")
    assert isinstance(tx, PDFTextObject) and isinstance(tx._code, list)
    for attr in ("_fontname", "_fontsize", "_leading", "_curSubset"):
        assert hasattr(tx, attr), attr
    assert hasattr(paragraph, "_wsc") and callable(paragraph.cleanBlockQuotedText)
    for name in ("PDFStream", "PDFName", "PDFDictionary", "PDFArray", "PDFObject",
                 "PDFTrueTypeFont", "PDFStreamFilterZCompress", "PDFBase85Encode"):
        assert hasattr(pdfdoc, name), name
    canv.showPage()
    canv.save()
    assert canv._doc.Pages.pages, "the page list the fast compressor walks"


def test_reportlab_internals_used_by_the_font_subsets_and_qr_codes_exist():
    """documents/font_subset.py reads the parsed face; documents/qr.py builds on the
    encoder's data objects, block table, data positions and masks (their outputs are
    compared with reportlab's own in test_font_subset.py and test_qr.py)."""
    from reportlab.graphics.barcode import qrencoder
    from reportlab.pdfbase import pdfmetrics, ttfonts

    from complaintdesk.documents.fonts import register_cjk_font

    face = pdfmetrics.getFont(register_cjk_font()).face
    assert isinstance(face.charToGlyph, dict) and face.charToGlyph
    assert len(face.glyphPos) == len(face.hmetrics) + 1
    assert callable(face.makeSubset) and face.get_table("glyf")
    for name in ("GF_ARG_1_AND_2_ARE_WORDS", "GF_MORE_COMPONENTS", "GF_WE_HAVE_A_SCALE",
                 "GF_WE_HAVE_AN_X_AND_Y_SCALE", "GF_WE_HAVE_A_TWO_BY_TWO"):
        assert isinstance(getattr(ttfonts, name), int), name
    qr = qrencoder.QRCode(1, qrencoder.QRErrorCorrectLevel.M)
    qr.addData("FK-202611-0001")
    qr.moduleCount = 21
    assert len(qr.dataPosIterator()) == 208
    assert qrencoder.QRRSBlock.getRSBlocks(1, qrencoder.QRErrorCorrectLevel.M)[0].dataCount == 16
    assert callable(qrencoder.QRUtil.getMask(0)) and callable(qr.dataList[0].write)
    assert (qrencoder.QRCode.PAD0, qrencoder.QRCode.PAD1) == (0xEC, 0x11)


def test_weekly_summary_fonts_are_embedded():
    from datetime import date

    from complaintdesk.documents.weekly_pdf import weekly_summary_pdf
    from complaintdesk.domain.weekly import WeeklySummary

    fonts = _fonts(weekly_summary_pdf(WeeklySummary(date(2026, 11, 2)), context()))
    assert fonts and all(fonts.values()), fonts
