"""The monthly evaluation of departments (seed 001 五.1 定期评估, 五.2 部门奖励, 五.3 部门惩罚;
DESIGN §6) and the accountability settings it reads.

The policy words the criteria, not the numbers: a department reward when "投诉率明显下降、
投诉解决率和客户满意度显著提高", a department penalty when "投诉率过高、客户满意度持续下降".
What "明显", "显著", "过高" and "持续" mean here are settings (`AccountabilitySettings`), whose
defaults are this product's, labelled so. The statistics propose; the assessor and the
general manager decide (the proposals become slips that go the usual way), the ledger
records.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, field
from typing import Any, ClassVar

from .errors import DomainError
from .kpi.calendar import MonthKey, month_label
from .kpi.shapes import KpiSet

DEFAULTS_LABEL = "本系统默认值（制度未规定具体数值）"
ACCOUNTABILITY_KEY = "accountability"  # the setting holding AccountabilitySettings
REWARD = "reward"
PENALTY = "penalty"


class SettingsError(DomainError):
    """An accountability setting out of range (the message names the field)."""


@dataclass(frozen=True, slots=True)
class AccountabilitySettings:
    """Thresholds of the department evaluation and the appeal window (product defaults)."""

    # 部门奖励: 投诉率 down by at least this share of last month's (0.2 = by a fifth) …
    reward_rate_drop: float = 0.2
    # … and 投诉解决率 and 客户满意度 each up by at least this many percentage points
    reward_rise_points: float = 0.05
    # 部门惩罚: 投诉率 above this (0.03 = 3 %) …
    penalty_rate_above: float = 0.03
    # … or 客户满意度 down this many months running
    penalty_falling_months: int = 3
    appeal_window_days: int = 7  # 申诉 within N days of enforcement

    LABELS: ClassVar[dict[str, str]] = {
        "reward_rate_drop": "部门奖励：投诉率较上月下降至少（比例）",
        "reward_rise_points": "部门奖励：解决率、满意度较上月各提高至少（百分点）",
        "penalty_rate_above": "部门处罚：投诉率高于",
        "penalty_falling_months": "部门处罚：客户满意度连续下降月数",
        "appeal_window_days": "申诉期限（执行后天数）",
    }

    @classmethod
    def from_dict(cls, raw: Mapping[str, Any] | None) -> AccountabilitySettings:
        raw = dict(raw or {})
        base = cls()
        try:
            s = cls(
                reward_rate_drop=float(raw.get("reward_rate_drop", base.reward_rate_drop)),
                reward_rise_points=float(raw.get("reward_rise_points",
                                                 base.reward_rise_points)),
                penalty_rate_above=float(raw.get("penalty_rate_above",
                                                 base.penalty_rate_above)),
                penalty_falling_months=int(raw.get("penalty_falling_months",
                                                   base.penalty_falling_months)),
                appeal_window_days=int(raw.get("appeal_window_days",
                                               base.appeal_window_days)),
            )
        except (TypeError, ValueError) as exc:
            raise SettingsError("奖惩考核设置须为数字，请检查后重新填写。") from exc
        s.check()
        return s

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    def check(self) -> None:
        if not 0 < self.reward_rate_drop < 1:
            raise SettingsError(f"“{self.LABELS['reward_rate_drop']}”须在 0 与 1 之间。")
        if not 0 < self.reward_rise_points < 1:
            raise SettingsError(f"“{self.LABELS['reward_rise_points']}”须在 0 与 1 之间。")
        if not 0 < self.penalty_rate_above < 1:
            raise SettingsError(f"“{self.LABELS['penalty_rate_above']}”须在 0 与 1 之间。")
        if not 2 <= self.penalty_falling_months <= 12:
            raise SettingsError(f"“{self.LABELS['penalty_falling_months']}”须为 2 至 12 的整数。")
        if not 1 <= self.appeal_window_days <= 90:
            raise SettingsError(f"“{self.LABELS['appeal_window_days']}”须为 1 至 90 的整数。")


@dataclass(slots=True)
class DeptVerdict:
    """One department's evaluation for a month: proposals (if any) and why."""

    department_id: int
    department: str
    month: MonthKey
    proposals: list[str] = field(default_factory=list)  # REWARD and/or PENALTY
    reasons: list[str] = field(default_factory=list)  # zh, naming the figures
    missing: list[str] = field(default_factory=list)  # zh: what could not be judged

    def facts(self, kind: str) -> str:
        """The slip's facts for a proposal of this kind (also what finds it again)."""
        what = "部门团队奖励" if kind == REWARD else "部门处罚"
        return f"{self.department}{month_label(self.month)}月度评估：{what}"

    @property
    def text(self) -> str:
        parts = list(self.reasons) + list(self.missing)
        return "；".join(parts) or "各项指标未达到奖励或处罚条件"


