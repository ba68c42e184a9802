"""Tables fill their window: one column takes the spare width (or it is shared out), the
others fit their contents, and a width the user dragged is kept, also in the next table."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QPoint, QSettings, Qt
from PySide6.QtWidgets import QTableWidget, QTableWidgetItem
from wf_cast import make_cast, sample_intake

from complaintdesk.services.container import Services
from complaintdesk.ui.admin.admin_view import AdminDialog
from complaintdesk.ui.tasks.tasks_view import TasksView
from complaintdesk.ui.widgets.columns import ColumnSizer

ROWS = [("FK-0001", "李", "发动机异响，保养后加剧"), ("FK-0002", "欧阳明", "等待时间太长")]


def shown_table(qtbot: Any, width: int) -> QTableWidget:
    t = QTableWidget(len(ROWS), 3)
    t.setHorizontalHeaderLabels(["编号", "客户", "投诉内容"])
    for r, cells in enumerate(ROWS):
        for c, text in enumerate(cells):
            t.setItem(r, c, QTableWidgetItem(text))
    qtbot.addWidget(t)
    t.resize(width, 200)
    t.show()
    return t


def widths(t: QTableWidget) -> list[int]:
    return [t.columnWidth(c) for c in range(t.columnCount())]


def test_the_description_column_takes_the_spare_width(qtbot: Any, qsettings: QSettings) -> None:
    t = shown_table(qtbot, 900)
    sizer = ColumnSizer(t, "t", stretch=2, settings=qsettings)
    natural = dict(sizer._natural)
    assert sum(widths(t)) == t.viewport().width()  # fills the window, no gap on the right
    assert widths(t)[:2] == [natural[0], natural[1]]  # the others fit their contents
    assert widths(t)[2] > natural[2]
    t.resize(1200, 200)
    qtbot.waitUntil(lambda: sum(widths(t)) == t.viewport().width())


def test_a_narrow_window_scrolls_rather_than_squeezing_a_column(qtbot: Any,
                                                              qsettings: QSettings) -> None:
    t = shown_table(qtbot, 120)
    sizer = ColumnSizer(t, "t", stretch=2, settings=qsettings)
    assert widths(t) == [sizer._natural[c] for c in range(3)]
    assert sum(widths(t)) > t.viewport().width()


def test_shared_out_spare_width_widens_every_column(qtbot: Any, qsettings: QSettings) -> None:
    t = shown_table(qtbot, 900)
    sizer = ColumnSizer(t, "t", stretch=None, settings=qsettings)
    assert all(w > sizer._natural[c] for c, w in enumerate(widths(t)))
    assert sum(widths(t)) == t.viewport().width()


def test_a_dragged_width_is_kept_for_the_next_table(qtbot: Any, qsettings: QSettings) -> None:
    t = shown_table(qtbot, 900)
    ColumnSizer(t, "cases", stretch=2, settings=qsettings)
    t.horizontalHeader().resizeSection(1, 230)  # what dragging the 客户 divider does
    assert sum(widths(t)) == t.viewport().width()  # 投诉内容 gave up the difference
    again = shown_table(qtbot, 900)
    sizer = ColumnSizer(again, "cases", stretch=2, settings=qsettings)
    assert again.columnWidth(1) == 230
    assert sizer.user_widths() == {"客户": 230}
    sizer.fit()  # new rows do not undo the user's choice
    assert again.columnWidth(1) == 230


def test_tasks_sort_by_a_header_click_and_keep_it_over_refreshes(qtbot: Any,
                                                                 services: Services) -> None:
    cast = make_cast(services)
    for name in ("赵先生", "钱先生", "孙女士"):
        services.intake.register(cast.reception, sample_intake(name))
        services.clock.advance(minutes=5)  # type: ignore[attr-defined]
    view = TasksView(services, cast.cs)
    qtbot.addWidget(view)
    view.show()
    customers = lambda: [view.model.index(r, 1).data() for r in range(3)]  # noqa: E731
    assert customers() == ["赵先生", "钱先生", "孙女士"]  # soonest deadline first
    header = view.table.horizontalHeader()
    qtbot.mouseClick(header.viewport(), Qt.MouseButton.LeftButton,
                     pos=_section_center(header, 3))  # 期限 again: latest deadline first
    assert customers() == ["孙女士", "钱先生", "赵先生"]
    qtbot.mouseClick(header.viewport(), Qt.MouseButton.LeftButton, pos=_section_center(header, 1))
    assert customers() == sorted(customers())  # by 客户
    view.refresh()
    assert customers() == sorted(customers())  # the user's order holds over the refresh


def _section_center(header: Any, col: int) -> QPoint:
    return QPoint(header.sectionViewportPosition(col) + header.sectionSize(col) // 2,
                  header.height() // 2)


def test_a_sorted_admin_table_still_edits_the_row_that_was_clicked(qtbot: Any,
                                                                   services: Services) -> None:
    cast = make_cast(services)
    dialog = AdminDialog(services, cast.admin)
    qtbot.addWidget(dialog)
    tab = dialog.users
    tab.table.sortItems(0, Qt.SortOrder.DescendingOrder)  # by 登录名, z first
    first = tab.table.item(0, 0).text()
    assert first == max(u.username for u in tab.items)
    tab.table.selectRow(0)
    assert tab.selected().username == first  # not the first user in the service's order
