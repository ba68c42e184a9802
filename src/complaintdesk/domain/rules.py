"""Penalty and reward rules as data (DESIGN §6, seed 001 §五.2–3).

A rule is one row of the table the administrator edits; the defaults ship in
`resources/default_rules.json`. A row says *when* it applies (the match fields; an empty
field is a wildcard) and *what* it proposes (penalties or rewards). The proposal logic that
applies a table to a case lives in `domain/proposals.py`.

Precedence (documented for the admin editor): among the rules of the right occasion whose
every non-empty match field equals the case, the one with the most non-empty match fields
wins; on a tie the row higher up in the table wins. So a row for 重大 + 主要责任 + 服务态度
beats the generic 重大 + 主要责任 row, and a wildcard row is the fallback.

Rules per flow kind (DESIGN §6): a row's `flow` says which table it belongs to — customer
feedback (客户投诉), internal complaint (内部投诉 → 处罚单) or rework (厂外返修 → 过失单); a
row without it applies to every flow (the deadline-breach row). Internal complaints and
rework orders carry no severity, so the customer table's severity rows never judge them.
A complaint against a whole department (§4.8) is judged by the `department_fault` rows.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, replace
from enum import StrEnum
from typing import Any

from complaintdesk.domain.errors import DomainError
from complaintdesk.domain.records import (
    PENALTY_LABELS,
    FeedbackKind,
    FlowKind,
    Penalty,
    PenaltyKind,
    Responsibility,
    Severity,
)
from complaintdesk.resources_path import resource_path


class RuleSource(StrEnum):
    """Where a rule's amounts come from. The policy (seed 001 §五.2–3) names the kinds of
    reward and penalty but no amounts: every shipped amount is this product's default."""

    PRODUCT_DEFAULT = "product_default"  # shipped with the product; the policy names none
    DEALERSHIP = "dealership"  # set by the dealership in the rules editor

    @property
    def label(self) -> str:
        return RULE_SOURCE_LABELS[self]

    @property
    def basis_prefix(self) -> str:
        """How the slip's 依据 line introduces a rule of this source."""
        return RULE_SOURCE_BASIS[self]


RULE_SOURCE_LABELS: dict[RuleSource, str] = {
    RuleSource.PRODUCT_DEFAULT: "本系统默认（制度未规定金额）",
    RuleSource.DEALERSHIP: "本店规定",
}
RULE_SOURCE_BASIS: dict[RuleSource, str] = {
    RuleSource.PRODUCT_DEFAULT: "本系统默认规则（制度未规定金额）",
    RuleSource.DEALERSHIP: "本店奖惩规则",
}


class Occasion(StrEnum):
    """What kind of event a rule is for."""

    FAULT = "fault"  # a responsible person on a complaint, or a deadline breach → penalties
    PRAISE = "praise"  # 表扬 feedback naming an employee → reward
    RESOLVED_PRAISED = "resolved_praised"  # 001 §五.2: major/difficult case, customer praises
    TEAM = "team"  # 001 §五.2: 投诉率明显下降、解决率和满意度显著提高 → department reward
    LOSS_RECOVERED = "loss_recovered"  # 001 §五.2: 为公司挽回重大损失 → individual reward
    DEPT_PENALTY = "dept_penalty"  # 001 §五.3: 投诉率过高、满意度持续下降 → department penalty
    DEPARTMENT_FAULT = "department_fault"  # §4.8: an internal complaint against a department

    @property
    def label(self) -> str:
        return OCCASION_LABELS[self]

    @property
    def is_reward(self) -> bool:
        return self not in (Occasion.FAULT, Occasion.DEPT_PENALTY, Occasion.DEPARTMENT_FAULT)


OCCASION_LABELS: dict[Occasion, str] = {
    Occasion.FAULT: "过失处罚",
    Occasion.PRAISE: "客户表扬奖励",
    Occasion.RESOLVED_PRAISED: "成功解决重大、疑难投诉奖励",
    Occasion.TEAM: "部门团队奖励",
    Occasion.LOSS_RECOVERED: "挽回损失奖励",
    Occasion.DEPT_PENALTY: "部门处罚",
    Occasion.DEPARTMENT_FAULT: "内部投诉部门处罚",
}
FLOW_LABELS: dict[FlowKind, str] = {
    FlowKind.FEEDBACK: "客户投诉",
    FlowKind.INTERNAL: "内部投诉（处罚单）",
    FlowKind.REWORK: "厂外返修（过失单）",
}

