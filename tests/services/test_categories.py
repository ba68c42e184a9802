"""Categories from seed 000 reach existing databases (DESIGN §5, issue 14): the live list is
the administrator's saved list merged with the defaults; existing cases keep theirs."""

from __future__ import annotations

import pytest

from complaintdesk.domain.records import CATEGORIES
from complaintdesk.services.base import SYSTEM_USER
from complaintdesk.services.errors import PermissionDenied, ServiceError
from complaintdesk.services.settings import CATEGORIES_KEY
from service_builders import intake, make_services

NEW = ("产品质量", "销售流程", "售后衔接", "物流")
BEFORE = ("维修质量", "服务态度", "维修时间", "收费价格", "配件问题", "销售服务", "新车质量",
          "交车问题", "保险理赔", "其他")  # the list earlier versions shipped


def test_a_new_database_offers_the_seed_categories(tmp_path):
    services, _clock = make_services(tmp_path)
    assert services.settings.categories() == list(CATEGORIES)
    assert set(NEW) <= set(services.settings.categories())


def test_an_existing_database_gets_them_added_and_its_cases_keep_their_category(tmp_path):
    services, clock = make_services(tmp_path)
    case = services.intake.register(SYSTEM_USER, intake(clock))
    with services.intake.uow() as uow:  # as an earlier version left it
        uow.settings.put(CATEGORIES_KEY, list(BEFORE) + ["店内自定义"])
        stored = uow.cases.get(case.id)
        stored.category = "新车质量"
        uow.cases.save(stored)
        uow.commit()
    live = services.settings.categories()
    assert live[:11] == [*BEFORE, "店内自定义"] and set(NEW) <= set(live)
    with services.intake.uow(readonly=True) as uow:
        assert uow.cases.get(case.id).category == "新车质量"


def test_the_administrator_edits_the_list_and_a_removed_default_stays_removed(tmp_path):
    services, _clock = make_services(tmp_path)
    kept = [c for c in CATEGORIES if c != "物流"] + ["试驾"]
    assert services.settings.put_categories(SYSTEM_USER, [*kept, " 试驾 "]) == kept
    assert services.settings.categories() == kept


@pytest.mark.parametrize("names,fragment", [
    ([], "至少"), (["物流", ""], "不能为空"), (["类" * 21], "20"), (["物\x00流"], "控制字符"),
])
def test_bad_lists_are_refused_by_name(tmp_path, names, fragment):
    services, _clock = make_services(tmp_path)
    with pytest.raises(ServiceError) as exc:
        services.settings.put_categories(SYSTEM_USER, names)
    assert fragment in exc.value.message and "投诉类别" in exc.value.message
    assert services.settings.categories() == list(CATEGORIES)


def test_only_the_administrator_edits_the_list(tmp_path):
    from complaintdesk.domain.records import Role, User

    services, _clock = make_services(tmp_path)
    clerk = User(5, "jd", "接待", frozenset({Role.RECEPTION}))
    with pytest.raises(PermissionDenied):
        services.settings.put_categories(clerk, ["物流"])
