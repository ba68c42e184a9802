"""Settings are data in the database (DESIGN §9): read and written through here."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ..domain.masking import ACCESS_HOURS_SETTING, DEFAULT_ACCESS_HOURS
from ..domain.pick_lists import category_problem, live_categories
from ..domain.records import Role, User
from ..domain.workflow import WorkflowSettings
from ..storage.uow import UnitOfWork
from .base import ServiceBase
from .errors import ServiceError

NAME_MAX = 40  # fits the forms' header line
LOGO_SUFFIXES = (".png", ".jpg", ".jpeg")

DEFAULTS: dict[str, Any] = {
    "dealership_name": "示例汽车销售服务有限公司",  # a placeholder until the admin sets it
    "logo_path": "",
    "timezone": "Asia/Shanghai",
    "workflow": {},  # WorkflowSettings.from_dict()
    # DESIGN §3: how long an approval to read a case's customer numbers lasts — a product
    # default, seed 002 asks for 负责人's approval but names no period
    ACCESS_HOURS_SETTING: DEFAULT_ACCESS_HOURS,
}


CATEGORIES_KEY = "categories"  # the administrator's list, once saved
CATEGORIES_REMOVED_KEY = "categories_removed"  # defaults the administrator took out


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

    def categories(self) -> list[str]:
        """The complaint categories the forms offer (DESIGN §5: an editable list)."""
        with self.uow(readonly=True) as uow:
            return live_categories(uow.settings.get(CATEGORIES_KEY),
                                   uow.settings.get(CATEGORIES_REMOVED_KEY) or ())

    def put_categories(self, actor: User, names: list[str]) -> list[str]:
        """Save the administrator's list. A default left out is remembered as removed, so
        the merge with later defaults does not bring it back; cases keep their category."""
        self.require(actor, Role.ADMIN, what="修改投诉类别")
        for name in names:
            problem = category_problem(name)
            if problem:
                raise ServiceError(problem, field="categories")
        clean = list(dict.fromkeys(n.strip() for n in names))
        if not clean:
            raise ServiceError("投诉类别至少保留一项。", field="categories")
        with self.uow() as uow:
            before = live_categories(uow.settings.get(CATEGORIES_KEY),
                                     uow.settings.get(CATEGORIES_REMOVED_KEY) or ())
            removed = set(uow.settings.get(CATEGORIES_REMOVED_KEY) or ())
            removed = sorted((removed | {c for c in before if c not in clean}) - set(clean))
            uow.settings.put(CATEGORIES_KEY, clean)
            uow.settings.put(CATEGORIES_REMOVED_KEY, removed)
            self.audit(uow, actor, "setting", "setting", CATEGORIES_KEY, before, clean)
            uow.commit()
        return clean

    def set_dealership(self, actor: User, name: str, logo_path: str = "") -> None:
        """The dealership's name (every form's header, every workbook's title) and an
        optional logo image (PNG/JPEG, printed at the forms' top left)."""
        self.require(actor, Role.ADMIN, what="修改单位名称")
        name = name.strip()
        errors: dict[str, str] = {}
        if not name:
            errors["dealership_name"] = "请填写单位名称。"
        elif len(name) > NAME_MAX:
            errors["dealership_name"] = f"单位名称最多 {NAME_MAX} 个字。"
        logo = logo_path.strip()
        if logo:
            path = Path(logo)
            if path.suffix.lower() not in LOGO_SUFFIXES:
                errors["logo_path"] = "标志图片须为 PNG 或 JPG 文件。"
            elif not path.is_file():
                errors["logo_path"] = "找不到标志图片文件，请重新选择。"
        if errors:
            first = next(iter(errors))
            raise ServiceError(errors[first], field=first, fields=errors)
        with self.uow() as uow:
            for key, value in (("dealership_name", name), ("logo_path", logo)):
                before = uow.settings.get(key, DEFAULTS[key])
                if before != value:
                    uow.settings.put(key, value)
                    self.audit(uow, actor, "setting", "setting", key, before, value)
            uow.commit()
