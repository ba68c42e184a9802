"""Phone numbers (DESIGN §5): normalised first, then checked; the normalised form is stored.

Normalising: full-width digits to ASCII (NFKC); spaces, dashes, dots and brackets removed;
a leading +86 / 0086 removed — a landline written in that form gets its trunk 0 back
(+86 10 6888 0061 → 010-68880061); an extension is recognised by what separates it (转,
分机, ext, x, #, or a group after an unbroken 7–8 digit number) before the separators go.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

MOBILE_RE = re.compile(r"^1[3-9]\d{9}$")
# what may stand between groups of digits: spaces, ASCII and full-width dashes, dots
_SEPARATORS = re.compile(r"[\s\-.·‐‑‒–—―－]+")
_BRACKETS = re.compile(r"[()（）\[\]【】]")
_COUNTRY = re.compile(r"^[(（]?\s*(?:\+|00)\s*86\s*[)）]?[\s\-.]*")
_EXTENSION = re.compile(r"(?:转|分机|ext\.?|x|#)\s*[:：]?\s*(\d{1,6})\s*$", re.IGNORECASE)
_SERVICE_RE = re.compile(r"^[48]00\d{7}$")  # 400 / 800 numbers: 10 digits
_DIGITS = re.compile(r"^[0-9]+$")


@dataclass(frozen=True, slots=True)
class PhoneCheck:
    """`value` is what is stored (the normalised number, or the input trimmed when it is
    refused); `problem` is None or a key of the messages the caller words."""

    value: str
    problem: str | None = None


def _nfkc(raw: str) -> str:
    return unicodedata.normalize("NFKC", raw).strip()


def _repeated(digits: str) -> bool:
    return len(set(digits)) == 1


def check_mobile(raw: str) -> PhoneCheck:
    """A mobile number: 1[3-9] + 9 digits once separators and +86/0086 are gone."""
    s = _nfkc(raw)
    if not s:
        return PhoneCheck("")
    s = _COUNTRY.sub("", s)
    digits = _SEPARATORS.sub("", _BRACKETS.sub("", s))
    if len(digits) == 13 and digits.startswith("86") and MOBILE_RE.match(digits[2:]):
        digits = digits[2:]  # 86 typed without its + (a copy from a contact card)
    if not MOBILE_RE.match(digits):
        if _DIGITS.match(digits) and split_landline(digits) is not None:
            return PhoneCheck(raw.strip(), "landline_in_mobile")
        return PhoneCheck(raw.strip(), "format")
    if _repeated(digits[3:]):  # 130 0000 0000: a placeholder, not a customer
        return PhoneCheck(raw.strip(), "repeated")
    return PhoneCheck(digits)


def split_landline(digits: str) -> tuple[str, str] | None:
    """(area code, subscriber number) of a landline written as digits only, or None.
    Area codes of 3 digits begin 01/02 (010, 020–029), all others have 4; the number has 7
    or 8 digits and never begins with 0 or 1."""
    if len(digits) < 10 or digits[0] != "0" or digits[1] == "0":
        return None
    area_len = 3 if digits[1] in "12" else 4
    area, number = digits[:area_len], digits[area_len:]
    if not 7 <= len(number) <= 8 or number[0] in "01":
        return None
    return area, number


def check_landline(raw: str) -> PhoneCheck:
    """A landline with its area code (brackets, spaces, dashes as typed), an optional
    extension, or a 400/800 number. Stored as 010-68880061, 0755-12345678-801, 4008001234."""
    s = _nfkc(raw)
    if not s:
        return PhoneCheck("")
    ext = ""
    m = _EXTENSION.search(s)
    if m:
        ext, s = m.group(1), s[:m.start()]
    international = bool(_COUNTRY.match(s))
    s = _COUNTRY.sub("", s)
    groups = [g for g in _SEPARATORS.split(_BRACKETS.sub(" ", s)) if g]
    if not groups or not all(_DIGITS.match(g) for g in groups):
        return PhoneCheck(raw.strip(), "format")
    if international and not groups[0].startswith("0") and not _SERVICE_RE.match("".join(groups)):
        groups[0] = "0" + groups[0]  # +86 10 … is dialled 010 … at home
    digits = "".join(groups)
    if not ext and len(groups) >= 2 and len(groups[-2]) >= 7 and len(groups[-1]) <= 6:
        # 010-68880061-801: the number was written unbroken, so the last group is an extension
        head = "".join(groups[:-1])
        if split_landline(head) is not None or _SERVICE_RE.match(head):
            ext, digits = groups[-1], head
    if _SERVICE_RE.match(digits):
        return PhoneCheck(digits + (f"-{ext}" if ext else ""))
    parts = split_landline(digits)
    if parts is None:
        if check_mobile(raw).problem is None and check_mobile(raw).value:
            return PhoneCheck(raw.strip(), "mobile_in_landline")
        area_len = 3 if digits[1:2] in ("1", "2") else 4
        if digits and (_repeated(digits) or (digits[0] == "0" and len(digits) > area_len
                                              and _repeated(digits[area_len:]))):
            return PhoneCheck(raw.strip(), "repeated")
        if 7 <= len(digits) <= 8 and digits[0] not in "01":
            return PhoneCheck(raw.strip(), "no_area_code")
        return PhoneCheck(raw.strip(), "format")
    area, number = parts
    if _repeated(number):
        return PhoneCheck(raw.strip(), "repeated")
    return PhoneCheck(f"{area}-{number}" + (f"-{ext}" if ext else ""))


def normalize_mobile(raw: str) -> str:
    """The stored form of a mobile number (the input trimmed when it is not one)."""
    return check_mobile(raw).value


def normalize_landline(raw: str) -> str:
    return check_landline(raw).value
