"""Marks the assessor puts on a case beside its workflow (issue 14): 疑难 — a complaint he
judges difficult, which seed 001 五.2 names beside 重大 for the individual reward
(成功解决重大、疑难投诉). A mark is a judgement with a reason, not a workflow state: it never
changes a step or a deadline."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from .records import Case, CaseStatus, FeedbackKind, Role, User

DIFFICULT = "difficult"
# 003 一.11: a closed case the assessor marks to teach all staff from; the note is the lesson
TYPICAL = "typical"
MARK_LABELS = {DIFFICULT: "疑难", TYPICAL: "典型案例"}
MARKED_BY = Role.ASSESSOR  # both marks are the assessor's judgement


def mark_applies(kind: str, case: Case) -> bool:
    """Whether a case can carry the mark: 疑难 a complaint (seed 001 五.2 rewards solving
    difficult *complaints*), 典型案例 a closed case (003 一.11: taught once it is settled)."""
    if kind == DIFFICULT:
        return case.kind is FeedbackKind.COMPLAINT
    if kind == TYPICAL:
        return case.status is CaseStatus.CLOSED
    return False


def may_mark(user: User, kind: str, case: Case) -> bool:
    """Whether this user may put (or take back) the mark on this case now."""
    return user.has(MARKED_BY) and mark_applies(kind, case)


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
