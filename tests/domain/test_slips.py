"""The fault-slip lifecycle with its change history and appeals (DESIGN §6)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from complaintdesk.domain.errors import DomainError
from complaintdesk.domain.proposals import Proposal
from complaintdesk.domain.records import (
    Employee,
    FaultSlip,
    Penalty,
    PenaltyKind,
    Responsibility,
    Role,
    SlipStatus,
    User,
)
from complaintdesk.domain.slips import (
    APPEAL_DECISION,
    PENALTIES,
    AccountabilityError,
    acknowledge,
    approve,
    change_penalties,
    decide_appeal,
    describe_change,
    discard,
    enforce,
    enforced_penalties,
    file_appeal,
    issue,
    new_slip_proposal,
    record_dept_opinion,
    review_appeal,
)

T0 = datetime(2026, 11, 2, 1, 0, tzinfo=UTC)
ASSESSOR = User(1, "liu", "刘考核", frozenset({Role.ASSESSOR}))
HEAD = User(2, "wang", "王经理", frozenset({Role.DEPT_HEAD}), department_id=3)
GM = User(3, "zhao", "赵总", frozenset({Role.GENERAL_MANAGER}))
EMP = Employee(9, "张三", 3, post="服务顾问")
K = PenaltyKind


def fine(yuan: int) -> Penalty:
    return Penalty(K.FINE, amount=yuan)


def points(n: int) -> Penalty:
    return Penalty(K.POINTS, points=n)


def proposed() -> FaultSlip:
    return new_slip_proposal(
        case_id=5, employee=EMP, facts="未按约定时间交车", responsibility=Responsibility.MAIN,
        proposal=Proposal([fine(100), points(2)], ["R-normal-main"], ["依据规则 R-normal-main"]),
        now=T0, by=ASSESSOR,
    )


def enforced(at: datetime = T0) -> FaultSlip:
    slip = proposed()
    issue(slip, "GS-202611-0001", ASSESSOR, at)
    approve(slip, GM, "", at)
    enforce(slip, ASSESSOR, at)
    return slip


def test_proposal_copies_employee_department_post_and_rule():
    slip = proposed()
    assert (slip.employee_id, slip.department_id, slip.post) == (9, 3, "服务顾问")
    assert slip.status is SlipStatus.PROPOSED and slip.number == ""
    assert slip.rule_ids == ["R-normal-main"] and slip.created_at == T0
    assert slip.changes[0].what == "created" and slip.changes[0].by_name == "刘考核"


def test_full_path_to_enforcement_records_every_step():
    slip = proposed()
    record_dept_opinion(slip, HEAD, "同意处理", T0 + timedelta(hours=1))
    issue(slip, "GS-202611-0001", ASSESSOR, T0 + timedelta(hours=2))
    approve(slip, GM, "", T0 + timedelta(hours=3))
    assert slip.enforced_at is None  # not in the ledger yet
    enforce(slip, ASSESSOR, T0 + timedelta(hours=4))
    acknowledge(slip, T0 + timedelta(hours=5))
    assert slip.status is SlipStatus.ENFORCED
    assert slip.number == "GS-202611-0001" and slip.issued_by_user_id == 1
    assert slip.issued_at == T0 + timedelta(hours=2)
    assert slip.enforced_at == T0 + timedelta(hours=4)
    assert slip.dept_opinion == "同意处理" and slip.gm_opinion == "同意"
    assert slip.acknowledged_at == T0 + timedelta(hours=5)
    statuses = [(c.before, c.after) for c in slip.changes if c.what == "status"]
    assert statuses == [("proposed", "issued"), ("issued", "approved"),
                        ("approved", "enforced")]
    assert all(describe_change(c) for c in slip.changes)


def test_change_of_penalties_keeps_who_when_before_after_and_why():
    slip = proposed()
    issue(slip, "GS-202611-0001", ASSESSOR, T0)
    change_penalties(slip, [fine(50)], HEAD, "初犯，从轻", T0 + timedelta(hours=1))
    approve(slip, GM, "加扣1分", T0 + timedelta(hours=2))
    change_penalties(slip, [fine(50), points(1)], GM, "态度问题需扣分", T0 + timedelta(hours=2))
    changes = [c for c in slip.changes if c.what == PENALTIES]
    assert [(c.by_name, c.reason) for c in changes] == [("王经理", "初犯，从轻"),
                                                         ("赵总", "态度问题需扣分")]
    assert changes[0].before == [{"kind": "fine", "amount": 100}, {"kind": "points", "points": 2}]
    assert changes[0].after == [{"kind": "fine", "amount": 50}]
    assert changes[1].at == T0 + timedelta(hours=2)
    assert "罚款¥50" in describe_change(changes[0])


def test_change_of_penalties_needs_a_reason():
    with pytest.raises(AccountabilityError, match="修改原因不能为空"):
        change_penalties(proposed(), [fine(50)], ASSESSOR, "  ", T0)


def test_enforced_slip_can_only_change_through_appeal():
    slip = enforced()
    with pytest.raises(AccountabilityError, match="申诉"):
        change_penalties(slip, [fine(50)], GM, "想减轻", T0)


@pytest.mark.parametrize(
    ("penalties", "message"),
    [
        ([], "不能为空"),
        ([Penalty(K.FINE, amount=0)], "大于 0 的整数金额"),
        ([Penalty(K.POINTS, points=0)], "大于 0 的整数分值"),
        ([Penalty(K.BONUS, amount=100)], "过失单不能填写奖励"),
    ],
)
def test_typed_penalties_are_checked(penalties, message):
    with pytest.raises(AccountabilityError, match=message):
        change_penalties(proposed(), penalties, ASSESSOR, "调整", T0)


def test_invalid_transitions_raise_chinese_domain_errors():
    slip = proposed()
    with pytest.raises(AccountabilityError, match="不能签批"):
        approve(slip, GM, "", T0)
    with pytest.raises(AccountabilityError, match="不能执行"):
        enforce(slip, ASSESSOR, T0)
    with pytest.raises(AccountabilityError, match="编号不能为空"):
        issue(slip, "", ASSESSOR, T0)
    issue(slip, "GS-202611-0001", ASSESSOR, T0)
    with pytest.raises(AccountabilityError, match="已开具.*不能开具"):
        issue(slip, "GS-202611-0002", ASSESSOR, T0)
    with pytest.raises(DomainError):
        discard(slip, ASSESSOR, "不需要", T0)


def test_discarded_proposal_is_kept_with_reason():
    slip = proposed()
    with pytest.raises(AccountabilityError, match="不予开具原因"):
        discard(slip, ASSESSOR, "", T0)
    discard(slip, ASSESSOR, "客户要求过高，员工无责", T0)
    assert slip.status is SlipStatus.DISCARDED
    assert slip.changes[-1].reason == "客户要求过高，员工无责"


def test_acknowledging_twice_is_refused():
    slip = enforced()
    acknowledge(slip, T0)
    with pytest.raises(AccountabilityError, match="无需重复"):
        acknowledge(slip, T0)


# ---- appeals ------------------------------------------------------------------------------

def test_appeal_allowed_up_to_exactly_seven_days_after_enforcement():
    slip = enforced()
    file_appeal(slip, "责任不在我", T0 + timedelta(days=7))
    assert slip.status is SlipStatus.APPEALED
    assert slip.appeal["reason"] == "责任不在我"


def test_appeal_one_second_after_seven_days_is_refused_with_local_deadline():
    slip = enforced()
    with pytest.raises(AccountabilityError, match=r"申诉期限已过.*2026-11-09 09:00"):
        file_appeal(slip, "责任不在我", T0 + timedelta(days=7, seconds=1))
    assert slip.status is SlipStatus.ENFORCED


def test_appeal_needs_enforced_slip_and_a_reason_and_only_once():
    with pytest.raises(AccountabilityError, match="不能申诉"):
        file_appeal(proposed(), "x", T0)
    slip = enforced()
    with pytest.raises(AccountabilityError, match="申诉理由"):
        file_appeal(slip, "", T0)
    file_appeal(slip, "异议", T0)
    review_appeal(slip, ASSESSOR, "维持", T0)
    decide_appeal(slip, GM, "upheld", None, "事实清楚", T0)
    with pytest.raises(AccountabilityError, match="不能重复申诉"):
        file_appeal(slip, "再申诉", T0)


def test_gm_decides_only_after_assessor_review():
    slip = enforced()
    file_appeal(slip, "异议", T0)
    with pytest.raises(AccountabilityError, match="请先重新调查（复核）申诉"):
        decide_appeal(slip, GM, "revoked", None, "理由", T0)


def test_upheld_appeal_returns_slip_to_enforced_unchanged():
    slip = enforced()
    file_appeal(slip, "异议", T0)
    review_appeal(slip, ASSESSOR, "事实清楚", T0)
    decide_appeal(slip, GM, "upheld", None, "维持", T0 + timedelta(days=1))
    assert slip.status is SlipStatus.ENFORCED
    assert [p.amount for p in slip.penalties] == [100, 0]
    assert slip.appeal["decision"] == "upheld"


def test_reduced_appeal_keeps_original_penalties_in_history():
    slip = enforced()
    file_appeal(slip, "情节轻微", T0)
    review_appeal(slip, ASSESSOR, "建议减半", T0)
    decide_appeal(slip, GM, "reduced", [fine(50), points(1)], "同意减半", T0 + timedelta(days=2))
    assert slip.status is SlipStatus.ENFORCED
    assert [(p.amount, p.points) for p in slip.penalties] == [(50, 0), (0, 1)]
    assert [(p.amount, p.points) for p in enforced_penalties(slip)] == [(100, 0), (0, 2)]
    decision = next(c for c in slip.changes if c.what == APPEAL_DECISION)
    assert decision.before == {"penalties": [{"kind": "fine", "amount": 100},
                                             {"kind": "points", "points": 2}]}
    assert decision.by_name == "赵总" and "同意减半" in decision.reason


@pytest.mark.parametrize(
    "new",
    [[fine(100), points(2)], [fine(150)], [fine(50), Penalty(K.WARNING)], None],
)
def test_reduction_must_be_lighter_than_the_original(new):
    slip = enforced()
    file_appeal(slip, "异议", T0)
    review_appeal(slip, ASSESSOR, "复核", T0)
    with pytest.raises(AccountabilityError, match="减轻"):
        decide_appeal(slip, GM, "reduced", new, "理由", T0)
    assert slip.status is SlipStatus.APPEALED


def test_revoked_appeal_keeps_the_slip_and_its_penalties():
    slip = enforced()
    file_appeal(slip, "不是我", T0)
    review_appeal(slip, ASSESSOR, "查实非本人", T0)
    decide_appeal(slip, GM, "revoked", None, "撤销", T0 + timedelta(days=3))
    assert slip.status is SlipStatus.REVOKED
    assert slip.appeal["original_penalties"] == [{"kind": "fine", "amount": 100},
                                                 {"kind": "points", "points": 2}]
    assert slip.enforced_at == T0  # history is not rewritten
    with pytest.raises(AccountabilityError):
        change_penalties(slip, [fine(10)], GM, "x", T0)


def test_reward_slips_cannot_be_appealed():
    slip = new_slip_proposal(
        case_id=5, employee=EMP, facts="客户表扬", responsibility=None,
        proposal=Proposal([Penalty(K.COMMENDATION)], ["R-praise"]), now=T0, is_reward=True,
    )
    issue(slip, "GS-202611-0002", ASSESSOR, T0)
    approve(slip, GM, "", T0)
    enforce(slip, ASSESSOR, T0)
    with pytest.raises(AccountabilityError, match="奖励单不能申诉"):
        file_appeal(slip, "x", T0)
