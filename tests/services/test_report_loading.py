from zoneinfo import ZoneInfo

from complaintdesk.domain.kpi import STEPS_WITH_DATA_USED, monthly_kpis
from complaintdesk.services.demo import seed_demo
from complaintdesk.storage.uow import UnitOfWork
from service_builders import make_services


def test_statistics_are_the_same_when_only_the_step_data_they_read_is_loaded(tmp_path):
    services, clock = make_services(tmp_path)
    seed_demo(services, cases=120, seed=11)
    with UnitOfWork(services.engine, readonly=True) as uow:
        full = uow.cases.load_period(None, None)
        light = uow.cases.load_period(None, None, data_keys=STEPS_WITH_DATA_USED)
        slips: list = []  # the slips do not depend on how cases were loaded
    assert any(s.data for c in full for s in c.steps if s.step_key not in STEPS_WITH_DATA_USED)
    assert not any(s.data for c in light for s in c.steps
                   if s.step_key not in STEPS_WITH_DATA_USED)
    tz = ZoneInfo("Asia/Shanghai")
    now = clock.now()
    local = now.astimezone(tz)
    for months_back in range(3):
        y, m = local.year, local.month - months_back
        if m < 1:
            y, m = y - 1, m + 12
        assert monthly_kpis(full, slips, {}, y, m, tz, now) == \
            monthly_kpis(light, slips, {}, y, m, tz, now)


def test_dashboard_figures_are_reused_for_five_minutes_unless_asked_fresh(tmp_path):
    from datetime import timedelta

    from complaintdesk.services.base import SYSTEM_USER

    services, clock = make_services(tmp_path)
    seed_demo(services, cases=30, seed=5)
    first = services.reports.dashboard(SYSTEM_USER)
    assert services.reports.dashboard(SYSTEM_USER) is first
    assert services.reports.dashboard(SYSTEM_USER, fresh=True) is not first
    again = services.reports.dashboard(SYSTEM_USER)
    clock.advance(timedelta(minutes=6))
    assert services.reports.dashboard(SYSTEM_USER) is not again
