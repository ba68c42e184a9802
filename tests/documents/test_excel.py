"""The month workbook, reopened with openpyxl and checked cell by cell.

The figures are those worked out by hand in tests/domain/test_kpi.py for the scenario
in tests/kpi_scenario.py (March 2026).
"""

from __future__ import annotations

import io
import zipfile

import pytest
from openpyxl import load_workbook

from complaintdesk.documents.excel_common import MISSING, Cancelled
from complaintdesk.documents.excel_month import build_month_report, write_month_workbook
from kpi_scenario import LOOKUPS, NOW, SH, VOLUMES, build_cases, build_slips


@pytest.fixture(scope="module")
def report():
    return build_month_report(build_cases(), build_slips(), VOLUMES, 2026, 3, SH, NOW, LOOKUPS,
                              dealership="杭州东方汽车")


@pytest.fixture(scope="module")
def xlsx(report) -> bytes:
    buf = io.BytesIO()
    write_month_workbook(buf, report)
    return buf.getvalue()


@pytest.fixture(scope="module")
def wb(xlsx):
    return load_workbook(io.BytesIO(xlsx))


def rows_by_label(ws, col: int = 1) -> dict[str, tuple]:
    return {r[col - 1]: r for r in ws.iter_rows(values_only=True) if r and r[col - 1]}


def test_sheet_names_are_chinese_and_in_order(wb):
    assert wb.sheetnames == ["概览", "部门", "类别", "严重程度", "渠道", "员工考核", "趋势",
                             "月末未结", "明细", "过失单", "月度评估"]


def test_overview_has_this_month_last_month_last_year_and_change(wb):
    ws = wb["概览"]
    assert ws["A1"].value == "杭州东方汽车 2026年3月客户投诉统计月报"
    assert [c.value for c in ws[3]] == ["指标", "本月", "计算（分子/分母）", "上月", "环比变化",
                                        "去年同月", "同比变化"]
    rows = rows_by_label(ws)
    # label: (this month, n/d, last month, change, a year ago, change)
    assert rows["投诉量"][1:] == (6, None, 3, 3, 1, 5)
    assert rows["投诉率"][1:3] == (pytest.approx(0.015), "3 / 200")
    assert rows["投诉率"][3] == pytest.approx(0.02)
    assert rows["投诉率"][5] == MISSING and rows["投诉率"][6] == MISSING  # no volume in 2025
    assert rows["结案率"][1] == pytest.approx(0.5)
    assert rows["结案率"][4] == pytest.approx(0.5 - 2 / 3)
    assert rows["投诉解决率"][1:3] == (pytest.approx(2 / 3), "2 / 3")
    # complaints only (§8): the suggestion's step is on its own row
    assert rows["按时处理率"][1:3] == (pytest.approx(10 / 12), "10 / 12")
    assert rows["建议·按时处理率"][1:3] == (pytest.approx(1.0), "1 / 1")
    assert rows["表扬·按时处理率"][1] == MISSING
    assert rows["24小时处理率"][1] == pytest.approx(2 / 6)
    assert rows["48小时处理率"][1] == pytest.approx(5 / 6)
    assert rows["平均处理时长（受理→主管处理，小时）"][1] == pytest.approx(30.8)
    assert rows["平均结案时长（受理→结案，小时）"][1] == pytest.approx(120)
    assert rows["回访率"][1:3] == (pytest.approx(4 / 5), "4 / 5")  # per case
    assert rows["客户满意度"][1:3] == (pytest.approx(0.6), "3 / 5")
    assert rows["一次解决率"][1] == pytest.approx(2 / 3)
    assert rows["重复投诉率"][1] == pytest.approx(1 / 6)
    assert rows["过失单数"][1:4] == (4, None, 1)
    assert rows["罚款金额"][1] == 250 and rows["奖金"][1] == 200
    assert rows["月末未结案"][1:4] == (3, None, 1)
    assert rows["超时未结平均超时（小时）"][1] == pytest.approx(182.5 / 3)
    assert rows["按时处理率·主管处理"][1:3] == (pytest.approx(4 / 6), "4 / 6")
    assert rows["警告次数"][1] == 1
    assert rows["按时处理率·登记"][1] == MISSING  # no such step finished: "—", not an error


def test_number_formats(wb):
    ws = wb["概览"]
    cells = {r[0].value: r for r in ws.iter_rows(min_row=4) if r[0].value}
    assert cells["结案率"][1].number_format == "0.0%"
    assert cells["结案率"][4].number_format == "+0.0%;-0.0%;0.0%"
    assert cells["投诉率"][1].number_format == "0.00%"
    assert cells["平均处理时长（受理→主管处理，小时）"][1].number_format == "0.0"
    assert cells["罚款金额"][1].number_format == "¥#,##0"


