"""厂家转办 milestones (DESIGN §4.6, §4.8): deadlines over working days, weekends, holidays,
调休 and the business calendar's closed dates; met, late, overdue; the intake's checks."""

from datetime import UTC, date, datetime, timedelta

import pytest

from complaintdesk.domain import manufacturer as M
from complaintdesk.domain.manufacturer import (
    ForwardInput,
    ManufacturerForward,
    ManufacturerReply,
    ManufacturerSettings,
    MilestoneRule,
)

TZ = "Asia/Shanghai"
SH = M.ZoneInfo(TZ)


def local(y, mo, d, h=0, mi=0, s=0):
    return datetime(y, mo, d, h, mi, s, tzinfo=SH)


DEFAULTS = ManufacturerSettings()


def dues(forwarded, settings=DEFAULTS, closed=()):
    return {m.key: m.due.astimezone(SH) for m in
            M.milestone_dues("一汽-大众", forwarded, TZ, settings, closed)}


def test_defaults_first_contact_24h_plan_3_and_result_5_working_days_from_a_monday():
    # Monday 2026-11-09 10:00 → contact Tue 10:00, plan end of Thu, result end of next Mon
    d = dues(local(2026, 11, 9, 10))
    assert d["first_contact"] == local(2026, 11, 10, 10)
    assert d["plan"] == local(2026, 11, 12, 23, 59, 59)
    assert d["result"] == local(2026, 11, 16, 23, 59, 59)


def test_a_weekend_does_not_count_and_24_hours_run_through_it():
    # Friday 2026-11-13 16:00: plan = Mon, Tue, Wed → Wed 18th; result → Fri 20th
    d = dues(local(2026, 11, 13, 16))
    assert d["first_contact"] == local(2026, 11, 14, 16)  # Saturday: the manufacturer's clock
    assert d["plan"] == local(2026, 11, 18, 23, 59, 59)
    assert d["result"] == local(2026, 11, 20, 23, 59, 59)


def test_forwarded_on_a_saturday_counts_from_monday():
    d = dues(local(2026, 11, 14, 9))
    assert d["plan"] == local(2026, 11, 18, 23, 59, 59)  # Mon 16, Tue 17, Wed 18


def test_a_holiday_is_skipped_and_a_makeup_working_day_counts():
    # National Day week: Thu 2026-10-01 … Wed 10-07 off; Sat 10-10 a 调休 working day
    holidays = frozenset(date(2026, 10, d) for d in range(1, 8))
    settings = ManufacturerSettings(holidays=holidays, workdays=frozenset({date(2026, 10, 10)}))
    d = dues(local(2026, 9, 30, 15), settings)
    # Thu 8 (1), Fri 9 (2), Sat 10 调休 (3) → plan; Mon 12 (4), Tue 13 (5) → result
    assert d["plan"] == local(2026, 10, 10, 23, 59, 59)
    assert d["result"] == local(2026, 10, 13, 23, 59, 59)
    # without the holidays the same forward is due on Fri 10-02 / Tue 10-06
    plain = dues(local(2026, 9, 30, 15))
    assert plain["plan"] == local(2026, 10, 5, 23, 59, 59)


def test_the_business_calendars_closed_dates_are_not_working_days():
    d = dues(local(2026, 11, 9, 10), closed={date(2026, 11, 10)})
    assert d["plan"] == local(2026, 11, 13, 23, 59, 59)  # Wed, Thu, Fri


def test_per_brand_rules_replace_the_defaults():
    settings = ManufacturerSettings(rules={"一汽-大众": (
        MilestoneRule("first_contact", M.HOURS, 2), MilestoneRule("plan", M.WORKING_DAYS, 1),
        MilestoneRule("result", M.WORKING_DAYS, 2))})
    d = dues(local(2026, 11, 9, 10), settings)
    assert d["first_contact"] == local(2026, 11, 9, 12)
    assert d["plan"] == local(2026, 11, 10, 23, 59, 59)
    other = M.milestone_dues("广汽丰田", local(2026, 11, 9, 10), TZ, settings)
    assert other[0].due == local(2026, 11, 10, 10)  # the defaults


def test_settings_round_trip_and_refuse_nonsense():
    s = ManufacturerSettings(brands=("A牌",), holidays=frozenset({date(2026, 1, 1)}))
    assert ManufacturerSettings.from_dict(s.to_dict()) == s
    with pytest.raises(ValueError, match="处理方案"):
        ManufacturerSettings(default_rules=(MilestoneRule("plan", M.WORKING_DAYS, 0),))
    with pytest.raises(ValueError, match="小时或工作日"):
        ManufacturerSettings(default_rules=(MilestoneRule("plan", "weeks", 1),))


