"""Rules as data and the proposals they make (DESIGN §6)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from complaintdesk.domain.errors import DomainError
from complaintdesk.domain.proposals import (
    ProposalContext,
    propose_penalties,
    propose_reward,
)
from complaintdesk.domain.records import (
    FaultSlip,
    Penalty,
    PenaltyKind,
    Responsibility,
    Severity,
    SlipStatus,
)
from complaintdesk.domain.rules import (
    Occasion,
    RuleError,
    default_rules_raw,
    load_rules,
    rules_to_raw,
    validate_rules,
)

TZ = ZoneInfo("Asia/Shanghai")
NOW = datetime(2026, 11, 20, 2, 0, tzinfo=UTC)  # 10:00 local
RULES = load_rules(default_rules_raw())
K = PenaltyKind


def summary(penalties: list[Penalty]) -> list[tuple[PenaltyKind, int, int]]:
    return [(p.kind, p.amount, p.points) for p in penalties]


def ctx(sev: Severity | None = Severity.NORMAL,
        resp: Responsibility | None = Responsibility.MAIN, **kw) -> ProposalContext:
    return ProposalContext(employee_id=7, severity=sev, responsibility=resp, **kw)


def slip(at: datetime, *, status: SlipStatus = SlipStatus.ENFORCED, employee_id: int = 7,
         breach: bool = False, number: str = "GS-202611-0001") -> FaultSlip:
    return FaultSlip(
        id=None, number=number, case_id=1, employee_id=employee_id, department_id=1,
        post="", facts="", responsibility=Responsibility.MAIN, status=status,
        from_breach=breach, issued_at=at, created_at=at,
    )


# ---- the table ------------------------------------------------------------------------

@pytest.mark.parametrize(
    ("sev", "resp", "expected"),
    [
        (Severity.NORMAL, Responsibility.MAIN, [(K.FINE, 100, 0), (K.POINTS, 0, 2)]),
        (Severity.NORMAL, Responsibility.SECONDARY, [(K.FINE, 50, 0), (K.POINTS, 0, 1)]),
        (Severity.NORMAL, Responsibility.MANAGEMENT, [(K.WARNING, 0, 0)]),
        (Severity.IMPORTANT, Responsibility.MAIN, [(K.FINE, 300, 0), (K.POINTS, 0, 5)]),
        (Severity.IMPORTANT, Responsibility.SECONDARY, [(K.FINE, 150, 0), (K.POINTS, 0, 2)]),
        (Severity.IMPORTANT, Responsibility.MANAGEMENT, [(K.FINE, 100, 0), (K.POINTS, 0, 2)]),
        (Severity.MAJOR, Responsibility.MAIN,
         [(K.FINE, 1000, 0), (K.POINTS, 0, 10), (K.WARNING, 0, 0)]),
        (Severity.MAJOR, Responsibility.SECONDARY, [(K.FINE, 500, 0), (K.POINTS, 0, 5)]),
        (Severity.MAJOR, Responsibility.MANAGEMENT,
         [(K.FINE, 300, 0), (K.POINTS, 0, 5), (K.WARNING, 0, 0)]),
    ],
)
def test_default_table_proposes_design_section_6_penalties(sev, resp, expected):
    proposal = propose_penalties(ctx(sev, resp), RULES, [], NOW, TZ)
    assert summary(proposal.penalties) == expected
    assert proposal.rule_ids == [f"R-{sev.value}-{resp.value}"]
    assert proposal.clauses and proposal.clauses[0].startswith(sev.label)


def test_joint_responsibility_defaults_to_warning_and_one_point_for_any_severity():
    for sev in Severity:
        p = propose_penalties(ctx(sev, Responsibility.JOINT), RULES, [], NOW, TZ)
        assert summary(p.penalties) == [(K.WARNING, 0, 0), (K.POINTS, 0, 1)]
        assert "连带责任" in p.clause_text


def test_default_rules_round_trip_through_raw_form():
    assert rules_to_raw(RULES) == default_rules_raw()
    assert load_rules(rules_to_raw(RULES)) == RULES


def test_most_specific_rule_wins_and_earlier_row_breaks_ties():
    raw = default_rules_raw() + [
        {"id": "R-attitude", "clause": "服务态度·主要责任", "category": "服务态度",
         "responsibility": "main", "severity": "normal", "breach": False,
         "penalties": [{"kind": "fine", "amount": 200}]},
    ]
    rules = load_rules(raw)
    p = propose_penalties(ctx(category="服务态度"), rules, [], NOW, TZ)
    assert p.rule_ids == ["R-attitude"]
    p = propose_penalties(ctx(category="维修质量"), rules, [], NOW, TZ)
    assert p.rule_ids == ["R-normal-main"]
    tie = load_rules([
        {"id": "A", "clause": "甲", "severity": "normal", "penalties": [{"kind": "warning"}]},
        {"id": "B", "clause": "乙", "responsibility": "main",
         "penalties": [{"kind": "warning"}]},
    ])
    assert propose_penalties(ctx(), tie, [], NOW, TZ).rule_ids == ["A"]


def test_no_matching_rule_gives_empty_proposal_with_chinese_note():
    p = propose_penalties(ctx(resp=None), RULES, [], NOW, TZ)
    assert p.penalties == [] and p.rule_ids == []
    assert "没有适用" in p.notes[0]


# ---- validation -----------------------------------------------------------------------

def test_validation_names_row_and_field_in_chinese():
    raw = [
        {"id": "X", "clause": "条款", "penalties": [{"kind": "slap"}]},
        {"id": "X", "clause": "条款2", "severity": "huge",
         "penalties": [{"kind": "fine", "amount": -5}]},
        {"id": "Y", "clause": "", "penalties": [{"kind": "fine", "amount": 10.5}]},
        {"id": "Z", "clause": "奖", "occasion": "praise",
         "penalties": [{"kind": "fine", "amount": 10}]},
        {"id": "W", "clause": "无", "penalties": []},
    ]
    errors = validate_rules(raw)
    text = "\n".join(errors)
    assert "第1行（X）处罚/奖励第1项：类型“slap”无效" in text
    assert "第2行（X）：规则编号与第1行重复" in text
    assert "第2行（X）：严重程度“huge”无效" in text
    assert "金额不能为负数" in text
    assert "第3行（Y）：依据条款不能为空" in text
    assert "金额“10.5”须为整数元" in text
    assert "第4行（Z）处罚/奖励第1项（罚款）：奖励规则只能包含" in text
    assert "第5行（W）：请至少填写一项处罚/奖励" in text
    with pytest.raises(RuleError) as exc:
        load_rules(raw)
    assert isinstance(exc.value, DomainError) and len(exc.value.messages) == len(errors)


def test_validation_rejects_a_row_that_can_never_match():
    raw = default_rules_raw() + [dict(default_rules_raw()[0], id="R-copy")]
    assert any("匹配条件与第1行完全相同" in e for e in validate_rules(raw))


def test_shipped_defaults_are_valid():
    assert validate_rules(default_rules_raw()) == []


# ---- repeat offences (§6) ---------------------------------------------------------------

def test_second_slip_just_inside_90_days_doubles_fines_and_points():
    prior = slip(NOW - timedelta(days=89, hours=23, minutes=59, seconds=59))
    p = propose_penalties(ctx(), RULES, [prior], NOW, TZ)
    assert summary(p.penalties) == [(K.FINE, 200, 0), (K.POINTS, 0, 4)]
    assert any("90天内再次过失" in n and "加倍" in n for n in p.notes)


def test_slip_just_over_90_days_ago_does_not_double():
    prior = slip(NOW - timedelta(days=90, seconds=1))
    p = propose_penalties(ctx(), RULES, [prior], NOW, TZ)
    assert summary(p.penalties) == [(K.FINE, 100, 0), (K.POINTS, 0, 2)]
    assert len(p.notes) == 1


def test_discarded_revoked_proposed_reward_breach_and_other_employees_slips_do_not_count():
    t = NOW - timedelta(days=1)
    history = [
        slip(t, status=SlipStatus.DISCARDED), slip(t, status=SlipStatus.REVOKED),
        slip(t, status=SlipStatus.PROPOSED), slip(t, employee_id=8), slip(t, breach=True),
    ]
    reward = slip(t)
    reward.is_reward = True
    p = propose_penalties(ctx(), RULES, history + [reward], NOW, TZ)
    assert summary(p.penalties) == [(K.FINE, 100, 0), (K.POINTS, 0, 2)]


@pytest.mark.parametrize("status", [SlipStatus.ISSUED, SlipStatus.APPROVED,
                                    SlipStatus.APPEALED, SlipStatus.ENFORCED])
def test_issued_approved_appealed_and_enforced_slips_count(status):
    p = propose_penalties(ctx(), RULES, [slip(NOW - timedelta(days=3), status=status)],
                          NOW, TZ)
    assert p.penalties[0].amount == 200


def test_slip_without_issue_date_counts_by_creation_date():
    prior = slip(NOW - timedelta(days=3))
    prior.issued_at = None
    assert propose_penalties(ctx(), RULES, [prior], NOW, TZ).penalties[0].amount == 200


def test_third_slip_within_12_months_proposes_demotion_for_gm():
    # local now: 2026-11-20 10:00; 12 months back: 2025-11-20 10:00 local = 02:00 UTC
    edge = datetime(2025, 11, 20, 2, 0, tzinfo=UTC)
    history = [slip(edge + timedelta(seconds=1), number="GS-202511-0001"),
               slip(NOW - timedelta(days=200), number="GS-202605-0002")]
    p = propose_penalties(ctx(), RULES, history, NOW, TZ)
    assert (K.DEMOTION, 0, 0) in summary(p.penalties)
    demotion = next(x for x in p.penalties if x.kind is K.DEMOTION)
    assert demotion.note == "待总经理决定"
    assert any("12个月内第3次过失" in n and "GS-202511-0001" in n for n in p.notes)
    # neither prior slip is within 90 days: no doubling
    assert p.penalties[0].amount == 100


def test_slip_just_over_12_months_ago_does_not_propose_demotion():
    edge = datetime(2025, 11, 20, 2, 0, tzinfo=UTC)
    history = [slip(edge - timedelta(seconds=1)), slip(NOW - timedelta(days=10))]
    p = propose_penalties(ctx(), RULES, history, NOW, TZ)
    assert K.DEMOTION not in [x.kind for x in p.penalties]
    assert p.penalties[0].amount == 200  # the recent one still doubles


# ---- deadline breaches ----------------------------------------------------------------

def test_first_deadline_breach_is_warning_and_one_point():
    p = propose_penalties(ctx(None, None, breach=True), RULES, [], NOW, TZ)
    assert summary(p.penalties) == [(K.WARNING, 0, 0), (K.POINTS, 0, 1)]
    assert p.rule_ids == ["R-breach"]


def test_second_breach_in_same_local_month_adds_50_yuan():
    # 2026-10-31 16:30 UTC is 2026-11-01 00:30 in Shanghai: same local month as NOW
    prior = slip(datetime(2026, 10, 31, 16, 30, tzinfo=UTC), breach=True)
    p = propose_penalties(ctx(None, None, breach=True), RULES, [prior], NOW, TZ)
    assert summary(p.penalties) == [(K.WARNING, 0, 0), (K.POINTS, 0, 1), (K.FINE, 50, 0)]
    assert any("本月第2次超时" in n for n in p.notes)


def test_breach_in_previous_local_month_adds_nothing():
    prior = slip(datetime(2026, 10, 31, 15, 59, 59, tzinfo=UTC), breach=True)  # 23:59:59
    p = propose_penalties(ctx(None, None, breach=True), RULES, [prior], NOW, TZ)
    assert [x.kind for x in p.penalties] == [K.WARNING, K.POINTS]


# ---- rewards --------------------------------------------------------------------------

def test_praise_proposes_commendation_and_points():
    p = propose_reward(ProposalContext(employee_id=7, occasion=Occasion.PRAISE), RULES)
    assert summary(p.penalties) == [(K.COMMENDATION, 0, 0), (K.REWARD_POINTS, 0, 2)]
    assert all(x.kind.is_reward for x in p.penalties)


def test_major_complaint_resolved_to_praise_proposes_bonus():
    c = ProposalContext(employee_id=7, severity=Severity.MAJOR,
                        occasion=Occasion.RESOLVED_PRAISED)
    p = propose_reward(c, RULES)
    assert (K.BONUS, 500, 0) in summary(p.penalties)
    c.severity = Severity.NORMAL
    assert propose_reward(c, RULES).penalties == []


def test_team_reward_proposed_from_rules():
    p = propose_reward(ProposalContext(employee_id=None, department_id=3,
                                       occasion=Occasion.TEAM), RULES)
    assert p.rule_ids == ["R-team"] and (K.BONUS, 1000, 0) in summary(p.penalties)
