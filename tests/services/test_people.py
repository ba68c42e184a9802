from datetime import timedelta

import pytest

from complaintdesk.domain.records import Role
from complaintdesk.services.errors import PermissionDenied, ServiceError
from service_builders import add_user, make_services


def test_a_delegation_ends_early_and_stays_in_history(tmp_path):
    services, clock = make_services(tmp_path)
    head = add_user(services, "sh", "经理", Role.DEPT_HEAD, department_id=2)
    deputy = add_user(services, "zg", "主管", Role.SUPERVISOR, department_id=2)
    cs = add_user(services, "kf", "客服", Role.CS_CENTER)
    did = services.people.add_delegation(head, head.id, deputy.id, clock.now(),
                                         clock.now() + timedelta(days=5), "出差")
    clock.advance(timedelta(days=1))
    with pytest.raises(PermissionDenied):
        services.people.end_delegation(cs, did)
    services.people.end_delegation(head, did)
    (d,) = services.people.delegations()
    assert d.end == clock.now()  # ended now, not deleted
    assert services.people.delegations(clock.now() + timedelta(hours=1)) == []


def test_an_ended_delegation_cannot_be_ended_again(tmp_path):
    services, clock = make_services(tmp_path)
    head = add_user(services, "sh", "经理", Role.DEPT_HEAD, department_id=2)
    deputy = add_user(services, "zg", "主管", Role.SUPERVISOR, department_id=2)
    did = services.people.add_delegation(head, head.id, deputy.id, clock.now(),
                                         clock.now() + timedelta(days=2))
    clock.advance(timedelta(days=3))  # ran out by itself
    with pytest.raises(ServiceError, match="已经结束"):
        services.people.end_delegation(head, did)
