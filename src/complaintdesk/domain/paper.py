"""The paper loop (DESIGN §4.7, issue 18 part 4): form numbers read back by a scanner,
the signed copies (签字存档) each finished step still owes, and 典型案例.

The printed forms carry a QR code of their number (documents/pdf_common.py): a case
(FK-/NB-/FX-YYYYMM-NNNN) or a slip (GS-/CF-…). A USB scanner types that number like a
keyboard. Which signed forms are scanned back, and at which step, is a data table
(resources/signed_copies.json, product defaults; a setting may replace it).

Pure: no Qt, no SQL, no clock.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from ..resources_path import resource_path
from .records import (
    FAULT_SLIP_PREFIX,
    FLOW_PREFIX,
    PENALTY_SLIP_PREFIX,
    Case,
    FlowKind,
)

# ---- numbers a scanner reads --------------------------------------------------------------
CASE_PREFIXES = frozenset(FLOW_PREFIX.values())
SLIP_PREFIXES = frozenset({FAULT_SLIP_PREFIX, PENALTY_SLIP_PREFIX})
_NUMBER = re.compile(r"^([A-Z]{2})-(\d{6})-(\d{4,6})$")


@dataclass(frozen=True, slots=True)
class FormNumber:
    number: str  # normalised: upper case, no spaces
    kind: str  # "case" or "slip"


def parse_form_number(text: str) -> FormNumber | None:
    """A case or slip number as printed (and QR-encoded) on a form, or None."""
    t = text.strip().upper()
    m = _NUMBER.match(t)
    if m is None:
        return None
    prefix = m.group(1)
    if prefix in CASE_PREFIXES:
        return FormNumber(t, "case")
    if prefix in SLIP_PREFIXES:
        return FormNumber(t, "slip")
    return None


# ---- which signed copies a case owes ------------------------------------------------------
ALWAYS = "always"
WITH_SLIPS = "slips"  # only when the case issued slips (过失单 / 处罚单)
SETTING_KEY = "signed_copy_rules"  # a setting that replaces the shipped table


@dataclass(frozen=True, slots=True)
class SignedCopyRule:
    """One row of the table: this flow's `form`, signed on paper, is scanned back and
    attached to `step` once that step is finished."""

    flow: FlowKind
    form: str  # key, e.g. "feedback_form"
    title: str  # 客户信息反馈意见处理单
    step: str  # step key the copy completes
    when: str = ALWAYS
    clause: str = ""


def parse_rules(raw: Any) -> list[SignedCopyRule]:
    """The table from its JSON form; a bad row raises ValueError (Chinese, names the row)."""
    rows = raw.get("rules") if isinstance(raw, dict) else raw
    if not isinstance(rows, list):
        raise ValueError("签字存档规则必须是列表。")
    out: list[SignedCopyRule] = []
    for i, r in enumerate(rows, 1):
        try:
            flow = FlowKind(r["flow"])
            form, title, step = str(r["form"]).strip(), str(r["title"]).strip(), str(r["step"])
            when = str(r.get("when", ALWAYS))
        except (KeyError, TypeError, ValueError) as exc:
            raise ValueError(f"签字存档规则第 {i} 行不完整或流程不正确。") from exc
        if not form or not title or not step:
            raise ValueError(f"签字存档规则第 {i} 行缺少表单或环节。")
        if when not in (ALWAYS, WITH_SLIPS):
            raise ValueError(f"签字存档规则第 {i} 行的条件只能是 always 或 slips。")
        out.append(SignedCopyRule(flow, form, title, step, when, str(r.get("clause", ""))))
    return out


def default_rules() -> list[SignedCopyRule]:
    """The shipped table (resources/signed_copies.json): product defaults."""
    return parse_rules(json.loads(resource_path("signed_copies.json")
                                  .read_text(encoding="utf-8")))


@dataclass(frozen=True, slots=True)
class SignedCopy:
    """A scanned, signed paper form attached to a step of a case (签字存档)."""

    id: int | None
    case_id: int
    step_key: str
    form: str
    filename: str
    mime: str
    size: int
    sha256: str
    uploaded_by_user_id: int | None
    uploaded_at: datetime
    data: bytes | None = None  # None when only the listing was loaded


@dataclass(frozen=True, slots=True)
class CopyState:
    """One signed copy a case owes: the rule, whether its step is finished, and the
    copies attached so far."""

    rule: SignedCopyRule
    step_finished_at: datetime | None
    copies: tuple[SignedCopy, ...] = ()

    @property
    def due(self) -> bool:
        return self.step_finished_at is not None

    @property
    def missing(self) -> bool:
        return self.due and not self.copies


def _finished_at(case: Case, step: str) -> datetime | None:
    done = [s.finished_at for s in case.steps if s.step_key == step and s.finished_at]
    return max(done) if done else None


def copy_states(case: Case, rules: Iterable[SignedCopyRule], copies: Sequence[SignedCopy],
                has_slips: bool) -> list[CopyState]:
    """The signed copies this case owes by the table: each with its step's finishing time
    (None while the step is still to come) and what is attached. A 过失单 row counts only
    when the case issued slips; a step the case's route skips is never due."""
    out = []
    for rule in rules:
        if rule.flow is not case.flow or (rule.when == WITH_SLIPS and not has_slips):
            continue
        mine = tuple(c for c in copies if c.step_key == rule.step and c.form == rule.form)
        out.append(CopyState(rule, _finished_at(case, rule.step), mine))
    return out


def missing_copies(states: Iterable[CopyState]) -> list[CopyState]:
    return [s for s in states if s.missing]


# ---- 典型案例 (003 一.11) -----------------------------------------------------------------
# 003 一.11: "对造成责任事故的直接责任人，分析原因，批评教育，并以此案例，教育全体职工，
# 吸取教训，防止类似的问题再度发生。"
# A 典型案例 is a case mark (domain/case_marks.py TYPICAL) whose note is the lesson; the
# mark's note holds 500 characters.
LESSON_MAX = 500


@dataclass(frozen=True, slots=True)
class ExampleView:
    """A 典型案例 as all staff see it (the 案例库): no customer name, numbers, plate or
    VIN in any of its texts (masking.scrub_customer)."""

    case_id: int
    number: str
    kind: str
    category: str
    severity: str
    department: str
    registered_at: datetime
    closed_at: datetime | None
    description: str  # scrubbed
    handling: str  # scrubbed
    evaluation: str  # scrubbed
    lesson: str  # scrubbed too: the assessor may have quoted the customer
    marked_by: str
    marked_at: datetime
