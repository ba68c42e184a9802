"""The VIN (DESIGN §5): 17 characters, no I/O/Q; the check digit at position 9 per GB 16735
(as in US 49 CFR 565) — a wrong one is a warning the user can override."""

from __future__ import annotations

import re
import unicodedata

_VIN_VALUES = {
    **{str(d): d for d in range(10)},
    "A": 1, "B": 2, "C": 3, "D": 4, "E": 5, "F": 6, "G": 7, "H": 8,
    "J": 1, "K": 2, "L": 3, "M": 4, "N": 5, "P": 7, "R": 9,
    "S": 2, "T": 3, "U": 4, "V": 5, "W": 6, "X": 7, "Y": 8, "Z": 9,
}
_VIN_WEIGHTS = (8, 7, 6, 5, 4, 3, 2, 10, 0, 9, 8, 7, 6, 5, 4, 3, 2)
VIN_RE = re.compile(r"^[A-HJ-NPR-Z0-9]{17}$")


def normalize_vin(vin: str) -> str:
    """Full-width to ASCII, spaces gone, upper-case (the VIN is checked and stored so)."""
    return "".join(unicodedata.normalize("NFKC", vin).split()).upper()


def vin_check_digit(vin: str) -> str:
    """The check digit (position 9) per GB 16735 / ISO 3779: weighted sum mod 11, 10 → X."""
    total = sum(_VIN_VALUES[c] * w for c, w in zip(vin.upper(), _VIN_WEIGHTS, strict=True))
    rem = total % 11
    return "X" if rem == 10 else str(rem)


def vin_format_ok(vin: str) -> bool:
    return bool(VIN_RE.match(normalize_vin(vin)))


def vin_check_ok(vin: str) -> bool:
    v = normalize_vin(vin)
    return vin_format_ok(v) and vin_check_digit(v) == v[8]