def test_department_sheet(wb):
    ws = wb["部门"]
    header = [c.value for c in ws[1]]
    rows = rows_by_label(ws)
    col = {h: i for i, h in enumerate(header)}
    sales, after, total = rows["销售部"], rows["售后部"], rows["合计"]
    assert sales[col["投诉量"]] == 3 and sales[col["建议"]] == 1
    assert sales[col["业务量"]] == 200
    assert sales[col["投诉率"]] == pytest.approx(0.015)
    assert sales[col["结案率"]] == pytest.approx(2 / 3)
    assert sales[col["按时处理率"]] == pytest.approx(6 / 8)
    assert sales[col["警告次数"]] == 1
    assert sales[col["客户满意度"]] == pytest.approx(3 / 4)
    assert sales[col["罚款金额"]] == 250
    assert sales[col["上月投诉量"]] == 2 and sales[col["环比变化"]] == 1  # Feb: C10, C11
    assert after[col["投诉量"]] == 2 and after[col["表扬"]] == 1
    assert after[col["业务量"]] == MISSING and after[col["投诉率"]] == MISSING
    assert after[col["重复投诉率"]] == pytest.approx(0.5)
    assert total[col["投诉量"]] == 6 and total[col["投诉率"]] == pytest.approx(0.015)
    assert ws.freeze_panes == "B2"


def test_other_breakdowns(wb):
    cat = rows_by_label(wb["类别"])
    assert cat["维修质量"][1] == 2 and cat["未分类"][1] == 1
    sev = rows_by_label(wb["严重程度"])
    assert (sev["一般"][1], sev["重要"][1], sev["重大"][1]) == (3, 1, 1)
    ch = rows_by_label(wb["渠道"])
    assert ch["电话"][1] == 3 and ch["12315"][1] == 1
    ws = wb["员工考核"]
    header = [c.value for c in ws[1]]
    col = {h: i for i, h in enumerate(header)}
    emp = rows_by_label(ws)
    assert emp["张三"][col["所属部门"]] == "销售部"
    assert (emp["张三"][col["过失单数"]], emp["张三"][col["罚款金额"]]) == (2, 250)
    assert emp["王主管"][col["按时处理率"]] == pytest.approx(3 / 5)
    assert emp["王主管"][col["警告次数"]] == 1 and emp["张三"][col["警告次数"]] == 0
    assert emp["李四"][col["净绩效分"]] == 3
    assert emp["合计"][col["过失单数"]] == 4 and emp["合计"][col["按时处理率"]] == MISSING
    assert ws.freeze_panes == "C2"


def test_detail_sheet_masks_the_phone_and_lists_every_case(wb):
    ws = wb["明细"]
    header = [c.value for c in ws[1]]
    col = {h: i for i, h in enumerate(header)}
    rows = [r for r in ws.iter_rows(min_row=2, values_only=True)]
    assert [r[0] for r in rows] == [
        "FK-202603-0001", "FK-202603-0002", "FK-202603-0003", "FK-202603-0007",
        "FK-202603-0008", "FK-202603-0004", "FK-202603-0005", "FK-202603-0006",
    ]  # registration order; C9 (internal flow) is not customer feedback
    first = rows[0]
    assert first[col["手机"]] == "138****0001"
    assert "13812340001" not in {v for r in rows for v in r}
    assert first[col["车架号"]] == "LSVAM********4847"  # DESIGN §3: LSVAB********1234
    assert first[col["受理→主管处理（小时）"]] == pytest.approx(11)
    assert first[col["回访满意度"]] == "满意"
    assert first[col["登记时间"]].strftime("%Y-%m-%d %H:%M") == "2026-03-02 09:30"  # local
    assert ws.cell(2, col["登记时间"] + 1).number_format == "yyyy-mm-dd hh:mm"
    c2 = rows[1]
    assert (c2[col["重开次数"]], c2[col["超时步骤数"]], c2[col["责任人"]]) == (1, 1, "张三")
    assert rows[2][col["重复投诉"]] == "是"
    assert ws.freeze_panes == "B2"


def test_slip_and_open_sheets(wb):
    slips = rows_by_label(wb["过失单"])
    assert list(slips)[1:] == ["GS-202603-0001", "GS-202603-0002", "GS-202603-0003",
                               "GS-202603-0005", "GS-202603-0006"]
    s2 = slips["GS-202603-0002"]
    assert s2[1:7] == ("过失", s2[2], "张三", "销售部", None, "FK-202603-0002")
    assert s2[9] == 150 and s2[15] == "减轻"
    assert slips["GS-202603-0005"][1] == "奖励"
    open_rows = rows_by_label(wb["月末未结"])
    assert open_rows["FK-202603-0004"][6] == pytest.approx(180)
    assert open_rows["FK-202603-0006"][2] == "填单转派"
    assert wb["月末未结"].freeze_panes == "B3"  # a note line above the header


def test_frozen_header_and_widths(wb):
    ws = wb["概览"]
    assert ws.freeze_panes == "B4"
    assert ws.column_dimensions["A"].width >= 30
    assert wb["明细"].column_dimensions["A"].width >= 14


