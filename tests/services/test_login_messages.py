"""Logging in: no username leak, and the lockout's minutes said right (issue 16, item 7)."""

from datetime import timedelta

import pytest

from complaintdesk.domain.records import Role
from complaintdesk.services.auth import locked_message
from complaintdesk.services.errors import ServiceError
from service_builders import add_user, make_services


def _message(services, username: str, password: str) -> str:
    with pytest.raises(ServiceError) as exc:
        services.auth.login(username, password)
    return exc.value.message


def test_unknown_user_and_wrong_password_get_the_same_message(tmp_path):
    services, _clock = make_services(tmp_path)
    add_user(services, "kf", "客服", Role.CS_CENTER)
    wrong = _message(services, "kf", "wrong-password")
    unknown = _message(services, "nobody-here", "wrong-password")
    assert wrong == unknown
    assert wrong.startswith("用户名或密码错误") and wrong.endswith("。")
    assert _message(services, "kf", "again-wrong") == unknown  # no countdown either


def test_a_fresh_fifteen_minute_lock_says_fifteen_and_counts_down_rounding_up(tmp_path):
    services, clock = make_services(tmp_path)
    add_user(services, "kf", "客服", Role.CS_CENTER)
    for _ in range(4):
        _message(services, "kf", "wrong")
    assert "锁定" in _message(services, "kf", "wrong")  # the fifth locks
    assert "请 15 分钟后再试" in _message(services, "kf", "demo123")  # at once: 15, not 16
    clock.advance(timedelta(seconds=59))
    assert "请 15 分钟后再试" in _message(services, "kf", "demo123")  # 14:01 left → 15
    clock.advance(timedelta(minutes=14))
    assert "请 1 分钟后再试" in _message(services, "kf", "demo123")  # 0:01 left → 1
    clock.advance(timedelta(seconds=1))
    assert services.auth.login("kf", "demo123").username == "kf"


@pytest.mark.parametrize(("left", "says"), [
    (timedelta(minutes=15), 15), (timedelta(minutes=14, seconds=1), 15),
    (timedelta(minutes=14), 14), (timedelta(seconds=20), 1)])
def test_locked_message_rounds_up(left, says):
    message = locked_message(left)
    assert f"请 {says} 分钟后再试" in message and message.endswith("。")
