"""The paper loop in the window (DESIGN §4.7, issue 18 part 4): a scanner's fast burst
opens the case or slip, typing slowly does not; the case view's 签字存档 box and its
upload; the 待归档 tab; 典型案例 marked in the case view and the 案例库."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings, Qt
from PySide6.QtWidgets import QApplication, QLineEdit

from acc_builders import cast, walk_to_enforced, walk_to_issue
from complaintdesk.domain import steps as S
from complaintdesk.services.container import Services
from complaintdesk.storage.uow import UnitOfWork
from complaintdesk.ui.main_window import MainWindow

SHOTS = Path(os.environ.get("COMPLAINTDESK_SHOTS", "")) if os.environ.get(
    "COMPLAINTDESK_SHOTS") else None
PDF = b"%PDF-1.4\n% signed\n" + b"0" * 64


@pytest.fixture
def crew(services: Services):
    return cast(services)


def _number(services: Services, case_id: int) -> str:
    with UnitOfWork(services.engine, readonly=True) as uow:
        return uow.cases.get(case_id).number


def _window(qtbot, services, user, qsettings) -> MainWindow:
    win = MainWindow(services, user, settings=qsettings)
    qtbot.addWidget(win)
    win.show()
    _activate(qtbot, win)
    return win


def _activate(qtbot, win: MainWindow) -> None:
    win.raise_()
    win.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is win)


def _focus(qtbot, widget) -> None:
    widget.setFocus()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is widget)


def _shot(widget, name: str) -> None:
    if SHOTS is not None:
        SHOTS.mkdir(parents=True, exist_ok=True)
        widget.grab().save(str(SHOTS / name))


def test_a_fast_scan_into_the_search_box_or_the_window_opens_the_case(
        qtbot, services: Services, crew, qsettings: QSettings) -> None:
    case = walk_to_issue(services, services.clock, crew)
    number = _number(services, case.id)
    win = _window(qtbot, services, crew.reception, qsettings)
    box = win.case_list.keyword

    _focus(qtbot, box)
    qtbot.keyClicks(box, number)  # as a scanner: no pause between keys
    qtbot.keyClick(box, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: case.id in win.case_views)
    assert win.case_views[case.id].title.text() == number
    assert box.selectedText() == number  # the next scan replaces it
    win.case_views[case.id].close()
    qtbot.waitUntil(lambda: case.id not in win.case_views)

    # no text field focused: the table has the focus, another case's row is selected (a
    # plain Return would open that one); the scan opens the scanned case, only
    other = walk_to_issue(services, services.clock, crew)
    box.clear()
    win.refresh()
    qtbot.waitUntil(lambda: win.case_list.model.rowCount() == 2)
    _activate(qtbot, win)
    table = win.case_list.view
    _focus(qtbot, table)
    table.selectRow(next(r for r in range(2) if win.case_list.model.case_id(r) == other.id))
    from_list: list[int] = []  # the table's own Return (open the selected row)
    win.case_list.open_case.connect(from_list.append)
    qtbot.keyClicks(table, number.lower())
    qtbot.keyClick(table, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: case.id in win.case_views)
    assert list(win.case_views) == [case.id]
    assert from_list == []  # the scanner took the Return: the table never saw it


def test_typing_the_number_slowly_opens_nothing_and_other_fields_type_as_usual(
        qtbot, services: Services, crew, qsettings: QSettings) -> None:
    case = walk_to_issue(services, services.clock, crew)
    number = _number(services, case.id)
    win = _window(qtbot, services, crew.reception, qsettings)
    box = win.case_list.keyword
    _focus(qtbot, box)
    qtbot.keyClicks(box, number, delay=70)  # a person: 70 ms between keys
    qtbot.keyClick(box, Qt.Key.Key_Return)
    qtbot.wait(50)
    assert win.case_views == {} and box.text() == number  # a search, as ever

    # another text field of the window takes a fast burst as typed text
    other = QLineEdit(win.case_list)
    other.show()
    _focus(qtbot, other)
    qtbot.keyClicks(other, number)
    qtbot.keyClick(other, Qt.Key.Key_Return)
    qtbot.wait(50)
    assert win.case_views == {} and other.text() == number
    # a locked window (切换用户, idle lock) opens nothing for the person who left
    win.lock()
    if win.login_dialog is not None:
        win.login_dialog.hide()
    _activate(qtbot, win)
    _focus(qtbot, win.unlock_button)  # a button: the scan would count if unlocked
    qtbot.keyClicks(win.unlock_button, number)
    qtbot.keyClick(win.unlock_button, Qt.Key.Key_Return)
    qtbot.wait(50)
    assert win.case_views == {}
    win.locked = False  # as after logging in again (the login itself: test_shared_pc.py)
    win.stack.setCurrentIndex(0)
    _focus(qtbot, win.case_list.view)
    qtbot.keyClicks(win.case_list.view, number)
    qtbot.keyClick(win.case_list.view, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: case.id in win.case_views)
    win.case_views[case.id].close()
    qtbot.waitUntil(lambda: case.id not in win.case_views)
    _activate(qtbot, win)
    # a fast burst that is not a form number opens nothing either
    _focus(qtbot, box)
    box.clear()
    qtbot.keyClicks(box, "ABCDEFGHIJ")
    qtbot.keyClick(box, Qt.Key.Key_Return)
    qtbot.wait(50)
    assert win.case_views == {}


def test_a_scanned_slip_opens_for_the_assessor_and_is_refused_to_others(
        qtbot, services: Services, crew, qsettings: QSettings, monkeypatch) -> None:
    slip = walk_to_enforced(services, services.clock, crew)
    shown: list[str] = []
    monkeypatch.setattr("complaintdesk.ui.widgets.common.show_error",
                        lambda _p, exc, _t="": shown.append(exc.message))
    win = _window(qtbot, services, crew.cs, qsettings)  # 客服中心: not her slip
    _focus(qtbot, win.case_list.keyword)
    qtbot.keyClicks(win.case_list.keyword, slip.number)
    qtbot.keyClick(win.case_list.keyword, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: bool(shown))
    assert shown == ["没有权限查看该过失单：只能查看本人或本部门的过失单。"]
    assert win.slips_view.dialogs == {}

    boss = _window(qtbot, services, crew.assessor, QSettings(
        str(Path(qsettings.fileName()).with_name("b.ini")), QSettings.Format.IniFormat))
    _focus(qtbot, boss.case_list.view)
    qtbot.keyClicks(boss.case_list.view, slip.number)
    qtbot.keyClick(boss.case_list.view, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: slip.id in boss.slips_view.dialogs)


def test_the_case_view_shows_missing_signed_copies_and_takes_the_scan(
        qtbot, services: Services, crew, qsettings: QSettings, tmp_path: Path) -> None:
    slip = walk_to_enforced(services, services.clock, crew)
    win = _window(qtbot, services, crew.cs, qsettings)
    win.resize(1280, 800)
    assert [win.tabs.tabText(i) for i in range(win.tabs.count())][-2:] == ["待归档", "提醒"]
    win.tabs.setCurrentWidget(win.archive_view)
    qtbot.waitUntil(lambda: win.archive_view.model.rowCount() == 2)
    qtbot.waitUntil(lambda: win.archive_view.count.text() == "共 2 份签字表单待归档")
    forms = sorted(r.form for r in win.archive_view.model.rows)
    assert forms == ["客户信息反馈意见处理单", "过失单"]
    assert win.archive_view.count.text() == "共 2 份签字表单待归档"
    _shot(win, "archive_list.png")

    view = win.open_case(slip.case_id)
    box = view.signed_copies
    assert box.title() == "签字存档（缺 2 份）"
    key = (S.APPROVE, "feedback_form")
    assert box.status_labels[key].text().startswith("缺签字件")
    assert not box.upload_buttons[key].isHidden()
    view.resize(1120, 900)
    _shot(view, "case_view_missing_signed_copies.png")
    scan = tmp_path / "处理单-签字.pdf"
    scan.write_bytes(PDF)
    assert view.signed_copies.attach_file(key, scan)
    qtbot.waitUntil(lambda: view.signed_copies is not box)  # reloaded
    assert view.signed_copies.title() == "签字存档（缺 1 份）"
    assert view.signed_copies.status_labels[key].text().startswith("已存档 1 份")
    with qtbot.waitSignal(win.archive_view.loaded):
        win.archive_view.refresh()
    assert [r.form for r in win.archive_view.model.rows] == ["过失单"]

    # the supervisor sees what is missing but files nothing
    sup = _window(qtbot, services, crew.supervisor, QSettings(
        str(tmp_path / "s.ini"), QSettings.Format.IniFormat))
    assert sup.archive_view is None and "待归档" not in [
        sup.tabs.tabText(i) for i in range(sup.tabs.count())]
    sv = sup.open_case(slip.case_id)
    assert sv.signed_copies.upload_buttons == {}
    assert sv.signed_copies.title() == "签字存档（缺 1 份）"


def test_the_assessor_marks_an_example_and_the_library_hides_the_customer(
        qtbot, services: Services, crew, qsettings: QSettings, tmp_path: Path) -> None:
    slip = walk_to_enforced(services, services.clock, crew)
    open_case = walk_to_issue(services, services.clock, crew)
    win = _window(qtbot, services, crew.assessor, qsettings)
    assert not hasattr(win.open_case(open_case.id), "example_box")  # open: no marking
    view = win.open_case(slip.case_id)
    box = view.example_box
    assert not box.mark_button.isHidden()
    box.lesson.setPlainText("王小明反映收费未告知：收费前须向客户说明")
    assert box.mark()
    qtbot.waitUntil(lambda: view.example_box is not box)
    assert "已列为典型案例" in view.example_box.state.text()

    reader = _window(qtbot, services, crew.reception, QSettings(
        str(tmp_path / "r.ini"), QSettings.Format.IniFormat))
    rv = reader.open_case(slip.case_id)
    assert rv.example_box.mark_button.isHidden()  # only the assessor marks
    lib = reader.open_library()
    qtbot.addWidget(lib)
    assert lib.model.rowCount() == 1 and lib.count.text() == "共 1 个典型案例"
    shown = lib.detail.toPlainText()
    assert "收费前须向客户说明" in shown and _number(services, slip.case_id) in shown
    for leaked in ("王小明", "13812345678", "京A12345", "1M8GDM9AXKP042788"):
        assert leaked not in shown
    lib.resize(1000, 640)
    _shot(lib, "case_library.png")
