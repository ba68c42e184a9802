"""Issue 13: every message a person reads is a sentence — it ends in a full-width 。 (or its
own ？/！), never in a half-width colon or nothing."""

from __future__ import annotations

import pytest

from complaintdesk.services.auth import AuthService
from complaintdesk.services.errors import ConflictError, ServiceError, sentence


@pytest.mark.parametrize(("raw", "shown"), [
    ("请填写登录名", "请填写登录名。"),
    ("业务量须为整数", "业务量须为整数。"),
    ("年份无效：2030（应为 2000–2999）", "年份无效：2030（应为 2000–2999）。"),
    ("确定要删除吗？", "确定要删除吗？"),
    ("已保存。", "已保存。"),
    ("请检查以下字段：", "请检查以下字段。"),
])
def test_a_message_ends_as_a_sentence(raw: str, shown: str) -> None:
    assert sentence(raw) == shown
    err = ServiceError(raw, field="x")
    assert err.message == shown and str(err) == shown
    assert err.fields == {"x": shown}


def test_field_messages_are_sentences_too() -> None:
    err = ServiceError("请检查", fields={"phone": "电话号码格式不正确", "name": "请填写姓名。"})
    assert err.fields == {"phone": "电话号码格式不正确。", "name": "请填写姓名。"}


def test_the_default_conflict_message_ends_in_a_full_stop() -> None:
    assert ConflictError().message.endswith("请刷新后重试。")


def test_a_first_admin_without_a_name_is_told_in_a_sentence(tmp_path) -> None:
    from complaintdesk.services.container import open_services
    from complaintdesk.storage.database import DatabaseConfig

    services = open_services(DatabaseConfig.sqlite_file(tmp_path / "t.sqlite3"), data_dir=tmp_path)
    assert isinstance(services.auth, AuthService)
    with pytest.raises(ServiceError) as exc:
        services.auth.create_first_admin("  ", "管理员", "a-long-enough-password-1")
    assert exc.value.message == "请填写登录名。" and exc.value.field == "username"
