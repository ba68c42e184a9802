"""Editable pick-lists (DESIGN §5): the shipped defaults merged into what the administrator
keeps, so a default added by a later version reaches existing databases — and one the
administrator removed stays removed. Nothing is renamed or mapped: a case keeps the
category it was given, whether or not the list still offers it."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from .input_rules import default_limits, text_problem
from .records import CATEGORIES


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
    return text_problem(name.strip(), "投诉类别", default_limits().limit("category"),
                        long_text=False)
