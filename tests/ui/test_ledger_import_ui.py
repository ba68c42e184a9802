"""文件 → 导入历史台账, 客户/车辆历史 and 导出当前列表 (issue 18 §2–3), driven as a person
would: the mapping dialog asks for the header the synonym table does not know, the
preview shows the rows as they will be stored and every problem by row, 导入 stays off
while errors stand until 跳过错误行 is ticked; the history opens from a case; the case
list as filtered goes to a workbook (reopened), masked for reception."""

from __future__ import annotations

from typing import Any

from openpyxl import load_workbook
from PySide6.QtCore import Qt, QThreadPool
from ui_builders import make_cases

from complaintdesk.domain.records import Role, User
from complaintdesk.services.base import SYSTEM_USER
from complaintdesk.services.container import Services
from complaintdesk.ui.main_window import MainWindow
from ledger_builders import messy_ledger


def _window(qtbot: Any, services: Services, user: User, qsettings: Any) -> MainWindow:
    win = MainWindow(services, user, settings=qsettings)
    qtbot.addWidget(win)
    return win


def test_import_with_the_mapping_dialog_preview_and_skip_errors(qtbot, services, admin, monkeypatch,
                                                                 qsettings, tmp_path):
    import complaintdesk.ui.cases.import_dialog as mod

    errors: list[BaseException] = []  # a message box would wait for a click forever
    monkeypatch.setattr(mod, "show_error", lambda _w, exc, _t="": errors.append(exc))
    win = _window(qtbot, services, admin, qsettings)
    assert win.ledger_actions.import_ledger.isEnabled()
    ledger = messy_ledger(tmp_path / "台账.xlsx")
    dialog = win.ledger_actions.open_import(ask_path=lambda _p: ledger)
    dialog.choose_file()
    qtbot.waitUntil(lambda: dialog.mapping_dialog is not None, timeout=15000)
    mapping = dialog.mapping_dialog
    headers = [mapping.grid.item(r, 1).text() for r in range(mapping.grid.rowCount())]
    assert "反映渠道" in headers and "客户名称" in headers
    row = headers.index("客户名称")
    assert mapping.combos[row].currentData() == "customer_name"
    assert mapping.grid.item(headers.index("反映渠道"), 2).text() == "电话"  # its sample
    mapping.set_field("反映渠道", "channel")
    mapping.accept()
    qtbot.waitUntil(lambda: dialog.preview is not None
                    and dialog.preview.layout.unmapped() == [], timeout=15000)
    assert dialog.summary.text() == "可导入 3 行，错误 4 行"
    table = dialog.table
    assert table.rowCount() == 7
    first = [table.item(0, c).text() for c in range(table.columnCount())]
    assert first[:2] == ["4", "可导入"]
    assert first[4] == "张三" and first[5] == "13812345678" and first[11] == "售后服务部"
    assert table.item(1, 1).text().startswith("错误") is False
    assert table.item(2, 1).text().startswith("错误：手机号码")  # row 7
    lines = [dialog.problems.item(i).text() for i in range(dialog.problems.count())]
    assert any(t.startswith("第 7 行「手机」") for t in lines)
    assert any(t.startswith("第 8 行：与第 4 行内容相同") for t in lines)
    assert not dialog.import_button.isEnabled()  # errors stand: nothing can be stored
    dialog.skip_errors.setChecked(True)
    assert dialog.import_button.isEnabled() and dialog.import_button.text() == "导入 3 行"
    with qtbot.waitSignal(dialog.imported, timeout=20000) as got:
        dialog.import_button.click()
    assert got.args[0].imported == 3
    assert "已导入 3 行" in dialog.summary.text()
    assert services.cases.case_id_by_number("LS-202503-0001") is not None
    assert errors == []
    QThreadPool.globalInstance().waitForDone(10000)


def test_reception_may_not_import(qtbot, services, reception, qsettings):
    win = _window(qtbot, services, reception, qsettings)
    actions = win.ledger_actions
    assert not actions.import_ledger.isEnabled()
    assert actions.history.isEnabled() and actions.export_list.isEnabled()
    assert actions.import_ledger in win.file_menu.actions()
    assert {actions.history, actions.export_list} <= set(win.case_menu.actions())


def test_history_from_a_case_view(qtbot, services, admin, qsettings):
    kefu = services.people.save_user(admin, User(None, "kf", "客服甲",
                                                 frozenset({Role.CS_CENTER})), "secret123")
    ids = make_cases(services, kefu, 3, names=["王先生"])
    case = services.cases.open_case(SYSTEM_USER, ids[0]).case  # the numbers in full
    # a second complaint from the same phone
    from dataclasses import replace

    again = services.intake.register(kefu, replace(case.intake, description="又来了",
                                                   complained_at=services.clock.now()))
    win = _window(qtbot, services, kefu, qsettings)
    view = win.open_case(again.id)
    history = view.show_history()
    qtbot.waitUntil(lambda: history.view.history is not None, timeout=15000)
    numbers = {e.number for e in history.view.history.entries}
    assert {case.number, again.number} <= numbers
    model = history.view.proxy
    assert model.rowCount() == len(numbers)
    shown = {model.index(r, 0).data() for r in range(model.rowCount())}
    assert shown == numbers
    # sortable: by number ascending puts the first case first
    history.view.table.sortByColumn(0, Qt.SortOrder.AscendingOrder)
    assert model.index(0, 0).data() == min(numbers)
    history.view.table.selectRow(0)
    assert min(numbers) in history.view.detail.toPlainText()
    # a search by phone from the same view
    history.view.query.setText(case.intake.phone)
    history.view.search()
    qtbot.waitUntil(lambda: "手机" in history.view.summary.text(), timeout=15000)
    with qtbot.waitSignal(history.view.open_case) as opened:
        history.view.open_button.click()
    assert opened.args[0] in ids + [again.id]
    history.close()


def test_export_current_list_as_filtered_and_masked(qtbot, services, admin, reception,
                                                    qsettings, tmp_path):
    other = services.people.save_user(admin, User(None, "jd2", "接待小王",
                                                  frozenset({Role.RECEPTION})), "secret123")
    make_cases(services, other, 5, names=["甲", "乙"])  # 小李 handles none of them
    win = _window(qtbot, services, reception, qsettings)
    qtbot.waitUntil(lambda: win.case_list.model.rowCount() == 5, timeout=15000)
    win.case_list.keyword.setText("甲")
    win.case_list.apply_filters()
    out = tmp_path / "list.xlsx"
    done: list[Any] = []
    win.ledger_actions.export_case_list(ask_path=lambda _w, _n: out, on_done=done.append)
    qtbot.waitUntil(lambda: bool(done), timeout=15000)
    rows = list(load_workbook(out).active.iter_rows(values_only=True))
    header = next(i for i, r in enumerate(rows) if r and r[0] == "编号")
    data = [r for r in rows[header + 1:] if r[0]]
    assert len(data) == 3 and {r[2] for r in data} == {"甲"}
    assert all("****" in str(r[3]) for r in data)  # masked as the list shows them
    assert any("关键字“甲”" in str(c) for r in rows[:header] for c in r if c)
