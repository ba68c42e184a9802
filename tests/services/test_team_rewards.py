from datetime import UTC, datetime, timedelta

import pytest

from complaintdesk.domain.records import PenaltyKind, Role, SlipStatus
from complaintdesk.services.base import SYSTEM_USER
from complaintdesk.services.errors import PermissionDenied, ServiceError
from service_builders import add_user, intake, make_services


def test_monthly_evaluation_proposes_a_department_penalty_and_names_a_missing_volume(
        tmp_path):
    """001 五.3: 投诉率过高 → a proposed department penalty (部门负责人警告, 部门绩效扣分 by
    default), once; a month without a business volume is named, not shown as — → —."""
    services, clock = make_services(tmp_path, datetime(2026, 7, 3, 2, 0, tzinfo=UTC))
    cs = add_user(services, "kf", "客服", Role.CS_CENTER)
    assessor = add_user(services, "kh", "考核", Role.ASSESSOR)
    # 售后服务部 (2): 4, 3, 2, 1 complaints on 100 repair orders a month → 4 %, 3 %, 2 %, 1 %
    # 销售部 (1): 1, 2, 1, 1, no volume entered for October
    for month, after_sales, sales in ((7, 4, 1), (8, 3, 2), (9, 2, 1), (10, 1, 1)):
        clock.set(datetime(2026, month, 3, 2, 0, tzinfo=UTC))
        for dept, n in ((2, after_sales), (1, sales)):
            for _ in range(n):
                case = services.intake.register(SYSTEM_USER, intake(clock, phone="13900139000"))
                services.workflow.act(cs, case.id, "forward", {
                    "category": "维修质量", "severity": "normal", "department_id": dept})
                clock.advance(timedelta(minutes=5))
        for dept in (1, 2):
            if (dept, month) != (1, 10):
                services.reports.set_volume(assessor, dept, f"2026-{month:02d}", 100)
    clock.set(datetime(2026, 11, 5, 2, 0, tzinfo=UTC))

    july = {c.department_id: c for c in services.team_rewards.check(assessor, 2026, 7)}
    slip = july[2].penalty
    assert slip is not None and not slip.is_reward and slip.status is SlipStatus.PROPOSED
    assert slip.employee_id is None and slip.department_id == 2
    assert {p.kind for p in slip.penalties} == {PenaltyKind.DEPT_HEAD_WARNING,
                                                 PenaltyKind.DEPT_POINTS}
    assert "投诉率 4.00% 高于 3.00%" in slip.facts
    assert july[2].proposed is None  # no reward beside a penalty
    assert july[1].penalty is None and july[1].proposed is None  # 1 %: nothing
    again = {c.department_id: c for c in services.team_rewards.check(assessor, 2026, 7)}
    assert again[2].penalty is None and again[2].already  # proposed once only

    # October: 售后 fell 2 % → 1 % but nothing was closed or revisited, so 解决率 and
    # 满意度 are unknown: no team reward (the policy asks for all three)
    october = {c.department_id: c for c in services.team_rewards.check(assessor, 2026, 10)}
    assert october[2].rates == pytest.approx((0.04, 0.03, 0.02, 0.01))
    assert october[2].proposed is None and october[2].penalty is None
    assert "2026-10未录入业务量，无法计算投诉率" in october[1].verdict.text
    with pytest.raises(ServiceError):
        services.team_rewards.check(assessor, 2026, 11)  # the month is not over
    with pytest.raises(PermissionDenied):
        services.team_rewards.check(cs, 2026, 10)


def test_team_reward_dialog_shows_each_department_verdict(qtbot, tmp_path):
    from complaintdesk.ui.accountability.team_reward_dialog import TeamRewardDialog

    services, clock = make_services(tmp_path, datetime(2026, 11, 5, 2, 0, tzinfo=UTC))
    assessor = add_user(services, "kh", "考核", Role.ASSESSOR)
    services.intake.register(SYSTEM_USER, intake(clock))
    dialog = TeamRewardDialog(services, assessor)
    qtbot.addWidget(dialog)
    dialog.run_button.click()
    qtbot.waitUntil(lambda: dialog.run_button.isEnabled(), timeout=10000)
    assert "正在计算" not in dialog.result.toPlainText()
    text = dialog.result.toPlainText()
    assert "售后服务部" in text and "未提议" in text  # one verdict per department
    assert "未录入业务量" in text and "— → —" not in text


def test_individual_rewards_as_seed_001_words_them(tmp_path):
    """001 五.2: 重大 or 疑难 complaints resolved, a loss recovered (amount), high praise —
    奖金 and 奖品 (described) beside the product's default 绩效加分/通报表扬."""
    from acc_builders import cast, gm_signs, walk_to_approve, walk_to_issue

    services, clock = make_services(tmp_path)
    c = cast(services)
    tr = services.team_rewards
    case = walk_to_issue(services, clock, c)  # a 一般 complaint, not yet closed
    with pytest.raises(ServiceError, match="尚未结案"):
        tr.propose_individual_reward(c.assessor, case.id, c.zhao_id, "difficult")
    with pytest.raises(ServiceError, match="挽回损失金额"):
        tr.propose_individual_reward(c.assessor, case.id, c.zhao_id, "loss", loss_yuan=0)
    loss = tr.propose_individual_reward(c.assessor, case.id, c.zhao_id, "loss",
                                        loss_yuan=12000, prize="加油卡一张")
    assert loss.is_reward and loss.status is SlipStatus.PROPOSED
    assert "挽回损失 ¥12000" in loss.facts
    assert (PenaltyKind.PRIZE, "加油卡一张") in {(p.kind, p.note) for p in loss.penalties}
    assert any(p.kind is PenaltyKind.BONUS for p in loss.penalties)
    walk_to_approve(services, clock, c, case)
    services.workflow.act(c.gm, case.id, "approve", gm_signs(services, case.id))
    services.workflow.act(c.assessor, case.id, "enforce", {"feedback_to_department": "已反馈"})
    with pytest.raises(ServiceError, match="不是重大投诉"):
        tr.propose_individual_reward(c.assessor, case.id, c.zhao_id, "major")
    with pytest.raises(ServiceError, match="未标记为疑难投诉"):  # the mark comes first
        tr.propose_individual_reward(c.assessor, case.id, c.zhao_id, "difficult")
    services.marks.mark_difficult(c.assessor, case.id, "涉及厂家索赔与第三方保险，多方协调")
    hard = tr.propose_individual_reward(c.assessor, case.id, c.zhao_id, "difficult")
    assert "认定为疑难投诉：涉及厂家索赔与第三方保险" in hard.facts
    assert hard.rule_ids == ["R-major-resolved-praise"]
    with pytest.raises(PermissionDenied):
        tr.propose_individual_reward(c.cs, case.id, c.zhao_id, "praise")
    services.dispose()
