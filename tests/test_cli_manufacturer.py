"""`complaintdesk report manufacturer --month … [--brand …] --out …`: the monthly list for
the manufacturer from the command line; a brand not in the list and a missing month are
refused with a Chinese message and exit status 1."""

from datetime import UTC, datetime, timedelta

from openpyxl import load_workbook

from complaintdesk.cli import main
from complaintdesk.domain.clock import FixedClock
from complaintdesk.domain.manufacturer import ForwardInput
from complaintdesk.paths import DB_FILE
from complaintdesk.services.base import SYSTEM_USER
from complaintdesk.services.container import open_services
from complaintdesk.storage.database import DatabaseConfig
from service_builders import intake


def _data_dir(tmp_path):
    tmp_path.mkdir()
    clock = FixedClock(datetime(2026, 11, 10, 2, 0, tzinfo=UTC))
    services = open_services(DatabaseConfig.sqlite_file(tmp_path / DB_FILE), clock=clock,
                             data_dir=tmp_path)
    for ref, brand, phone in (("FAW-1", "一汽-大众", "13800000001"),
                              ("SVW-1", "上汽大众", "13800000002")):
        services.intake.register(SYSTEM_USER, intake(clock, phone=phone, vin=""),
                                 manufacturer=ForwardInput(brand, ref,
                                                           clock.now() - timedelta(hours=1)))
    services.dispose()
    return tmp_path


def test_the_monthly_list_for_one_brand(tmp_path, capsys):
    d = _data_dir(tmp_path / "data")
    out = tmp_path / "厂家.xlsx"
    assert main(["--data-dir", str(d), "report", "manufacturer", "--month", "2026-11",
                 "--brand", "上汽大众", "--out", str(out)]) == 0
    ws = load_workbook(out)["厂家转办清单"]
    refs = [r[2] for r in ws.iter_rows(min_row=5, values_only=True)]
    assert refs == ["SVW-1"]
    assert "已导出2026年11月厂家转办月度清单（上汽大众）" in capsys.readouterr().out
    assert main(["--data-dir", str(d), "report", "manufacturer", "--month", "2026-11",
                 "-o", str(out)]) == 0
    assert len(list(load_workbook(out)["厂家转办清单"].iter_rows(min_row=5))) == 2


def test_refusals_are_chinese_sentences(tmp_path, capsys):
    d = _data_dir(tmp_path / "data")
    out = tmp_path / "x.xlsx"
    assert main(["--data-dir", str(d), "report", "manufacturer", "--month", "2026-11",
                 "--brand", "奔驰", "--out", str(out)]) == 1
    assert "「厂家品牌」不在品牌列表中：奔驰。" in capsys.readouterr().err
    assert main(["--data-dir", str(d), "report", "manufacturer", "--year", "2026",
                 "--out", str(out)]) == 1
    assert "须用 --month" in capsys.readouterr().err
    assert main(["--data-dir", str(d), "report", "--month", "2026-11", "--brand", "上汽大众",
                 "--out", str(out)]) == 1
    assert "--brand 只用于厂家转办月度清单" in capsys.readouterr().err
    assert not out.exists()
