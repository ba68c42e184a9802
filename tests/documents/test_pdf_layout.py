"""Layout of the form blocks (GridBlock) and the cached font subsets, read back out of
the PDF."""

from __future__ import annotations

import io

from builders import CaseBuilder, context, slip
from pypdf import PdfReader
from test_forms_pdf import pages_text

from complaintdesk.documents.feedback_form import feedback_form_pdf
from complaintdesk.documents.pdf_grid import BLANK_H, Grid


def test_a_step_text_cut_by_the_page_break_continues_under_a_marked_caption():
    process = "第一次检查未发现问题，第二次拆检发现机油滤清器安装不到位。" * 60
    case = CaseBuilder().forward().assign().handle(process).dept_opinion().build()
    pages = pages_text(feedback_form_pdf(case, context(), [slip()]))
    assert len(pages) == 2
    assert "（续）" not in pages[0] and "（续）" in pages[1]
    assert "".join(pages).count("第二次拆检发现机油滤清器安装不到位") == 60
    for i, page in enumerate(pages, 1):
        assert f"第{i}页/共2页" in page and "FK-202611-0007" in page


def test_rows_are_as_tall_as_their_content_and_empty_boxes_one_line():
    g = Grid("① 转派")
    g.pairs(("投诉类别", "维修质量"), ("严重程度", "重要"), ("责任部门", "售后服务部"))
    g.pairs(("转派说明", ""))
    block = g.table()
    block.wrap(500, 800)
    assert block.heights is not None
    assert block.heights[0] < BLANK_H <= block.heights[1]
    assert block.height == sum(block.heights)


def _font_files(pdf: bytes) -> dict[str, bytes]:
    fonts = PdfReader(io.BytesIO(pdf)).pages[0]["/Resources"]["/Font"]
    out = {}
    for f in fonts.values():
        f = f.get_object()
        if "/FontDescriptor" not in f:  # a standard font
            continue
        name = str(f["/BaseFont"])
        out[name.split("+")[0]] = f["/FontDescriptor"]["/FontFile2"].get_object().get_data()
    return out


def test_forms_of_different_cases_share_their_first_font_subset():
    a = feedback_form_pdf(CaseBuilder().full().build(), context(), [slip()])
    b = feedback_form_pdf(CaseBuilder(customer_name="欧阳娜娜", demand="退车").forward().build(),
                          context())
    fa, fb = _font_files(a), _font_files(b)
    first = min(fa)
    assert first in fb and fa[first] == fb[first]
    assert "张伟" in "".join(pages_text(a))
    assert "欧阳娜娜" in "".join(pages_text(b)) and "退车" in "".join(pages_text(b))
