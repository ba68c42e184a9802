"""`complaintdesk import-ledger`: each problem row printed, `可导入 N 行，错误 M 行`, the
exit status (0 only without errors), a dry run storing nothing, a real run with errors
storing nothing unless --skip-errors, --map for a header the table does not know, and a
second run importing nothing new."""

from openpyxl import Workbook
from sqlalchemy import func, select

from complaintdesk.cli import main
from complaintdesk.paths import DB_FILE
from complaintdesk.services.container import open_services
from complaintdesk.storage.database import DatabaseConfig
from complaintdesk.storage.tables import CaseRow
from complaintdesk.storage.uow import UnitOfWork
from ledger_builders import messy_ledger


def _cases(data_dir) -> int:
    services = open_services(DatabaseConfig.sqlite_file(data_dir / DB_FILE), data_dir=data_dir)
    try:
        with UnitOfWork(services.engine, readonly=True) as uow:
            return uow.session.execute(select(func.count()).select_from(CaseRow)).scalar_one()
    finally:
        services.dispose()


def test_dry_run_real_run_and_skip_errors(tmp_path, capsys):
    ledger = messy_ledger(tmp_path / "台账.xlsx")
    d = tmp_path / "data"
    base = ["--data-dir", str(d), "import-ledger", str(ledger), "--map", "反映渠道=投诉渠道"]
    assert main([*base, "--dry-run"]) == 1
    out = capsys.readouterr().out
    for row in (7, 8, 10, 11):
        assert f"第 {row} 行" in out
    assert out.strip().endswith("可导入 3 行，错误 4 行")
    assert "已导入" not in out
    assert _cases(d) == 0
    assert main(base) == 1  # errors, no --skip-errors: nothing stored
    captured = capsys.readouterr()
    assert "可导入 3 行，错误 4 行" in captured.out and "已导入" not in captured.out
    assert "--skip-errors" in captured.err
    assert _cases(d) == 0
    assert main([*base, "--skip-errors"]) == 1  # the good rows in; the errors still count
    out = capsys.readouterr().out
    assert out.strip().endswith("可导入 3 行，错误 4 行\n已导入 3 行")
    assert _cases(d) == 3
    assert main([*base, "--skip-errors"]) == 1
    assert "已导入 0 行" in capsys.readouterr().out
    assert _cases(d) == 3


def test_a_clean_ledger_exits_0_and_a_second_run_adds_nothing(tmp_path, capsys):
    path = tmp_path / "clean.xlsx"
    wb = Workbook()
    ws = wb.active
    ws.append(["姓名", "电话", "日期", "反映问题", "完成时间"])
    ws.append(["张三", "13812345678", "2025-03-05", "异响", "2025-03-06"])
    ws.append([None, None, None, None, None])
    ws.append(["李四", "13912345678", "2025-03-07", "漏油", "2025-03-09"])
    wb.save(path)
    d = tmp_path / "data"
    args = ["--data-dir", str(d), "import-ledger", str(path)]
    assert main(args) == 1  # 反映问题 is no known header: the description is missing
    assert "投诉内容" in capsys.readouterr().out
    args += ["--map", "反映问题=投诉内容"]
    assert main(args) == 0
    out = capsys.readouterr().out
    assert "可导入 2 行，错误 0 行" in out and out.strip().endswith("已导入 2 行")
    assert main(args) == 0
    out = capsys.readouterr().out
    assert "可导入 0 行，错误 0 行（另有 2 行已导入过）" in out and "已导入 0 行" in out
    assert _cases(d) == 2
    pdf = tmp_path / "ls.pdf"  # an imported case prints by its LS- number like any case
    assert main(["--data-dir", str(d), "print", "LS-202503-0001", "-o", str(pdf)]) == 0
    assert pdf.read_bytes().startswith(b"%PDF")


def test_a_bad_map_option_exits_2(tmp_path, capsys):
    assert main(["--data-dir", str(tmp_path), "import-ledger", str(tmp_path / "x.xlsx"),
                 "--map", "没有等号"]) == 2
    assert "表头=字段" in capsys.readouterr().err
