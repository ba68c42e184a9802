"""Logging in and the first administrator as use cases on the in-memory unit of work
(tests/fakes.py): AuthService takes the `uow_factory` every service takes. What a refused
login counts and commits, the lock after five wrong passwords, and the password rule."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from complaintdesk.domain.clock import FixedClock
from complaintdesk.domain.records import Role, User
from complaintdesk.services.auth import (
    LOCK_TIME,
    MAX_ATTEMPTS,
    WRONG_LOGIN,
    AuthService,
    hash_password,
)
from complaintdesk.services.errors import ServiceError
from fakes import FakeDatabase, service

NOW = datetime(2026, 11, 18, 2, 0, tzinfo=UTC)
CLERK = User(1, "jd", "接待小李", frozenset({Role.RECEPTION}))


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(NOW)


@pytest.fixture
def db() -> FakeDatabase:
    d = FakeDatabase()
    d.add(CLERK)
    d.data.password_hashes[1] = hash_password("right-one")
    return d


def _refused(auth: AuthService, username: str, password: str) -> ServiceError:
    with pytest.raises(ServiceError) as exc:
        auth.login(username, password)
    assert exc.value.field == "password" and exc.value.message.endswith("。")
    return exc.value


def test_wrong_passwords_are_counted_and_the_fifth_locks_the_account(db, clock) -> None:
    auth = service(AuthService, db, clock)
    for n in range(1, MAX_ATTEMPTS):
        assert _refused(auth, "jd", "wrong").message == WRONG_LOGIN
        assert db.data.login_states[1] == (n, None)  # counted, and committed
    locked = _refused(auth, "jd", "wrong")
    assert "已锁定" in locked.message and "15 分钟" in locked.message
    assert db.data.login_states[1] == (0, NOW + LOCK_TIME)
    assert [e["action"] for e in db.audit] == ["login_failed"] * MAX_ATTEMPTS
    assert db.audit[-1]["after"] == {"attempts": MAX_ATTEMPTS, "locked": True}

    # locked: even the right password is refused, with the minutes left, and nothing stored
    commits = db.commits
    clock.advance(timedelta(minutes=10, seconds=30))
    assert "请 5 分钟后再试" in _refused(auth, "jd", "right-one").message
    assert db.commits == commits

    clock.advance(timedelta(minutes=5))  # the lock has run out
    assert auth.login("jd", "right-one").id == 1
    assert db.data.login_states[1] == (0, None)
    assert db.audit[-1]["action"] == "login"


def test_an_unknown_name_gets_the_wrong_password_message_and_commits_nothing(db, clock) -> None:
    auth = service(AuthService, db, clock)
    assert _refused(auth, "nobody", "right-one").message == WRONG_LOGIN
    assert db.commits == 0 and db.audit == [] and db.data.login_states == {}


def test_the_first_administrator_needs_a_long_enough_password_and_an_empty_system(clock) -> None:
    empty = FakeDatabase()
    auth = service(AuthService, empty, clock)
    assert auth.needs_first_admin()
    with pytest.raises(ServiceError) as exc:
        auth.create_first_admin("admin", "管理员", "12345")
    assert exc.value.field == "password" and "6" in exc.value.message
    assert empty.commits == 0 and empty.data.users == {}

    admin = auth.create_first_admin(" admin ", "", "123456")
    assert admin.username == "admin" and admin.roles == frozenset({Role.ADMIN})
    assert not auth.needs_first_admin() and empty.commits == 1
    with pytest.raises(ServiceError, match="已有用户"):
        auth.create_first_admin("second", "第二个", "123456")
    assert empty.commits == 1 and len(empty.data.users) == 1
