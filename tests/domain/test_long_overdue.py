"""The 管理看板 marks a complaint three days past its deadline (a product default held in
the domain, issue 17: the number sat in the dashboard widget)."""

from __future__ import annotations

from complaintdesk.domain.kpi.shapes import LONG_OVERDUE_HOURS, OpenCase


def _open(overdue_hours: float) -> OpenCase:
    return OpenCase(1, "FK-202611-0001", "售后服务部", "handle", None, None, 100.0,
                    overdue_hours)


def test_a_complaint_is_long_overdue_from_three_days_past_its_deadline() -> None:
    assert LONG_OVERDUE_HOURS == 72
    assert not _open(0.0).long_overdue
    assert not _open(71.99).long_overdue
    assert _open(72.0).long_overdue and _open(500.0).long_overdue
