"""The password checked while the person is still at the login (issue 13, faster to the
first list): a precheck has no side effect, and its ticket spares `login` the costly hash
for exactly that name and password, once."""

from __future__ import annotations

from pathlib import Path

import pytest

from complaintdesk.domain.records import Role
from complaintdesk.services import auth as auth_module
from complaintdesk.services.errors import ServiceError
from service_builders import add_user, make_services


@pytest.fixture
def services(tmp_path: Path):
    services, _clock = make_services(tmp_path)
    add_user(services, "kefu", "客服", Role.CS_CENTER)  # password demo123
    yield services
    services.dispose()


class CountingHasher:
    def __init__(self) -> None:
        self.real = auth_module._hasher
        self.calls = 0

    def verify(self, stored: str, password: str) -> bool:
        self.calls += 1
        return self.real.verify(stored, password)


def test_a_ticket_spares_the_hash_once_for_that_password(services, monkeypatch) -> None:
    ticket = services.auth.precheck("kefu", "demo123")
    assert ticket is not None
    counting = CountingHasher()
    monkeypatch.setattr(auth_module, "_hasher", counting)
    user = services.auth.login("kefu", "demo123", ticket=ticket)
    assert user.username == "kefu" and counting.calls == 0
    services.auth.login("kefu", "demo123", ticket=ticket)  # used up: checked again
    assert counting.calls == 1


def test_a_ticket_does_not_open_another_password_or_user(services) -> None:
    add_user(services, "kefu2", "客服二", Role.CS_CENTER)
    ticket = services.auth.precheck("kefu", "demo123")
    with pytest.raises(ServiceError):
        services.auth.login("kefu", "wrong-one", ticket=ticket)
    ticket = services.auth.precheck("kefu", "demo123")
    with pytest.raises(ServiceError):
        services.auth.login("kefu2", "wrong-one", ticket=ticket)


def test_a_wrong_precheck_says_nothing_and_counts_no_attempt(services) -> None:
    for _ in range(8):  # more than the 5 attempts that lock an account
        assert services.auth.precheck("kefu", "wrong-one") is None
    assert services.auth.precheck("nobody", "demo123") is None
    assert services.auth.login("kefu", "demo123").username == "kefu"  # not locked


def test_a_forged_ticket_is_refused(services) -> None:
    real = services.auth.precheck("kefu", "demo123")
    assert real is not None
    forged = auth_module.LoginTicket(real.user_id, real.digest, real.password_hash,
                                     real.issued.replace(microsecond=1))
    with pytest.raises(ServiceError):  # not one of the service's own: the hash decides
        services.auth.login("kefu", "not-the-password", ticket=forged)
