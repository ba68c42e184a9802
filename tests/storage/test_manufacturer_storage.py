"""厂家转办 storage (migration 0017_manufacturer) on SQLite and PostgreSQL: the forwarding
and its milestones' deadlines come back as stored (aware UTC), a reference is found
whatever its case, replies in order, the unanswered query, a month's forwardings, the
reminders settled; and a database of the previous schema migrates with its cases kept."""

from datetime import timedelta

import pytest
from sqlalchemy import inspect

from complaintdesk.domain.alerts import AlertKind, NewAlert
from complaintdesk.domain.clock import FixedClock
from complaintdesk.domain.manufacturer import MILESTONE_KEYS, ForwardInput, ManufacturerReply
from complaintdesk.domain.records import Role
from complaintdesk.services.base import SYSTEM_USER
from complaintdesk.services.container import open_services
from complaintdesk.storage.database import HEAD_REVISION, DatabaseConfig
from complaintdesk.storage.uow import UnitOfWork
from pg_support import URL, skip_or_fail_without_server, wipe
from service_builders import T0, add_user, intake


@pytest.fixture(params=["sqlite", "postgresql"])
def world(request, tmp_path):
    if request.param == "postgresql":
        skip_or_fail_without_server()
        wipe(URL)
        config = DatabaseConfig(URL)
    else:
        config = DatabaseConfig.sqlite_file(tmp_path / "t.sqlite3")
    clock = FixedClock(T0)
    services = open_services(config, clock=clock, data_dir=tmp_path)
    yield services, clock
    services.dispose()


def test_forwardings_and_replies_round_trip(world):
    services, clock = world
    now = clock.now()
    a = services.intake.register(SYSTEM_USER, intake(clock), manufacturer=ForwardInput(
        "一汽-大众", "FAW-Ab1", now - timedelta(hours=3)))
    b = services.intake.register(SYSTEM_USER, intake(clock, phone="13900001111", vin=""),
                                 manufacturer=ForwardInput("上汽大众", "SVW-1", now))
    plain = services.intake.register(SYSTEM_USER, intake(clock, phone="13900002222", vin=""))
    cs = add_user(services, "kf", "客服", Role.CS_CENTER)
    with UnitOfWork(services.engine) as uow:
        f = uow.manufacturer.forward(a.id)
        assert f.forwarded_at == now - timedelta(hours=3) and f.forwarded_at.tzinfo is not None
        assert [m.key for m in f.milestones] == list(MILESTONE_KEYS)
        assert f.milestones[0].due == now + timedelta(hours=21)
        assert f.milestones[1].rule_text == "3个工作日"
        assert uow.manufacturer.forward(plain.id) is None
        assert uow.manufacturer.by_reference("一汽-大众", "faw-ab1") == a.id
        assert uow.manufacturer.by_reference("上汽大众", "FAW-Ab1") is None
        for i, key in enumerate(("plan", "first_contact", "first_contact")):
            uow.manufacturer.add_reply(ManufacturerReply(
                None, a.id, now + timedelta(minutes=10 - i), f"r{i}", None, key, now))
        for key in MILESTONE_KEYS:
            uow.manufacturer.add_reply(ManufacturerReply(None, b.id, now, key, None, key, now))
        uow.alerts.add_many([NewAlert(cs.id, AlertKind.DEADLINE, "x", f"case:{a.id}",
                                      f"mfr:{a.id}:plan:deadline", now)], now)
        uow.commit()
    with UnitOfWork(services.engine) as uow:
        replies = uow.manufacturer.replies([a.id, b.id, plain.id])
        assert [r.text for r in replies[a.id]] == ["r2", "r1", "r0"]  # by time
        assert replies[plain.id] == []
        # b answered every milestone; a has no result yet
        assert [fc.number for fc in uow.manufacturer.unanswered()] == [a.number]
        month = uow.manufacturer.forwarded_between(now - timedelta(days=1), now + timedelta(1))
        assert [fc.forward.reference for fc in month] == ["FAW-Ab1", "SVW-1"]
        assert [fc.forward.brand for fc in uow.manufacturer.forwarded_between(
            now - timedelta(days=1), now + timedelta(1), "上汽大众")] == ["上汽大众"]
        assert uow.manufacturer.settle_alerts(a.id, "plan", now) == 1
        assert uow.manufacturer.channel_cases_without_forward("电话", "complaint")[0][0] \
            == plain.id
        uow.commit()


def test_a_database_of_the_previous_schema_migrates_and_keeps_its_cases(tmp_path):
    path = tmp_path / "old.sqlite3"
    config = DatabaseConfig.sqlite_file(path)
    clock = FixedClock(T0)
    services = open_services(config, clock=clock, data_dir=tmp_path)
    case = services.intake.register(SYSTEM_USER, intake(clock, channel="厂家转办"))
    services.dispose()
    from alembic.config import Config
    from alembic.script import ScriptDirectory
    from sqlalchemy import create_engine, text

    from complaintdesk.storage.database import MIGRATIONS_DIR

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    before = ScriptDirectory.from_config(cfg).get_revision("0017_manufacturer").down_revision
    engine = create_engine(config.url)
    with engine.begin() as conn:  # back to the schema before this migration
        conn.execute(text("DROP INDEX ix_case_next_mark"))  # and the later 0018_next_mark
        conn.execute(text("ALTER TABLE complaint_case DROP COLUMN next_mark_at"))
        conn.execute(text("DROP TABLE manufacturer_reply"))
        conn.execute(text("DROP TABLE manufacturer_forward"))
        conn.execute(text(f"UPDATE alembic_version SET version_num = '{before}'"))
    engine.dispose()
    services = open_services(config, clock=clock, data_dir=tmp_path)
    try:
        tables = inspect(services.engine).get_table_names()
        assert {"manufacturer_forward", "manufacturer_reply"} <= set(tables)
        with UnitOfWork(services.engine) as uow:
            from complaintdesk.storage.database import current_revision

            assert current_revision(services.engine) == HEAD_REVISION
            kept = uow.cases.get(case.id)
            # registered on the channel 厂家转办 before: kept, no brand or reference invented
            assert kept.intake.channel == "厂家转办"
            assert uow.manufacturer.forward(case.id) is None
    finally:
        services.dispose()
