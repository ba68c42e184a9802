"""Marks the assessor puts on a case beside its workflow (issue 14): 疑难 — a complaint he
judges difficult, which seed 001 五.2 names beside 重大 for the individual reward
(成功解决重大、疑难投诉). A mark is a judgement with a reason, not a workflow state: it never
changes a step or a deadline."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

DIFFICULT = "difficult"
# 003 一.11: a closed case the assessor marks to teach all staff from; the note is the lesson
TYPICAL = "typical"
MARK_LABELS = {DIFFICULT: "疑难", TYPICAL: "典型案例"}


@dataclass(frozen=True, slots=True)
class CaseMark:
    case_id: int
    kind: str
    note: str
    by_user_id: int
    at: datetime

    @property
    def label(self) -> str:
        return MARK_LABELS.get(self.kind, self.kind)
