"""The year workbook exported again after a write shows the write: what it remembers
between exports (the figure sets, by their counts) is never a stale figure."""

from __future__ import annotations

from openpyxl import load_workbook

from complaintdesk.domain.records import Role
from complaintdesk.services.base import SYSTEM_USER
from service_builders import add_user, intake, make_services


def rows_by_label(ws) -> dict[str, tuple]:
    return {r[0]: r for r in ws.iter_rows(values_only=True) if r and r[0]}


def test_a_step_taken_between_two_exports_shows_in_the_second(tmp_path):
    services, clock = make_services(tmp_path)
    try:
        cs = add_user(services, "kf", "朱红", Role.CS_CENTER)
        case = services.intake.register(SYSTEM_USER, intake(clock))
        path = tmp_path / "年报.xlsx"
        services.reports.write_year(SYSTEM_USER, 2026, path)
        wb = load_workbook(path)
        before = rows_by_label(wb["类别"])
        nov = 11  # column of 11月 (group label first)
        assert "维修质量" not in before and before["合计"][nov] == 1
        first_total = rows_by_label(wb["全年概览"])["投诉量"][nov]

        services.workflow.act(cs, case.id, "forward", {  # 客服中心 sets category and dept
            "category": "维修质量", "severity": "normal", "department_id": 2})
        services.reports.write_year(SYSTEM_USER, 2026, path)
        wb = load_workbook(path)
        after = rows_by_label(wb["类别"])
        assert after["维修质量"][nov] == 1 and after["维修质量"][13] == 1
        assert after["合计"][nov] == 1
        assert rows_by_label(wb["全年概览"])["投诉量"][nov] == first_total == 1

        services.intake.register(SYSTEM_USER, intake(clock, customer_name="李四",
                                                     phone="13900001111"))
        services.reports.write_year(SYSTEM_USER, 2026, path)
        wb = load_workbook(path)
        assert rows_by_label(wb["全年概览"])["投诉量"][nov] == 2
        assert rows_by_label(wb["类别"])["合计"][13] == 2
    finally:
        services.dispose()