# Kinds whose size is in yuan (`amount`) and kinds whose size is in points (`points`).
YUAN_KINDS = frozenset({PenaltyKind.FINE, PenaltyKind.DEPT_BONUS_CUT, PenaltyKind.BONUS})
# kinds that say what they are only in their note (奖品: which prize)
NOTE_KINDS = frozenset({PenaltyKind.PRIZE})
POINT_KINDS = frozenset(
    {PenaltyKind.POINTS, PenaltyKind.DEPT_POINTS, PenaltyKind.REWARD_POINTS}
)
MATCH_FIELDS: tuple[str, ...] = (  # "breach" stays last (see _validate_row)
    "flow", "feedback_kind", "severity", "category", "responsibility", "breach",
)
FIELD_LABELS: dict[str, str] = {
    "id": "规则编号",
    "clause": "依据条款",
    "occasion": "适用场合",
    "flow": "适用流程",
    "feedback_kind": "反馈类型",
    "severity": "严重程度",
    "category": "类别",
    "responsibility": "责任认定",
    "breach": "是否超时",
    "penalties": "处罚/奖励",
    "repeat_in_month_adds": "同月再犯追加",
    "source": "金额来源",
}


class RuleError(DomainError):
    """The rule table is invalid; `messages` lists every problem found."""

    def __init__(self, messages: list[str]) -> None:
        super().__init__("；".join(messages))
        self.messages = messages


@dataclass(frozen=True, slots=True)
class Rule:
    id: str
    clause: str  # printed on the slip as 依据条款
    penalties: tuple[Penalty, ...]
    occasion: Occasion = Occasion.FAULT
    flow: FlowKind | None = None  # None = every flow
    feedback_kind: FeedbackKind | None = None  # None = any
    severity: Severity | None = None
    category: str | None = None
    responsibility: Responsibility | None = None
    breach: bool | None = None
    # Added when the same employee already had a slip from this rule in the same local
    # month (DESIGN §6: a second deadline breach in a month adds ¥50).
    repeat_in_month_adds: tuple[Penalty, ...] = ()
    # the shipped defaults are the product's, not the policy's (DESIGN §6); a row without
    # the field (a table saved before it existed) is read as a product default
    source: RuleSource = RuleSource.PRODUCT_DEFAULT

    @property
    def specificity(self) -> int:
        return sum(getattr(self, f) is not None for f in MATCH_FIELDS)

    def proposed(self) -> list[Penalty]:
        """Fresh copies of what this rule proposes (Penalty is mutable)."""
        return [replace(p) for p in self.penalties]


# ---- validation -------------------------------------------------------------------------

def _enum_values(enum: type[StrEnum]) -> str:
    return "、".join(e.value for e in enum)


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _validate_penalty(p: Any, where: str, reward_rule: bool) -> list[str]:
    if not isinstance(p, dict):
        return [f"{where}：应为一项处罚或奖励（kind/amount/points）"]
    errors: list[str] = []
    kind_raw = p.get("kind")
    try:
        kind = PenaltyKind(kind_raw)
    except ValueError:
        names = "、".join(f"{k.value}（{v}）" for k, v in PENALTY_LABELS.items())
        return [f"{where}：类型“{kind_raw}”无效，请选择：{names}"]
    label = kind.label
    for key, unit in (("amount", "金额"), ("points", "分值")):
        value = p.get(key, 0)
        if value is None:
            continue
        if not _is_int(value):
            what = "整数元" if key == "amount" else "整数分"
            errors.append(f"{where}（{label}）：{unit}“{value}”须为{what}")
        elif value < 0:
            errors.append(f"{where}（{label}）：{unit}不能为负数，请填写 0 或正数")
    if errors:
        return errors
    if kind in YUAN_KINDS and p.get("amount", 0) <= 0:
        errors.append(f"{where}（{label}）：请填写大于 0 的金额（元）")
    if kind in POINT_KINDS and p.get("points", 0) <= 0:
        errors.append(f"{where}（{label}）：请填写大于 0 的分值")
    if kind.is_reward and not reward_rule:
        errors.append(f"{where}（{label}）：过失处罚规则不能包含奖励，请改为处罚类型")
    if not kind.is_reward and reward_rule:
        errors.append(f"{where}（{label}）：奖励规则只能包含奖金、奖品、绩效加分或通报表扬")
    if kind in NOTE_KINDS and not str(p.get("note") or "").strip():
        errors.append(f"{where}（{label}）：请在说明中填写奖品名称")
    return errors


