"""Complaints forwarded by the manufacturer (厂家转办 / 400 热线, DESIGN §4.6, §4.8).

The manufacturer's hotline forwards a complaint with its own reference number and its own
clock: first contact with the customer, a handling plan and the result, each by a
deadline counted from the forwarding time. The milestones are data per brand (settings,
defaults in resources/manufacturer.json); the shipped numbers — 24 h, 3 and 5 working days — are product defaults taken from the
manufacturers' published dealer rules, not from the dealership's policy (the seeds name
no manufacturer deadline).

Working days are Monday–Friday minus the business calendar's closed dates and the
holidays listed here, plus the make-up working days (调休) listed here (DESIGN §4.8). A
milestone of N working days is due at the end (23:59:59 local) of the N-th working day
after the day of forwarding; an hour milestone runs around the clock (the manufacturer's
clock does not stop at night).

Pure: time comes in as arguments.
"""

from __future__ import annotations

import json
import re
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache
from typing import Any
from zoneinfo import ZoneInfo

from complaintdesk.resources_path import resource_path

MILESTONE_KEYS: tuple[str, ...] = ("first_contact", "plan", "result")
MILESTONE_LABELS: dict[str, str] = {
    "first_contact": "首次联系客户",
    "plan": "处理方案",
    "result": "处理结果",
}
OTHER_REPLY = ""  # a reply that answers no milestone (进展说明)
OTHER_REPLY_LABEL = "其他（进展说明）"
HOURS, WORKING_DAYS = "hours", "working_days"
KIND_LABELS = {HOURS: "小时", WORKING_DAYS: "个工作日"}
REFERENCE_MAX = 40
REPLY_MAX = 1000
BRAND_MAX = 20
MAX_AMOUNT = {HOURS: 720, WORKING_DAYS: 60}  # a typo guard
# a forwarding time further back than this is a typo (a product default)
FORWARD_MAX_AGE = timedelta(days=366)
_REFERENCE_RE = re.compile(r"^[0-9A-Za-z][0-9A-Za-z\-_/.#]*$")
_DAY_END = time(23, 59, 59)
DUE_SOON_FRACTION = 0.75  # DESIGN §4.4/§4.5: due soon in the last 25 % of the time


@dataclass(frozen=True, slots=True)
class MilestoneRule:
    key: str
    kind: str  # HOURS or WORKING_DAYS
    amount: int

    @property
    def label(self) -> str:
        return MILESTONE_LABELS.get(self.key, self.key)

    @property
    def rule_text(self) -> str:
        return f"{self.amount}{KIND_LABELS.get(self.kind, '')}"


def _rules(raw: Iterable[Mapping[str, Any]]) -> tuple[MilestoneRule, ...]:
    return tuple(MilestoneRule(str(r["key"]), str(r["kind"]), int(r["amount"])) for r in raw)


@lru_cache(maxsize=1)
def shipped_defaults() -> dict[str, Any]:
    """resources/manufacturer.json: product defaults after the manufacturers' published
    dealer rules (issue 18) — first contact 24 h, a plan in 3 working days, the result in
    5 — and a brand list; the dealership's policy names no manufacturer deadline."""
    data: dict[str, Any] = json.loads(
        resource_path("manufacturer.json").read_text(encoding="utf-8"))
    return data


DEFAULT_RULES: tuple[MilestoneRule, ...] = _rules(shipped_defaults()["default_rules"])
DEFAULT_BRANDS: tuple[str, ...] = tuple(shipped_defaults()["brands"])


def check_rule(rule: MilestoneRule) -> None:
    if rule.key not in MILESTONE_KEYS:
        raise ValueError(f"未知的厂家时限节点：{rule.key}。")
    if rule.kind not in MAX_AMOUNT:
        raise ValueError(f"「{rule.label}」的时限只能按小时或工作日计算，请修改设置。")
    top = MAX_AMOUNT[rule.kind]
    if not 1 <= rule.amount <= top:
        raise ValueError(f"「{rule.label}」的时限必须在 1–{top} {KIND_LABELS[rule.kind]}之间，请修改设置。")