def _rose(pair: tuple[float | None, float | None], rise: float) -> bool:
    """Both months known and the second at least `rise` above the first."""
    before, after = pair
    return before is not None and after is not None and after >= before + rise - 1e-9


def _pct(v: float | None) -> str:
    return "—" if v is None else f"{v:.2%}"


def assess_department(
    department_id: int, department: str, months: Sequence[tuple[MonthKey, KpiSet | None]],
    settings: AccountabilitySettings,
) -> DeptVerdict:
    """Evaluate the last month of `months` (oldest first, consecutive) for one department.

    Reward (001 五.2): 投诉率 this month ≤ last month's × (1 − reward_rate_drop), AND
    投诉解决率 and 客户满意度 each ≥ last month's + reward_rise_points.
    Penalty (001 五.3): 投诉率 this month > penalty_rate_above, OR 客户满意度 lower than the
    month before in each of the last `penalty_falling_months` months.
    A month without a business volume has no 投诉率: the verdict names that month.
    """
    ym = months[-1][0]
    v = DeptVerdict(department_id, department, ym)
    cur = months[-1][1]
    prev = months[-2][1] if len(months) > 1 else None
    prev_ym = months[-2][0] if len(months) > 1 else None

    def rate(k: KpiSet | None) -> float | None:
        return k.complaint_rate.value if k is not None else None

    def val(k: KpiSet | None, name: str) -> float | None:
        return getattr(k, name).value if k is not None else None

    r_cur, r_prev = rate(cur), rate(prev)
    for label_ym, r in ((ym, r_cur), (prev_ym, r_prev)):
        if r is None and label_ym is not None:
            v.missing.append(f"{month_label(label_ym)}未录入业务量，无法计算投诉率")
    # penalty: 投诉率过高
    if r_cur is not None and r_cur > settings.penalty_rate_above:
        v.reasons.append(f"投诉率 {_pct(r_cur)} 高于 {_pct(settings.penalty_rate_above)}")
        v.proposals.append(PENALTY)
    # penalty: 客户满意度持续下降
    n = settings.penalty_falling_months
    recent = [val(k, "satisfaction") for _, k in months[-(n + 1):]]
    sat = [s for s in recent if s is not None]  # all n + 1 known, or no penalty
    if len(sat) == n + 1 and all(b < a for a, b in zip(sat, sat[1:], strict=False)):
        v.reasons.append(f"客户满意度连续{n}个月下降（" + " → ".join(_pct(s) for s in sat) + "）")
        if PENALTY not in v.proposals:
            v.proposals.append(PENALTY)
    # reward: 投诉率明显下降 AND 解决率、满意度显著提高
    if r_cur is not None and r_prev is not None and r_prev > 0 and PENALTY not in v.proposals:
        res = (val(prev, "resolution_rate"), val(cur, "resolution_rate"))
        sats = (val(prev, "satisfaction"), val(cur, "satisfaction"))
        rise = settings.reward_rise_points
        dropped = r_cur <= r_prev * (1 - settings.reward_rate_drop)
        res_up = _rose(res, rise)
        sat_up = _rose(sats, rise)
        if dropped and res_up and sat_up:
            v.reasons.append(
                f"投诉率 {_pct(r_prev)} → {_pct(r_cur)}，投诉解决率 {_pct(res[0])} → "
                f"{_pct(res[1])}，客户满意度 {_pct(sats[0])} → {_pct(sats[1])}")
            v.proposals.append(REWARD)
    return v


def evaluate_departments(trend: Sequence[Any], settings: AccountabilitySettings
                         ) -> list[DeptVerdict]:
    """Every department's verdict for the last month of `trend` (`PeriodKpis` of
    consecutive months, oldest first, each with its department breakdown)."""
    from .kpi.shapes import DEPARTMENT

    if not trend:
        return []
    span = trend[-(settings.penalty_falling_months + 1):]
    out: list[DeptVerdict] = []
    for g in trend[-1].groups.get(DEPARTMENT, ()):
        if not isinstance(g.key, int):
            continue  # 未分派: no department to reward or penalise
        months = [(p.months[-1], p.group(DEPARTMENT, g.key)) for p in span]
        out.append(assess_department(g.key, g.label, months, settings))
    return out
