"""Short plain cell values skip the Paragraph machinery but must lay out like it."""

from __future__ import annotations

from reportlab.platypus import Paragraph

from complaintdesk.documents.pdf_text import CellText, para, styles


def test_plain_one_line_text_is_a_celltext_with_the_paragraph_height():
    c = para("张伟  13812345678 ")
    assert isinstance(c, CellText)
    assert c.text == "张伟 13812345678"  # spaces collapse as in a Paragraph
    p = Paragraph("张伟 13812345678", styles()["value"])
    assert c.wrap(120, 100) == p.wrap(120, 100)


def test_a_text_wider_than_its_column_breaks_into_the_paragraphs_lines():
    c = para("王小明（售后服务部·维修技师）")
    w, h = c.wrap(60, 1000)
    assert c.para is None and h == 2 * styles()["value"].leading
    assert (w, h) == Paragraph("王小明（售后服务部·维修技师）", styles()["value"]).wrap(60, 1000)


def test_wrapped_lines_are_those_of_the_paragraph():
    texts = ("王小明（售后服务部·维修技师）", "罚款 ¥300、绩效扣分 5 分", "对责任人的处理意见",
             "客户反映上周保养后发动机异响，回厂检查两次仍未解决，等待时间过长。",
             "Passat 2024 330TSI DSG 变速箱 abnormal noise at 40km/h", "LSVAM4187C2184847")
    for style in ("value", "label", "long", "small"):
        for text in texts:
            for width in (30, 52, 54, 86.6, 120, 391.9):
                c = para(text, style)
                p = Paragraph(text, styles()[style])
                assert c.wrap(width, 1000) == p.wrap(width, 1000), (style, text, width)
                lines = [line for _, line in c.lines] if c.lines else [c.text]
                assert lines == [" ".join(ws) for _, ws in p.blPara.lines], (text, width)


def test_markup_line_breaks_and_ideographic_spaces_stay_paragraphs():
    for text in ("A&B", "<b>", "第一行<br/>第二行", "\u3000\u3000缩进"):
        assert isinstance(para(text), Paragraph), text


def test_clean_text_keeps_what_a_paragraph_keeps():
    from reportlab.platypus.paragraph import cleanBlockQuotedText

    from complaintdesk.documents.pdf_text import clean_text

    for text in ("张伟", "张伟 138", " 张伟", "张伟 ", "张  伟", "a\tb", "a\u200bb", "a\u2003b",
                 "", " ", "x\xa0y", "第一行\n第二行"):
        assert clean_text(text) == cleanBlockQuotedText(text), repr(text)


def test_a_step_caption_lays_out_like_its_paragraph():
    from complaintdesk.documents.pdf_common import ALERT, MUTED
    from complaintdesk.documents.pdf_text import CaptionLines

    cap = CaptionLines([("③主管处理", None, None), ("24小时内", 6.5, MUTED),
                        ("处理中", 6.5, ALERT)])
    p = Paragraph(cap.markup(), styles()["side"])
    assert cap.wrap(52, 1000) == p.wrap(52, 1000) and cap.para is None
    too_wide = CaptionLines([("④部门负责人签署", None, None)])
    too_wide.wrap(52, 1000)
    assert too_wide.para is None and too_wide.height == 2 * styles()["side"].leading


def test_a_caption_line_too_long_breaks_where_its_paragraph_breaks():
    from complaintdesk.documents.pdf_common import ALERT, MUTED
    from complaintdesk.documents.pdf_text import CaptionLines

    st = styles()["side"]
    captions = [
        [("④部门负责人签署", None, None), ("张伟", 6.5, None), ("2026-08-26 16:22", 6.5, None)],
        [("⑥客服中心回访", None, None), ("（第2次）", None, None), ("2天内", 6.5, MUTED),
         ("处理中", 6.5, ALERT), ("期限 2026-09-09 19:33", 6.5, None)],
        [("③主管处理", None, None), ("王小明（代 李四海 处理）", 6.5, None),
         ("客户不满意，退回重新处理", 6.5, ALERT)],
    ]
    for lines in captions:
        for width in (30, 40, 52, 80, 200):
            cap = CaptionLines(lines)
            p = Paragraph(cap.markup(), st)
            assert cap.wrap(width, 1000) == p.wrap(width, 1000), (lines, width)
            if cap.para is not None:  # a line hangs past the edge: the Paragraph draws it
                assert (lines[1][0], width) == ("王小明（代 李四海 处理）", 40)
                continue
            assert [t for t, *_ in cap._drawn] == ["".join(w.text for w in ln.words).strip()
                                                   for ln in p.blPara.lines], (lines, width)
            # each line centred in the room it leaves, as the Paragraph centres it
            for (*_, dx), ln in zip(cap._drawn, p.blPara.lines, strict=True):
                assert abs(dx - ln.extraSpace / 2) < 1e-6, (lines, width)


