"""The paper loop's pure parts (domain/paper.py, domain/masking.scrub_customer): the form
numbers a scanner reads, the signed-copy table and what a case owes, the customer taken
out of a 典型案例's texts."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from complaintdesk.domain import steps as S
from complaintdesk.domain.masking import scrub_customer
from complaintdesk.domain.paper import (
    WITH_SLIPS,
    SignedCopy,
    copy_states,
    default_rules,
    missing_copies,
    parse_form_number,
    parse_rules,
)
from complaintdesk.domain.records import Case, FeedbackKind, FlowKind, Intake, StepRecord

T = datetime(2026, 11, 10, 2, tzinfo=UTC)


@pytest.mark.parametrize(("text", "kind"), [
    ("FK-202611-0001", "case"), ("nb-202612-0042", "case"), (" FX-202601-1234\n", "case"),
    ("GS-202611-0001", "slip"), ("CF-202611-0007", "slip"),
])
def test_form_numbers_are_read_as_printed(text, kind):
    got = parse_form_number(text)
    assert got is not None and got.kind == kind and got.number == text.strip().upper()


@pytest.mark.parametrize("text", ["", "FK-2026-0001", "XX-202611-0001", "FK-202611-01",
                                  "FK-202611-0001X", "13812345678", "京A12345"])
def test_anything_else_is_not_a_form_number(text):
    assert parse_form_number(text) is None


def test_the_shipped_table_names_a_form_per_flow_and_says_it_is_a_product_default():
    rules = default_rules()
    by_flow = {(r.flow, r.form): r for r in rules}
    assert by_flow[(FlowKind.FEEDBACK, "feedback_form")].step == S.APPROVE
    assert by_flow[(FlowKind.FEEDBACK, "fault_slip")].when == WITH_SLIPS
    assert {r.flow for r in rules} == set(FlowKind)
    assert "003 一.13" in by_flow[(FlowKind.FEEDBACK, "feedback_form")].clause
    assert all("产品默认" in r.clause for r in rules)


@pytest.mark.parametrize(("raw", "message"), [
    ({"rules": "x"}, "必须是列表"),
    ([{"flow": "nope", "form": "a", "title": "b", "step": "c"}], "第 1 行"),
    ([{"flow": "feedback", "form": "", "title": "b", "step": "c"}], "缺少"),
    ([{"flow": "feedback", "form": "a", "title": "b", "step": "c", "when": "x"}], "条件"),
])
def test_a_bad_table_is_refused_in_chinese(raw, message):
    with pytest.raises(ValueError, match=message):
        parse_rules(raw)


def _case(kind: FeedbackKind, finished: list[str]) -> Case:
    steps = [StepRecord(i, 1, key, i, T, None, finished_at=T + timedelta(hours=i))
             for i, key in enumerate(finished, 1)]
    return Case(1, "FK-202611-0001", FlowKind.FEEDBACK, kind, Intake("王小明"), T, None,
                steps=steps)


def test_a_case_owes_a_copy_once_its_step_is_finished_and_slips_only_with_slips():
    rules = default_rules()
    at_enforce = _case(FeedbackKind.COMPLAINT, [S.REGISTER, S.FORWARD, S.APPROVE])
    states = copy_states(at_enforce, rules, [], has_slips=True)
    assert [(s.rule.form, s.due) for s in states] == [("feedback_form", True),
                                                      ("fault_slip", False)]
    assert [s.rule.form for s in missing_copies(states)] == ["feedback_form"]
    assert [s.rule.form for s in copy_states(at_enforce, rules, [], has_slips=False)] == [
        "feedback_form"]
    copy = SignedCopy(1, 1, S.APPROVE, "feedback_form", "a.pdf", "application/pdf", 3, "h",
                      None, T)
    assert missing_copies(copy_states(at_enforce, rules, [copy], has_slips=False)) == []
    # a suggestion's route ends at 总经理签批: it never reaches 责任追究
    suggestion = _case(FeedbackKind.SUGGESTION, [S.REGISTER, S.APPROVE])
    assert [s.rule.form for s in missing_copies(copy_states(suggestion, rules, [], False))] \
        == ["feedback_form"]


def test_the_customer_is_taken_out_of_free_text():
    intake = Intake("王小明", phone="13812345678", landline="010-68880061", plate="京A12345",
                    vin="1M8GDM9AXKP042788")
    text = ("王小明来电（13812345678，座机010-68880061），车牌京A12345，VIN 1M8GDM9AXKP042788；"
            "其妻用 13900001111 回电，另一辆车 沪B·9X8Y7 也有同样问题，车架号 LSVAB2BR5JN123456。")
    out = scrub_customer(text, intake)
    for leaked in ("王小明", "13812345678", "68880061", "京A12345", "1M8GDM9AXKP042788",
                   "13900001111", "9X8Y7", "LSVAB2BR5JN123456"):
        assert leaked not in out
    assert out.startswith("客户来电（[电话]") and "[车牌]" in out and "[车架号]" in out
    assert scrub_customer("收费前须告知客户", intake) == "收费前须告知客户"
