"""Licence plates per GA 36 as DESIGN §5 words them.

- ordinary: province + city letter + a 5-character serial of letters and digits (never I/O);
  more than two letters in the serial is unusual — a warning, not an error;
- province + city letter + a 4-character serial + 学/警/挂/港/澳/领/试/超;
- new-energy small car: D/A/B/C/E/F/G/H/J/K, a letter or digit, 4 digits (粤BD12345,
  粤BDF1234, 粤BA12345); large vehicle: 5 digits then D/F (粤B12345D);
- embassy: 使 + 6 digits. 使 and 领 are never a province;
- a temporary plate (临时) is recorded as typed, unchecked; no plate at all is allowed.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

PROVINCES = "京津沪渝冀豫云辽黑湘皖鲁新苏浙赣鄂桂甘晋蒙陕吉闽贵粤青藏川宁琼"
LETTERS = "ABCDEFGHJKLMNPQRSTUVWXYZ"  # plate letters exclude I and O
SPECIAL_SUFFIXES = "学警挂港澳领试超"
NEW_ENERGY_SMALL = "DABCEFGHJK"
_L = "A-HJ-NP-Z"
_P = f"[{PROVINCES}][{_L}]"
ORDINARY_RE = re.compile(rf"^{_P}[{_L}0-9]{{5}}$")
SPECIAL_RE = re.compile(rf"^{_P}[{_L}0-9]{{4}}[{SPECIAL_SUFFIXES}]$")
NEW_ENERGY_SMALL_RE = re.compile(rf"^{_P}[{NEW_ENERGY_SMALL}][{_L}0-9]\d{{4}}$")
NEW_ENERGY_LARGE_RE = re.compile(rf"^{_P}\d{{5}}[DF]$")
EMBASSY_RE = re.compile(r"^使\d{6}$")
_RULES = (ORDINARY_RE, SPECIAL_RE, NEW_ENERGY_SMALL_RE, NEW_ENERGY_LARGE_RE, EMBASSY_RE)
_DROPPED = re.compile(r"[\s·•・.\-]+")
TEMPORARY_MARK = "临"


@dataclass(frozen=True, slots=True)
class PlateCheck:
    """`value` is what is stored; `problem` None, "format" (error) or "letters" (warning)."""

    value: str
    problem: str | None = None
    temporary: bool = False


def normalize_plate(plate: str) -> str:
    """京 a·12345 → 京A12345: full-width to ASCII, separators gone, letters upper-case."""
    return _DROPPED.sub("", unicodedata.normalize("NFKC", plate)).upper()


def check_plate(raw: str) -> PlateCheck:
    if not raw.strip():
        return PlateCheck("")
    if TEMPORARY_MARK in raw:  # 临时号牌: recorded as such, its format is not ours to judge
        return PlateCheck(" ".join(unicodedata.normalize("NFKC", raw).split()), temporary=True)
    plate = normalize_plate(raw)
    if not any(rule.match(plate) for rule in _RULES):
        return PlateCheck(raw.strip(), "format")
    if ORDINARY_RE.match(plate) and sum(c.isalpha() for c in plate[2:]) > 2:
        return PlateCheck(plate, "letters")
    return PlateCheck(plate)


def is_valid_plate(plate: str) -> bool:
    """A plate any rule accepts (a serial with many letters included: that is a warning)."""
    return check_plate(plate).problem in (None, "letters")
