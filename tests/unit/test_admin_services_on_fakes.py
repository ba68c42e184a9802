"""Settings, people and drafts as use cases, on the in-memory unit of work (tests/fakes.py):
what they store, the Chinese message naming the field, and that a refusal commits nothing."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from complaintdesk.domain.clock import FixedClock
from complaintdesk.domain.records import CATEGORIES, Department, Role, User
from complaintdesk.domain.rules import default_rules_raw
from complaintdesk.services.accountability import AccountabilityService, RulesInvalid
from complaintdesk.services.drafts import DraftService
from complaintdesk.services.errors import PermissionDenied, ServiceError
from complaintdesk.services.people import PeopleService
from complaintdesk.services.settings import SettingsService
from fakes import FakeDatabase, service

NOW = datetime(2026, 11, 18, 2, 0, tzinfo=UTC)  # Wednesday 10:00 in Shanghai
ADMIN = User(1, "admin", "管理员", frozenset({Role.ADMIN}))
CLERK = User(2, "jd", "接待小李", frozenset({Role.RECEPTION}))


@pytest.fixture
def db() -> FakeDatabase:
    d = FakeDatabase()
    d.add(ADMIN, CLERK, Department(None, "售后服务部", "SH"), Department(None, "销售部", "XS"))
    return d


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(NOW)


def _refused(exc: ServiceError, field: str, *words: str) -> None:
    assert exc.field == field
    assert exc.message.endswith("。")
    for w in words:
        assert w in exc.message


# ---- settings ----------------------------------------------------------------------
def test_saving_the_categories_keeps_a_removed_default_out_and_audits_it(db, clock) -> None:
    settings = service(SettingsService, db, clock)
    kept = [c for c in CATEGORIES if c != "物流"]
    saved = settings.put_categories(ADMIN, [f" {kept[0]} ", *kept, "试驾"])
    assert saved == [*kept, "试驾"]  # trimmed, the duplicate dropped, order kept
    assert db.commits == 1
    assert db.data.settings["categories_removed"] == ["物流"]
    assert settings.categories() == [*kept, "试驾"]
    [entry] = db.audit
    assert entry["action"] == "setting" and entry["entity_id"] == "categories"
    assert entry["before"] == list(CATEGORIES) and entry["after"] == saved


def test_a_category_with_a_control_character_is_refused_by_name_and_nothing_stored(
        db, clock) -> None:
    settings = service(SettingsService, db, clock)
    with pytest.raises(ServiceError) as exc:
        settings.put_categories(ADMIN, ["售后", "物\x00流"])
    _refused(exc.value, "categories", "投诉类别", "控制字符")
    assert db.commits == 0 and "categories" not in db.data.settings and db.audit == []


def test_an_empty_category_list_is_refused(db, clock) -> None:
    with pytest.raises(ServiceError) as exc:
        service(SettingsService, db, clock).put_categories(ADMIN, [])
    _refused(exc.value, "categories", "至少保留一项")
    assert db.commits == 0


def test_only_the_administrator_edits_the_categories_and_no_transaction_opens(
        db, clock) -> None:
    with pytest.raises(PermissionDenied) as exc:
        service(SettingsService, db, clock).put_categories(CLERK, ["售后"])
    assert "系统管理员" in exc.value.message
    assert db.opened == [] and db.commits == 0


def test_the_dealership_name_and_logo_are_both_named_when_wrong(db, clock, tmp_path) -> None:
    settings = service(SettingsService, db, clock)
    with pytest.raises(ServiceError) as exc:
        settings.set_dealership(ADMIN, "  ", str(tmp_path / "logo.gif"))
    assert set(exc.value.fields) == {"dealership_name", "logo_path"}
    assert exc.value.field == "dealership_name"
    assert exc.value.fields["dealership_name"] == "请填写单位名称。"
    assert "PNG 或 JPG" in exc.value.fields["logo_path"]
    with pytest.raises(ServiceError) as exc:
        settings.set_dealership(ADMIN, "星" * 41)
    _refused(exc.value, "dealership_name", "最多 40 个字")
    assert db.commits == 0


def test_only_a_changed_setting_is_written_and_audited(db, clock) -> None:
    settings = service(SettingsService, db, clock)
    settings.set_dealership(ADMIN, " 宏达汽车 ")
    assert settings.get("dealership_name") == "宏达汽车"
    assert [e["entity_id"] for e in db.audit] == ["dealership_name"]  # the logo stayed ""
    settings.set_dealership(ADMIN, "宏达汽车")
    assert len(db.audit) == 1 and db.commits == 2


# ---- people -------------------------------------------------------------------------
def test_a_second_department_of_the_same_name_is_refused(db, clock) -> None:
    people = service(PeopleService, db, clock)
    with pytest.raises(ServiceError) as exc:
        people.save_department(ADMIN, Department(None, " 销售部 "))
    _refused(exc.value, "name", "部门“ 销售部 ”已存在")
    assert db.commits == 0 and len(db.data.departments) == 2
    dep = people.save_department(ADMIN, Department(None, " 市场部 ", "SC"))
    assert dep.id is not None and db.data.departments[dep.id].name == "市场部"
    assert db.audit[-1]["action"] == "save_department"


def test_a_department_head_must_belong_to_a_department(db, clock) -> None:
    people = service(PeopleService, db, clock)
    with pytest.raises(ServiceError) as exc:
        people.save_user(ADMIN, User(None, "zs", "张三", frozenset({Role.DEPT_HEAD})),
                         "secret123")
    _refused(exc.value, "department", "部门负责人")
    with pytest.raises(ServiceError) as exc:
        people.save_user(ADMIN, User(None, "ls", "李四", frozenset({Role.RECEPTION})))
    _refused(exc.value, "password", "初始密码")
    assert db.opened == [] and db.commits == 0  # refused before any transaction


def test_a_taken_login_name_is_refused_inside_the_transaction_without_commit(
        db, clock) -> None:
    people = service(PeopleService, db, clock)
    with pytest.raises(ServiceError) as exc:
        people.save_user(ADMIN, User(None, "jd", "另一个", frozenset({Role.RECEPTION})),
                         "secret123")
    _refused(exc.value, "username", "登录名“jd”已被使用")
    assert len(db.opened) == 1 and not db.opened[0].committed
    assert sorted(db.data.users) == [1, 2]


def test_the_last_administrator_cannot_switch_himself_off(db, clock) -> None:
    people = service(PeopleService, db, clock)
    off = User(ADMIN.id, ADMIN.username, ADMIN.display_name, ADMIN.roles, active=False)
    with pytest.raises(ServiceError) as exc:
        people.save_user(ADMIN, off)
    _refused(exc.value, "active", "您是唯一启用的系统管理员", "停用这个账号")
    assert db.data.users[1].active and db.commits == 0
    # with a second administrator it is allowed
    second = people.save_user(ADMIN, User(None, "admin2", "副管理员", frozenset({Role.ADMIN})),
                              "secret123")
    assert second.id is not None and db.data.password_hashes[second.id].startswith("$argon2")
    people.save_user(ADMIN, off)
    assert not db.data.users[1].active and db.commits == 2


def test_a_delegation_needs_an_end_after_its_start_and_another_person(db, clock) -> None:
    people = service(PeopleService, db, clock)
    with pytest.raises(ServiceError) as exc:
        people.add_delegation(CLERK, 2, 1, NOW, NOW)
    _refused(exc.value, "end", "结束时间必须晚于开始时间")
    with pytest.raises(ServiceError) as exc:
        people.add_delegation(CLERK, 2, 2, NOW, NOW + timedelta(days=1))
    _refused(exc.value, "delegate", "不能指定自己")
    with pytest.raises(PermissionDenied):
        people.add_delegation(CLERK, 1, 2, NOW, NOW + timedelta(days=1))  # for someone else
    assert db.commits == 0


def test_ending_a_delegation_early_ends_it_now_and_only_once(db, clock) -> None:
    people = service(PeopleService, db, clock)
    did = people.add_delegation(CLERK, 2, 1, NOW - timedelta(days=1), NOW + timedelta(days=2),
                                "年假")
    assert [d.id for d in people.delegations(NOW)] == [did]
    clock.advance(timedelta(hours=3))
    people.end_delegation(CLERK, did)
    assert db.data.delegations[did].end == NOW + timedelta(hours=3)
    assert people.delegations(clock.now()) == []
    with pytest.raises(ServiceError) as exc:
        people.end_delegation(CLERK, did)
    assert exc.value.message == "该代理已经结束。"
    assert db.commits == 2 and [e["action"] for e in db.audit] == ["add_delegation",
                                                                   "end_delegation"]


# ---- drafts -------------------------------------------------------------------------
def test_a_draft_is_kept_per_user_and_form_until_dropped(db, clock) -> None:
    drafts = service(DraftService, db, clock)
    drafts.put(CLERK, "intake", {"customer_name": "王芳"})
    drafts.put(ADMIN, "intake", {"customer_name": "别人的"})
    assert drafts.get(CLERK, "intake") == {"customer_name": "王芳"}
    assert drafts.get(CLERK, "revisit") is None
    drafts.drop(CLERK, "intake")
    assert drafts.get(CLERK, "intake") is None
    assert drafts.get(ADMIN, "intake") == {"customer_name": "别人的"}
    assert db.audit == []  # nothing is decided by a draft


def test_the_command_line_keeps_no_draft(db, clock) -> None:
    drafts = service(DraftService, db, clock)
    system = User(None, "system", "命令行", frozenset(Role))
    drafts.put(system, "intake", {"x": 1})
    assert drafts.get(system, "intake") is None
    assert db.opened == []


# ---- the rule table -----------------------------------------------------------------
def test_an_invalid_rule_table_is_refused_with_its_first_bad_row(db, clock) -> None:
    acc = service(AccountabilityService, db, clock)
    raw = default_rules_raw()
    raw[3] = dict(raw[3], id="")
    raw[5] = dict(raw[5], severity="huge")
    with pytest.raises(RulesInvalid) as exc:
        acc.save_rules(ADMIN, raw)
    assert exc.value.row == 3 and exc.value.field == "rules"
    assert [(p.row, p.field) for p in exc.value.problems] == [(3, "id"), (5, "severity")]
    assert exc.value.messages[0].startswith("第4行：规则编号不能为空")
    assert exc.value.message.endswith("。") and db.opened == []
    raw[3], raw[5] = default_rules_raw()[3], default_rules_raw()[5]
    acc.save_rules(ADMIN, raw)
    assert db.data.settings["rules"] == raw and db.audit[-1]["action"] == "save_rules"