def test_native_charts_exist(xlsx):
    names = zipfile.ZipFile(io.BytesIO(xlsx)).namelist()
    charts = sorted(n for n in names if n.startswith("xl/charts/chart"))
    # overview: trend, by department, by category; plus one each on 部门 and 类别
    assert len(charts) == 5
    z = zipfile.ZipFile(io.BytesIO(xlsx))
    trend = z.read(charts[0]).decode()
    assert "'趋势'!$B$2:$B$13" in trend and "<barChart>" in trend and "<lineChart>" in trend


def test_progress_reaches_the_total(report):
    seen: list[tuple[int, int]] = []
    write_month_workbook(io.BytesIO(), report, progress=lambda d, t: seen.append((d, t)))
    assert seen[-1][0] == seen[-1][1]
    assert [d for d, _ in seen] == sorted(d for d, _ in seen)


def test_cancelling_raises_and_writes_nothing(report, tmp_path):
    target = tmp_path / "m.xlsx"
    calls = iter(range(1000))
    with pytest.raises(Cancelled):
        write_month_workbook(target, report, cancelled=lambda: next(calls) >= 2)
    assert not target.exists()


def test_year_workbook_has_twelve_months_side_by_side(tmp_path):
    from complaintdesk.documents.excel_year import build_year_report, write_year_workbook

    data = build_year_report(build_cases(), build_slips(), VOLUMES, 2026, SH, NOW, LOOKUPS)
    path = tmp_path / "y.xlsx"
    write_year_workbook(path, data)
    wb = load_workbook(path)
    assert wb.sheetnames == ["全年概览", "部门投诉量", "部门投诉率", "部门结案率", "类别",
                             "严重程度", "渠道", "员工考核"]
    ws = wb["全年概览"]
    assert [c.value for c in ws[3]][:3] == ["指标", "1月", "2月"] and ws["N3"].value == "全年"
    rows = rows_by_label(ws)
    assert rows["投诉量"][1:] == (0, 3, 6, 0, 0, 0, 0, 0, 0, 0, 0, 0, 9)
    assert rows["结案率"][1] == MISSING and rows["结案率"][13] == pytest.approx(7 / 9)
    assert ws.freeze_panes == "B4"
    rate = rows_by_label(wb["部门投诉率"])
    assert rate["销售部"][2:4] == (pytest.approx(0.02), pytest.approx(0.015))
    assert rate["销售部"][13] == pytest.approx(5 / 300)
    assert rate["售后部"][3] == MISSING
    assert rows_by_label(wb["部门投诉量"])["合计"][13] == 9
    names = zipfile.ZipFile(path).namelist()
    assert any(n.startswith("xl/charts/chart") for n in names)


def test_weekly_workbook(tmp_path):
    from datetime import date

    from complaintdesk.documents.excel_weekly import write_weekly_workbook
    from complaintdesk.domain.kpi.weekly import weekly_summary

    w = weekly_summary(build_cases(), build_slips(), date(2026, 3, 23), SH, NOW, LOOKUPS)
    path = tmp_path / "w.xlsx"
    write_weekly_workbook(path, w, SH, "杭州东方汽车")
    wb = load_workbook(path)
    assert wb.sheetnames == ["概要", "新增案件", "已结案", "超时未结", "过失单"]
    assert rows_by_label(wb["概要"])["超时未结"][1] == 1
    row = rows_by_label(wb["超时未结"])["FK-202603-0004"]
    assert row[3] == "主管处理" and row[5] == pytest.approx(132)
    assert row[6] == "客户投诉"  # 类型 (the 意见内容 column beside it: 003 一.8)
    assert row[4].strftime("%m-%d %H:%M") == "03-24 12:00"  # local time
    with pytest.raises(Cancelled):
        write_weekly_workbook(tmp_path / "x.xlsx", w, SH, cancelled=lambda: True)


def test_month_evaluation_sheet_lists_department_proposals_and_the_board_sign_off():
    """DESIGN §8: the 监督与评估小组's monthly evaluation signs the workbook; the month's
    proposed department rewards/penalties are beside it (thresholds are settings)."""
    from dataclasses import replace

    from complaintdesk.domain.dept_assessment import AccountabilitySettings, evaluate_departments

    data = build_month_report(build_cases(), build_slips(), VOLUMES, 2026, 3, SH, NOW, LOOKUPS)
    # 销售部 1.5 % in March: above a 1 % threshold → a department penalty
    strict = AccountabilitySettings(penalty_rate_above=0.01)
    data = replace(data, dept_verdicts=evaluate_departments(data.trend, strict))
    buf = io.BytesIO()
    write_month_workbook(buf, data)
    ws = load_workbook(io.BytesIO(buf.getvalue()))["月度评估"]
    rows = rows_by_label(ws)
    assert rows["销售部"][1] == "部门处罚" and "投诉率 1.50% 高于 1.00%" in rows["销售部"][2]
    assert rows["售后部"][1] == "无" and "2026-03未录入业务量" in rows["售后部"][2]
    for signer in ("组长（行政部负责人）", "成员（人力资源部）", "成员（财务部）", "总经理"):
        assert signer in rows
    assert "监督与评估小组月度评估签字：" in rows
