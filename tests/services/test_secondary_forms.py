"""The printed 内部投诉意见处理单 and 车辆厂外返修作业单 of cases walked through every step
(DESIGN §7): read back from the PDF."""

from __future__ import annotations

import os
import re
import subprocess
from pathlib import Path

from secondary_walk import crew, walk_internal, walk_rework
from test_printing import pdf_text

from complaintdesk.domain.records import CaseStatus
from complaintdesk.services.base import SYSTEM_USER
from service_builders import make_services


def _flat(text: str) -> str:
    return re.sub(r"\s+", "", text)


def _keep(pdf: bytes, name: str) -> None:
    """COMPLAINTDESK_SHOTS=folder: the PDF and its pages as PNG, for a human look."""
    folder = os.environ.get("COMPLAINTDESK_SHOTS")
    if folder:
        path = Path(folder) / f"{name}.pdf"
        path.write_bytes(pdf)
        subprocess.run(["pdftoppm", "-r", "80", "-png", str(path), str(path.with_suffix(""))],
                       check=True)


def test_internal_form_has_the_reporters_signature_and_cites_internal_rules(tmp_path):
    services, clock = make_services(tmp_path)
    try:
        c = crew(services)
        case = walk_internal(services, clock, c)
        assert case.status is CaseStatus.CLOSED
        pdf = services.printing.case_pdf(c.assessor, case.id)
        _keep(pdf, "internal_form")
        text = _flat(pdf_text(pdf))
        assert "内部投诉意见处理单" in text and case.number in text
        # the signature boxes, the reporter's first (DESIGN §7)
        assert "投诉人业务主管部门负责人考核主管总经理签字：" in text
        assert "投诉人部门售后服务部" in text
        assert "转交至行政部考核主管" in text  # 销售部 has no own 考核主管
        assert "已告知投诉部门负责人售后服务部" in text
        # 依据条款: the internal rules, labelled a product default
        assert "本系统默认规则（制度未规定金额）：内部投诉·主要责任" in text
        assert "一般投诉" not in text
        [slip] = services.accountability.proposals_for_case(SYSTEM_USER, case.id)
        assert slip.slip.number.startswith("CF-")
        slip_pdf = services.printing.slip_pdf(c.assessor, slip.slip.id)
        _keep(slip_pdf, "internal_penalty_slip")
        slip_text = _flat(pdf_text(slip_pdf))
        assert "处罚单" in slip_text
        assert "本系统默认规则（制度未规定金额）：内部投诉·主要责任" in slip_text
        assert "一般投诉" not in slip_text
    finally:
        services.dispose()


def test_rework_order_has_completion_the_cs_assessment_and_the_revisit_box(tmp_path):
    services, clock = make_services(tmp_path)
    try:
        c = crew(services)
        case = walk_rework(services, clock, c)
        assert case.status is CaseStatus.CLOSED
        pdf = services.printing.case_pdf(c.assessor, case.id)
        _keep(pdf, "rework_order")
        text = _flat(pdf_text(pdf))
        assert "车辆厂外返修作业单" in text and case.number in text
        assert "竣工上报" in text and "竣工时间" in text and "上报总经理" in text
        assert "客服中心回访考核客服中心首次回访及时" in text
        assert "本系统默认规则（制度未规定金额）：厂外返修·主要责任" in text
        # the cs_center revisit: its block with the customer's answer, and its signature box
        assert "客服回访" in text and "换挡平顺了" in text
        assert "维修顾问前台主管行政部考核主管维修部经理总经理客服中心回访人签字：" in text
    finally:
        services.dispose()
