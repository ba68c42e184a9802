"""过失单 and 我的待办 export to Excel (reopened: the rows as the table shows them, in its
order, with the dealership's name in the title) and print (the preview's PDF)."""

from __future__ import annotations

import io
from typing import Any

from openpyxl import load_workbook
from pypdf import PdfReader
from wf_cast import make_cast, sample_intake

from acc_builders import cast, walk_to_issue
from complaintdesk.services.base import SYSTEM_USER
from complaintdesk.services.container import Services
from complaintdesk.ui.accountability.slips_view import SlipsView
from complaintdesk.ui.tasks.tasks_view import TasksView
from service_builders import make_services


def test_my_tasks_export_and_print(qtbot: Any, services: Services, tmp_path) -> None:
    c = make_cast(services)
    services.settings.set_dealership(SYSTEM_USER, "星河汽车")
    first = services.intake.register(c.reception, sample_intake("李女士"))
    services.clock.advance(minutes=10)  # type: ignore[attr-defined]
    second = services.intake.register(c.reception, sample_intake("赵先生"))
    view = TasksView(services, c.cs)
    qtbot.addWidget(view)
    out = tmp_path / "tasks.xlsx"
    view.exports.ask_path = lambda _p, _n: out
    assert view.exports.export() == out
    rows = list(load_workbook(out).active.iter_rows(values_only=True))
    assert rows[0][0] == f"星河汽车 我的待办 {c.cs.display_name}"
    header = next(i for i, r in enumerate(rows) if r[0] == "编号")
    assert rows[header][:3] == ("编号", "客户", "当前步骤")
    assert [r[0] for r in rows[header + 1:header + 3]] == [first.number, second.number]
    assert rows[header + 1][1] == "李女士" and rows[header + 1][2] == "填单转派"
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(view.exports.pdf())).pages)
    assert "星河汽车" in text and first.number in text


def test_the_slips_list_exports_as_filtered(qtbot: Any, tmp_path) -> None:
    services, clock = make_services(tmp_path)
    try:
        c = cast(services)
        walk_to_issue(services, clock, c)
        view = SlipsView(services, c.assessor)
        qtbot.addWidget(view)
        with qtbot.waitSignal(view.loaded):
            view.show()
        assert view.model.rowCount() == 1
        out = tmp_path / "slips.xlsx"
        view.exports.ask_path = lambda _p, _n: out
        view.exports.export()
        rows = list(load_workbook(out).active.iter_rows(values_only=True))
        assert "过失单" in str(rows[0][0])
        assert any(r[2] == "拟开具" and r[3] == "赵磊" for r in rows)
        view.search.setText("没有这个人")  # exported as shown: the filter applies
        view.exports.export()
        rows = list(load_workbook(out).active.iter_rows(values_only=True))
        assert not any(r[3] == "赵磊" for r in rows)
    finally:
        services.dispose()
