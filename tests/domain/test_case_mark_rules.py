"""Who may put the assessor's marks on which case: one rule (domain/case_marks.py) for the
service that refuses and the widget that offers the button (issue 17)."""

from __future__ import annotations

from complaintdesk.domain.records import FlowKind, Role, User


def _user(*roles: Role) -> User:
    return User(1, "u", "某人", frozenset(roles))


def test_the_assessor_marks_complaints_difficult_and_closed_cases_typical() -> None:
    from datetime import UTC, datetime

    from complaintdesk.domain.case_marks import DIFFICULT, TYPICAL, may_mark
    from complaintdesk.domain.records import Case, CaseStatus, FeedbackKind, Intake

    def case(kind: FeedbackKind, status: CaseStatus = CaseStatus.OPEN) -> Case:
        return Case(1, "FK-202611-0001", FlowKind.FEEDBACK, kind, Intake(customer_name="王芳"),
                    datetime(2026, 11, 18, tzinfo=UTC), None, status=status)

    assessor = _user(Role.ASSESSOR)
    assert may_mark(assessor, DIFFICULT, case(FeedbackKind.COMPLAINT))
    assert not may_mark(assessor, DIFFICULT, case(FeedbackKind.SUGGESTION))
    assert not may_mark(_user(Role.GENERAL_MANAGER), DIFFICULT, case(FeedbackKind.COMPLAINT))
    assert not may_mark(assessor, TYPICAL, case(FeedbackKind.PRAISE))
    assert may_mark(assessor, TYPICAL, case(FeedbackKind.PRAISE, CaseStatus.CLOSED))
    assert not may_mark(assessor, "unknown", case(FeedbackKind.COMPLAINT, CaseStatus.CLOSED))
