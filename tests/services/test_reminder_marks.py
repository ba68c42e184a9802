"""The reminder scan keeps each open case's next mark and reads only the cases whose mark
has come (issue 17), on SQLite; the same scenarios on PostgreSQL in
tests/storage/test_reminder_marks_postgresql.py."""

from datetime import timedelta

from complaintdesk.domain.alerts import NO_MARK, AlertKind
from complaintdesk.domain.records import Role
from complaintdesk.services.alerts import MARKS_BASIS_KEY
from complaintdesk.services.base import SYSTEM_USER
from complaintdesk.storage.uow import UnitOfWork
from reminder_scenarios import (
    a_calendar_change_moves_the_marks,
    a_forwarding_is_read_only_when_its_next_milestone_mark_has_come,
    a_mark_fires_once_and_the_case_is_not_read_before_its_next,
    a_step_changed_between_scans_gets_its_own_marks,
    read_by_scan,
    stored_mark,
)
from service_builders import add_user, intake, make_services


def test_a_mark_fires_once_and_the_case_is_not_read_before_its_next(tmp_path):
    a_mark_fires_once_and_the_case_is_not_read_before_its_next(*make_services(tmp_path))


def test_a_step_changed_between_scans_gets_its_own_marks(tmp_path):
    a_step_changed_between_scans_gets_its_own_marks(*make_services(tmp_path))


def test_a_calendar_change_moves_the_marks_and_closed_time_waits_for_the_opening(tmp_path):
    a_calendar_change_moves_the_marks(*make_services(tmp_path))


def test_new_reminder_fractions_work_every_open_mark_out_again_and_send_nothing_twice(tmp_path):
    services, clock = make_services(tmp_path)
    admin = add_user(services, "adm", "管理员", Role.ADMIN)
    cs = add_user(services, "kf", "客服", Role.CS_CENTER)
    case = services.intake.register(SYSTEM_USER, intake(clock))
    clock.advance(timedelta(minutes=30))  # 50 % of step 1's hour
    assert services.alerts.scan() == 1
    step_start = clock.now() - timedelta(minutes=30)
    assert stored_mark(services, case.id) == step_start + timedelta(minutes=45)
    services.settings.put(admin, "alerts", {"reminders": [0.5, 0.9, 1.0]})
    clock.advance(timedelta(minutes=1))
    assert services.alerts.scan() == 0  # 50 % again after the recount: not sent twice
    assert stored_mark(services, case.id) == step_start + timedelta(minutes=54)
    clock.set(step_start + timedelta(minutes=45))  # the old 75 % mark: nothing now
    assert services.alerts.scan() == 0
    clock.set(step_start + timedelta(minutes=54))
    assert services.alerts.scan() == 1
    kinds = [a.kind for a in services.alerts.unread(cs)]
    assert kinds == [AlertKind.STEP, AlertKind.HALF, AlertKind.THREE_QUARTERS]


def test_the_first_scan_after_the_upgrade_works_every_open_mark_out(tmp_path):
    """0018_next_mark leaves every mark not known (NULL) and no basis stored: the first
    scan reads every open case once, then only what is due; a stored basis that differs
    from the settings' has every mark worked out again."""
    services, clock = make_services(tmp_path)
    add_user(services, "kf", "客服", Role.CS_CENTER)
    cases = [services.intake.register(SYSTEM_USER, intake(clock, phone=f"1381234567{i}"))
             for i in range(3)]
    ids, half = {c.id for c in cases}, clock.now() + timedelta(minutes=30)
    assert read_by_scan(services, clock.now()) == ids  # NULL: read
    services.alerts.scan()
    assert {stored_mark(services, i) for i in ids} == {half}
    assert read_by_scan(services, clock.now()) == set()
    with UnitOfWork(services.engine) as uow:  # marks from another basis
        uow.settings.put(MARKS_BASIS_KEY, "an older basis")
        uow.alerts.set_marks(dict.fromkeys(ids, NO_MARK))
        uow.commit()
    assert read_by_scan(services, clock.now()) == set()
    services.alerts.scan()
    assert {stored_mark(services, i) for i in ids} == {half}
    with UnitOfWork(services.engine) as uow:
        assert uow.alerts.forget_marks() == 3
        uow.commit()
    assert read_by_scan(services, clock.now()) == ids


def test_a_forwarding_is_read_only_when_its_next_milestone_mark_has_come(tmp_path):
    a_forwarding_is_read_only_when_its_next_milestone_mark_has_come(*make_services(tmp_path))
