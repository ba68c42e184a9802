"""Month-to-date against the same days of last month: the cut-off is as far into last
month as now is into this one, never past its end; the texts say which days."""

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from complaintdesk.domain.kpi import month_to_date

SH = ZoneInfo("Asia/Shanghai")


def test_six_days_in_compares_with_the_first_six_days_of_last_month():
    span = month_to_date(datetime(2026, 12, 6, 2, 0, tzinfo=UTC), SH)  # 6 Dec 10:00 local
    assert span.month == (2026, 12) and span.previous == (2026, 11) and span.day == 6
    assert span.previous_start == datetime(2026, 11, 1, tzinfo=SH)
    assert span.previous_cut == datetime(2026, 11, 6, 10, 0, tzinfo=SH)
    assert span.compare_text == "本月1–6日 较上月同期"
    assert span.partial_label == "（截至6日）" and span.partial


def test_a_longer_month_stops_at_the_end_of_the_shorter_one():
    span = month_to_date(datetime(2027, 3, 31, 2, 0, tzinfo=UTC), SH)
    assert span.previous == (2027, 2)
    assert span.previous_cut == datetime(2027, 3, 1, tzinfo=SH)  # the whole of February


def test_january_looks_back_at_december_and_the_first_is_one_day():
    span = month_to_date(datetime(2027, 1, 1, 1, 0, tzinfo=UTC), SH)  # 1 Jan 09:00
    assert span.previous == (2026, 12) and span.days_text == "1日"
    assert span.previous_cut == datetime(2026, 12, 1, 9, 0, tzinfo=SH)
