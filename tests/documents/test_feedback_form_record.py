"""The 处理单's record-bound parts (DESIGN §7, seed 003 一.13; issue 14): the 公司盖章 box
beside the GM's signature, the second-revisit line, the evidence attachments, and each
step's 按时/超时 printed from the recorded deadlines — never from the typed field."""

from __future__ import annotations

import re
import subprocess
from dataclasses import replace
from datetime import timedelta
from pathlib import Path

from builders import CaseBuilder, context, slip
from test_forms_pdf import pages_text, text

from complaintdesk.documents.feedback_form import feedback_form_pdf
from complaintdesk.domain import steps as S
from complaintdesk.domain.records import Attachment, Severity


def _full(severity: Severity = Severity.IMPORTANT) -> CaseBuilder:
    b = CaseBuilder().full()
    b.case.severity = severity
    return b


def test_on_time_is_printed_from_the_recorded_deadlines_not_the_typed_field():
    case = _full().build()
    ev = next(s for s in case.steps if s.step_key == S.EVALUATE)
    ev.data["on_time"] = True  # typed "yes" although step 3 breached its deadline
    t = text(feedback_form_pdf(case, context(), [slip()]))
    assert "按时处理否（超时：主管处理）" in t
    assert "按时处理是" not in t
    # each finished step says 按时 or 超时 after who finished it
    assert re.search(r"主管处理.{0,40}超时", t)
    assert t.count("超时") >= 2 and t.count("按时") >= 8


def test_a_step_finished_after_its_deadline_prints_late_even_without_the_flag():
    b = CaseBuilder().forward()
    late = b.case.steps[-1]
    b.case.steps[-1] = replace(late, breach=False,
                               finished_at=late.deadline + timedelta(minutes=1))
    b.evaluate()
    t = text(feedback_form_pdf(b.build(), context()))
    assert "按时处理否（超时：填单转派）" in t


def test_seal_box_beside_the_general_managers_signature():
    t = text(feedback_form_pdf(_full().build(), context(), [slip()]))
    assert "总经理公司盖章" in t  # the seal box is the next box after the GM's
    assert "（加盖公司公章）" in t


def test_evidence_attachments_are_listed_or_none():
    case = _full().build()
    assert "证据附件无" in text(feedback_form_pdf(case, context(), [slip()]))
    case.attachments = [Attachment(1, "发票.jpg", "image/jpeg", 245_760),
                        Attachment(2, "录音.mp3", "audio/mpeg", 900)]
    t = text(feedback_form_pdf(case, context(), [slip()]))
    assert "证据附件发票.jpg（240KB）、录音.mp3（900B）" in t


def test_the_second_revisit_line_is_always_on_a_complaints_form():
    normal = pages_text(feedback_form_pdf(_full(Severity.NORMAL).build(), context(), [slip()]))
    assert len(normal) == 1  # still one page with the new rows
    assert "一般投诉，无需二次回访" in normal[0]
    [page] = pages_text(feedback_form_pdf(_full(Severity.IMPORTANT).build(), context(),
                                          [slip()]))
    tail = page[page.index("反馈业务部门"):]  # after the last step: the boxes to fill in
    assert "二次回访" in tail and "结案后" in tail and "回访时间" in tail
    assert "□满意□基本满意□不满意" in tail and "无需二次回访" not in page


def test_a_recorded_second_revisit_prints_its_result():
    b = _full()
    b.step(S.SECOND_REVISIT, {"revisit_at": b.t.isoformat(), "method": "电话",
                              "reached": True, "satisfaction": "基本满意",
                              "customer_words": "车况稳定"})
    t = text(feedback_form_pdf(b.build(), context(), [slip()]))
    assert "二次回访" in t and "■基本满意" in t and "车况稳定" in t
    assert "无需二次回访" not in t


def test_render_the_form_for_a_look(tmp_path):
    """Renders the form to PNG (pdftoppm) and checks the page is not blank; the images
    are kept in COMPLAINTDESK_SHOTS when set (looked at by a person)."""
    import os

    b = _full()
    b.case.attachments = [Attachment(1, "维修工单扫描.pdf", "application/pdf", 512_000)]
    b.step(S.SECOND_REVISIT, {"revisit_at": b.t.isoformat(), "method": "电话",
                              "reached": True, "satisfaction": "满意",
                              "customer_words": "再次回访，客户满意"})
    pdf = tmp_path / "form.pdf"
    pdf.write_bytes(feedback_form_pdf(b.build(), context(), [slip()]))
    out = Path(os.environ.get("COMPLAINTDESK_SHOTS") or tmp_path)
    out.mkdir(parents=True, exist_ok=True)
    subprocess.run(["pdftoppm", "-r", "110", "-png", str(pdf), str(out / "feedback_form")],
                   check=True)
    pngs = sorted(out.glob("feedback_form*.png"))
    assert pngs and pngs[0].stat().st_size > 20_000
