from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import text

from complaintdesk.services.base import SYSTEM_USER
from complaintdesk.services.errors import ServiceError
from complaintdesk.storage.database import HEAD_REVISION, current_revision
from service_builders import intake, make_services


def test_numbers_are_gapless_per_month_and_restart_next_month(tmp_path):
    services, clock = make_services(tmp_path, datetime(2026, 11, 30, 10, 0, tzinfo=UTC))
    numbers = [services.intake.register(SYSTEM_USER, intake(clock)).number for _ in range(3)]
    assert numbers == ["FK-202611-0001", "FK-202611-0002", "FK-202611-0003"]
    # 2026-11-30 16:30 UTC is already 1 December in Shanghai
    clock.set(datetime(2026, 11, 30, 16, 30, tzinfo=UTC))
    assert services.intake.register(SYSTEM_USER, intake(clock)).number == "FK-202612-0001"


def test_a_refused_registration_does_not_use_up_a_number(tmp_path):
    services, clock = make_services(tmp_path)
    services.intake.register(SYSTEM_USER, intake(clock))
    with pytest.raises(ServiceError):
        services.intake.register(SYSTEM_USER, intake(clock, phone="12345"))
    assert services.intake.register(SYSTEM_USER, intake(clock)).number.endswith("-0002")


def test_case_round_trip_keeps_every_intake_field_and_attachment(tmp_path):
    from complaintdesk.services.intake import NewAttachment

    services, clock = make_services(tmp_path)
    src = intake(clock, landline="010-68880061", vehicle_model="途观L", location="维修车间",
                 persons_involved="服务顾问", demand="退还费用", mood="激动", received_by="赵磊")
    case = services.intake.register(
        SYSTEM_USER, src, attachments=[NewAttachment("照片.jpg", "image/jpeg", b"\xff\xd8data")])
    view = services.cases.open_case(SYSTEM_USER, case.id)
    got = view.case.intake
    for field in ("customer_name", "phone", "landline", "vehicle_model", "plate", "vin",
                  "channel", "location", "description", "persons_involved", "demand", "mood",
                  "received_by", "complained_at"):
        assert getattr(got, field) == getattr(src, field), field
    assert [a.filename for a in view.case.attachments] == ["照片.jpg"]
    data = services.cases.attachment(SYSTEM_USER, view.case.attachments[0].id)
    assert data.data == b"\xff\xd8data"
    assert [s.step_key for s in view.case.steps] == ["register", "forward"]


@pytest.mark.real_migrations
def test_schema_is_created_by_the_migration_and_matches_the_tables(tmp_path):
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext
    from sqlmodel import SQLModel

    services, _ = make_services(tmp_path)
    assert current_revision(services.engine) == HEAD_REVISION
    with services.engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), SQLModel.metadata)
        assert diff == []
        assert conn.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert conn.execute(text("PRAGMA foreign_keys")).scalar() == 1


def test_repeat_complaint_within_90_days_is_linked(tmp_path):
    services, clock = make_services(tmp_path)
    first = services.intake.register(SYSTEM_USER, intake(clock))
    clock.advance(timedelta(days=89))
    assert [h.number for h in services.intake.find_repeats("13812345678", "")] == [first.number]
    second = services.intake.register(SYSTEM_USER, intake(clock))
    assert second.repeat_of_id == first.id
    clock.advance(timedelta(days=91))
    third = services.intake.register(SYSTEM_USER, intake(clock, phone="13900001111",
                                                         vin="", plate=""))
    assert third.repeat_of_id is None


def test_automatic_backup_at_start_then_only_when_a_day_old(tmp_path):
    import os

    from complaintdesk.storage.backup import backup_if_due, list_backups

    services, clock = make_services(tmp_path)  # an empty database is not backed up
    assert not list((tmp_path / "backups").glob("*-auto.sqlite3"))
    services.intake.register(SYSTEM_USER, intake(clock))
    services.dispose()
    services, clock = make_services(tmp_path)  # opening it backs it up once…
    services.dispose()
    services, clock = make_services(tmp_path)  # …and not again the same day
    services.intake.register(SYSTEM_USER, intake(clock))
    db, backups = services.config.sqlite_path, tmp_path / "backups"
    made = sorted(backups.glob("*-auto.sqlite3"))
    assert len(made) == 1
    now = datetime.now(UTC)
    assert backup_if_due(db, backups, now + timedelta(hours=1)) is None
    os.utime(made[0], ((now - timedelta(hours=25)).timestamp(),) * 2)  # a day old
    assert backup_if_due(db, backups, now) is not None
    infos = list_backups(backups)
    assert len(infos) == 2 and all(i.ok for i in infos)
    assert sorted(i.cases for i in infos) == [1, 2]  # what each backup holds


def test_bulk_loader_gives_the_same_cases_as_one_by_one(tmp_path):
    from complaintdesk.services.demo import seed_demo
    from complaintdesk.storage.uow import UnitOfWork

    services, _ = make_services(tmp_path)
    seed_demo(services, cases=60, seed=3)
    with UnitOfWork(services.engine, readonly=True) as uow:
        bulk = uow.cases.load_period(None, None, flow=None, batch=7)  # several batches, all flows
        assert len(bulk) == 60
        for case in bulk:
            one = uow.cases.get(case.id)
            one.attachments = []
            assert case == one


def test_an_older_database_is_backed_up_then_migrated_keeping_its_cases(tmp_path):
    from alembic import command
    from alembic.config import Config

    from complaintdesk.storage.database import MIGRATIONS_DIR, DatabaseConfig, make_engine

    services, clock = make_services(tmp_path)
    services.intake.register(SYSTEM_USER, intake(clock))
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    with services.engine.begin() as conn:  # as if the file came from the previous release
        cfg.attributes["connection"] = conn
        command.downgrade(cfg, "0001")
    services.dispose()
    engine = make_engine(DatabaseConfig.sqlite_file(tmp_path / "t.sqlite3"))
    assert current_revision(engine) == "0001"
    engine.dispose()
    services, clock = make_services(tmp_path)
    assert current_revision(services.engine) == HEAD_REVISION
    assert services.cases.total() == 1
    assert list((tmp_path / "backups").glob("*-premigrate.sqlite3"))
