"""Two PCs (here: two engines on one SQLite file, in two threads) registering and acting at
the same time: no "database is locked" failures, numbers stay gapless and unique, and no
action is lost or applied twice."""

import threading
from datetime import timedelta

from complaintdesk.domain.clock import FixedClock
from complaintdesk.domain.records import Role
from complaintdesk.services.base import SYSTEM_USER
from complaintdesk.services.container import open_services
from complaintdesk.services.errors import ConflictError
from service_builders import T0, add_user, intake, make_services


def test_two_desks_registering_at_once_get_gapless_unique_numbers(tmp_path):
    first, clock = make_services(tmp_path)
    second = open_services(first.config, clock=clock, data_dir=tmp_path, auto_backup=False)
    numbers: list[str] = []
    errors: list[BaseException] = []
    lock = threading.Lock()

    def desk(services, n):
        for _ in range(n):
            try:
                case = services.intake.register(SYSTEM_USER, intake(clock))
                with lock:
                    numbers.append(case.number)
            except BaseException as exc:  # noqa: BLE001 - collected and asserted below
                errors.append(exc)

    threads = [threading.Thread(target=desk, args=(s, 40)) for s in (first, second)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert sorted(numbers) == [f"FK-202611-{i:04d}" for i in range(1, 81)]
    second.dispose()


def test_two_people_on_the_same_step_from_two_pcs_one_wins(tmp_path):
    first, clock = make_services(tmp_path, T0)
    second = open_services(first.config, clock=FixedClock(T0 + timedelta(minutes=1)),
                           data_dir=tmp_path, auto_backup=False)
    cs1 = add_user(first, "kf1", "客服一", Role.CS_CENTER)
    cs2 = add_user(first, "kf2", "客服二", Role.CS_CENTER)
    case = first.intake.register(SYSTEM_USER, intake(clock))
    results: list[str] = []

    def act(services, user, dept):
        try:
            services.workflow.act(user, case.id, "forward", {
                "category": "维修质量", "severity": "normal", "department_id": dept},
                expected_version=case.version)
            results.append("ok")
        except ConflictError:
            results.append("conflict")

    threads = [threading.Thread(target=act, args=(first, cs1, 1)),
               threading.Thread(target=act, args=(second, cs2, 2))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(results) == ["conflict", "ok"]
    after = first.cases.open_case(SYSTEM_USER, case.id).case
    assert after.current_step == "assign" and len(after.steps) == 3  # applied exactly once
    second.dispose()
