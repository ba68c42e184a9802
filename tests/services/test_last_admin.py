"""The last active administrator can never be deactivated or lose the role (issue 13,
list 6): not by another admin, not by themselves; with a second admin it is allowed."""

from dataclasses import replace

import pytest

from complaintdesk.domain.records import Role
from complaintdesk.services.errors import ServiceError
from service_builders import add_user, make_services


@pytest.fixture
def services(tmp_path):
    services, _clock = make_services(tmp_path)
    yield services
    services.dispose()


def test_the_only_admin_cannot_deactivate_themselves_or_drop_the_role(services):
    admin = services.auth.create_first_admin("admin", "老王", "secret123")
    with pytest.raises(ServiceError) as err:
        services.people.save_user(admin, replace(admin, active=False))
    assert err.value.field == "active"
    assert err.value.message.startswith("您是唯一启用的系统管理员，不能停用")
    assert err.value.message.endswith("。")
    with pytest.raises(ServiceError) as err:
        services.people.save_user(admin, replace(admin, roles=frozenset({Role.GENERAL_MANAGER})))
    assert err.value.field == "roles" and "去掉系统管理员角色" in err.value.message
    stored = services.people.user(admin.id)
    assert stored is not None and stored.active and stored.has(Role.ADMIN)
    # other edits of the last admin still work
    renamed = services.people.save_user(admin, replace(admin, display_name="王经理"))
    assert renamed.display_name == "王经理"


def test_a_second_admin_makes_it_possible_and_inactive_admins_do_not_count(services):
    admin = services.auth.create_first_admin("admin", "老王", "secret123")
    second = add_user(services, "admin2", "小张", Role.ADMIN)
    services.people.save_user(admin, replace(second, active=False))  # two → one: refused next
    with pytest.raises(ServiceError) as err:
        services.people.save_user(admin, replace(admin, roles=frozenset({Role.GENERAL_MANAGER})))
    assert err.value.field == "roles"
    services.people.save_user(admin, replace(second, active=True))
    services.people.save_user(second, replace(admin, active=False))  # another admin remains
    assert not services.people.user(admin.id).active  # type: ignore[union-attr]
    with pytest.raises(ServiceError) as err:  # ... and now the second is the last one
        services.people.save_user(second, replace(second, active=False))
    assert err.value.message.startswith("您是唯一")
