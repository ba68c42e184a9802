"""`complaintdesk print`: a PDF file for a case number, for a slip number and for --week;
a Chinese message and exit code 1 for an unknown number."""

import io
from datetime import UTC, datetime

import pytest
from pypdf import PdfReader

from acc_builders import cast, walk_to_approve, walk_to_issue
from complaintdesk.cli import main
from complaintdesk.domain.clock import FixedClock
from complaintdesk.paths import DB_FILE
from complaintdesk.services.base import SYSTEM_USER
from complaintdesk.services.container import open_services
from complaintdesk.storage.database import DatabaseConfig
from service_builders import intake


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory):
    """A data folder as the CLI finds it, with one complaint walked to 总经理签批."""
    d = tmp_path_factory.mktemp("cli_print")
    clock = FixedClock(datetime(2026, 11, 10, 2, 0, tzinfo=UTC))  # Tuesday
    services = open_services(DatabaseConfig.sqlite_file(d / DB_FILE), clock=clock, data_dir=d)
    c = cast(services)
    case = walk_to_approve(services, clock, c, walk_to_issue(services, clock, c))
    assert case.number == "FK-202611-0001"
    second = services.intake.register(SYSTEM_USER, intake(clock, landline="010-68880061",
                                                          vin="LSVAB2BR5KN001234"))
    assert second.number == "FK-202611-0002"  # all three numbers (DESIGN §3)
    services.dispose()
    return d


def _text(path) -> str:
    return "".join("".join(p.extract_text() for p in PdfReader(io.BytesIO(path.read_bytes())).pages
                           ).split())


def test_print_a_case_by_number_writes_its_form(data_dir, tmp_path, capsys):
    out = tmp_path / "处理单.pdf"
    assert main(["--data-dir", str(data_dir), "print", "FK-202611-0001", "-o", str(out)]) == 0
    text = _text(out)
    assert "客户信息反馈意见处理单" in text and "FK-202611-0001" in text and "王小明" in text
    # the command line is the system, no handler of the case: numbers masked (DESIGN §3)
    assert "138****5678" in text and "1M8GD********2788" in text
    assert "13812345678" not in text and "1M8GDM9AXKP042788" not in text
    assert "已生成" in capsys.readouterr().out


def _audit(data_dir, action):
    from sqlalchemy import select

    from complaintdesk.storage.tables import AuditRow

    services = open_services(DatabaseConfig.sqlite_file(data_dir / DB_FILE), data_dir=data_dir,
                             auto_backup=False)
    try:
        with services.cases.uow(readonly=True) as uow:
            return [(r.user_name, r.entity_id, r.after) for r in uow.session.execute(
                select(AuditRow).where(AuditRow.action == action).order_by(AuditRow.id)).scalars()]
    finally:
        services.dispose()


def test_print_unmasked_shows_the_numbers_and_is_audited(data_dir, tmp_path):
    before = len(_audit(data_dir, "view_contact"))
    out = tmp_path / "full.pdf"
    assert main(["--data-dir", str(data_dir), "print", "FK-202611-0001", "--unmasked",
                 "-o", str(out)]) == 0
    text = _text(out)
    assert "13812345678" in text and "1M8GDM9AXKP042788" in text
    views = _audit(data_dir, "view_contact")
    assert len(views) == before + 1 and views[-1][:2] == ("命令行", "FK-202611-0001")
    prints = _audit(data_dir, "print")
    assert prints[-1] == ("命令行", "FK-202611-0001", {"file": str(out), "unmasked": True})


def test_every_print_is_audited_like_report(data_dir, tmp_path):
    before = _audit(data_dir, "print")
    out = tmp_path / "gs2.pdf"
    assert main(["--data-dir", str(data_dir), "print", "GS-202611-0001", "-o", str(out)]) == 0
    after = _audit(data_dir, "print")
    assert after[len(before):] == [("命令行", "GS-202611-0001",
                                    {"file": str(out), "unmasked": False})]


def test_print_a_slip_by_number(data_dir, tmp_path):
    out = tmp_path / "gs.pdf"
    assert main(["--data-dir", str(data_dir), "print", "GS-202611-0001", "-o", str(out)]) == 0
    assert "过失单" in _text(out) and "赵磊" in _text(out)


def test_print_a_week_of_slips_as_one_pdf(data_dir, tmp_path):
    out = tmp_path / "week.pdf"
    # Sunday 2026-11-15 is in the week of Monday 2026-11-09, when the slip was issued
    assert main(["--data-dir", str(data_dir), "print", "--week", "2026-11-15",
                 "-o", str(out)]) == 0
    assert "GS-202611-0001" in _text(out)


def test_an_empty_week_is_an_error(data_dir, tmp_path, capsys):
    out = tmp_path / "none.pdf"
    assert main(["--data-dir", str(data_dir), "print", "--week", "2026-11-16",
                 "-o", str(out)]) == 1
    assert "该周没有开具过失单" in capsys.readouterr().err and not out.exists()


def test_an_unknown_number_says_so_in_chinese_and_exits_1(data_dir, tmp_path, capsys):
    out = tmp_path / "x.pdf"
    assert main(["--data-dir", str(data_dir), "print", "FK-209912-0042", "-o", str(out)]) == 1
    assert "找不到编号为 FK-209912-0042" in capsys.readouterr().err and not out.exists()


def test_a_number_or_a_week_is_needed(data_dir, tmp_path, capsys):
    assert main(["--data-dir", str(data_dir), "print", "-o", str(tmp_path / "x.pdf")]) == 2
    assert "二者选一" in capsys.readouterr().err


def test_print_masks_mobile_landline_and_vin_unless_unmasked(data_dir, tmp_path):
    masked, full = tmp_path / "m.pdf", tmp_path / "f.pdf"
    assert main(["--data-dir", str(data_dir), "print", "FK-202611-0002", "-o", str(masked)]) == 0
    text = _text(masked)
    assert "138****5678" in text and "010-****0061" in text and "LSVAB********1234" in text
    assert "13812345678" not in text and "68880061" not in text and "LSVAB2BR5KN" not in text
    assert main(["--data-dir", str(data_dir), "print", "FK-202611-0002", "--unmasked",
                 "-o", str(full)]) == 0
    text = _text(full)
    assert "13812345678" in text and "010-68880061" in text and "LSVAB2BR5KN001234" in text
