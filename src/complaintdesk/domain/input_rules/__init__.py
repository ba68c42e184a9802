"""The input rules of DESIGN §5 in one place, used by the forms, the services and imports:
phones (normalised, then checked), plates (GA 36), text lengths and characters, dates."""

from .phones import (
    MOBILE_RE,
    PhoneCheck,
    check_landline,
    check_mobile,
    normalize_landline,
    normalize_mobile,
    split_landline,
)
from .plates import PlateCheck, check_plate, is_valid_plate, normalize_plate
from .text import (
    InputLimits,
    bad_character,
    clean_text,
    default_limits,
    default_limits_raw,
    is_aware,
    text_problem,
)

__all__ = [
    "MOBILE_RE", "InputLimits", "PhoneCheck", "PlateCheck", "bad_character", "check_landline",
    "check_mobile", "check_plate", "clean_text", "default_limits", "default_limits_raw",
    "is_aware", "is_valid_plate", "normalize_landline", "normalize_mobile", "normalize_plate",
    "split_landline", "text_problem",
]
