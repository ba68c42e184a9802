"""The dealership's name is a setting: every form's header and every workbook's title show
the name the administrator set (issue 13, list 6), and bad input is refused by the field."""

import io

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader

from acc_builders import cast, walk_to_issue
from complaintdesk.domain.records import Role
from complaintdesk.services.base import SYSTEM_USER
from complaintdesk.services.errors import PermissionDenied, ServiceError
from service_builders import add_user, make_services

NAME = "北京星河汽车销售服务有限公司"


def _text(data: bytes) -> str:
    return "".join("".join(p.extract_text() for p in PdfReader(io.BytesIO(data)).pages).split())


@pytest.fixture
def services(tmp_path):
    services, clock = make_services(tmp_path)
    yield services, clock
    services.dispose()


def test_the_set_name_is_printed_on_forms_and_in_workbook_titles(services, tmp_path):
    services, clock = services
    c = cast(services)
    case = walk_to_issue(services, clock, c)
    before = _text(services.printing.pdf_by_number(c.cs, case.number))
    assert "示例汽车销售服务有限公司" in before and NAME not in before
    services.settings.set_dealership(SYSTEM_USER, f"  {NAME} ")
    after = _text(services.printing.pdf_by_number(c.cs, case.number))
    assert NAME in after and "示例汽车销售服务有限公司" not in after
    out = services.reports.write_month(SYSTEM_USER, 2026, 11, tmp_path / "月报.xlsx")
    sheet = load_workbook(out).worksheets[0]
    titles = [str(v) for row in sheet.iter_rows(max_row=3, values_only=True) for v in row if v]
    assert any(NAME in t for t in titles), titles


def test_name_and_logo_are_checked_and_only_the_admin_sets_them(services, tmp_path):
    services, _clock = services
    with pytest.raises(ServiceError) as err:
        services.settings.set_dealership(SYSTEM_USER, "   ")
    assert err.value.field == "dealership_name" and err.value.message.endswith("。")
    with pytest.raises(ServiceError) as err:
        services.settings.set_dealership(SYSTEM_USER, NAME, str(tmp_path / "missing.png"))
    assert err.value.field == "logo_path" and "找不到" in err.value.message
    (tmp_path / "logo.gif").write_bytes(b"GIF89a")
    with pytest.raises(ServiceError) as err:
        services.settings.set_dealership(SYSTEM_USER, NAME, str(tmp_path / "logo.gif"))
    assert "PNG" in err.value.message
    clerk = add_user(services, "jd", "接待小李", Role.RECEPTION)
    with pytest.raises(PermissionDenied):
        services.settings.set_dealership(clerk, NAME)
    assert services.settings.get("dealership_name") == "示例汽车销售服务有限公司"
