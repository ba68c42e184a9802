"""`complaintdesk report`: the month workbook, the weekly summary (Excel and PDF), and a
Chinese message with exit code 1 for a month that does not exist."""

from datetime import UTC, datetime

import pytest
from openpyxl import load_workbook

from complaintdesk.cli import main
from complaintdesk.domain.clock import FixedClock
from complaintdesk.paths import DB_FILE
from complaintdesk.services.container import open_services
from complaintdesk.services.demo import seed_demo
from complaintdesk.storage.database import DatabaseConfig


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory):
    d = tmp_path_factory.mktemp("cli_report")
    clock = FixedClock(datetime(2026, 11, 10, 2, 0, tzinfo=UTC))
    services = open_services(DatabaseConfig.sqlite_file(d / DB_FILE), clock=clock, data_dir=d)
    seed_demo(services, cases=30)
    services.dispose()
    return d


def test_report_month_writes_the_workbook(data_dir, tmp_path, capsys):
    out = tmp_path / "2026年10月.xlsx"
    assert main(["--data-dir", str(data_dir), "report", "--month", "2026-10", "-o", str(out)]) == 0
    wb = load_workbook(out)
    assert wb.sheetnames[0] == "概览" and "2026年10月" in wb["概览"]["A1"].value
    printed = capsys.readouterr().out
    assert "已导出2026年10月统计月报" in printed and str(out.resolve()) in printed


def test_report_week_as_excel_and_pdf(data_dir, tmp_path, capsys):
    xlsx, pdf = tmp_path / "周报.xlsx", tmp_path / "周报.pdf"
    # any day of the week will do: the week runs from its Monday
    assert main(["--data-dir", str(data_dir), "report", "--week", "2026-11-04",
                 "-o", str(xlsx)]) == 0
    assert load_workbook(xlsx)["概要"]["A1"].value.endswith("2026-W45")
    assert main(["--data-dir", str(data_dir), "report", "--week", "2026-11-02", "--pdf",
                 "-o", str(pdf)]) == 0
    assert pdf.read_bytes().startswith(b"%PDF")
    assert "2026-11-02 至 2026-11-08 周报" in capsys.readouterr().out


@pytest.mark.parametrize(("args", "message"), [
    (["--month", "2026-13"], "月份无效"),
    (["--month", "202611"], "月份格式应为 YYYY-MM"),
    (["--year", "20x6"], "年份格式应为 YYYY"),
    (["--week", "2026-02-30"], "日期格式应为 YYYY-MM-DD"),
    (["--month", "2026-10", "--pdf"], "--pdf 只用于周报"),
])
def test_bad_input_exits_1_with_a_chinese_message(data_dir, tmp_path, capsys, args, message):
    out = tmp_path / "x.xlsx"
    assert main(["--data-dir", str(data_dir), "report", *args, "-o", str(out)]) == 1
    assert message in capsys.readouterr().err
    assert not out.exists()


@pytest.mark.parametrize("period", ["2026-٠١", "２０２６-１１", "۲۰۲۶-11"])
def test_report_month_takes_only_ascii_digits(data_dir, tmp_path, capsys, period):
    out = tmp_path / "x.xlsx"
    assert main(["--data-dir", str(data_dir), "report", "--month", period, "-o", str(out)]) == 1
    err = capsys.readouterr().err
    assert "--month 只能用半角数字" in err and err.strip().endswith("。")
    assert not out.exists()


def test_report_year_and_week_take_only_ascii_digits(data_dir, tmp_path, capsys):
    out = tmp_path / "x.xlsx"
    assert main(["--data-dir", str(data_dir), "report", "--year", "２０２６", "-o", str(out)]) == 1
    assert main(["--data-dir", str(data_dir), "report", "--week", "٢٠٢٦-11-04",
                 "-o", str(out)]) == 1
    err = capsys.readouterr().err
    assert "--year 只能用半角数字" in err and "--week 只能用半角数字" in err