@dataclass(frozen=True, slots=True)
class RuleProblem:
    """One problem of a rule table: the Chinese message (naming 第N行 and the field, as the
    administrator reads it), and where it is — `row` the 0-based index into the table
    (None: the table as a whole), `field` the column's key (FIELD_LABELS; None: the row)."""

    message: str
    row: int | None = None
    field: str | None = None


def _validate_row(row: Any, n: int) -> tuple[list[RuleProblem], tuple | None]:
    at = n - 1

    def problem(message: str, field: str | None) -> RuleProblem:
        return RuleProblem(message, at, field)

    if not isinstance(row, dict):
        return [problem(f"第{n}行：格式无效，应为一条规则", None)], None
    rid = row.get("id")
    name = f"第{n}行（{rid}）" if isinstance(rid, str) and rid.strip() else f"第{n}行"
    errors: list[RuleProblem] = []
    if not isinstance(rid, str) or not rid.strip():
        errors.append(problem(f"{name}：{FIELD_LABELS['id']}不能为空，请填写如 R-normal-main",
                              "id"))
    if not isinstance(row.get("clause"), str) or not row["clause"].strip():
        errors.append(problem(
            f"{name}：{FIELD_LABELS['clause']}不能为空，请填写打印在过失单上的条款", "clause"))
    occasion = Occasion.FAULT
    try:
        occasion = Occasion(row.get("occasion", "fault"))
    except ValueError:
        errors.append(problem(
            f"{name}：{FIELD_LABELS['occasion']}“{row.get('occasion')}”无效，"
            f"请选择：{_enum_values(Occasion)}", "occasion"))
    for field_name, enum in (
        ("flow", FlowKind),
        ("feedback_kind", FeedbackKind),
        ("severity", Severity),
        ("responsibility", Responsibility),
    ):
        value = row.get(field_name)
        if value is None or value == "":
            continue
        try:
            enum(value)
        except ValueError:
            errors.append(problem(
                f"{name}：{FIELD_LABELS[field_name]}“{value}”无效，"
                f"请选择：{_enum_values(enum)}，或留空表示任意", field_name))
    source = row.get("source")
    if source not in (None, "") and source not in {m.value for m in RuleSource}:
        errors.append(problem(
            f"{name}：{FIELD_LABELS['source']}“{source}”无效，"
            f"请选择：{_enum_values(RuleSource)}", "source"))
    if row.get("category") is not None and not isinstance(row["category"], str):
        errors.append(problem(f"{name}：{FIELD_LABELS['category']}须为文字，或留空表示任意",
                              "category"))
    if row.get("breach") is not None and not isinstance(row["breach"], bool):
        errors.append(problem(f"{name}：{FIELD_LABELS['breach']}须为 是/否（true/false），或留空",
                              "breach"))
    for key in ("penalties", "repeat_in_month_adds"):
        items = row.get(key, [])
        if not isinstance(items, list):
            errors.append(problem(f"{name}：{FIELD_LABELS[key]}须为列表", key))
            continue
        if key == "penalties" and not items:
            errors.append(problem(f"{name}：请至少填写一项{FIELD_LABELS[key]}", key))
        for i, p in enumerate(items, 1):
            errors += [problem(m, key) for m in _validate_penalty(
                p, f"{name}{FIELD_LABELS[key]}第{i}项", occasion.is_reward)]
    signature = (occasion.value,) + tuple(row.get(f) or None for f in MATCH_FIELDS[:-1]) + (
        row.get("breach"),
    )
    return errors, signature


def rule_problems(raw: list[dict[str, Any]]) -> list[RuleProblem]:
    """Every problem of a raw rule table, in table order, each with its row and field."""
    if not isinstance(raw, list):
        return [RuleProblem("规则表格式无效：应为规则列表")]
    errors: list[RuleProblem] = []
    seen_ids: dict[str, int] = {}
    seen_match: dict[tuple, int] = {}
    for n, row in enumerate(raw, 1):
        row_errors, signature = _validate_row(row, n)
        errors += row_errors
        if not isinstance(row, dict):
            continue
        rid = row.get("id")
        if isinstance(rid, str) and rid.strip():
            if rid in seen_ids:
                errors.append(RuleProblem(
                    f"第{n}行（{rid}）：规则编号与第{seen_ids[rid]}行重复，请改用唯一编号",
                    n - 1, "id"))
            else:
                seen_ids[rid] = n
        if signature is not None and not row_errors:
            if signature in seen_match:
                errors.append(RuleProblem(
                    f"第{n}行（{rid}）：匹配条件与第{seen_match[signature]}行完全相同，"
                    "本行永远不会生效，请修改匹配条件或删除本行", n - 1))
            else:
                seen_match[signature] = n
    return errors


