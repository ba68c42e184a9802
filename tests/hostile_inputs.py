"""Hypothesis strategies for random and hostile registrations (DESIGN §5): valid values,
values that are nearly valid, and values built to break a store — NUL, lone surrogates,
control and bidi characters, full-width digits, text past every column size, naive and
absurd times, wrong types."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from typing import Any

from hypothesis import strategies as st

from complaintdesk.domain.records import CHANNELS, MOODS, FeedbackKind, FlowKind, Intake

HOSTILE = ("\x00", "\ud800", "\udfff", "\x1b[31m", "\u202e", "\x7f", "\x85", "\r\n", "\t", "\n",
           "'; DROP TABLE complaint_case; --", "%s%s%n", "${jndi:x}", "😀", "\ufeff", "\uffff",
           "１３８", "（", "·", " ", "")

_any_text = st.text(max_size=60)  # every code point Hypothesis likes, surrogates included
_long = st.builds(lambda ch, n: ch * n, st.sampled_from("字a1\n"),
                  st.sampled_from((11, 12, 17, 21, 41, 61, 201, 1001, 10_001, 12_000)))
_hostile = st.builds(lambda a, b, c: a + b + c, st.sampled_from(("", "王", "138", "京A")),
                     st.sampled_from(HOSTILE), st.sampled_from(("", "小明", "12345678")))
_wrong_type = st.sampled_from((None, 0, 13812345678, 1.5, b"bytes", ["x"], {"a": 1}))


def text_for(typical: tuple[str, ...] | st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    base = typical if isinstance(typical, st.SearchStrategy) else st.sampled_from(typical)
    return st.one_of(base, base, _any_text, _long, _hostile, _wrong_type)


_zones = st.sampled_from((UTC, timezone(timedelta(hours=8)), timezone(timedelta(hours=-5))))
_aware = st.builds(lambda d, tz: d.replace(tzinfo=tz),
                   st.datetimes(min_value=datetime(1900, 1, 1), max_value=datetime(2100, 1, 1)),
                   _zones)
_recent = st.builds(lambda minutes: datetime(2026, 11, 10, 2, 0, tzinfo=UTC)
                    - timedelta(minutes=minutes), st.integers(-120, 60 * 24 * 400))
complained_at = st.one_of(_recent, _recent, _aware, st.datetimes(), st.none(),
                          st.dates(), _wrong_type)
purchase_date = st.one_of(st.none(), st.dates(), st.datetimes(), _wrong_type)
ids = st.one_of(st.none(), st.integers(1, 8), st.integers(-2**70, 2**70), _wrong_type)


# per field: values the rules accept (as typed: with spaces, +86, full-width…), then
# values they should refuse or warn about
FIELDS: dict[str, tuple[tuple[Any, ...], tuple[Any, ...]]] = {
    "customer_name": (("王小明", "欧阳娜娜", "李", "Zhang Wei", "阿卜杜热合曼·买买提"), ("", "  ")),
    "phone": (("13812345678", "+86 138 1234 5678", "138-1234-5678", "13８１２３４５６７８",
               "0086 139 0000 1111", ""),
              ("12812345678", "13000000000", "1381234567", "010-68880061")),
    "landline": (("010-68880061", "（0755）2345 6789 转 801", "+86 10 6888 0061", "400-800-1234",
                  "010-68880061-801", "010-6888-0061", ""), ("0000000", "68880061")),
    "vehicle_model": (("速腾", "ID.4 CROZZ", ""), ()),
    "plate": (("京A12345", "粤BA12345", "粤BG12345", "沪A1234领", "使123456", "临时",
               "京Ａ１２３４５", "粤B12345D", ""),
              ("使A12345", "领A12345", "京AAAAAA", "京A1234", "冀AJTPSU")),
    "vin": (("1M8GDM9AXKP042788", "1m8gdm9axkp042788", "LSVAB4187E2123457", ""),
            ("1M8GDM9A1KP042788", "IM8GDM9AXKP042788", "123")),
    "channel": (CHANNELS, ("飞鸽传书",)),
    "location": (("展厅", "维修车间", ""), ()),
    "description": (("保养后刹车异响", "客户说：“等了三个小时！”\n要求退款。", "售后前台交接不清"), ("",)),
    "persons_involved": (("赵磊（服务顾问）", ""), ()),
    "demand": (("尽快修好", "", "退还多收的费用\n并道歉"), ()),
    "mood": ((*MOODS, ""), ("狂喜",)),
    "received_by": (("接待员", ""), ()),
}


@st.composite
def intakes(draw: st.DrawFn) -> Intake:
    """A registration with up to four fields spoiled (random or hostile), the rest as a
    person would type them — so that both stored and refused registrations occur."""
    spoiled = set(draw(st.lists(st.sampled_from(sorted(FIELDS)), max_size=4)))
    values: dict[str, Any] = {}
    for name, (good, bad) in FIELDS.items():
        if name in spoiled:
            values[name] = draw(text_for(good + bad))
        else:
            values[name] = draw(st.sampled_from(good))
    return Intake(
        **values, purchase_date=draw(st.one_of(st.none(), st.none(), purchase_date)),
        complained_at=draw(st.one_of(_recent, _recent, _recent, complained_at)),
        kind=draw(st.sampled_from(list(FeedbackKind))),
        self_report_department_id=draw(st.one_of(st.none(), st.none(), st.none(), ids)),
        override_vin_check=draw(st.booleans()),
    )


flows = st.sampled_from(list(FlowKind))
attachment_names = text_for(("照片.jpg", "录音.m4a", "发票.pdf"))
