"""Shared test builders: a services stack on a temp SQLite file with a movable clock."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from complaintdesk.domain.clock import FixedClock
from complaintdesk.domain.records import Intake, Role, User
from complaintdesk.services.base import SYSTEM_USER
from complaintdesk.services.container import Services, open_services
from complaintdesk.storage.database import DatabaseConfig

T0 = datetime(2026, 11, 10, 2, 0, tzinfo=UTC)  # 10:00 in Shanghai


def make_services(tmp_path: Path, start: datetime = T0) -> tuple[Services, FixedClock]:
    clock = FixedClock(start)
    services = open_services(DatabaseConfig.sqlite_file(tmp_path / "t.sqlite3"), clock=clock,
                             data_dir=tmp_path)
    return services, clock


def intake(clock: FixedClock, **kw: object) -> Intake:
    values: dict[str, object] = dict(
        customer_name="王小明", phone="13812345678", plate="京A12345",
        vin="1M8GDM9AXKP042788", description="保养后刹车异响", channel="电话",
        complained_at=clock.now() - timedelta(minutes=20),
    )
    values.update(kw)
    return Intake(**values)  # type: ignore[arg-type]


def add_user(services: Services, username: str, name: str, *roles: Role,
             department_id: int | None = None, employee_id: int | None = None) -> User:
    return services.people.save_user(
        SYSTEM_USER, User(None, username, name, frozenset(roles), department_id, employee_id),
        "demo123")


def upgrade_to(url: str, revision: str) -> None:
    """A database as an older app left it: the migrations up to `revision` only."""
    from alembic import command
    from alembic.config import Config

    from complaintdesk.storage.database import MIGRATIONS_DIR, make_engine

    engine = make_engine(DatabaseConfig(url))
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, revision)
    engine.dispose()
