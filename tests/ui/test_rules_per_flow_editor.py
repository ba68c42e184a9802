"""The rules editor shows each flow kind's table (DESIGN §6), driven as a real widget."""

from __future__ import annotations

import os
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QComboBox

from acc_builders import cast
from complaintdesk.ui.accountability.rules_editor import COLUMNS, RulesEditor
from service_builders import make_services

FLOW_COL = [c[0] for c in COLUMNS].index("flow")


def _shown_ids(editor: RulesEditor) -> list[str]:
    return [editor.table.item(r, 0).text() for r in editor.visible_rows()]


def _open_editor(qtbot, services) -> tuple[RulesEditor, list[str]]:
    """The administrator's rules editor, shown, and the rule ids of its rows in order."""
    editor = RulesEditor(services, cast(services).admin)
    qtbot.addWidget(editor)
    editor.show()
    return editor, [editor.table.item(r, 0).text() for r in range(editor.table.rowCount())]


def test_each_flow_kind_shows_its_own_table_and_new_rows_belong_to_it(qtbot, tmp_path):
    services, _ = make_services(tmp_path)
    try:
        c = cast(services)
        editor = RulesEditor(services, c.admin)
        qtbot.addWidget(editor)
        editor.resize(1300, 640)
        editor.show()
        assert len(_shown_ids(editor)) == editor.table.rowCount()  # 全部规则 first
        editor.flow_filter.setCurrentIndex(editor.flow_filter.findData("internal"))
        shown = _shown_ids(editor)
        assert "R-internal-main" in shown and "R-internal-department" in shown
        assert "R-breach" in shown  # applies to every flow
        assert not any(i.startswith(("R-rework", "R-normal", "R-major")) for i in shown)
        if os.environ.get("COMPLAINTDESK_SHOTS"):
            QApplication.processEvents()
            editor.grab().save(str(Path(os.environ["COMPLAINTDESK_SHOTS"])
                                   / "rules_editor_internal.png"))
        editor.flow_filter.setCurrentIndex(editor.flow_filter.findData("rework"))
        shown = _shown_ids(editor)
        assert "R-rework-main" in shown and "R-internal-main" not in shown
        # a rule added while the rework table is shown is a rework rule
        editor._add_rule()
        row = editor.table.rowCount() - 1
        combo = editor.table.cellWidget(row, FLOW_COL)
        assert isinstance(combo, QComboBox) and combo.currentData() == "rework"
        editor.table.item(row, 0).setText("R-rework-extra")
        editor.table.item(row, 1).setText("厂外返修·测试（产品默认）")
        editor.table.removeRow(row)
        assert editor.save() is True
        saved = {r["id"]: r for r in services.accountability.rules()}
        assert saved["R-rework-main"]["flow"] == "rework" and "flow" not in saved["R-breach"]
    finally:
        services.dispose()


def test_a_bad_row_in_another_flows_table_is_shown_and_selected(qtbot, tmp_path):
    """The service names the bad row (RulesInvalid.row): the editor selects it without
    reading the message, showing all flows when the row is hidden by the filter."""
    services, _ = make_services(tmp_path)
    try:
        editor, ids = _open_editor(qtbot, services)
        bad = ids.index("R-rework-main")
        assert bad > 0
        editor.table.item(bad, 1).setText("")  # its 依据条款 emptied
        editor.flow_filter.setCurrentIndex(editor.flow_filter.findData("internal"))
        assert editor.table.isRowHidden(bad)
        assert editor.save() is False
        assert editor.errors.item(0).text().startswith(f"第{bad + 1}行（R-rework-main）")
        assert editor.flow_filter.currentIndex() == 0 and not editor.table.isRowHidden(bad)
        assert editor.table.currentRow() == bad
        assert services.accountability.rules() != editor.table_values()  # nothing saved
    finally:
        services.dispose()


def test_clicking_a_problem_selects_its_row(qtbot, tmp_path):
    """Each problem under the table remembers its row: a click on the second one selects
    the second bad row."""
    services, _ = make_services(tmp_path)
    try:
        editor, ids = _open_editor(qtbot, services)
        first, second = ids.index("R-internal-main"), ids.index("R-rework-main")
        for row in (first, second):
            editor.table.item(row, 1).setText("")  # 依据条款 emptied
        assert editor.save() is False
        assert editor.errors.count() == 2
        texts = [editor.errors.item(i).text() for i in range(2)]
        assert all(t.endswith("。") for t in texts)  # each problem reads as a sentence
        assert texts[0].startswith(f"第{min(first, second) + 1}行")
        assert texts[1].startswith(f"第{max(first, second) + 1}行")
        assert editor.table.currentRow() == min(first, second)
        item = editor.errors.item(1)
        qtbot.mouseClick(editor.errors.viewport(), Qt.MouseButton.LeftButton,
                         pos=editor.errors.visualItemRect(item).center())
        assert editor.table.currentRow() == max(first, second)
    finally:
        services.dispose()
