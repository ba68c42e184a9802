"""Settings are data in the database (DESIGN §9): read and written through here."""

from __future__ import annotations

from typing import Any

from ..domain.masking import ACCESS_HOURS_SETTING, DEFAULT_ACCESS_HOURS
from ..domain.records import Role, User
from ..domain.workflow import WorkflowSettings
from ..storage.uow import UnitOfWork
from .base import ServiceBase

DEFAULTS: dict[str, Any] = {
    "dealership_name": "示例汽车销售服务有限公司",
    "timezone": "Asia/Shanghai",
    "workflow": {},  # WorkflowSettings.from_dict()
    # DESIGN §3: how long an approval to read a case's customer numbers lasts — a product
    # default, seed 002 asks for 负责人's approval but names no period
    ACCESS_HOURS_SETTING: DEFAULT_ACCESS_HOURS,
}


def workflow_settings(uow: UnitOfWork, tz: str) -> WorkflowSettings:
    raw = dict(uow.settings.get("workflow", {}) or {})
    raw.setdefault("tz", tz)
    return WorkflowSettings.from_dict(raw)


class SettingsService(ServiceBase):
    def get(self, key: str) -> Any:
        with self.uow(readonly=True) as uow:
            return uow.settings.get(key, DEFAULTS.get(key))

    def put(self, actor: User, key: str, value: Any) -> None:
        self.require(actor, Role.ADMIN, what="修改系统设置")
        with self.uow() as uow:
            before = uow.settings.get(key)
            uow.settings.put(key, value)
            self.audit(uow, actor, "setting", "setting", key, before, value)
            uow.commit()
