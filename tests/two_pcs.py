"""One "PC" of the two-process PostgreSQL test (tests/storage/test_postgresql_two_pcs.py):
a process of its own with its own services and connections. Module level, so that a
spawned process can import it."""

from __future__ import annotations

import traceback
from datetime import UTC, datetime
from typing import Any


def month_start(year: int, month: int) -> datetime:
    return datetime(year, month, 1, 2, 0, tzinfo=UTC)  # 10:00 in Shanghai, the 1st


def run_pc(url: str, name: str, months: list[tuple[int, int]], burst: tuple[int, int],
           burst_count: int, races: list[tuple[int, int]], user_id: int, barrier: Any,
           results: Any) -> None:
    """Register the first case of each new month at the same moment as the other PC (the
    barrier), then act on the same open steps at once, then register a burst; report
    every number, every outcome and every error that is not "已被他人处理"."""
    out: dict[str, Any] = {"name": name, "numbers": [], "outcomes": [], "errors": []}
    try:
        from complaintdesk.domain.clock import FixedClock
        from complaintdesk.services.base import SYSTEM_USER
        from complaintdesk.services.container import open_services
        from complaintdesk.services.errors import BusyError, ConflictError
        from complaintdesk.storage.database import DatabaseConfig
        from service_builders import intake

        clock = FixedClock(month_start(*months[0]))
        services = open_services(DatabaseConfig(url), clock=clock, data_dir=None,
                                 auto_backup=False)
        user = services.people.user(user_id)

        def attempt(what: str, call: Any) -> Any:
            try:
                return call()
            except BusyError as exc:  # a plain sentence, but not "the other one won"
                out["errors"].append(f"{what}: busy: {exc.message}")
            except ConflictError:
                return "conflict"
            except Exception as exc:  # noqa: BLE001 - a raw error: the test fails on it
                out["errors"].append(f"{what}: {type(exc).__name__}: {exc}")
            return None

        for ym in months:
            clock.set(month_start(*ym))
            barrier.wait()
            case = attempt(f"register {ym}", lambda: services.intake.register(
                SYSTEM_USER, intake(clock)))
            if case is not None:
                out["numbers"].append(case.number)
        clock.set(month_start(*burst))
        for case_id, version in races:
            barrier.wait()
            got = attempt(f"forward {case_id}", lambda c=case_id, v=version: services.workflow.act(
                user, c, "forward", {"category": "维修质量", "severity": "normal",
                                     "department_id": 2}, expected_version=v))
            out["outcomes"].append((case_id, "conflict" if got == "conflict" else
                                    "ok" if got is not None else "error"))
        barrier.wait()
        for i in range(burst_count):
            case = attempt(f"burst {i}", lambda: services.intake.register(
                SYSTEM_USER, intake(clock)))
            if case is not None:
                out["numbers"].append(case.number)
        services.dispose()
    except BaseException:  # noqa: BLE001 - reported to the test, which fails on it
        out["errors"].append(traceback.format_exc())
    results.put(out)
