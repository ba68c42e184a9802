"""Rules per flow kind (DESIGN §6): internal complaints (处罚单) and rework orders (过失单) are
judged by their own tables — product defaults, labelled so — not by the customer table."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from complaintdesk.domain.penalty_text import penalty_text
from complaintdesk.domain.proposals import ProposalContext, propose_penalties
from complaintdesk.domain.records import FlowKind, Responsibility, Severity
from complaintdesk.domain.rules import (
    Occasion,
    RuleSource,
    best_rule,
    default_rules_raw,
    load_rules,
    rules_to_raw,
    validate_rules,
)

NOW = datetime(2026, 11, 10, 2, tzinfo=UTC)
TZ = ZoneInfo("Asia/Shanghai")
RULES = load_rules(default_rules_raw())


def _propose(flow: FlowKind, responsibility: Responsibility | None, *, severity=None,
             breach=False, occasion=Occasion.FAULT):
    ctx = ProposalContext(employee_id=1, severity=severity, responsibility=responsibility,
                          breach=breach, flow=flow, occasion=occasion)
    return propose_penalties(ctx, RULES, [], NOW, TZ)


@pytest.mark.parametrize(("flow", "responsibility", "rule_id", "penalties"), [
    (FlowKind.INTERNAL, Responsibility.MAIN, "R-internal-main", "罚款¥50、绩效扣分1分"),
    (FlowKind.INTERNAL, Responsibility.SECONDARY, "R-internal-secondary", "警告、绩效扣分1分"),
    (FlowKind.INTERNAL, Responsibility.MANAGEMENT, "R-internal-management", "警告"),
    (FlowKind.INTERNAL, Responsibility.JOINT, "R-internal-joint", "警告"),
    (FlowKind.REWORK, Responsibility.MAIN, "R-rework-main", "罚款¥100、绩效扣分2分"),
    (FlowKind.REWORK, Responsibility.SECONDARY, "R-rework-secondary", "罚款¥50、绩效扣分1分"),
    (FlowKind.REWORK, Responsibility.MANAGEMENT, "R-rework-management", "警告、绩效扣分1分"),
    (FlowKind.REWORK, Responsibility.JOINT, "R-rework-joint", "警告"),
])
def test_each_flow_has_its_own_default_table(flow, responsibility, rule_id, penalties):
    proposal = _propose(flow, responsibility)
    assert proposal.rule_ids == [rule_id]
    assert penalty_text(proposal.penalties) == penalties
    assert "一般投诉" not in proposal.clause_text
    rule = next(r for r in RULES if r.id == rule_id)
    assert rule.source is RuleSource.PRODUCT_DEFAULT  # the policy names no amounts


def test_customer_rows_do_not_judge_internal_or_rework_and_vice_versa():
    assert _propose(FlowKind.FEEDBACK, Responsibility.MAIN,
                    severity=Severity.NORMAL).rule_ids == ["R-normal-main"]
    assert _propose(FlowKind.FEEDBACK, Responsibility.JOINT,
                    severity=Severity.NORMAL).rule_ids == ["R-joint"]
    # a table without internal rows proposes nothing rather than a customer row
    customer_only = [r for r in RULES if r.flow is None]
    ctx = ProposalContext(employee_id=1, responsibility=Responsibility.MAIN,
                          flow=FlowKind.INTERNAL)
    proposal = propose_penalties(ctx, customer_only, [], NOW, TZ)
    assert proposal.penalties == [] and "内部投诉" in proposal.notes[0]


def test_the_deadline_breach_row_applies_to_every_flow():
    for flow in FlowKind:
        assert _propose(flow, None, breach=True).rule_ids == ["R-breach"]


def test_a_complaint_against_a_whole_department_gets_the_department_penalties():
    proposal = _propose(FlowKind.INTERNAL, None, occasion=Occasion.DEPARTMENT_FAULT)
    assert proposal.rule_ids == ["R-internal-department"]
    assert penalty_text(proposal.penalties) == "部门负责人警告、部门绩效扣分2分"
    assert best_rule(RULES, Occasion.DEPARTMENT_FAULT, flow=FlowKind.REWORK) is None


def test_flow_is_validated_named_and_round_trips():
    raw = default_rules_raw()
    saved = {r["id"]: r for r in rules_to_raw(load_rules(raw))}
    assert saved["R-internal-main"]["flow"] == "internal"
    assert saved["R-rework-joint"]["flow"] == "rework"
    assert "flow" not in saved["R-normal-main"] and "flow" not in saved["R-breach"]
    bad = [dict(raw[0], flow="shop")]
    [message] = validate_rules(bad)
    assert "适用流程" in message and "internal" in message
    # department penalties only: a reward in a department_fault row is refused
    row = {"id": "X", "clause": "x", "occasion": "department_fault", "flow": "internal",
           "penalties": [{"kind": "bonus", "amount": 5}]}
    assert any("过失处罚规则不能包含奖励" in m for m in validate_rules([row]))
