"""The printed forms (DESIGN §7), read back out of the PDF."""

from __future__ import annotations

import io
import re
from datetime import date, timedelta
from zoneinfo import ZoneInfo

import pytest
from builders import T0, CaseBuilder, context, internal_case, rework_case, slip
from pypdf import PdfReader

from complaintdesk.documents.fault_slip import fault_slip_pdf, penalty_slip_pdf, slips_batch_pdf
from complaintdesk.documents.feedback_form import feedback_form_pdf, planned_steps
from complaintdesk.documents.fonts import register_cjk_font
from complaintdesk.documents.other_forms import internal_complaint_pdf, rework_order_pdf
from complaintdesk.documents.weekly_pdf import weekly_summary_pdf
from complaintdesk.domain import steps as S
from complaintdesk.domain.records import Penalty, PenaltyKind, SlipStatus
from complaintdesk.domain.weekly import WeeklyCaseRow, WeeklySlipRow, WeeklySummary
from complaintdesk.resources_path import resource_path


def pages_text(pdf: bytes) -> list[str]:
    # pypdf may put spaces/newlines between CJK glyph runs; compare without whitespace
    return [re.sub(r"\s+", "", p.extract_text() or "") for p in PdfReader(io.BytesIO(pdf)).pages]


def text(pdf: bytes) -> str:
    return "".join(pages_text(pdf))


def test_resource_path_finds_bundled_font():
    assert resource_path("fonts", "wqy-microhei.ttc").is_file()


def test_font_is_registered_once():
    assert register_cjk_font() == register_cjk_font()


def test_feedback_form_prints_intake_and_every_done_step():
    pdf = feedback_form_pdf(CaseBuilder().full().build(), context(), [slip()])
    pages = pages_text(pdf)
    assert len(pages) == 1
    t = pages[0]
    for expected in ("客户信息反馈意见处理单", "FK-202611-0007", "张伟", "13812345678",
                     "LSVAM4187C2184847", "浙A12345", "帕萨特", "尽快修好并赔偿误工费",
                     "2026-11-0509:10",  # complained at, local time
                     "经查，保养时机油滤清器安装不到位导致异响", "王小明", "主要责任",
                     "同意主管意见，加强班组培训", "GS-202611-0012", "罚款¥300", "处理及时，很满意",
                     "售后部全员学习本案例", "打印日期：2026-11-0910:15", "第1页/共1页"):
        assert expected in t, expected
    for signer in ("业务主管", "部门负责人", "客服中心回访人", "行政部考核主管", "总经理"):
        assert signer in t


def test_steps_not_done_print_as_empty_boxes():
    case = CaseBuilder().forward().assign().open_step(S.HANDLE).build()
    keys = [k for k, _ in planned_steps(case)]
    assert keys == [S.FORWARD, S.ASSIGN, S.HANDLE, S.DEPT_OPINION, S.ISSUE_SLIPS, S.REVISIT,
                    S.EVALUATE, S.APPROVE, S.ENFORCE]
    t = text(feedback_form_pdf(case, context()))
    assert "处理中" in t and "事情经过" in t and "回访方式" in t and "签批意见" in t
    assert "GS-" not in t


def test_reopened_case_shows_each_occurrence():
    b = CaseBuilder().forward().assign().handle().dept_opinion().issue_slips()
    b.revisit("不满意", "问题依旧，要求换件").handle("第二次检查，更换机油滤清器总成。")
    case = b.build()
    case.reopen_count = 1
    t = text(feedback_form_pdf(case, context(), [slip()]))
    assert "（第2次）" in t
    assert "问题依旧，要求换件" in t and "第二次检查，更换机油滤清器总成" in t
    assert "客户不满意，退回重新处理" in t


def test_long_description_flows_to_second_page_with_header():
    # (the form now also carries 证据附件, the 二次回访 line and the 公司盖章 box: a text
    # of 4,500 characters fills the second page)
    case = CaseBuilder(description="客户反映发动机异响。" * 450).forward().build()
    pages = pages_text(feedback_form_pdf(case, context()))
    assert len(pages) == 2
    for i, page in enumerate(pages, 1):
        assert "客户信息反馈意见处理单" in page and "FK-202611-0007" in page
        assert f"第{i}页/共2页" in page
    assert "".join(pages).count("客户反映发动机异响") == 450


def test_font_is_embedded_as_subset():
    reader = PdfReader(io.BytesIO(feedback_form_pdf(CaseBuilder().build(), context())))
    fonts = reader.pages[0]["/Resources"]["/Font"]
    names = [str(f.get_object()["/BaseFont"]) for f in fonts.values()]
    assert any(re.match(r"^/[A-Z]{6}\+", n) for n in names), names


