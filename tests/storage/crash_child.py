"""The crash test's child (test_crash.py): registers complaints and advances them in a loop
on a SQLite file, logging each committed transition — after the call returned — to a file,
flushed and fsync'd, until it is killed."""

from __future__ import annotations

import os
import sys
from pathlib import Path

from complaintdesk.domain.records import Role, User
from complaintdesk.services.base import SYSTEM_USER
from complaintdesk.services.container import open_services
from complaintdesk.storage.database import DatabaseConfig


def main(data_dir: Path, log_path: Path) -> None:
    services = open_services(DatabaseConfig.sqlite_file(data_dir / "complaintdesk.sqlite3"),
                             data_dir=data_dir, auto_backup=False)
    users = {u.username: u for u in services.people.users()}
    cs: User = users["kf"]
    head: User = users["sh"]
    assert cs.has(Role.CS_CENTER) and head.department_id is not None
    from datetime import UTC, datetime, timedelta

    from complaintdesk.domain.records import Intake

    with open(log_path, "a", encoding="utf-8") as log:
        def logged(line: str) -> None:
            log.write(line + "\n")
            log.flush()
            os.fsync(log.fileno())

        while True:
            now = datetime.now(UTC)
            case = services.intake.register(SYSTEM_USER, Intake(
                customer_name="王小明", phone="13812345678", plate="京A12345",
                vin="1M8GDM9AXKP042788", description="保养后刹车异响", channel="电话",
                complained_at=now - timedelta(minutes=5)))
            logged(f"register {case.number} {case.version}")
            case = services.workflow.act(cs, case.id, "forward", {
                "category": "维修质量", "severity": "normal",
                "department_id": head.department_id})
            logged(f"forward {case.number} {case.version}")
            case = services.workflow.act(head, case.id, "assign", {
                "supervisor_user_id": head.id})
            logged(f"assign {case.number} {case.version}")


if __name__ == "__main__":
    main(Path(sys.argv[1]), Path(sys.argv[2]))
