"""我的待办: soonest deadline first, due-soon rows amber, overdue rows red, a notice when a
task turns due soon or overdue while the app is open."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush
from wf_cast import make_cast, sample_intake

from complaintdesk.services.container import Services
from complaintdesk.ui.tasks.tasks_view import STATE_COLORS, TasksView


def background(view: TasksView, row: int) -> str | None:
    brush = view.model.index(row, 0).data(Qt.ItemDataRole.BackgroundRole)
    return brush.color().name() if isinstance(brush, QBrush) else None


def test_due_soon_amber_overdue_red_sorted_by_deadline(qtbot: Any, services: Services) -> None:
    cast = make_cast(services)
    clock = services.clock
    first = services.intake.register(cast.reception, sample_intake("李女士"))
    clock.advance(minutes=30)  # type: ignore[attr-defined]
    second = services.intake.register(cast.reception, sample_intake("赵先生"))
    clock.advance(minutes=20)  # type: ignore[attr-defined]
    third = services.intake.register(cast.reception, sample_intake("钱先生"))
    # now: first is 50 min into its 1 h (due soon), second 20 min, third just registered
    view = TasksView(services, cast.cs)
    qtbot.addWidget(view)
    m = view.model
    assert [t.row.id for t in m.rows] == [first.id, second.id, third.id]
    assert [t.state for t in m.rows] == ["due_soon", "normal", "normal"]
    assert background(view, 0) == STATE_COLORS["due_soon"][0]
    assert background(view, 1) is None
    assert m.index(0, 4).data() == "剩余 10 分"
    assert m.index(0, 2).data() == "填单转派"
    assert "待办 3 项" in view.summary.text()

    clock.advance(minutes=25)  # type: ignore[attr-defined]
    with qtbot.waitSignal(view.notified) as blocker:
        view.refresh()
    assert [t.state for t in m.rows] == ["overdue", "due_soon", "normal"]
    assert background(view, 0) == STATE_COLORS["overdue"][0]
    assert background(view, 1) == STATE_COLORS["due_soon"][0]
    assert m.index(0, 4).data() == "超期 15 分"
    notice = blocker.args[0]
    assert f"{first.number} 填单转派 已超期" in notice
    assert f"{second.number} 填单转派 即将到期" in notice
    assert not view.popup.isVisibleTo(view)  # the alerts pop up; the list does not again

    clock.advance(timedelta(hours=2, minutes=5))  # type: ignore[attr-defined]
    view.refresh()
    assert m.index(0, 4).data() == "超期 2 小时 20 分"
    assert "已超期 3" in view.summary.text()


def test_double_click_opens_the_case_and_others_tasks_are_not_shown(
        qtbot: Any, services: Services) -> None:
    cast = make_cast(services)
    case = services.intake.register(cast.reception, sample_intake())
    assert TasksView(services, cast.sup).model.rowCount() == 0
    view = TasksView(services, cast.cs)
    qtbot.addWidget(view)
    view.show()
    center = view.table.visualRect(view.model.index(0, 1)).center()
    qtbot.mouseClick(view.table.viewport(), Qt.MouseButton.LeftButton, pos=center)
    with qtbot.waitSignal(view.open_case) as blocker:
        qtbot.mouseDClick(view.table.viewport(), Qt.MouseButton.LeftButton, pos=center)
    assert blocker.args == [case.id]


def test_an_empty_list_says_there_is_nothing_to_do_until_a_task_arrives(
        qtbot: Any, services: Services) -> None:
    cast = make_cast(services)
    view = TasksView(services, cast.cs)
    qtbot.addWidget(view)
    view.show()
    assert view.empty.isVisible() and view.empty.title.text() == "没有待办事项"
    assert view.empty.geometry() == view.table.viewport().rect()
    services.intake.register(cast.reception, sample_intake())
    view.refresh()
    assert view.model.rowCount() == 1 and not view.empty.isVisible()
