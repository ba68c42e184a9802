"""Every step deadline is data: a deadline set in 流程设置 replaces the product default
when the step becomes due; bad values are refused naming the step; the business-hours
error names the day."""

from datetime import UTC, datetime, timedelta

import pytest

from complaintdesk.domain import steps as S
from complaintdesk.domain.workflow import WorkflowSettings, compute_deadline
from complaintdesk.domain.workflow.calendar import BusinessCalendar
from complaintdesk.domain.workflow.deadlines import DeadlineKind, DeadlineRule
from complaintdesk.domain.workflow.flows import FEEDBACK_FLOW

DUE = datetime(2026, 11, 10, 2, 0, tzinfo=UTC)


def test_a_set_deadline_replaces_the_default_and_round_trips():
    settings = WorkflowSettings.from_dict(
        {"step_deadlines": {S.HANDLE: {"kind": "hours", "amount": 36}}})
    default = FEEDBACK_FLOW.steps[S.HANDLE].deadline
    rule = settings.rule_for(S.HANDLE, default)
    assert compute_deadline(rule, DUE, settings) == DUE + timedelta(hours=36)
    other = FEEDBACK_FLOW.steps[S.DEPT_OPINION].deadline
    assert settings.rule_for(S.DEPT_OPINION, other) == other  # not set: the default
    assert WorkflowSettings.from_dict(settings.to_dict()) == settings


@pytest.mark.parametrize(("raw", "words"), [
    ({"kind": "hours", "amount": 0}, "“主管处理”的期限必须在 1–720 小时之间"),
    ({"kind": "days", "amount": 400}, "1–90 天"),
    ({"kind": "weeks", "amount": 2}, "无法读取"),
])
def test_bad_deadlines_are_refused_naming_the_step(raw, words):
    with pytest.raises(ValueError) as err:
        WorkflowSettings.from_dict({"step_deadlines": {S.HANDLE: raw}})
    assert words in str(err.value) and str(err.value).endswith("。")
    assert WorkflowSettings(step_deadlines={S.HANDLE: DeadlineRule(DeadlineKind.SAME_DAY)})


def test_the_business_hours_error_names_the_day():
    from datetime import time

    with pytest.raises(ValueError) as err:
        BusinessCalendar(hours={0: (time(8, 30), time(18, 0)), 2: (time(18, 0), time(9, 0))})
    assert str(err.value).startswith("星期三的营业时间设置有误")
    assert "（18:00）" in str(err.value)
