"""The dashboard compares the month so far with the same days of last month (issue 13,
list 6: six days against a whole month read as a collapse)."""

from datetime import UTC, datetime, timedelta

from complaintdesk.services.base import SYSTEM_USER
from service_builders import intake, make_services


def test_month_to_date_is_compared_with_the_same_days_of_last_month(tmp_path):
    services, clock = make_services(tmp_path, datetime(2026, 10, 3, 2, 0, tzinfo=UTC))
    try:
        for when, n in ((datetime(2026, 10, 3, 2, 0, tzinfo=UTC), 2),  # 3 Oct
                        (datetime(2026, 10, 20, 2, 0, tzinfo=UTC), 3),  # 20 Oct: after the cut
                        (datetime(2026, 11, 4, 2, 0, tzinfo=UTC), 1)):  # 4 Nov
            clock.set(when)
            for _ in range(n):
                services.intake.register(SYSTEM_USER, intake(clock))
                clock.advance(timedelta(minutes=5))
        clock.set(datetime(2026, 11, 6, 2, 0, tzinfo=UTC))  # 6 Nov 10:00 local
        dash = services.reports.dashboard(SYSTEM_USER, fresh=True)
        assert dash.to_date is not None and dash.to_date.compare_text == "本月1–6日 较上月同期"
        assert dash.current.overall.received == 1
        assert dash.previous is not None and dash.previous.overall.received == 5
        assert dash.same_days is not None and dash.same_days.overall.received == 2
        assert dash.same_days.months == ((2026, 10),)
        # the same computation, asked directly at another moment: 25 Nov sees all five
        later = services.reports.same_days_last_month(datetime(2026, 11, 25, 2, 0, tzinfo=UTC))
        assert later.overall.received == 5
    finally:
        services.dispose()