@dataclass(frozen=True, slots=True)
class ManufacturerSettings:
    """Brands (a pick-list), each brand's milestones (else the defaults), and the days
    that change the working-day count (public holidays, 调休 make-up working days)."""

    brands: tuple[str, ...] = DEFAULT_BRANDS
    rules: Mapping[str, tuple[MilestoneRule, ...]] = field(default_factory=dict)
    default_rules: tuple[MilestoneRule, ...] = DEFAULT_RULES
    holidays: frozenset[date] = frozenset()
    workdays: frozenset[date] = frozenset()

    def __post_init__(self) -> None:
        for rule in (*self.default_rules, *(r for rs in self.rules.values() for r in rs)):
            check_rule(rule)
        for b in self.brands:
            if not b.strip() or len(b) > BRAND_MAX:
                raise ValueError(f"厂家品牌名称须为 1–{BRAND_MAX} 个字：{b!r}。")

    def rules_for(self, brand: str) -> tuple[MilestoneRule, ...]:
        return self.rules.get(brand) or self.default_rules

    @classmethod
    def from_dict(cls, data: Mapping[str, Any] | None) -> ManufacturerSettings:
        data = {**shipped_defaults(), **dict(data or {})}
        try:
            brands = tuple(str(b).strip() for b in data["brands"])
            rules = {str(k): _rules(v) for k, v in dict(data.get("rules") or {}).items()}
            default_rules = _rules(data["default_rules"])
            holidays = frozenset(date.fromisoformat(d) for d in data.get("holidays") or ())
            workdays = frozenset(date.fromisoformat(d) for d in data.get("workdays") or ())
        except (KeyError, TypeError, ValueError) as exc:
            raise ValueError("厂家转办设置无法读取，请重新设置。") from exc
        return cls(brands=brands, rules=rules, default_rules=default_rules,
                   holidays=holidays, workdays=workdays)

    def to_dict(self) -> dict[str, Any]:
        def rules(rs: Iterable[MilestoneRule]) -> list[dict[str, Any]]:
            return [{"key": r.key, "kind": r.kind, "amount": r.amount} for r in rs]

        return {"brands": list(self.brands),
                "rules": {k: rules(v) for k, v in self.rules.items()},
                "default_rules": rules(self.default_rules),
                "holidays": sorted(d.isoformat() for d in self.holidays),
                "workdays": sorted(d.isoformat() for d in self.workdays)}


# ---- the records -----------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class MilestoneDue:
    """A milestone's deadline, computed once at registration and stored (DESIGN §4.4:
    changing the settings later does not rewrite history)."""

    key: str
    rule_text: str
    due: datetime

    @property
    def label(self) -> str:
        return MILESTONE_LABELS.get(self.key, self.key)


@dataclass(frozen=True, slots=True)
class ManufacturerForward:
    case_id: int
    brand: str
    reference: str
    forwarded_at: datetime
    milestones: tuple[MilestoneDue, ...]
    registered_at: datetime
    registered_by_user_id: int | None = None


@dataclass(frozen=True, slots=True)
class ManufacturerReply:
    id: int | None
    case_id: int
    at: datetime  # when the dealer replied to the manufacturer
    text: str
    by_user_id: int | None
    milestone: str  # a MILESTONE_KEYS key, or OTHER_REPLY
    recorded_at: datetime

    @property
    def milestone_label(self) -> str:
        return MILESTONE_LABELS.get(self.milestone, OTHER_REPLY_LABEL)


# ---- deadlines -------------------------------------------------------------------------
def is_working_day(day: date, settings: ManufacturerSettings,
                   closed_dates: Iterable[date] = ()) -> bool:
    """Monday–Friday (or a listed 调休 working day), not a holiday, not a closed date."""
    if day in settings.holidays or day in set(closed_dates):
        return False
    return day.weekday() < 5 or day in settings.workdays


def milestone_due(rule: MilestoneRule, forwarded_at: datetime, tz: str,
                  settings: ManufacturerSettings, closed_dates: Iterable[date] = ()) -> datetime:
    """The deadline of one milestone, aware UTC."""
    if forwarded_at.tzinfo is None:
        raise ValueError("forwarded_at must be an aware datetime")
    if rule.kind == HOURS:
        return forwarded_at.astimezone(UTC) + timedelta(hours=rule.amount)
    zone = ZoneInfo(tz)
    closed = frozenset(closed_dates)
    day, count = forwarded_at.astimezone(zone).date(), 0
    for _ in range(3660):  # a calendar with no working day for ten years is a typo
        day += timedelta(days=1)
        if is_working_day(day, settings, closed):
            count += 1
            if count >= rule.amount:
                return datetime.combine(day, _DAY_END, tzinfo=zone).astimezone(UTC)
    raise ValueError("厂家转办的工作日设置中找不到工作日，请检查节假日设置。")


def milestone_dues(brand: str, forwarded_at: datetime, tz: str,
                   settings: ManufacturerSettings,
                   closed_dates: Iterable[date] = ()) -> tuple[MilestoneDue, ...]:
    closed = frozenset(closed_dates)
    return tuple(MilestoneDue(r.key, r.rule_text,
                              milestone_due(r, forwarded_at, tz, settings, closed))
                 for r in settings.rules_for(brand))


# ---- met or missed ---------------------------------------------------------------------
PENDING, DUE_SOON, OVERDUE, MET, LATE = "pending", "due_soon", "overdue", "met", "late"
STATE_LABELS = {PENDING: "未到期", DUE_SOON: "即将到期", OVERDUE: "已超期未回复",
                MET: "按时回复", LATE: "超时回复"}


