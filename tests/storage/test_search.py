from datetime import timedelta

from complaintdesk.domain.query import CaseQuery
from complaintdesk.services.base import SYSTEM_USER
from service_builders import intake, make_services


def _numbers(services, **kw):
    return sorted(r.number for r in services.cases.list_page(SYSTEM_USER, CaseQuery(**kw)))


def _seed(tmp_path):
    services, clock = make_services(tmp_path)
    a = services.intake.register(SYSTEM_USER, intake(clock, customer_name="王小明"))
    b = services.intake.register(SYSTEM_USER, intake(
        clock, customer_name="李王芳", phone="13987654321", plate="粤B88888",
        vin="LSVAB4187E2123457", description="交车时发现车漆划痕"))
    clock.advance(timedelta(hours=1))
    c = services.intake.register(SYSTEM_USER, intake(
        clock, customer_name="张伟", phone="15011112222", plate="京AD12345", vin="",
        description="空调不制冷"))
    return services, a.number, b.number, c.number


def test_single_character_surname_finds_every_name_containing_it(tmp_path):
    services, a, b, c = _seed(tmp_path)
    assert _numbers(services, keyword="王") == sorted([a, b])
    assert _numbers(services, keyword="张") == [c]


def test_phone_fragment_vin_fragment_plate_and_number(tmp_path):
    services, a, b, c = _seed(tmp_path)
    assert _numbers(services, keyword="5678") == [a]
    assert _numbers(services, keyword="1111") == [c]
    assert _numbers(services, keyword="2123457") == [b]
    assert _numbers(services, keyword="ad123") == [c]  # plate, case-insensitive
    assert _numbers(services, keyword=c) == [c]


def test_words_of_the_description(tmp_path):
    services, a, b, c = _seed(tmp_path)
    assert _numbers(services, keyword="划痕") == [b]
    assert _numbers(services, keyword="不制冷") == [c]
    assert _numbers(services, keyword="没有这个词") == []


def test_filters_and_count_run_in_sql(tmp_path):
    services, a, b, c = _seed(tmp_path)
    assert services.cases.count(SYSTEM_USER, CaseQuery(status="open")) == 3
    assert services.cases.count(SYSTEM_USER, CaseQuery(status="closed")) == 0
    assert _numbers(services, channel="电话") == sorted([a, b, c])
    rows = services.cases.list_page(SYSTEM_USER, CaseQuery(sort_key="customer_name",
                                                           sort_desc=False))
    assert [r.customer_name for r in rows] == sorted(["王小明", "李王芳", "张伟"])


def test_overdue_only(tmp_path):
    services, clock = make_services(tmp_path)
    late = services.intake.register(SYSTEM_USER, intake(clock))
    clock.advance(timedelta(minutes=59))
    assert _numbers(services, overdue_only=True) == []
    clock.advance(timedelta(minutes=2))  # step 1 (填单转派) has 1 hour
    assert _numbers(services, overdue_only=True) == [late.number]


def test_a_whole_name_of_three_or_more_characters_is_found(tmp_path):
    """Names are indexed by 1- and 2-character pieces; a full name typed at the keyword box
    ("王小明") was looked up by 3-character pieces and found nothing."""
    services, a, b, c = _seed(tmp_path)
    assert _numbers(services, keyword="王小明") == [a]
    assert _numbers(services, keyword="李王芳") == [b]
    assert _numbers(services, keyword="王小明明") == []  # the pieces alone are not enough
    assert services.cases.count(SYSTEM_USER, CaseQuery(keyword="王小明")) == 1
