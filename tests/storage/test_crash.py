"""Crash safety (issue 16): a child registers and advances complaints in a loop on SQLite,
logging each committed transition after the call returns; it is SIGKILLed at random moments
(about 10 times, well under a minute in all) and restarted. Every logged transition must be
in the database, the case numbers gapless, and `check` must pass — the head file included."""

from __future__ import annotations

import os
import random
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from complaintdesk.domain.records import Role
from complaintdesk.services.container import open_services
from complaintdesk.services.maintenance import check_database
from complaintdesk.storage.database import DatabaseConfig
from service_builders import add_user

CHILD = Path(__file__).with_name("crash_child.py")
KILLS = 10


def _wait_for_lines(log: Path, more_than: int, timeout: float) -> int:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        n = log.read_text(encoding="utf-8").count("\n") if log.exists() else 0
        if n > more_than:
            return n
        time.sleep(0.02)
    return more_than


@pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="SIGKILL is POSIX only")
def test_sigkill_at_random_moments_loses_nothing_committed(tmp_path, capsys):
    db = tmp_path / "complaintdesk.sqlite3"
    services = open_services(DatabaseConfig.sqlite_file(db), data_dir=tmp_path, auto_backup=False)
    dept = next(d.id for d in services.people.departments() if d.name == "售后服务部")
    add_user(services, "kf", "朱红", Role.CS_CENTER)
    add_user(services, "sh", "陈静", Role.DEPT_HEAD, Role.SUPERVISOR, department_id=dept)
    services.dispose()
    log = tmp_path / "committed.log"
    rng = random.Random(16)
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(
        [str(Path(__file__).parents[1]), os.environ.get("PYTHONPATH", "")])}
    started = time.monotonic()
    kills = 0
    seen = 0
    while kills < KILLS:
        child = subprocess.Popen([sys.executable, str(CHILD), str(tmp_path), str(log)], env=env,
                                 stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        seen = _wait_for_lines(log, seen, timeout=20)  # it is running and committing
        time.sleep(rng.uniform(0.0, 0.6))  # then a random moment: mid-transaction or not
        child.send_signal(signal.SIGKILL)
        _out, err = child.communicate(timeout=20)
        assert child.returncode == -signal.SIGKILL, err.decode(errors="replace")[-2000:]
        kills += 1
    elapsed = time.monotonic() - started

    lines = log.read_text(encoding="utf-8").splitlines()
    assert len(lines) >= KILLS
    services = open_services(DatabaseConfig.sqlite_file(db), data_dir=tmp_path, auto_backup=False)
    try:
        from sqlalchemy import text

        with services.engine.connect() as conn:
            versions = dict(conn.execute(text("SELECT number, version FROM complaint_case")).all())
            acted = {(r[0], r[1]) for r in conn.execute(text(
                "SELECT entity_id, action FROM audit_log WHERE entity = 'case'")).all()}
        lost = []
        for line in lines:
            what, number, version = line.split()
            in_db = number in versions and versions[number] >= int(version) and (
                what == "register" or (number, f"action:{what}") in acted)
            if not in_db:
                lost.append(line)
        assert lost == []
        by_month: dict[str, list[int]] = {}
        for number in versions:
            prefix, seq = re.fullmatch(r"(\w+-\d{6})-(\d+)", number).groups()
            by_month.setdefault(prefix, []).append(int(seq))
        for seqs in by_month.values():
            assert sorted(seqs) == list(range(1, len(seqs) + 1))  # gapless
        report = check_database(services.config)
        assert report.ok, report.lines
    finally:
        services.dispose()
    with capsys.disabled():
        print(f"\ncrash test: {kills} kills, {len(lines)} logged transitions, "
              f"{len(versions)} cases, lost {len(lost)}, {elapsed:.1f} s")
    assert elapsed < 60