@dataclass(frozen=True, slots=True)
class MilestoneState:
    key: str
    rule_text: str
    due: datetime
    replied_at: datetime | None
    state: str

    @property
    def label(self) -> str:
        return MILESTONE_LABELS.get(self.key, self.key)

    @property
    def state_label(self) -> str:
        return STATE_LABELS[self.state]

    @property
    def met(self) -> bool:
        return self.state == MET

    @property
    def missed(self) -> bool:
        """Replied after the deadline, or still unanswered past it."""
        return self.state in (LATE, OVERDUE)

    @property
    def open(self) -> bool:
        return self.replied_at is None


def milestone_states(forward: ManufacturerForward, replies: Sequence[ManufacturerReply],
                     now: datetime) -> list[MilestoneState]:
    """Each milestone judged at `now` by the first reply recorded for it."""
    first: dict[str, datetime] = {}
    for r in sorted(replies, key=lambda r: r.at):
        first.setdefault(r.milestone, r.at)
    out = []
    for m in forward.milestones:
        at = first.get(m.key)
        if at is not None:
            state = MET if at <= m.due else LATE
        elif now > m.due:
            state = OVERDUE
        else:
            total = (m.due - forward.forwarded_at).total_seconds()
            elapsed = (now - forward.forwarded_at).total_seconds()
            state = DUE_SOON if total <= 0 or elapsed >= DUE_SOON_FRACTION * total else PENDING
        out.append(MilestoneState(m.key, m.rule_text, m.due, at, state))
    return out


def answered_on_time(states: Sequence[MilestoneState]) -> bool:
    """DESIGN §4.8: "answered on time" = every milestone met."""
    return bool(states) and all(s.met for s in states)


def reminder_marks(forward: ManufacturerForward, m: MilestoneDue
                   ) -> list[tuple[str, datetime]]:
    """The 75 % and deadline marks of a milestone (DESIGN §4.5, like a step's)."""
    span = m.due - forward.forwarded_at
    return [("remind75", forward.forwarded_at + span * DUE_SOON_FRACTION), ("deadline", m.due)]


def next_milestone_mark(forward: ManufacturerForward, answered: Collection[str],
                        now: datetime) -> datetime | None:
    """The first mark after `now` of the forwarding's milestones not answered yet (None:
    none is left): the reminder scan reads the forwarding again then, not before. A reply
    only takes marks away, so a mark kept from before a reply is merely early."""
    return min((at for m in forward.milestones if m.key not in answered
                for _, at in reminder_marks(forward, m) if at > now), default=None)


# ---- intake ----------------------------------------------------------------------------
FIELD_LABELS = {"mfr_brand": "厂家品牌", "mfr_reference": "厂家工单号",
                "mfr_forwarded_at": "厂家转办时间"}


@dataclass(frozen=True, slots=True)
class ForwardInput:
    """What the 登记 dialog collects for a 厂家转办 case."""

    brand: str
    reference: str
    forwarded_at: datetime | None


def check_forward(data: ForwardInput, brands: Sequence[str], now: datetime) -> dict[str, str]:
    """Field → Chinese message naming the field, for each problem; empty when fine."""
    errors: dict[str, str] = {}
    brand = data.brand.strip()
    if not brand:
        errors["mfr_brand"] = "请选择「厂家品牌」。"
    elif brand not in brands:
        errors["mfr_brand"] = "所选「厂家品牌」不在品牌列表中，请重新选择。"
    ref = data.reference.strip()
    if not ref:
        errors["mfr_reference"] = "请填写「厂家工单号」。"
    elif len(ref) > REFERENCE_MAX:
        errors["mfr_reference"] = f"「厂家工单号」不能超过 {REFERENCE_MAX} 个字符。"
    elif not _REFERENCE_RE.match(ref):
        errors["mfr_reference"] = "「厂家工单号」只能包含字母、数字和 - _ / . #，且以字母或数字开头。"
    at = data.forwarded_at
    if at is None:
        errors["mfr_forwarded_at"] = "请填写「厂家转办时间」。"
    elif at.tzinfo is None:
        errors["mfr_forwarded_at"] = "「厂家转办时间」无效，请重新填写。"
    elif at > now + timedelta(minutes=5):
        errors["mfr_forwarded_at"] = "「厂家转办时间」不能晚于当前时间。"
    elif at < now - FORWARD_MAX_AGE:
        errors["mfr_forwarded_at"] = "「厂家转办时间」早于一年前，请核对后重新填写。"
    return errors


def check_reply(milestone: str, text: str, at: datetime, forwarded_at: datetime,
                now: datetime) -> dict[str, str]:
    errors: dict[str, str] = {}
    if milestone not in (*MILESTONE_KEYS, OTHER_REPLY):
        errors["milestone"] = "请选择「回复节点」。"
    if not text.strip():
        errors["text"] = "请填写「回复内容」。"
    elif len(text.strip()) > REPLY_MAX:
        errors["text"] = f"「回复内容」不能超过 {REPLY_MAX} 字。"
    if at.tzinfo is None or at > now + timedelta(minutes=5):
        errors["at"] = "「回复时间」不能晚于当前时间。"
    elif at < forwarded_at:
        errors["at"] = "「回复时间」不能早于厂家转办时间。"
    return errors
