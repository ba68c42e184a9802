"""Migration 0007_flow_rules: a rule table the administrator saved before rules per flow kind
existed gets the internal and rework rows; its own rows stay as they were."""

from __future__ import annotations

from alembic import command
from alembic.config import Config

from complaintdesk.domain.rules import default_rules_raw
from complaintdesk.services.base import SYSTEM_USER
from complaintdesk.storage.database import HEAD_REVISION, MIGRATIONS_DIR, current_revision
from complaintdesk.storage.uow import UnitOfWork
from service_builders import make_services


def _before_it(services) -> None:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    with services.engine.begin() as conn:  # as if the file came from the previous release
        cfg.attributes["connection"] = conn
        command.downgrade(cfg, "0006_policy_flow")


def test_a_saved_customer_rule_table_gets_the_internal_and_rework_rows(tmp_path):
    services, _ = make_services(tmp_path)
    customer = [r for r in default_rules_raw() if "flow" not in r]
    customer[0] = dict(customer[0], clause="本店修改：一般投诉·主要责任：罚款120元")
    services.accountability.save_rules(SYSTEM_USER, customer)
    _before_it(services)
    services.dispose()
    services, _ = make_services(tmp_path)
    try:
        assert current_revision(services.engine) == HEAD_REVISION
        rules = services.accountability.rules()
        assert rules[:len(customer)] == customer  # the administrator's rows untouched
        added = [r["id"] for r in rules[len(customer):]]
        assert "R-internal-main" in added and "R-rework-main" in added
        assert "R-internal-department" in added
        assert all(r["flow"] in ("internal", "rework") for r in rules[len(customer):])
    finally:
        services.dispose()


def test_a_table_that_already_has_internal_rows_is_left_alone(tmp_path):
    services, _ = make_services(tmp_path)
    mine = [r for r in default_rules_raw() if r.get("flow") != "rework"]
    mine = [dict(r, clause="本店：" + r["clause"]) if r.get("flow") == "internal" else r
            for r in mine]
    services.accountability.save_rules(SYSTEM_USER, mine)
    _before_it(services)
    services.dispose()
    services, _ = make_services(tmp_path)
    try:
        rules = services.accountability.rules()
        internal = [r for r in rules if r.get("flow") == "internal"]
        assert internal and all(r["clause"].startswith("本店：") for r in internal)
        assert len(internal) == len([r for r in mine if r.get("flow") == "internal"])
        assert any(r.get("flow") == "rework" for r in rules)  # the missing table added
    finally:
        services.dispose()


def test_a_database_that_never_saved_the_table_keeps_reading_the_defaults(tmp_path):
    services, _ = make_services(tmp_path)
    _before_it(services)
    services.dispose()
    services, _ = make_services(tmp_path)
    try:
        with UnitOfWork(services.engine, readonly=True) as uow:
            assert uow.settings.get("rules") is None
        assert services.accountability.rules() == default_rules_raw()
    finally:
        services.dispose()
