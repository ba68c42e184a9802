"""Which of a case's slips step 5 issues and the GM's 签批 decides: the domain's predicates,
shared by the step form's slip editors and the service (issue 17)."""

from __future__ import annotations

from complaintdesk.domain.records import FaultSlip, SlipStatus
from complaintdesk.domain.slips import issued_with_the_case, waits_on_gm


def _slip(status: SlipStatus = SlipStatus.PROPOSED, **kw: object) -> FaultSlip:
    return FaultSlip(1, "", 7, 11, 2, "维修顾问", "", None, status=status, **kw)  # type: ignore[arg-type]


def test_step_5_issues_the_cases_own_penalties_only() -> None:
    assert issued_with_the_case(_slip())
    assert not issued_with_the_case(_slip(from_breach=True))  # from the 过失单 list
    assert not issued_with_the_case(_slip(is_reward=True))  # at step 7


def test_the_gm_decides_the_issued_slips_not_yet_signed() -> None:
    assert waits_on_gm(_slip(SlipStatus.ISSUED))
    assert not any(waits_on_gm(_slip(s)) for s in SlipStatus if s is not SlipStatus.ISSUED)
