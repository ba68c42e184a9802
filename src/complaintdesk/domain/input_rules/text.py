"""Text and date rules (DESIGN §5): maximum lengths as data, no control characters, dates
in a sensible range, times with a time zone. The limits ship in resources/input_rules.json."""

from __future__ import annotations

import json
import unicodedata
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import cache
from typing import Any

from complaintdesk.resources_path import resource_path

# bidirectional embeddings/overrides/isolates: invisible, and they make a name read backwards
_BIDI_CONTROLS = frozenset(chr(c) for c in (*range(0x202A, 0x202F), *range(0x2066, 0x206A)))


@dataclass(frozen=True, slots=True)
class InputLimits:
    """Maximum lengths per field, and the range a date may take."""

    max_length: dict[str, int]
    long_text: frozenset[str]
    earliest_date: date
    days_ahead: int

    @classmethod
    def from_dict(cls, raw: dict[str, Any]) -> InputLimits:
        limits = {k: int(v["max"] if isinstance(v, dict) else v)
                  for k, v in raw["max_length"].items()}
        if any(n <= 0 for n in limits.values()):
            raise ValueError("input_rules: every max_length must be positive")
        earliest = raw["earliest_date"]
        ahead = raw["latest_date_days_ahead"]
        return cls(
            max_length=limits, long_text=frozenset(raw.get("long_text", ())),
            earliest_date=date.fromisoformat(earliest["value"] if isinstance(earliest, dict)
                                             else earliest),
            days_ahead=int(ahead["value"] if isinstance(ahead, dict) else ahead),
        )

    def limit(self, field: str) -> int | None:
        return self.max_length.get(field)

    def latest_date(self, today: date) -> date:
        return today + timedelta(days=self.days_ahead)


def default_limits_raw() -> dict[str, Any]:
    text = resource_path("input_rules.json").read_text(encoding="utf-8")
    return json.loads(text)


@cache
def default_limits() -> InputLimits:
    """The shipped limits (resources/input_rules.json), read once."""
    return InputLimits.from_dict(default_limits_raw())


def bad_character(text: str, long_text: bool) -> str | None:
    """The first character that may not be stored, or None. Newline and tab are allowed in
    long text only; NUL, other control characters, unpaired surrogates (a str holding one
    cannot be encoded as UTF-8) and bidirectional overrides never."""
    for ch in text:
        cat = unicodedata.category(ch)
        if cat == "Cc":
            if long_text and ch in "\n\t":
                continue
            return ch
        if cat == "Cs" or ch in _BIDI_CONTROLS or ch in "\ufffe\uffff":
            return ch
    return None


def clean_text(text: str, long_text: bool) -> str:
    """What a text field stores: trimmed; long text keeps its lines (\\r\\n and \\r → \\n)."""
    if long_text:
        return text.replace("\r\n", "\n").replace("\r", "\n").strip()
    return text.strip()


def text_problem(text: str, label: str, limit: int | None, long_text: bool) -> str | None:
    """The message for a text that breaks a rule, or None. `text` is already cleaned."""
    if bad_character(text, long_text) is not None:
        allowed = "（换行和制表符除外）" if long_text else ""
        return f"{label}含有不可见的控制字符{allowed}，请删除后重新输入。"
    if limit is not None and len(text) > limit:
        return f"{label}不能超过 {limit} 个字（当前 {len(text)} 个字）。"
    return None


def is_aware(value: datetime) -> bool:
    return value.tzinfo is not None and value.utcoffset() is not None
