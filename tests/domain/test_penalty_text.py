"""One format for a slip's penalties wherever they are shown (paper, workbook, screens)."""

from __future__ import annotations

from complaintdesk.domain.penalty_text import one_penalty_text, penalty_text
from complaintdesk.domain.records import Penalty, PenaltyKind


def test_money_after_yen_points_as_fen_items_joined_by_the_enumeration_comma():
    ps = [Penalty(PenaltyKind.FINE, amount=100), Penalty(PenaltyKind.POINTS, points=2),
          Penalty(PenaltyKind.WARNING)]
    assert penalty_text(ps) == "罚款¥100、绩效扣分2分、警告"


def test_rewards_and_department_penalties_read_the_same_way():
    assert penalty_text([Penalty(PenaltyKind.BONUS, amount=200),
                         Penalty(PenaltyKind.REWARD_POINTS, points=3),
                         Penalty(PenaltyKind.COMMENDATION)]) == "奖金¥200、绩效加分3分、通报表扬"
    assert penalty_text([Penalty(PenaltyKind.DEPT_BONUS_CUT, amount=500),
                         Penalty(PenaltyKind.DEPT_POINTS, points=2)]) == "扣减部门奖金¥500、部门绩效扣分2分"


def test_the_note_follows_in_full_width_brackets():
    assert one_penalty_text(Penalty(PenaltyKind.PRIZE, note="保养券一张")) == "奖品（保养券一张）"
    assert one_penalty_text(Penalty(PenaltyKind.DEMOTION, note="待总经理决定")) \
        == "降职降薪（待总经理决定）"


def test_a_number_on_the_record_is_never_hidden():
    # a fine of nothing reads as the kind alone; an odd record keeps both of its numbers
    assert one_penalty_text(Penalty(PenaltyKind.FINE)) == "罚款"
    assert one_penalty_text(Penalty(PenaltyKind.WARNING, amount=50, points=1)) == "警告¥50 1分"


def test_no_penalties_reads_as_the_empty_text_asked_for():
    assert penalty_text([]) == ""
    assert penalty_text([], "无") == "无"
