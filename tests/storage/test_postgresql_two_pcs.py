"""Two PCs on one PostgreSQL server, as two processes (issue 16): both register the first
case of each new month at the same moment and act on the same open steps at once. Numbers
stay unique and gapless, each race has one winner and one "已被他人处理", no raw database
error ever reaches either PC, and the audit chain holds. Bounded in time."""

import multiprocessing
import queue
import threading
import time

from sqlalchemy import create_engine

from complaintdesk.domain.clock import FixedClock
from complaintdesk.domain.records import Role
from complaintdesk.services.base import SYSTEM_USER
from complaintdesk.services.container import open_services
from complaintdesk.services.maintenance import check_database
from complaintdesk.storage.database import DatabaseConfig
from complaintdesk.storage.repo_misc import Sequences
from pg_support import URL, requires_postgresql, wipe
from service_builders import T0, add_user, intake
from two_pcs import run_pc

pytestmark = requires_postgresql()

MONTHS = [(2027, m) for m in range(1, 9)]  # eight new months: eight first-number races
BURST = (2027, 9)
BURST_EACH = 12
RACES = 6


def test_two_processes_number_and_act_at_once_without_a_raw_error(tmp_path):
    wipe(URL)
    clock = FixedClock(T0)
    services = open_services(DatabaseConfig(URL), clock=clock, data_dir=tmp_path)
    users = [add_user(services, f"kf{i}", f"客服{i}", Role.CS_CENTER) for i in (1, 2)]
    cases = [services.intake.register(SYSTEM_USER, intake(clock)) for _ in range(RACES)]
    races = [(c.id, c.version) for c in cases]

    ctx = multiprocessing.get_context("spawn")  # clean processes: no forked Qt, no pool
    barrier = ctx.Barrier(2, timeout=90)
    results = ctx.Queue()
    pcs = [ctx.Process(target=run_pc, args=(URL, f"PC{i + 1}", MONTHS, BURST, BURST_EACH,
                                             races, users[i].id, barrier, results))
           for i in range(2)]
    started = time.monotonic()
    for p in pcs:
        p.start()
    try:
        got = [results.get(timeout=150) for _ in pcs]
    except queue.Empty:
        got = []
    for p in pcs:
        p.join(timeout=30)
        if p.is_alive():
            p.kill()
    elapsed = time.monotonic() - started
    assert len(got) == 2, "a PC did not finish in time"
    assert [e for r in got for e in r["errors"]] == []
    assert elapsed < 150

    numbers = sorted(n for r in got for n in r["numbers"])
    expected = sorted([f"FK-{y}{m:02d}-{i:04d}" for y, m in MONTHS for i in (1, 2)] +
                      [f"FK-{BURST[0]}{BURST[1]:02d}-{i:04d}" for i in range(1, 2 * BURST_EACH + 1)])
    assert numbers == expected  # unique, gapless, none lost
    by_case: dict[int, list[str]] = {}
    for r in got:
        for case_id, outcome in r["outcomes"]:
            by_case.setdefault(case_id, []).append(outcome)
    assert {k: sorted(v) for k, v in by_case.items()} == {
        c.id: ["conflict", "ok"] for c in cases}  # one winner per race
    for c in cases:
        after = services.cases.open_case(SYSTEM_USER, c.id).case
        assert after.current_step == "assign" and after.version == c.version + 1
    report = check_database(services.config)
    assert report.ok, report.lines
    services.dispose()


def test_the_first_number_of_a_month_is_atomic_even_without_the_writers_lock():
    """The upsert itself, on two bare connections (no writers' lock at BEGIN): the second
    waits for the first's row and gets 2 — the old UPDATE-then-INSERT raised
    IntegrityError (number_sequence_pkey) here. A rolled-back first gives its number back."""
    from sqlmodel import Session

    wipe(URL)
    open_services(DatabaseConfig(URL), clock=FixedClock(T0), auto_backup=False).dispose()
    bare = create_engine(URL)
    try:
        for first_commits, second_gets in ((True, 2), (False, 1)):
            period = "203001" if first_commits else "203002"
            first = Session(bare)
            assert Sequences(first).next("FK", period) == 1
            got: list[object] = []

            def second(period=period, got=got):
                with Session(bare) as s:
                    try:
                        got.append(Sequences(s).next("FK", period))
                        s.commit()
                    except Exception as exc:  # noqa: BLE001
                        got.append(exc)

            t = threading.Thread(target=second)
            t.start()
            t.join(1.0)
            assert t.is_alive()  # waiting on the first's row, not failing
            first.commit() if first_commits else first.rollback()
            first.close()
            t.join(30)
            assert got == [second_gets]
    finally:
        bare.dispose()


def test_a_pc_that_waits_too_long_for_another_gets_a_sentence_not_a_driver_error(
        tmp_path, monkeypatch):
    """Another PC holds the writers' lock past the wait's limit: the registration is not
    saved and the user reads "请稍后重试" — then, once it is free, it goes through."""
    from sqlalchemy import text

    from complaintdesk.services.errors import BusyError
    from complaintdesk.storage import database

    wipe(URL)
    clock = FixedClock(T0)
    services = open_services(DatabaseConfig(URL), clock=clock, data_dir=tmp_path)
    monkeypatch.setattr(database, "LOCK_WAIT", "300ms")
    other = create_engine(URL)
    conn = other.connect()
    try:
        conn.execute(text(f"SELECT pg_advisory_xact_lock({database.WRITER_LOCK})"))
        started = time.monotonic()
        try:
            services.intake.register(SYSTEM_USER, intake(clock))
            raise AssertionError("registered while another PC held the lock")
        except BusyError as exc:
            assert "请稍后重试" in exc.message and exc.message.endswith("。")
        assert time.monotonic() - started < 10
        conn.rollback()
        case = services.intake.register(SYSTEM_USER, intake(clock))
        assert case.number.endswith("-0001")  # the refused one took no number
    finally:
        conn.close()
        other.dispose()
        services.dispose()

