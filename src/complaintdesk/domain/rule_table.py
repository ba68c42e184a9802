"""The rule table as the administrator edits it (考核 → 奖惩规则…, ui/accountability/
rules_editor.py): which rows a flow's table shows, how a row's penalties read, and where a
row's amounts come from once edited. Rows are the raw dicts the rules are stored as
(domain/rules.py validates and loads them).

Moved out of the widget (issue 17): the editor only renders these answers.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from .penalty_text import penalty_text
from .records import FlowKind
from .rules import Occasion, RuleSource, penalties_from_raw

ALL_FLOWS = "all"  # the table of every rule, whatever flow it is for


def shown_for_flow(row: Mapping[str, Any], flow: str) -> bool:
    """Whether a rule row belongs in the table of `flow` (a FlowKind value, or ALL_FLOWS):
    its own rows, and rows for every flow that can match it — internal complaints and rework
    orders have no severity and no praise, so the customer table's severity and reward rows
    are not theirs."""
    if flow == ALL_FLOWS or row.get("flow") == flow:
        return True
    if row.get("flow") is not None:
        return False
    if flow == FlowKind.FEEDBACK.value:
        return True
    return row.get("severity") is None and row.get("occasion", Occasion.FAULT.value) == \
        Occasion.FAULT.value


def penalties_text(raw: list[dict[str, Any]]) -> str:
    """One line for a row's 处罚/奖励 cell; a malformed list shows as it is (saving then
    names the problem), an empty one as nothing."""
    if not raw:
        return ""
    try:
        return penalty_text(penalties_from_raw(raw), "无")
    except (KeyError, ValueError, TypeError):
        return str(raw)


def source_after_edit(source: str | None, before: list[dict[str, Any]],
                      after: list[dict[str, Any]]) -> str | None:
    """Amounts the administrator changed are the dealership's, no longer the product's
    default (the policy, 001 §五.2–3, names no amounts); unchanged amounts keep their
    source."""
    return RuleSource.DEALERSHIP.value if after != before else source


def new_row(flow: str) -> dict[str, Any]:
    """A rule added while `flow`'s table is shown belongs to that flow; its amounts are the
    dealership's."""
    row: dict[str, Any] = {"occasion": Occasion.FAULT.value, "penalties": [],
                           "source": RuleSource.DEALERSHIP.value}
    if flow != ALL_FLOWS:
        row["flow"] = flow
    return row
