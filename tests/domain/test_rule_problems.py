"""A rule table's problems carry their row and field (issue 17: the editor found the bad
row by reading 第N行 out of the message)."""

from __future__ import annotations

from complaintdesk.domain.rules import (
    RuleProblem,
    default_rules_raw,
    rule_problems,
    validate_rules,
)


def test_each_problem_names_its_row_and_column() -> None:
    raw = default_rules_raw()
    raw[2] = dict(raw[2], severity="huge")
    raw[4] = dict(raw[4], clause=" ", penalties=[{"kind": "fine", "amount": -5}])
    problems = rule_problems(raw)
    assert [(p.row, p.field) for p in problems] == [(2, "severity"), (4, "clause"),
                                                     (4, "penalties")]
    assert problems[0].message.startswith(f"第3行（{raw[2]['id']}）：严重程度“huge”无效")
    assert "金额不能为负数" in problems[2].message
    assert validate_rules(raw) == [p.message for p in problems]  # the same text as before


def test_a_duplicate_names_the_later_row_and_a_shadowed_rule_the_row_only() -> None:
    raw = default_rules_raw()
    raw.append(dict(raw[0], category="试驾"))  # same id, another match
    raw.append(dict(raw[0], id="R-copy"))  # same match as row 1
    dup, shadowed = rule_problems(raw)
    last = len(raw) - 1
    assert (dup.row, dup.field) == (last - 1, "id") and "与第1行重复" in dup.message
    assert (shadowed.row, shadowed.field) == (last, None)
    assert "匹配条件与第1行完全相同" in shadowed.message


def test_a_table_that_is_no_list_has_a_problem_without_a_row() -> None:
    assert rule_problems({"id": "x"}) == [  # type: ignore[arg-type]
        RuleProblem("规则表格式无效：应为规则列表")]
    assert rule_problems(["row"]) == [  # type: ignore[list-item]
        RuleProblem("第1行：格式无效，应为一条规则", 0, None)]