def validate_rules(raw: list[dict[str, Any]]) -> list[str]:
    """Every problem of a raw rule table, in Chinese, naming the row and the field."""
    return [p.message for p in rule_problems(raw)]


# ---- conversion -------------------------------------------------------------------------

def penalty_from_raw(p: dict[str, Any]) -> Penalty:
    return Penalty(
        kind=PenaltyKind(p["kind"]),
        amount=int(p.get("amount") or 0),
        points=int(p.get("points") or 0),
        note=str(p.get("note") or ""),
    )


def penalty_to_raw(p: Penalty) -> dict[str, Any]:
    raw: dict[str, Any] = {"kind": p.kind.value}
    if p.amount:
        raw["amount"] = p.amount
    if p.points:
        raw["points"] = p.points
    if p.note:
        raw["note"] = p.note
    return raw


def penalties_to_raw(penalties: list[Penalty] | tuple[Penalty, ...]) -> list[dict[str, Any]]:
    return [penalty_to_raw(p) for p in penalties]


def penalties_from_raw(raw: list[dict[str, Any]]) -> list[Penalty]:
    return [penalty_from_raw(p) for p in raw]


def _opt(enum: type[StrEnum], value: Any) -> Any:
    return None if value is None or value == "" else enum(value)


def load_rules(raw: list[dict[str, Any]]) -> list[Rule]:
    """Rules from their stored form; raises RuleError listing every problem."""
    errors = validate_rules(raw)
    if errors:
        raise RuleError(errors)
    return [
        Rule(
            id=row["id"].strip(),
            clause=row["clause"].strip(),
            occasion=Occasion(row.get("occasion", "fault")),
            flow=_opt(FlowKind, row.get("flow")),
            feedback_kind=_opt(FeedbackKind, row.get("feedback_kind")),
            severity=_opt(Severity, row.get("severity")),
            category=row.get("category") or None,
            responsibility=_opt(Responsibility, row.get("responsibility")),
            breach=row.get("breach"),
            penalties=tuple(penalties_from_raw(row.get("penalties", []))),
            repeat_in_month_adds=tuple(penalties_from_raw(row.get("repeat_in_month_adds", []))),
            source=RuleSource(row.get("source") or RuleSource.PRODUCT_DEFAULT),
        )
        for row in raw
    ]


def rules_to_raw(rules: list[Rule]) -> list[dict[str, Any]]:
    """The stored form of a table (what the admin editor saves); round-trips load_rules."""
    out: list[dict[str, Any]] = []
    for r in rules:
        row: dict[str, Any] = {"id": r.id, "clause": r.clause, "occasion": r.occasion.value}
        for f in MATCH_FIELDS:
            value = getattr(r, f)
            if value is not None:
                row[f] = value.value if isinstance(value, StrEnum) else value
        row["penalties"] = penalties_to_raw(r.penalties)
        if r.repeat_in_month_adds:
            row["repeat_in_month_adds"] = penalties_to_raw(r.repeat_in_month_adds)
        row["source"] = r.source.value
        out.append(row)
    return out


def default_rules_raw() -> list[dict[str, Any]]:
    """The shipped default table (resources/default_rules.json)."""
    text = resource_path("default_rules.json").read_text(encoding="utf-8")
    return json.loads(text)["rules"]


# ---- matching ---------------------------------------------------------------------------

def best_rule(
    rules: list[Rule],
    occasion: Occasion,
    *,
    flow: FlowKind | None = None,
    feedback_kind: FeedbackKind | None = None,
    severity: Severity | None = None,
    category: str | None = None,
    responsibility: Responsibility | None = None,
    breach: bool = False,
) -> Rule | None:
    """The most specific matching rule (see the module docstring for precedence)."""
    facts = {
        "flow": flow,
        "feedback_kind": feedback_kind,
        "severity": severity,
        "category": category or None,
        "responsibility": responsibility,
        "breach": breach,
    }
    best: Rule | None = None
    for rule in rules:
        if rule.occasion is not occasion:
            continue
        if any(
            getattr(rule, f) is not None and getattr(rule, f) != facts[f] for f in MATCH_FIELDS
        ):
            continue
        if best is None or rule.specificity > best.specificity:
            best = rule  # strictly greater: on a tie the earlier row stays
    return best