def test_lines_that_each_fit_are_the_paragraphs_lines():
    text = "■返修 □电话解答 □退换 □补偿 □其他\n免费重新安装并检测，赠送一次保养。"
    for style in ("value", "label", "long"):
        c = para(text, style)
        assert isinstance(c, CellText)
        p = Paragraph(text.replace("\n", "<br/>"), styles()[style])
        assert c.wrap(391.9, 1000) == p.wrap(391.9, 1000) and c.para is None
        assert [t for _, t in c.lines] == ["".join(f.text for f in ln.words)
                                          for ln in p.blPara.lines]
        # a line too long for the width: the Paragraph breaks it, so it is the Paragraph
        narrow = para(text, style)
        assert narrow.wrap(60, 1000) == Paragraph(text.replace("\n", "<br/>"),
                                                  styles()[style]).wrap(60, 1000)
        assert narrow.para is not None
    for text in ("第一行\n\n第三行", "行 \n行", "a\r\nb"):
        assert isinstance(para(text), Paragraph), repr(text)


def test_fast_encoding_is_splitstring_then_escaped():
    from reportlab.lib.rl_accel import escapePDF
    from reportlab.pdfbase.pdfmetrics import getFont

    from complaintdesk.documents.fonts import DocText, register_cjk_font

    font = getFont(register_cjk_font())

    class Doc:  # a document key for the font's per-document subset state
        pass

    doc, ref = Doc(), Doc()
    text = DocText.of(font, doc)
    assert DocText.of(font, doc) is text
    texts = ["客户信息", "张伟 138", "客户信息", "x\xa0y", "ABC", "新字", "张伟 138", "",
             "(a)\\b", "\x01\x7f", "客户\U0001F600"]  # an escaped code, a glyph the font lacks
    texts += ["汉" + chr(0x4E00 + i) for i in range(300)] + ["客户信息" + chr(0x4E00 + 5)]
    texts += ["客户信息", "汉" + chr(0x4E00 + 299) + "新字 x\xa0y"]
    for t in texts:
        assert text.encode(t) == [(k, escapePDF(b)) for k, b in font.splitString(t, ref)], \
            repr(t)
    # every code escapes on its own as within a string
    assert escapePDF(bytes(range(256))) == "".join(escapePDF(bytes([b])) for b in range(256))


def test_a_seeded_document_encodes_as_splitstring():
    from reportlab.lib.rl_accel import escapePDF
    from reportlab.pdfbase.pdfmetrics import getFont

    from complaintdesk.documents.feedback_form import GLYPH_SEED
    from complaintdesk.documents.fonts import DocText, register_cjk_font, seed_glyphs

    font = getFont(register_cjk_font())

    class Doc:
        pass

    texts = ["客户信息", "张伟 13812345678", "日期：\xa0\xa0年", "处理主管王小明", "~{}|", "重复 新字"]
    for _ in range(2):  # the second document takes what the first learnt
        doc, ref = Doc(), Doc()
        seed_glyphs(doc, GLYPH_SEED)
        font.splitString(GLYPH_SEED, ref)
        assert DocText.of(font, doc).known
        for t in texts:
            assert DocText.of(font, doc).encode(t) == [
                (k, escapePDF(b)) for k, b in font.splitString(t, ref)], repr(t)


def test_random_captions_lay_out_like_their_paragraphs():
    import random

    from complaintdesk.documents.pdf_common import ALERT, MUTED
    from complaintdesk.documents.pdf_text import CaptionLines

    st = styles()["side"]
    rnd = random.Random(7)
    chars = "部门负责人签署客服中心回访主管处理王小明李四海张伟期限延至超时（）、，。：代第次天内1234567890-: AB"
    plain = 0
    for _ in range(300):
        lines = [("".join(rnd.choice(chars[:-15]) for _ in range(rnd.randint(2, 9))), None, None)]
        for _ in range(rnd.randint(0, 4)):
            t = "".join(rnd.choice(chars) for _ in range(rnd.randint(1, 18))).strip()
            if t and "  " not in t:
                lines.append((t, rnd.choice([None, 6.5]), rnd.choice([None, MUTED, ALERT])))
        for width in (30, 40, 52, 60):
            cap = CaptionLines(lines)
            p = Paragraph(cap.markup(), st)
            assert cap.wrap(width, 1000) == p.wrap(width, 1000), (lines, width)
            if cap.para is not None:
                continue
            plain += 1
            theirs = [(" ".join(ln[1]), ln[0]) if isinstance(ln, tuple) else
                      ("".join(w.text for w in ln.words).strip(), ln.extraSpace)
                      for ln in p.blPara.lines]
            assert [t for t, *_ in cap._drawn] == [t for t, _ in theirs], (lines, width)
            for (*_, dx), (_, extra) in zip(cap._drawn, theirs, strict=True):
                assert abs(dx - extra / 2) < 1e-6, (lines, width)
    assert plain > 900  # most take the plain path
