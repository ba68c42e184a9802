"""Demo 厂家转办 (DESIGN §4.6): the demo's complaints that came in on the channel 厂家转办
get their forwarding (brand by vehicle model, the manufacturer's reference, forwarded when
the customer's complaint was received) and replies to the manufacturer — mostly in time,
a few late, the recent ones still open — so the panel, 我的待办, the reminders and the
exports have something to show. Its own random sequence: the rest of the demo stays as
it was."""

from __future__ import annotations

import random
from datetime import timedelta
from typing import Any

from ..domain import manufacturer as M
from ..domain.manufacturer import ManufacturerForward, ManufacturerReply
from ..storage.uow import UnitOfWork
from .manufacturer import MANUFACTURER_CHANNEL, manufacturer_settings
from .settings import workflow_settings

# 上汽大众's models; the others are 一汽-大众's (the demo sells Volkswagens)
_SVW = frozenset({"朗逸", "帕萨特", "途观L", "凌渡L", "途昂", "威然", "途岳", "ID.4 X"})
_REPLIES = {
    "first_contact": ("已电话联系客户，了解情况并致歉，约定到店时间。",
                      "已与客户取得联系，客户同意到店检查。"),
    "plan": ("处理方案：免费检查并更换相关部件，客户认可。",
             "处理方案：维修并赠送一次保养，已与客户确认。"),
    "result": ("处理结果：已完成维修，客户回访满意，申请结案。",
               "处理结果：已按方案处理完毕，客户表示认可。"),
}


def seed_forwards(services: Any, cast: Any, seed: int) -> int:
    """Give the demo's 厂家转办 complaints their forwarding and replies; returns how many."""
    rng = random.Random(seed)
    now = services.clock.now()
    tz = services.intake.tz_name
    n = 0
    with UnitOfWork(services.engine, now=services.clock.now) as uow:
        settings = manufacturer_settings(uow)
        cal = workflow_settings(uow, tz).calendar
        closed = cal.closed_dates if cal is not None else frozenset()
        for case_id, at, model, sup in uow.manufacturer.channel_cases_without_forward(
                MANUFACTURER_CHANNEL, "complaint"):
            brand = "上汽大众" if model in _SVW else "一汽-大众"
            code = "SVW" if brand == "上汽大众" else "FAW"
            local = at.astimezone(services.intake.tz)
            forward = ManufacturerForward(
                case_id, brand, f"{code}{local:%Y%m%d}{rng.randrange(1000, 9999)}", at,
                M.milestone_dues(brand, at, tz, settings, closed), at, cast.cs.id)
            uow.manufacturer.add_forward(forward)
            last = at
            for m in forward.milestones:
                late = rng.random() < 0.12
                span = m.due - at
                when = at + span * (rng.uniform(1.05, 1.6) if late else rng.uniform(0.15, 0.9))
                # one after the other: a plan is not sent before the first contact
                when = last = max(when, last + timedelta(minutes=rng.randrange(20, 240)))
                if when > now:
                    break  # not answered yet: the milestones from here on are open
                by = cast.assessor if m.key == "result" else (
                    _user(cast, sup) if m.key == "plan" else cast.cs)
                uow.manufacturer.add_reply(ManufacturerReply(
                    None, case_id, when, rng.choice(_REPLIES[m.key]), by.id, m.key,
                    min(when, now)))
            n += 1
        uow.commit()
    return n


def _user(cast: Any, user_id: int | None) -> Any:
    for sup in cast.supervisors.values():
        if sup.id == user_id:
            return sup
    return cast.cs