def test_fault_slip_prints_slip_fields_history_and_appeal():
    s = slip(appeal={"filed_at": (T0 + timedelta(days=3)).isoformat(), "reason": "配件质量问题",
                     "review": "属实", "decision": "reduced", "decision_reason": "配件批次问题",
                     "decided_at": (T0 + timedelta(days=5)).isoformat(),
                     "new_penalties": [{"kind": "fine", "amount": 100}]})
    pages = pages_text(fault_slip_pdf(s, context()))
    assert len(pages) == 1
    t = pages[0]
    for expected in ("过失单", "GS-202611-0012", "王小明", "售后服务部", "维修技师",
                     "FK-202611-0007", "主要责任", "机油滤清器未按规范安装", "罚款¥300",
                     "绩效扣分5分", "R-重要-主要责任", "孙考核", "同意处罚", "减轻处罚",
                     "客户两次返厂，情节较重", "周总"):
        assert expected in t, expected
    for signer in ("开具人", "部门负责人", "总经理", "责任人签字确认"):
        assert signer in t


def test_fault_slip_change_log_shows_local_times_not_utc_iso():
    """Issue 13: the printed change log showed raw UTC ISO timestamps."""
    from complaintdesk.domain.slips import acknowledge

    s = slip(status=SlipStatus.ENFORCED)
    acknowledge(s, T0 + timedelta(days=2))  # T0 is 02:00 UTC = 10:00 in Shanghai
    t = text(fault_slip_pdf(s, context()))
    local = (T0 + timedelta(days=2)).astimezone(ZoneInfo("Asia/Shanghai"))
    assert local.strftime("%Y-%m-%d%H:%M") in t  # the entry's time, local
    assert "责任人签字确认" in t
    assert not re.search(r"\d{4}-\d\d-\d\dT\d\d:\d\d", t), t  # no ISO stamp anywhere
    assert "+00:00" not in t


def test_batch_has_one_page_per_slip_with_own_number():
    slips = [slip(i, f"GS-202611-{i:04d}") for i in range(1, 6)]
    pages = pages_text(slips_batch_pdf(slips, context()))
    assert len(pages) == 5
    for i, page in enumerate(pages, 1):
        assert f"GS-202611-{i:04d}" in page and "第1页/共1页" in page


def test_penalty_slip_is_titled_chufadan():
    t = text(penalty_slip_pdf(slip(9, "CF-202611-0001", 101, 3), context()))
    assert "处罚单" in t and "CF-202611-0001" in t and "NB-202611-0002" in t


@pytest.mark.parametrize("make, title, number, found", [
    (lambda: internal_complaint_pdf(internal_case(), context(),
                                    [slip(900, "CF-202611-0001", 101, 3)]),
     "内部投诉意见处理单", "NB-202611-0002", ("交接单未签字属实", "CF-202611-0001", "陈大伟")),
    (lambda: rework_order_pdf(rework_case(), context(), [slip(501, "GS-202611-0020", 100, 4)]),
     "车辆厂外返修作业单", "FX-202611-0003", ("杭州某变速箱专修厂", "GS-202611-0020",
                                          "维修部经理")),
])
def test_internal_and_rework_forms(make, title, number, found):
    t = text(make())
    assert title in t and number in t
    for f in found:
        assert f in t, f


def test_weekly_summary_lists_cases_and_slips():
    rows = [WeeklyCaseRow(f"FK-202611-{i:04d}", f"客户{i}", "售后服务部", "主管处理",
                          T0 + timedelta(hours=i), 2.5 * i, "客户投诉", f"刹车异响{i}")
            for i in range(1, 4)]
    ws = WeeklySummary(date(2026, 11, 2), new_cases=rows, overdue_cases=rows[2:],
                       slips=[WeeklySlipRow("GS-202611-0012", "王小明", "售后服务部",
                                            "罚款¥300", "FK-202611-0007")])
    t = text(weekly_summary_pdf(ws, context()))
    assert "客户投诉处理周报" in t and "2026-W45" in t and "2026-11-02至2026-11-08" in t
    assert "客户3" in t and "7.5" in t and "GS-202611-0012" in t and "罚款¥300" in t
    assert "意见内容" in t and "刹车异响3" in t  # 003 一.8: each case's 意见内容


def test_a_reward_prints_as_a_reward_not_as_a_fault():
    """奖励单: the praised employee is 受奖人 and signs for a reward — the fault slip's
    责任人 / 过失事实 / 责任程度 wording does not belong on praise."""
    reward = slip(700, "JL-202611-0002", is_reward=True, responsibility=None,
                  facts="客户来电表扬服务顾问讲解耐心。",
                  penalties=[Penalty(PenaltyKind.REWARD_POINTS, points=2)], changes=[])
    t = text(fault_slip_pdf(reward, context()))
    for expected in ("奖励单", "JL-202611-0002", "受奖人", "表扬事实", "客户来电表扬服务顾问讲解耐心",
                     "客户表扬", "本人已知悉上述表扬事实及奖励决定", "受奖人签字确认", "+2"):
        assert expected in t, expected
    for fault_word in ("过失", "责任人", "责任程度"):
        assert fault_word not in t, fault_word
    fault = text(fault_slip_pdf(slip(), context()))
    assert "过失事实" in fault and "责任程度" in fault and "奖励" not in fault
