from datetime import UTC, datetime, timedelta

import pytest

from complaintdesk.domain.records import PenaltyKind, Role, SlipStatus
from complaintdesk.services.base import SYSTEM_USER
from complaintdesk.services.errors import PermissionDenied, ServiceError
from service_builders import add_user, intake, make_services


def test_a_department_whose_complaint_rate_fell_three_months_running_gets_a_team_reward(
        tmp_path):
    services, clock = make_services(tmp_path, datetime(2026, 7, 3, 2, 0, tzinfo=UTC))
    cs = add_user(services, "kf", "客服", Role.CS_CENTER)
    assessor = add_user(services, "kh", "考核", Role.ASSESSOR)
    # 售后服务部 (2): 4, 3, 2, 1 complaints on 100 repair orders a month → 4 %, 3 %, 2 %, 1 %
    # 销售部 (1): 1, 2, 1, 1 → no steady fall
    for month, after_sales, sales in ((7, 4, 1), (8, 3, 2), (9, 2, 1), (10, 1, 1)):
        clock.set(datetime(2026, month, 3, 2, 0, tzinfo=UTC))
        for dept, n in ((2, after_sales), (1, sales)):
            for _ in range(n):
                case = services.intake.register(SYSTEM_USER, intake(clock, phone="13900139000"))
                services.workflow.act(cs, case.id, "forward", {
                    "category": "维修质量", "severity": "normal", "department_id": dept})
                clock.advance(timedelta(minutes=5))
        for dept in (1, 2):
            services.reports.set_volume(assessor, dept, f"2026-{month:02d}", 100)
    clock.set(datetime(2026, 11, 5, 2, 0, tzinfo=UTC))

    checks = {c.department_id: c for c in services.team_rewards.check(assessor, 2026, 10)}
    after_sales = checks[2]
    assert after_sales.rates == pytest.approx((0.04, 0.03, 0.02, 0.01))
    slip = after_sales.proposed
    assert slip is not None and slip.is_reward and slip.status is SlipStatus.PROPOSED
    assert slip.employee_id is None and slip.department_id == 2
    assert any(p.kind is PenaltyKind.BONUS and p.amount == 1000 for p in slip.penalties)
    assert checks[1].proposed is None and not checks[1].already
    # running the check again proposes nothing twice
    again = {c.department_id: c for c in services.team_rewards.check(assessor, 2026, 10)}
    assert again[2].proposed is None and again[2].already
    with pytest.raises(ServiceError):
        services.team_rewards.check(assessor, 2026, 11)  # the month is not over
    with pytest.raises(PermissionDenied):
        services.team_rewards.check(cs, 2026, 10)


def test_team_reward_dialog_shows_each_department_verdict(qtbot, tmp_path):
    from complaintdesk.ui.team_reward_dialog import TeamRewardDialog

    services, clock = make_services(tmp_path, datetime(2026, 11, 5, 2, 0, tzinfo=UTC))
    assessor = add_user(services, "kh", "考核", Role.ASSESSOR)
    services.intake.register(SYSTEM_USER, intake(clock))
    dialog = TeamRewardDialog(services, assessor)
    qtbot.addWidget(dialog)
    dialog.run_button.click()
    qtbot.waitUntil(lambda: dialog.run_button.isEnabled(), timeout=10000)
    assert "正在计算" not in dialog.result.toPlainText()
    text = dialog.result.toPlainText()
    assert "售后服务部" in text and "不符合" in text  # one verdict line per department
