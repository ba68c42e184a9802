"""台账: a slip issued and not yet enforced is listed apart (it counts when enforced), not
in the month's figures; the list exports with it."""

from __future__ import annotations

from openpyxl import load_workbook
from PySide6.QtCore import QDate

from acc_builders import cast, walk_to_approve, walk_to_issue
from complaintdesk.ui.accountability.ledger_view import LedgerView
from service_builders import make_services


def test_issued_but_not_enforced_slips_are_shown_apart(qtbot, tmp_path):
    services, clock = make_services(tmp_path)
    try:
        c = cast(services)
        case = walk_to_issue(services, clock, c)
        walk_to_approve(services, clock, c, case)  # GS-202611-0001 issued, not enforced
        ledger = LedgerView(services, c.gm)
        qtbot.addWidget(ledger)
        ledger.month.setDate(QDate(2026, 11, 1))
        ledger.refresh()
        assert ledger.employees.rowCount() == 0  # nothing enforced: no figures, no total
        assert ledger.pending.rowCount() == 1
        assert ledger.pending_table.model().index(0, 0).data() == "GS-202611-0001"
        assert "1 张" in ledger.pending_label.text()
        assert ledger.message.text().endswith("本月没有执行的过失单或奖励。")
        out = tmp_path / "台账.xlsx"
        ledger.exports.ask_path = lambda _p, _n: out
        ledger.exports.export()
        rows = list(load_workbook(out).active.iter_rows(values_only=True))
        assert any(r[0] == "GS-202611-0001" for r in rows)
        ledger.month.setDate(QDate(2026, 10, 1))  # issued in November: not October's
        assert ledger.pending.rowCount() == 0
    finally:
        services.dispose()