def _forward(at):
    return ManufacturerForward(1, "一汽-大众", "VW001", at,
                               M.milestone_dues("一汽-大众", at, TZ, ManufacturerSettings()), at)


def _reply(milestone, at):
    return ManufacturerReply(None, 1, at, "已联系", 7, milestone, at)


def test_met_late_overdue_due_soon_and_pending():
    fwd = _forward(local(2026, 11, 9, 10))
    replies = [_reply("first_contact", local(2026, 11, 9, 11)),
               _reply("plan", local(2026, 11, 13, 9))]  # a day after the plan's deadline
    # Monday 17th noon: contact met, plan late, result overdue (due end of Mon 16th)
    states = {s.key: s for s in M.milestone_states(fwd, replies, local(2026, 11, 17, 12))}
    assert states["first_contact"].state == M.MET and states["first_contact"].met
    assert states["plan"].state == M.LATE and states["plan"].missed
    assert states["result"].state == M.OVERDUE and states["result"].missed
    assert not M.answered_on_time(list(states.values()))
    # Tuesday 10th 09:00: contact open in its last 25 % (18 of 24 h gone) → due soon
    early = {s.key: s.state for s in M.milestone_states(fwd, [], local(2026, 11, 10, 9))}
    assert early == {"first_contact": M.DUE_SOON, "plan": M.PENDING, "result": M.PENDING}


def test_a_reply_exactly_at_the_deadline_is_on_time_and_the_first_reply_counts():
    fwd = _forward(local(2026, 11, 9, 10))
    due = {m.key: m.due for m in fwd.milestones}
    replies = [_reply(k, due[k]) for k in M.MILESTONE_KEYS]
    replies.append(_reply("plan", due["plan"] + timedelta(days=3)))  # a later follow-up
    states = M.milestone_states(fwd, replies, due["result"] + timedelta(days=9))
    assert all(s.met for s in states) and M.answered_on_time(states)


def test_reminder_marks_are_at_75_percent_and_at_the_deadline():
    fwd = _forward(local(2026, 11, 9, 10))
    contact = fwd.milestones[0]
    assert M.reminder_marks(fwd, contact) == [("remind75", local(2026, 11, 10, 4)),
                                              ("deadline", local(2026, 11, 10, 10))]


NOW = datetime(2026, 11, 10, 2, 0, tzinfo=UTC)


@pytest.mark.parametrize(("data", "field", "text"), [
    (ForwardInput("", "VW1", NOW), "mfr_brand", "请选择「厂家品牌」。"),
    (ForwardInput("奔驰", "VW1", NOW), "mfr_brand", "「厂家品牌」不在品牌列表中"),
    (ForwardInput("一汽-大众", " ", NOW), "mfr_reference", "请填写「厂家工单号」。"),
    (ForwardInput("一汽-大众", "X" * 41, NOW), "mfr_reference", "不能超过 40 个字符"),
    (ForwardInput("一汽-大众", "工单 1", NOW), "mfr_reference", "只能包含字母、数字"),
    (ForwardInput("一汽-大众", "VW1", None), "mfr_forwarded_at", "请填写「厂家转办时间」。"),
    (ForwardInput("一汽-大众", "VW1", NOW + timedelta(hours=1)), "mfr_forwarded_at",
     "不能晚于当前时间"),
    (ForwardInput("一汽-大众", "VW1", NOW - timedelta(days=400)), "mfr_forwarded_at",
     "早于一年前"),
])
def test_intake_checks_name_the_field_in_chinese(data, field, text):
    errors = M.check_forward(data, M.DEFAULT_BRANDS, NOW)
    assert list(errors) == [field]
    assert text in errors[field] and errors[field].endswith("。")
    assert "「" in errors[field]


def test_a_good_forward_passes():
    assert M.check_forward(ForwardInput("一汽-大众", "VW-2026/001", NOW), M.DEFAULT_BRANDS,
                           NOW) == {}


def test_the_shipped_defaults_are_data_labelled_as_product_defaults():
    shipped = M.shipped_defaults()
    assert "product default" in shipped["source"] and "not the dealership's policy" in \
        shipped["source"]
    assert [(r.key, r.kind, r.amount) for r in M.DEFAULT_RULES] == [
        ("first_contact", "hours", 24), ("plan", "working_days", 3),
        ("result", "working_days", 5)]
    # what the administrator saved wins over the shipped defaults, field by field
    s = ManufacturerSettings.from_dict({"brands": ["东风日产"]})
    assert s.brands == ("东风日产",) and s.default_rules == M.DEFAULT_RULES
    with pytest.raises(ValueError, match="厂家转办设置无法读取"):
        ManufacturerSettings.from_dict({"holidays": ["2026-13-01"]})
