"""Editable pick-lists (DESIGN §5): the shipped defaults merged into what the administrator
keeps, so a default added by a later version reaches existing databases — and one the
administrator removed stays removed. Nothing is renamed or mapped: a case keeps the
category it was given, whether or not the list still offers it."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from .input_rules import bad_character
from .records import CATEGORIES

CATEGORY_MAX = 20  # the case's category column


def live_categories(stored: Sequence[str] | None, removed: Iterable[str] = (),
                    defaults: Sequence[str] = CATEGORIES) -> list[str]:
    """The list the forms offer: the administrator's list (or the defaults when none was
    saved), then every default it lacks that was not deliberately removed."""
    gone = set(removed)
    if stored is None:
        return [c for c in defaults if c not in gone]
    live = list(dict.fromkeys(stored))
    live += [c for c in defaults if c not in live and c not in gone]
    return live


def category_problem(name: str) -> str | None:
    """The message for a category name that cannot be kept, or None."""
    if not name.strip():
        return "投诉类别不能为空。"
    if bad_character(name, long_text=False) is not None:
        return f"投诉类别“{name.strip()[:20]}”含有不可见的控制字符，请删除后重新输入。"
    if len(name.strip()) > CATEGORY_MAX:
        return f"投诉类别不能超过 {CATEGORY_MAX} 个字：“{name.strip()[:20]}…”。"
    return None
