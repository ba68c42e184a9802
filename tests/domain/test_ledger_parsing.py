"""The ledger import's pure part (issue 18 §3): the header found under a title and over a
two-level header, the synonym table and the person's mapping, dates in every form a
ledger holds them, and each row's problems named by row and column."""

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest

from complaintdesk.domain.ledger_import import (
    IGNORE,
    MappingError,
    apply_mapping,
    cell_text,
    default_header_table,
    find_header,
    parse_map_options,
    parse_when,
)
from complaintdesk.domain.ledger_rows import build_plan, ledger_number, match_department
from complaintdesk.domain.records import FeedbackKind, Severity

SH = ZoneInfo("Asia/Shanghai")
NOW = datetime(2026, 11, 10, 2, 0, tzinfo=UTC)
TABLE = default_header_table()
DEPARTMENTS = {"销售部": 1, "售后服务部": 2, "客服中心": 4}


def test_synonyms_come_from_the_data_file_and_ignore_spacing_width_and_notes():
    for header, key in (("客户名称", "customer_name"), ("姓 名", "customer_name"),
                        ("联系电话：", "phone"), ("手机", "phone"), ("vin码", "vin"),
                        ("ＶＩＮ", "vin"), ("车牌号", "plate"), ("受理时间", "complained_at"),
                        ("反馈内容", "description"), ("部门", "department"),
                        ("处理情况", "result"), ("是否满意", "satisfaction"),
                        ("完成时间", "closed_at"), ("联系电话（手机）", "phone"),
                        ("*投诉日期", "complained_at")):
        assert TABLE.field_for(header) == key, header
    assert TABLE.field_for("序号") == IGNORE
    assert TABLE.field_for("反映渠道") is None


def test_header_below_a_title_and_a_two_level_header_with_merges_filled():
    title = "某店投诉台账"
    rows = [
        [title] * 6,  # a merged title row, filled by the reader
        ["序号", "客户信息", "客户信息", "投诉日期", "问题描述", "备注"],
        ["序号", "姓名", "电话", "投诉日期", "问题描述", None],
        [1, "张三", "13812345678", "2025-03-05", "异响", None],
    ]
    layout = find_header(rows, TABLE)
    assert layout is not None and layout.row == 3
    assert [c.field for c in layout.columns] == [IGNORE, "customer_name", "phone",
                                                 "complained_at", "description", "note"]
    assert layout.columns[5].header == "备注"  # taken from the row above (merged down)


def test_no_header_row_when_fewer_than_two_fields_are_named():
    assert find_header([["a", "b"], [1, 2]], TABLE) is None


def test_mapping_by_header_or_letter_moves_a_field_and_refuses_unknowns():
    rows = [["姓名", "电话", "日期", "反映问题", "电话2"]]
    layout = find_header(rows, TABLE)
    mapped = apply_mapping(layout, {"反映问题": "投诉内容", "E": "手机", "日期": "忽略",
                                    "姓名": IGNORE}, TABLE)
    fields = [c.field for c in mapped.columns]
    assert fields == [IGNORE, None, IGNORE, "description", "phone"]
    with pytest.raises(MappingError, match="找不到"):
        apply_mapping(layout, {"不存在": "投诉内容"}, TABLE)
    with pytest.raises(MappingError, match="无法识别"):
        apply_mapping(layout, {"电话": "星座"}, TABLE)
    assert parse_map_options(["反映问题=投诉内容", "A＝姓名，B=电话"]) == {
        "反映问题": "投诉内容", "A": "姓名", "B": "电话"}
    with pytest.raises(MappingError, match="表头=字段"):
        parse_map_options(["反映问题"])


@pytest.mark.parametrize("value,expected", [
    (datetime(2025, 3, 5), "2025-03-05 00:00"),
    (date(2025, 3, 5), "2025-03-05 00:00"),
    (45721, "2025-03-05 00:00"),  # an Excel serial left as a number
    (45721.5, "2025-03-05 12:00"),
    ("2025-03-05", "2025-03-05 00:00"),
    ("2025/3/5 14:30", "2025-03-05 14:30"),
    ("2025.3.5", "2025-03-05 00:00"),
    ("2025年3月5日", "2025-03-05 00:00"),
    ("２０２５年３月５日", "2025-03-05 00:00"),
    ("20250305", "2025-03-05 00:00"),
    (20250305, "2025-03-05 00:00"),
])
def test_dates_as_excel_dates_serials_and_text_read_in_local_time(value, expected):
    at = parse_when(value, SH)
    assert at is not None and at.tzinfo is not None
    assert f"{at.astimezone(SH):%Y-%m-%d %H:%M}" == expected


