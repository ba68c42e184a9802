"""Issue 14: the assessor marks a complaint 疑难 (seed 001 五.2 names 重大、疑难 together for the
individual reward) — a mark on the case with his reason, shown on the case, audited, and the
ground for “成功解决疑难投诉”."""

from __future__ import annotations

import pytest

from complaintdesk.domain.case_marks import DIFFICULT
from complaintdesk.domain.records import FeedbackKind
from complaintdesk.services.base import SYSTEM_USER
from complaintdesk.services.errors import PermissionDenied, ServiceError
from service_builders import intake, make_services


def test_the_assessor_marks_a_complaint_difficult_with_a_reason_and_can_take_it_back(tmp_path):
    from acc_builders import cast, walk_to_issue

    services, clock = make_services(tmp_path)
    c = cast(services)
    case = walk_to_issue(services, clock, c)
    marks = services.marks
    assert not marks.is_difficult(case.id)
    with pytest.raises(PermissionDenied, match="标记疑难投诉"):
        marks.mark_difficult(c.cs, case.id, "客户诉求复杂")
    with pytest.raises(ServiceError, match="认定理由") as exc:
        marks.mark_difficult(c.assessor, case.id, "   ")
    assert exc.value.field == "note"
    mark = marks.mark_difficult(c.assessor, case.id, "涉及三方责任，需厂家介入")
    assert mark.kind == DIFFICULT and mark.label == "疑难" and mark.by_user_id == c.assessor.id
    assert marks.is_difficult(case.id)
    assert [m.note for m in marks.marks(case.id)] == ["涉及三方责任，需厂家介入"]
    marks.mark_difficult(c.assessor, case.id, "涉及三方责任，需厂家与保险公司介入")  # reworded
    assert [m.note for m in marks.marks(case.id)] == ["涉及三方责任，需厂家与保险公司介入"]
    marks.clear_difficult(c.assessor, case.id)
    assert not marks.is_difficult(case.id)
    with services.engine.connect() as conn:  # both judgements are in the audit trail
        from sqlalchemy import text
        actions = [r[0] for r in conn.execute(text(
            "SELECT action FROM audit_log WHERE entity_id = :n ORDER BY id"), {"n": case.number})]
    assert actions.count("mark_difficult") == 2 and actions.count("unmark_difficult") == 1
    services.dispose()


def test_only_complaints_can_be_difficult(tmp_path):
    from acc_builders import cast

    services, clock = make_services(tmp_path)
    c = cast(services)
    praise = services.intake.register(SYSTEM_USER, intake(clock, kind=FeedbackKind.PRAISE))
    with pytest.raises(ServiceError, match="只有投诉"):
        services.marks.mark_difficult(c.assessor, praise.id, "表扬也想标")
    services.dispose()
