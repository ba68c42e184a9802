"""总经理签批 decides each slip of the case explicitly (issue 13): no slip is approved
silently with the case's text."""

import pytest

from acc_builders import cast, employee_id, walk_to_approve, walk_to_issue
from complaintdesk.domain.records import SlipStatus
from complaintdesk.services.errors import ServiceError
from service_builders import make_services


@pytest.fixture()
def at_approve(tmp_path):
    services, clock = make_services(tmp_path)
    c = cast(services)
    two = [c.zhao_id, employee_id(services, "杨帆")]
    case = walk_to_approve(services, clock, c, walk_to_issue(services, clock, c, responsible=two))
    slips = sorted((v.slip for v in services.accountability.proposals_for_case(c.gm, case.id)),
                   key=lambda s: s.number)
    assert [s.status for s in slips] == [SlipStatus.ISSUED, SlipStatus.ISSUED]
    return services, c, case, slips


def test_approving_the_case_without_a_decision_per_slip_is_refused(at_approve):
    services, c, case, slips = at_approve
    with pytest.raises(ServiceError) as exc:
        services.workflow.act(c.gm, case.id, "approve", {"approval": "同意"})
    assert exc.value.field == "slip_decisions"
    assert slips[0].number in exc.value.message and slips[1].number in exc.value.message
    with pytest.raises(ServiceError) as exc:  # one of two is not enough
        services.workflow.act(c.gm, case.id, "approve", {"approval": "同意", "slip_decisions": [
            {"slip_id": slips[0].id, "decision": "approve"}]})
    assert slips[1].number in exc.value.message and slips[0].number not in exc.value.message
    assert all(services.accountability.slip(c.gm, s.id).slip.status is SlipStatus.ISSUED
               for s in slips)  # nothing approved by the refused attempts


def test_gm_approves_one_and_changes_the_other_with_a_reason(at_approve):
    services, c, case, slips = at_approve
    change = {"slip_id": slips[1].id, "decision": "change", "opinion": "减轻处理",
              "penalties": [{"kind": "warning"}], "reason": "初犯，情节较轻"}
    with pytest.raises(ServiceError) as exc:  # a change needs its reason
        services.workflow.act(c.gm, case.id, "approve", {"approval": "同意", "slip_decisions": [
            {"slip_id": slips[0].id, "decision": "approve"}, {**change, "reason": ""}]})
    assert "修改原因" in exc.value.message
    case = services.workflow.act(c.gm, case.id, "approve", {
        "approval": "同意", "slip_decisions": [
            {"slip_id": slips[0].id, "decision": "approve", "opinion": "同意，按单执行"}, change]})
    first = services.accountability.slip(c.gm, slips[0].id)
    second = services.accountability.slip(c.gm, slips[1].id)
    assert first.slip.status is SlipStatus.APPROVED and first.slip.gm_opinion == "同意，按单执行"
    assert second.slip.status is SlipStatus.APPROVED and second.penalty_text == "警告"
    assert any("初犯" in h.reason for h in second.history)
    step = next(s for s in case.steps if s.step_key == "approve")
    recorded = {d["number"]: d for d in step.data["slip_decisions"]}
    assert recorded[slips[1].number]["decision"] == "change"
    assert recorded[slips[1].number]["reason"] == "初犯，情节较轻"
    assert recorded[slips[0].number]["decision"] == "approve"


def test_a_slip_signed_on_its_own_needs_no_second_decision(at_approve):
    services, c, case, slips = at_approve
    services.accountability.approve(c.gm, slips[0].id, "同意")
    case = services.workflow.act(c.gm, case.id, "approve", {"approval": "同意", "slip_decisions": [
        {"slip_id": slips[1].id, "decision": "approve"}]})
    assert case.current_step == "enforce"
