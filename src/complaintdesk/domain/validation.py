"""The input rules of registration (DESIGN §5), as the forms, services and imports use them.
The rules themselves live in `domain/input_rules/`; this module keeps the names callers know."""

from __future__ import annotations

from datetime import datetime

from .input_rules import check_mobile, is_valid_plate, normalize_plate
from .input_rules.registration import FIELD_LABELS, check_registration
from .input_rules.result import ValidationResult
from .input_rules.vin import normalize_vin, vin_check_digit, vin_check_ok, vin_format_ok
from .records import FlowKind, Intake

__all__ = [
    "FIELD_LABELS", "ValidationResult", "check_registration", "format_number",
    "is_valid_mobile", "is_valid_plate", "mask_phone", "mask_vin", "normalize_intake",
    "normalize_plate", "normalize_vin", "validate_intake", "validate_registration",
    "vin_check_digit", "vin_check_ok", "vin_format_ok",
]


def is_valid_mobile(phone: str) -> bool:
    """A mobile number once normalised (+86, spaces, dashes, full-width digits allowed)."""
    return bool(phone.strip()) and check_mobile(phone).problem is None


def mask_phone(phone: str) -> str:
    """Kept for callers of the old name: the masks live in domain/masking.py (DESIGN §3)."""
    from .masking import mask_mobile

    return mask_mobile(phone)


def mask_vin(vin: str) -> str:
    """Kept for callers of the old name: the masks live in domain/masking.py (DESIGN §3)."""
    from .masking import mask_vin as _mask_vin

    return _mask_vin(vin)


def validate_intake(intake: Intake, now: datetime) -> ValidationResult:
    """Check the intake form; `now` is the clock's time (a complaint cannot be in the future)."""
    return validate_registration(intake, now, FlowKind.FEEDBACK)


def validate_registration(intake: Intake, now: datetime, flow: FlowKind,
                          department_id: int | None = None) -> ValidationResult:
    """The input rules for `flow` (see input_rules.registration)."""
    return check_registration(intake, now, flow, department_id)[1]


def normalize_intake(intake: Intake, now: datetime, flow: FlowKind = FlowKind.FEEDBACK,
                     department_id: int | None = None) -> Intake:
    """The intake as it is stored: phones, plate and VIN normalised, text trimmed."""
    return check_registration(intake, now, flow, department_id)[0]


def format_number(prefix: str, year: int, month: int, seq: int) -> str:
    """FK-202611-0001: gapless per prefix and month (DESIGN §5)."""
    return f"{prefix}-{year:04d}{month:02d}-{seq:04d}"
