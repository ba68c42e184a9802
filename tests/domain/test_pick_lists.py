"""The category list (DESIGN §5): seed 000's categories among the defaults; the defaults
merged into an administrator's saved list without mapping anything."""

from __future__ import annotations

import pytest

from complaintdesk.domain.pick_lists import category_problem, live_categories
from complaintdesk.domain.records import CATEGORIES

SEED_CATEGORIES = ("产品质量", "服务态度", "销售流程", "售后衔接", "物流")  # seed 000 二(二)2, seed 001


def test_the_defaults_carry_the_seeds_categories_and_keep_the_earlier_ones():
    assert set(SEED_CATEGORIES) <= set(CATEGORIES)
    assert {"销售服务", "新车质量", "交车问题", "维修质量", "其他"} <= set(CATEGORIES)
    assert len(set(CATEGORIES)) == len(CATEGORIES)


def test_no_saved_list_means_the_defaults():
    assert live_categories(None) == list(CATEGORIES)


def test_an_older_saved_list_gets_the_new_defaults_added_at_its_end():
    old = ["维修质量", "服务态度", "我们自己的类别", "新车质量"]
    live = live_categories(old)
    assert live[:4] == old  # nothing renamed, nothing reordered
    assert set(SEED_CATEGORIES) <= set(live) and "我们自己的类别" in live


def test_a_default_the_administrator_removed_stays_removed():
    live = live_categories(["维修质量", "其他"], removed=["物流"])
    assert "物流" not in live and "产品质量" in live


@pytest.mark.parametrize("name,ok", [
    ("物流", True), ("", False), ("   ", False), ("类" * 21, False), ("类" * 20, True),
    ("物\x00流", False),
])
def test_category_names(name, ok):
    assert (category_problem(name) is None) is ok
