"""The 监督与评估小组 (supervision and evaluation group, seed 001 二.3; DESIGN §3, §6).

Led by the head of 行政部, with members from HR and finance; the administrator names them
(a setting). It hears appeals (001 四.1 申诉权: "向监督与评估小组提出申诉，要求重新调查和
评估"): a member re-investigates, the group decides (recorded by its leader), and the
general manager is told. It also signs the monthly evaluation (the month workbook).
Until the administrator names the group, the product falls back to the 行政部考核主管
re-investigating and the general manager deciding (documented, not the policy).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from .records import User

REVIEW_BOARD_KEY = "review_board"  # setting: {"leader_user_id": int, "member_user_ids": [...]}


@dataclass(frozen=True, slots=True)
class ReviewBoard:
    leader_user_id: int | None = None  # 组长: the 行政部 head
    member_user_ids: tuple[int, ...] = ()  # HR and finance members

    @property
    def is_set(self) -> bool:
        return self.leader_user_id is not None

    def is_member(self, user: User) -> bool:
        return user.id is not None and (user.id == self.leader_user_id
                                        or user.id in self.member_user_ids)

    def is_leader(self, user: User) -> bool:
        return user.id is not None and user.id == self.leader_user_id

    @classmethod
    def from_dict(cls, raw: Mapping[str, Any] | None) -> ReviewBoard:
        raw = dict(raw or {})
        leader = raw.get("leader_user_id")
        members = tuple(int(m) for m in raw.get("member_user_ids") or () if m is not None)
        return cls(int(leader) if leader is not None else None,
                   tuple(m for m in dict.fromkeys(members) if m != leader))

    def to_dict(self) -> dict[str, Any]:
        return {"leader_user_id": self.leader_user_id,
                "member_user_ids": list(self.member_user_ids)}
