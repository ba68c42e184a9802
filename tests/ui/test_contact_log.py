"""The case view's contact log (DESIGN §4.1): cs_center adds a 处理意见告知 entry on day 3
through the real form; the entry is listed and the 告知 shows as done."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from PySide6.QtCore import Qt
from wf_cast import make_cast, sample_intake

from complaintdesk.services.container import Services
from complaintdesk.ui.cases.case_view import CaseViewDialog


def test_cs_logs_the_notice_and_the_case_shows_it_told(qtbot: Any, services: Services) -> None:
    cast = make_cast(services)
    case = services.intake.register(cast.reception, sample_intake())
    services.clock.advance(timedelta(days=3))  # type: ignore[attr-defined]
    dlg = CaseViewDialog(services, cast.cs, case.id or 0)
    qtbot.addWidget(dlg)
    box = dlg.contact_log
    assert "须于" in box.notice.text() and box.entries.text() == "暂无联系记录"
    qtbot.mouseClick(box.add_button, Qt.MouseButton.LeftButton)  # nothing typed
    assert "沟通内容" in box.error.text()
    dlg.contact_log.summary.insert("告知处理决定：免费更换刹车片")
    dlg.contact_log.reply.insert("同意")
    qtbot.mouseClick(dlg.contact_log.add_button, Qt.MouseButton.LeftButton)
    box = dlg.contact_log  # the view reloads with the new entry
    assert "免费更换刹车片" in box.entries.text() and "客户：同意" in box.entries.text()
    assert "已于" in box.notice.text() and "超时" not in box.notice.text()
    assert services.contacts.notice_tasks(cast.cs) == []
