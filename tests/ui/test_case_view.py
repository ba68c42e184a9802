"""The case view: everything registered, the repeat link, attachments saved from the database."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest
from PySide6.QtWidgets import QFileDialog
from ui_builders import NOW

from acc_builders import gm_signs
from complaintdesk.domain.records import Intake, User
from complaintdesk.services.container import Services
from complaintdesk.services.intake import NewAttachment
from complaintdesk.ui.cases.case_view import CaseViewDialog


def test_repeat_link_and_attachment_save(qtbot, services: Services, reception: User,
                                         tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    base = Intake(customer_name="孙悟空", phone="13512345678", description="车内异味很大",
                  complained_at=NOW, plate="京A12345")
    first = services.intake.register(reception, base)
    second = services.intake.register(
        reception, replace(base, description="第二次反映异味"),
        attachments=[NewAttachment("现场照片.jpg", "image/jpeg", b"\xff\xd8jpeg")])
    assert second.id is not None

    view = CaseViewDialog(services, reception, second.id)
    qtbot.addWidget(view)
    view.show()
    assert view.title.text() == second.number
    assert first.number in view.repeat_link.text()
    with qtbot.waitSignal(view.open_case) as opened:
        view.repeat_link.linkActivated.emit(first.number)
    assert opened.args == [first.id]

    target = tmp_path / "out.jpg"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(target), ""))
    attachment_id = view.view.case.attachments[0].id
    view._save_attachment(attachment_id, "现场照片.jpg")
    assert target.read_bytes() == b"\xff\xd8jpeg"


def test_closed_case_names_its_open_second_revisit(qtbot, tmp_path: Path) -> None:
    """A closed 重要 complaint keeps its 二次回访 open: the header named a bare 期限
    after 已结案 without saying what it was for; the old action panel is hidden at once."""
    from datetime import timedelta

    from acc_builders import cast, walk_to_approve, walk_to_issue
    from service_builders import make_services

    services, clock = make_services(tmp_path)
    try:
        c = cast(services)
        case = walk_to_approve(services, clock, c,
                               walk_to_issue(services, clock, c, severity="important"))
        clock.advance(timedelta(hours=1))
        services.workflow.act(c.gm, case.id, "approve", gm_signs(services, case.id))
        clock.advance(timedelta(hours=1))
        services.workflow.act(c.assessor, case.id, "enforce",
                              {"feedback_to_department": "已反馈"})
        dialog = CaseViewDialog(services, c.admin, case.id)
        qtbot.addWidget(dialog)
        summary = dialog.summary.text()
        assert "已结案" in summary and "当前步骤：二次回访" in summary and "期限：" in summary
        old = dialog.actions
        dialog.reload()
        assert old.isHidden() and dialog.actions is not old
    finally:
        services.dispose()


def test_a_scheduled_second_revisit_says_when_it_starts_not_time_left() -> None:
    from datetime import UTC, datetime, timedelta
    from zoneinfo import ZoneInfo

    from complaintdesk.domain.records import StepRecord
    from complaintdesk.ui.cases.timeline import timing_text

    now = datetime(2026, 11, 23, 2, 0, tzinfo=UTC)
    later = StepRecord(None, 1, "second_revisit", 9, due_since=now + timedelta(days=7),
                       deadline=now + timedelta(days=9))
    assert timing_text(later, now, ZoneInfo("Asia/Shanghai")) == "计划于 2026-11-30 起进行"


def test_the_assessor_marks_a_complaint_difficult_from_the_case_window(qtbot, tmp_path: Path,
                                                                        monkeypatch) -> None:
    """Issue 14: 标记疑难… asks for the reason (empty refused in place, text kept), then the
    summary says 疑难投诉 and the button offers to take it back; others see no button."""
    from PySide6.QtWidgets import QDialog, QMessageBox

    from acc_builders import cast, walk_to_issue
    from complaintdesk.ui.cases import difficult_mark
    from service_builders import make_services

    services, clock = make_services(tmp_path)
    try:
        c = cast(services)
        case = walk_to_issue(services, clock, c)
        other = CaseViewDialog(services, c.cs, case.id)
        qtbot.addWidget(other)
        assert other.difficult_button.isHidden()

        dialog = CaseViewDialog(services, c.assessor, case.id)
        qtbot.addWidget(dialog)
        dialog.show()
        button = dialog.difficult_button
        assert button.isVisible() and button.text() == "标记疑难…"
        assert "疑难" not in dialog.summary.text()
        seen: list[difficult_mark.DifficultReasonDialog] = []

        def fill(self: difficult_mark.DifficultReasonDialog) -> int:
            seen.append(self)
            self.save()  # nothing typed: refused in place
            assert "认定理由" in self.error.text() and self.result() == 0
            assert not self.error.isHidden()  # the line was hidden until it had a message
            self.note.setPlainText("涉及厂家索赔，需多方协调")
            self.save()
            return int(self.result())

        monkeypatch.setattr(difficult_mark.DifficultReasonDialog, "exec", fill)
        button.click()
        assert seen and seen[0].result() == QDialog.DialogCode.Accepted
        assert "疑难投诉" in dialog.summary.text()
        assert services.marks.is_difficult(case.id)
        assert dialog.difficult_button.text() == "取消疑难标记"

        monkeypatch.setattr(QMessageBox, "question",
                            lambda *a, **k: QMessageBox.StandardButton.Yes)
        dialog.difficult_button.click()
        assert not services.marks.is_difficult(case.id)
        assert "疑难" not in dialog.summary.text()
    finally:
        services.dispose()