@pytest.mark.parametrize("value", ["2025-13-45", "上周三", "abc", 12, "2025-02-30"])
def test_what_is_not_a_date(value):
    assert parse_when(value, SH) is None


def test_cells_as_text_keep_phones_typed_as_numbers_whole():
    assert cell_text(13812345678.0) == "13812345678"
    assert cell_text(None) == ""
    assert cell_text(" 张三 ") == "张三"


def _plan(rows, **kw):
    header = ["客户姓名", "联系电话", "车牌", "车架号", "投诉日期", "投诉内容", "责任部门",
              "处理结果", "满意度", "结案日期", "类型", "严重程度", "编号"]
    grid = [header, *rows]
    layout = find_header(grid, TABLE)
    return build_plan("台账", grid, layout, TABLE, NOW, SH, DEPARTMENTS, ["维修质量"], **kw)


def _row(**kw):
    values = dict(name="张三", phone="138-1234-5678", plate="京a·12345", vin="", at="2025-03-05",
                  text="异响", dept="售后", result="已修复", sat="满意", closed="2025-03-08",
                  kind="", severity="", number="")
    values.update(kw)
    return [values[k] for k in ("name", "phone", "plate", "vin", "at", "text", "dept", "result",
                                "sat", "closed", "kind", "severity", "number")]


def test_a_good_row_is_normalised_as_a_registration_would_be():
    plan = _plan([_row(kind="建议", severity="重要", number="ts-001")])
    (row,) = plan.rows
    assert row.ok and not row.problems
    assert row.intake.phone == "13812345678" and row.intake.plate == "京A12345"
    assert row.kind is FeedbackKind.SUGGESTION and row.severity is Severity.IMPORTANT
    assert row.department_id == 2 and row.satisfaction == "满意"
    assert row.ledger_number == "TS-001"
    assert row.closed_at.astimezone(SH).date() == date(2025, 3, 8)


def test_each_problem_names_its_row_and_column():
    plan = _plan([
        _row(),
        [None] * 13,  # blank: skipped, not a problem
        _row(phone="12345"),
        _row(),  # the same as row 2
        _row(name="", at="2025-13-45"),
        _row(closed="2025-03-01"),
        _row(at="2027-01-01", closed=""),
        _row(vin="1M8GDM9AXKP04278X"),  # bad check digit: a warning
    ])
    by_row = {p.row: p for p in plan.all_problems() if p.error}
    assert plan.blank_rows == 1
    assert by_row[4].column == "联系电话" and "手机号码" in by_row[4].message
    assert by_row[5].column == "" and "与第 2 行内容相同" in by_row[5].message
    assert {(p.column, p.error) for p in plan.all_problems() if p.row == 6} >= {
        ("客户姓名", True), ("投诉日期", True)}
    assert by_row[7].column == "结案日期" and "早于" in by_row[7].message
    assert by_row[8].column == "投诉日期" and "不能晚于当前时间" in by_row[8].message
    warning = next(p for p in plan.all_problems() if p.row == 9)
    assert not warning.error and warning.column == "车架号"
    assert [r.row for r in plan.importable] == [2, 9]
    assert [r.row for r in plan.error_rows] == [4, 5, 6, 7, 8]
    assert by_row[4].text().startswith("第 4 行「联系电话」：")


def test_landline_in_the_phone_column_goes_to_the_landline():
    (row,) = _plan([_row(phone="010-68880061")]).rows
    assert row.ok and row.intake.phone == "" and row.intake.landline == "010-68880061"


def test_missing_required_columns_are_a_problem_of_the_file():
    grid = [["姓名", "电话"], ["张三", "13812345678"]]
    plan = build_plan("s", grid, find_header(grid, TABLE), TABLE, NOW, SH)
    assert plan.file_errors and plan.importable == []
    assert any("投诉日期" in p.message for p in plan.problems)


def test_ledger_numbers_never_take_this_systems_series():
    assert ledger_number("TS2025-01") == ("TS2025-01", None)
    assert ledger_number("FK-202503-0001")[0] == ""
    assert ledger_number("投诉001")[0] == ""
    assert match_department("售后", DEPARTMENTS) == 2
    assert match_department("部", DEPARTMENTS) is None  # several: not guessed
