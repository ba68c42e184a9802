"""The monthly evaluation of departments (seed 001 五.2–3, DESIGN §6) at its thresholds:
a reward needs 投诉率 clearly down AND 解决率 and 满意度 clearly up; a penalty comes from
投诉率 too high OR 满意度 falling month after month. Thresholds are settings (defaults)."""

from __future__ import annotations

import pytest

from complaintdesk.domain.dept_assessment import (
    PENALTY,
    REWARD,
    AccountabilitySettings,
    SettingsError,
    assess_department,
)
from complaintdesk.domain.kpi.shapes import KpiSet, Ratio

S = AccountabilitySettings()  # drop ≥ 20 %, rise ≥ 5 points, rate > 3 %, 3 months falling


def k(received: int, volume: int | None, resolved: tuple[int, int] = (8, 10),
      satisfied: tuple[int, int] = (8, 10)) -> KpiSet:
    return KpiSet(received=received, complaint_rate=Ratio(received, volume),
                  resolution_rate=Ratio(*resolved), satisfaction=Ratio(*satisfied))


def months(*sets: KpiSet | None) -> list:
    return [((2026, m), s) for m, s in enumerate(sets, start=13 - len(sets))]


def verdict(*sets: KpiSet | None):
    return assess_department(2, "售后服务部", months(*sets), S)


def test_reward_at_exactly_a_fifth_down_and_five_points_up():
    # 2.0 % → 1.6 % (−20 %), 解决率 80 % → 85 %, 满意度 80 % → 85 %
    v = verdict(k(20, 1000), k(16, 1000, (17, 20), (17, 20)))
    assert v.proposals == [REWARD]
    assert "投诉率 2.00% → 1.60%" in v.text and "客户满意度 80.00% → 85.00%" in v.text


@pytest.mark.parametrize(("cur", "why"), [
    (k(17, 1000, (17, 20), (17, 20)), "投诉率 only −15 %"),
    (k(16, 1000, (84, 100), (17, 20)), "解决率 +4 points"),
    (k(16, 1000, (17, 20), (84, 100)), "满意度 +4 points"),
    (k(16, 1000, (0, 0), (17, 20)), "解决率 unknown (nothing closed)"),
])
def test_no_reward_below_any_threshold(cur, why):
    assert verdict(k(20, 1000), cur).proposals == [], why


def test_penalty_when_the_rate_is_above_the_threshold_not_at_it():
    assert verdict(k(30, 1000), k(30, 1000)).proposals == []  # exactly 3 %: not above
    v = verdict(k(30, 1000), k(31, 1000))
    assert v.proposals == [PENALTY] and "投诉率 3.10% 高于 3.00%" in v.text


def test_penalty_when_satisfaction_fell_three_months_running():
    sat = [(9, 10), (8, 10), (7, 10), (6, 10)]
    v = verdict(*(k(1, 1000, satisfied=s) for s in sat))
    assert v.proposals == [PENALTY] and "客户满意度连续3个月下降" in v.text
    flat = [(9, 10), (8, 10), (8, 10), (6, 10)]  # a flat month breaks the run
    assert verdict(*(k(1, 1000, satisfied=s) for s in flat)).proposals == []


def test_a_missing_volume_names_the_month():
    v = verdict(k(20, None), k(16, 1000, (17, 20), (17, 20)))
    assert v.proposals == []
    assert "2026-11未录入业务量，无法计算投诉率" in v.text


def test_thresholds_are_settings_with_checked_values():
    s = AccountabilitySettings.from_dict({"penalty_rate_above": 0.05, "appeal_window_days": 10})
    assert s.penalty_rate_above == 0.05 and s.appeal_window_days == 10
    assert s.reward_rate_drop == 0.2  # the rest keep their defaults
    with pytest.raises(SettingsError, match="申诉期限"):
        AccountabilitySettings.from_dict({"appeal_window_days": 0})
    with pytest.raises(SettingsError, match="须为数字"):
        AccountabilitySettings.from_dict({"reward_rate_drop": "很多"})
