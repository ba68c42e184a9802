"""The shapes of the statistics (DESIGN §8): plain dataclasses, easy to tabulate, and the
catalogue of figures (one row per KPI, for the overview sheet and the dashboard).

`figures.py` makes them from summed tallies (`tally.py` defines every count); the Excel
workbooks and the dashboard only read them. A rate is a `Ratio` (numerator and
denominator kept, so a sheet can show "12 / 15" and a missing denominator is `None`,
never a division error).
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from dataclasses import dataclass, field
from datetime import datetime
from statistics import fmean, median

from ..steps import FEEDBACK_STEP_TITLES, SECOND_REVISIT
from .calendar import MonthKey

# Breakdown dimensions, in the order the workbook shows them (sheet name = label).
OVERALL = "overall"
DEPARTMENT = "department"
CATEGORY = "category"
SEVERITY = "severity"
CHANNEL = "channel"
EMPLOYEE = "employee"
DIMENSIONS: tuple[str, ...] = (DEPARTMENT, CATEGORY, SEVERITY, CHANNEL, EMPLOYEE)
DIMENSION_LABELS: dict[str, str] = {
    OVERALL: "全部", DEPARTMENT: "部门", CATEGORY: "类别", SEVERITY: "严重程度",
    CHANNEL: "渠道", EMPLOYEE: "员工考核",
}
# Steps of §4.1 whose on-time rate is reported one by one (the second revisit is not a
# step of the handling form).
ON_TIME_STEPS: tuple[str, ...] = tuple(k for k in FEEDBACK_STEP_TITLES if k != SECOND_REVISIT)

APPEAL_OUTCOME_LABELS: dict[str, str] = {
    "upheld": "维持", "reduced": "减轻", "revoked": "撤销", "pending": "待裁决",
}


@dataclass(frozen=True, slots=True)
class Ratio:
    """numerator ÷ denominator; `value` is None when the denominator is 0 or unknown."""

    numerator: int
    denominator: int | None

    @property
    def value(self) -> float | None:
        if not self.denominator:
            return None
        return self.numerator / self.denominator

    def __str__(self) -> str:
        return f"{self.numerator} / {self.denominator if self.denominator is not None else '—'}"


@dataclass(frozen=True, slots=True)
class Hours:
    """A sample of durations in hours, with its mean and median (None when empty)."""

    count: int
    mean: float | None
    median: float | None

    @classmethod
    def of(cls, values: list[float]) -> Hours:
        if not values:
            return cls(0, None, None)
        return cls(len(values), fmean(values), median(values))


@dataclass(slots=True)
class KpiSet:
    """Every §8 figure for one group (all cases, one department, one category …) and period.

    Counts are ints; rates are `Ratio`; durations `Hours`. `tally.py` defines each
    numerator and denominator (`kpi_set`).
    """

    received: int = 0  # 投诉量
    suggestions: int = 0  # 建议
    praises: int = 0  # 表扬
    complaint_rate: Ratio = Ratio(0, None)  # 投诉率: complaints ÷ business volume
    close_rate: Ratio = Ratio(0, 0)  # 结案率
    resolution_rate: Ratio = Ratio(0, 0)  # 投诉解决率
    on_time_rate: Ratio = Ratio(0, 0)  # 按时处理率 (all steps of complaints)
    on_time_by_step: dict[str, Ratio] = field(default_factory=dict)
    suggestion_on_time: Ratio = Ratio(0, 0)  # 按时处理率 of suggestions' steps (own row)
    praise_on_time: Ratio = Ratio(0, 0)  # 按时处理率 of praise's steps (own row)
    within_24h: Ratio = Ratio(0, 0)  # 24 h 处理率
    within_48h: Ratio = Ratio(0, 0)  # 48 h 处理率
    to_handled_hours: Hours = Hours(0, None, None)  # receipt → step 3 done
    to_closed_hours: Hours = Hours(0, None, None)  # receipt → closed
    revisit_rate: Ratio = Ratio(0, 0)  # 回访率
    satisfaction: Ratio = Ratio(0, 0)  # 客户满意度
    first_time_fix: Ratio = Ratio(0, 0)  # 一次解决率
    repeat_rate: Ratio = Ratio(0, 0)  # 重复投诉率
    slips: int = 0  # 过失单 issued
    fines: int = 0  # 罚款 (yuan)
    points: int = 0  # 绩效扣分
    warnings: int = 0  # 警告 given (one per 警告 on a slip issued, not revoked)
    rewards: int = 0  # 奖励 slips
    bonus: int = 0  # 奖金 (yuan)
    reward_points: int = 0  # 绩效加分
    appeals: int = 0  # 申诉 filed
    appeal_outcomes: dict[str, int] = field(default_factory=dict)  # upheld/reduced/…
    open_at_end: int = 0  # complaints still open at the end of the period
    overdue_at_end: int = 0  # … of which the open step is past its deadline
    overdue_hours: Hours = Hours(0, None, None)  # how overdue those are

    @property
    def volume(self) -> int | None:
        return self.complaint_rate.denominator

    @property
    def net_points(self) -> int:
        return self.reward_points - self.points


@dataclass(slots=True)
class GroupKpis:
    dimension: str
    key: Hashable
    label: str
    kpis: KpiSet


# a complaint this long past its step's deadline stands out on the 管理看板: three days,
# a product default (the policy names no such figure)
LONG_OVERDUE_HOURS = 72.0


@dataclass(slots=True)
class OpenCase:
    """A complaint still open at the end of the period, with how overdue it is."""

    case_id: int | None
    number: str
    department_label: str
    step_key: str
    due_since: datetime | None
    deadline: datetime | None
    age_hours: float  # registered → end of period
    overdue_hours: float  # 0.0 when the open step is not yet past its deadline

    @property
    def long_overdue(self) -> bool:
        """Past its deadline by LONG_OVERDUE_HOURS or more (the dashboard marks it)."""
        return self.overdue_hours >= LONG_OVERDUE_HOURS


@dataclass(slots=True)
class PeriodKpis:
    """The figures of one period (a month, or a year as a whole)."""

    label: str
    months: tuple[MonthKey, ...]
    as_of: datetime  # min(end of period, now): the moment "open" / "closed" refer to
    overall: KpiSet
    groups: dict[str, list[GroupKpis]]
    open_cases: list[OpenCase]

    def group(self, dimension: str, key: Hashable) -> KpiSet | None:
        if dimension == OVERALL:
            return self.overall
        for g in self.groups.get(dimension, ()):
            if g.key == key:
                return g.kpis
        return None


@dataclass(slots=True)
class MonthKpis:
    """A month with the previous month and the same month a year before beside it."""

    month: MonthKey
    current: PeriodKpis
    previous: PeriodKpis | None
    year_ago: PeriodKpis | None


@dataclass(slots=True)
class YearKpis:
    year: int
    months: list[PeriodKpis]  # twelve, January first
    total: PeriodKpis  # the year as one period


@dataclass(frozen=True, slots=True)
class KpiLookups:
    """Names for ids, passed in by the caller (no storage access here)."""

    department_names: dict[int, str] = field(default_factory=dict)
    employee_names: dict[int, str] = field(default_factory=dict)
    employee_departments: dict[int, int] = field(default_factory=dict)
    user_names: dict[int, str] = field(default_factory=dict)
    user_employee: dict[int, int] = field(default_factory=dict)  # user id → employee id

    def department(self, dept_id: int | None) -> str:
        if dept_id is None:
            return "未分派"
        return self.department_names.get(dept_id, f"部门#{dept_id}")

    def employee(self, emp_id: int | None) -> str:
        if emp_id is None:
            return "—"
        return self.employee_names.get(emp_id, f"员工#{emp_id}")

    def user(self, user_id: int | None) -> str:
        if user_id is None:
            return "—"
        return self.user_names.get(user_id, f"用户#{user_id}")


# ---- the KPI catalogue: one row per figure, for tables (overview sheet, dashboard) -------
KIND_COUNT = "count"
KIND_RATE = "rate"
KIND_SMALL_RATE = "small_rate"  # 投诉率: typically a few per cent, shown with 2 decimals
KIND_HOURS = "hours"
KIND_MONEY = "money"


@dataclass(frozen=True, slots=True)
class KpiDef:
    key: str
    label: str
    kind: str
    get: Callable[[KpiSet], int | float | Ratio | None]

    def value(self, k: KpiSet) -> int | float | None:
        v = self.get(k)
        return v.value if isinstance(v, Ratio) else v

    def detail(self, k: KpiSet) -> str:
        """"numerator / denominator" for rates, "" otherwise."""
        v = self.get(k)
        return str(v) if isinstance(v, Ratio) else ""


def _step_def(step_key: str) -> KpiDef:
    title = FEEDBACK_STEP_TITLES[step_key]
    return KpiDef(
        f"on_time.{step_key}", f"按时处理率·{title}", KIND_RATE,
        lambda k: k.on_time_by_step.get(step_key, Ratio(0, 0)),
    )


KPI_DEFS: tuple[KpiDef, ...] = (
    KpiDef("received", "投诉量", KIND_COUNT, lambda k: k.received),
    KpiDef("suggestions", "建议", KIND_COUNT, lambda k: k.suggestions),
    KpiDef("suggestion_on_time", "建议·按时处理率", KIND_RATE, lambda k: k.suggestion_on_time),
    KpiDef("praises", "表扬", KIND_COUNT, lambda k: k.praises),
    KpiDef("praise_on_time", "表扬·按时处理率", KIND_RATE, lambda k: k.praise_on_time),
    KpiDef("volume", "业务量", KIND_COUNT, lambda k: k.volume),
    KpiDef("complaint_rate", "投诉率", KIND_SMALL_RATE, lambda k: k.complaint_rate),
    KpiDef("close_rate", "结案率", KIND_RATE, lambda k: k.close_rate),
    KpiDef("resolution_rate", "投诉解决率", KIND_RATE, lambda k: k.resolution_rate),
    KpiDef("on_time_rate", "按时处理率", KIND_RATE, lambda k: k.on_time_rate),
    KpiDef("within_24h", "24小时处理率", KIND_RATE, lambda k: k.within_24h),
    KpiDef("within_48h", "48小时处理率", KIND_RATE, lambda k: k.within_48h),
    KpiDef("handled_mean", "平均处理时长（受理→主管处理，小时）", KIND_HOURS,
           lambda k: k.to_handled_hours.mean),
    KpiDef("handled_median", "处理时长中位数（受理→主管处理，小时）", KIND_HOURS,
           lambda k: k.to_handled_hours.median),
    KpiDef("closed_mean", "平均结案时长（受理→结案，小时）", KIND_HOURS,
           lambda k: k.to_closed_hours.mean),
    KpiDef("closed_median", "结案时长中位数（受理→结案，小时）", KIND_HOURS,
           lambda k: k.to_closed_hours.median),
    KpiDef("revisit_rate", "回访率", KIND_RATE, lambda k: k.revisit_rate),
    KpiDef("satisfaction", "客户满意度", KIND_RATE, lambda k: k.satisfaction),
    KpiDef("first_time_fix", "一次解决率", KIND_RATE, lambda k: k.first_time_fix),
    KpiDef("repeat_rate", "重复投诉率", KIND_RATE, lambda k: k.repeat_rate),
    KpiDef("slips", "过失单数", KIND_COUNT, lambda k: k.slips),
    KpiDef("fines", "罚款金额", KIND_MONEY, lambda k: k.fines),
    KpiDef("points", "绩效扣分", KIND_COUNT, lambda k: k.points),
    KpiDef("warnings", "警告次数", KIND_COUNT, lambda k: k.warnings),
    KpiDef("rewards", "奖励次数", KIND_COUNT, lambda k: k.rewards),
    KpiDef("bonus", "奖金", KIND_MONEY, lambda k: k.bonus),
    KpiDef("reward_points", "绩效加分", KIND_COUNT, lambda k: k.reward_points),
    KpiDef("appeals", "申诉数", KIND_COUNT, lambda k: k.appeals),
    *(
        KpiDef(f"appeal.{o}", f"申诉结果·{label}", KIND_COUNT,
               lambda k, o=o: k.appeal_outcomes.get(o, 0))
        for o, label in APPEAL_OUTCOME_LABELS.items()
    ),
    KpiDef("open_at_end", "月末未结案", KIND_COUNT, lambda k: k.open_at_end),
    KpiDef("overdue_at_end", "月末超时未结", KIND_COUNT, lambda k: k.overdue_at_end),
    KpiDef("overdue_hours_mean", "超时未结平均超时（小时）", KIND_HOURS,
           lambda k: k.overdue_hours.mean),
    *(_step_def(s) for s in ON_TIME_STEPS),
)
KPI_BY_KEY: dict[str, KpiDef] = {d.key: d for d in KPI_DEFS}


def change(current: int | float | None, before: int | float | None) -> float | None:
    """current − before (percentage points for rates); None when either is missing."""
    if current is None or before is None:
        return None
    return current - before
