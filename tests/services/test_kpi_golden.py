"""Behaviour unchanged (issue 17): the month and year workbooks and the dashboard of a
small generated database (fourteen months of the demo's walk) equal, cell for cell, the
dump made with the code before the KPI refactoring (`tests/kpi_golden.py`)."""

from __future__ import annotations

import json

from kpi_golden import GOLDEN, differences, generate


def test_workbooks_and_dashboard_equal_the_golden_cell_for_cell(tmp_path):
    want = json.loads(GOLDEN.read_text(encoding="utf-8"))
    got = json.loads(json.dumps(generate(tmp_path), ensure_ascii=False))
    assert set(got) == set(want)
    # the dump is not trivially small: every export has its sheets and rows
    assert sum(len(rows) for key, sheets in want.items() if "dashboard" not in key
               for rows in sheets.values()) > 1000
    assert differences(want, got) == []
