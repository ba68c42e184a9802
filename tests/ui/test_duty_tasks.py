"""我的待办's other tasks (DESIGN §4.1): the assessor sends the weekly summary, the GM marks
it 已阅, cs_center's 处理意见告知 opens the case — driven on the real widgets."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from PySide6.QtCore import Qt
from wf_cast import make_cast, sample_intake

from complaintdesk.services.container import Services
from complaintdesk.ui.tasks.tasks_view import TasksView


def _items(view: TasksView) -> list[str]:
    return [view.duties.list.item(i).text() for i in range(view.duties.list.count())]


def _do_task(qtbot: Any, view: TasksView, row: int) -> None:
    """Pick the task in the list and press 处理."""
    lst = view.duties.list
    rect = lst.visualItemRect(lst.item(row))
    qtbot.mouseClick(lst.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert lst.currentRow() == row
    qtbot.mouseClick(view.duties.do_button, Qt.MouseButton.LeftButton)


def test_weekly_summary_sent_by_the_assessor_and_read_by_the_gm(qtbot: Any,
                                                                services: Services,
                                                                monkeypatch: Any) -> None:
    """The GM's 处理 shows the copy that was sent (issue 14), then asks to confirm 已阅."""
    from PySide6.QtWidgets import QMessageBox

    from complaintdesk.ui.widgets.pdf_preview import PdfPreviewDialog

    shown: list[tuple[bytes, str]] = []
    monkeypatch.setattr(PdfPreviewDialog, "exec",
                        lambda self: shown.append((self.data, self.windowTitle())) or 0)
    answers = [QMessageBox.StandardButton.No, QMessageBox.StandardButton.Yes]
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: answers.pop(0))
    cast = make_cast(services)
    view = TasksView(services, cast.assessor)
    qtbot.addWidget(view)
    view.show()
    [text] = _items(view)
    assert text.startswith("发送上周投诉汇总") and "截止" in text
    _do_task(qtbot, view, 0)
    assert _items(view) == [] and not view.duties.isVisible()
    gm = TasksView(services, cast.gm)
    qtbot.addWidget(gm)
    gm.show()
    [text] = _items(gm)
    assert text.startswith("阅知周投诉汇总")
    _do_task(qtbot, gm, 0)  # read, then 否: not yet 已阅
    [(pdf, title)] = shown
    assert "发送稿" in title
    monday = services.weekly.tasks(cast.gm)[0].week_start
    assert pdf == services.weekly.sent_copy(cast.gm, monday) and pdf.startswith(b"%PDF")
    assert len(_items(gm)) == 1
    _do_task(qtbot, gm, 0)  # read again, 是
    assert _items(gm) == []
    week = services.weekly.tasks  # the record keeps both times
    assert week(cast.gm) == [] and week(cast.assessor) == []


def test_notice_task_opens_its_case(qtbot: Any, services: Services) -> None:
    cast = make_cast(services)
    case = services.intake.register(cast.reception, sample_intake())
    services.clock.advance(timedelta(days=4))  # type: ignore[attr-defined]
    view = TasksView(services, cast.cs)
    qtbot.addWidget(view)
    view.show()
    notices = [t for t in _items(view) if t.startswith("处理意见告知")]
    assert notices and case.number in notices[0]
    row = _items(view).index(notices[0])
    with qtbot.waitSignal(view.open_case) as opened:
        _do_task(qtbot, view, row)
    assert opened.args == [case.id]
