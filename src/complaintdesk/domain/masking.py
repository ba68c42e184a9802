"""Customer data: who reads the full mobile, landline and VIN, and how they are masked.

Seed 002 (客户信息保密): "查阅客户信息时，应经过相关负责人的批准" — DESIGN §3. The people
handling a case read them in full: the holder of its current or a past step (or the one
who acted for them), its department's head and 业务主管, 客服中心 while the case is at a
revisit step, the 考核主管 and the 总经理. Anyone else asks for access with a reason; an
approved request opens the case's numbers to them until it expires. The system user (the
app's own work: seeding, checks) reads everything, but what it prints for a person — the
command line's `print` — is masked unless asked for in full (`print_shows_contact`), and
that is audited.

One place for the rule: lists, the case view, search results, exports and printed forms
all ask `may_read_contact` and mask with `mask_intake`. Pure: no Qt, no SQL, no clock.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from . import steps as S
from .records import Case, Intake, Role, User

# Steps at which 客服中心 calls the customer back and so needs the numbers.
REVISIT_STEPS = frozenset({S.REVISIT, S.SECOND_REVISIT, S.RW_REVISIT})
# Roles that handle every case (DESIGN §3: the assessor, the GM).
HANDLE_ALL = (Role.ASSESSOR, Role.GENERAL_MANAGER)
# How long an approval lasts: a product default (the policy names no period), a setting.
DEFAULT_ACCESS_HOURS = 24
ACCESS_HOURS_SETTING = "contact_access_hours"

_DIGITS = re.compile(r"\d")


# ---- masks ------------------------------------------------------------------------------
def mask_mobile(phone: str) -> str:
    """138****5678: the first 3 and last 4 digits of a mobile number."""
    p = phone.strip()
    if not p:
        return ""
    if len(p) <= 7:
        return "*" * len(p)
    return p[:3] + "*" * (len(p) - 7) + p[-4:] if len(p) < 11 else p[:3] + "****" + p[-4:]


def mask_landline(landline: str) -> str:
    """010-****0061: the area code and the last 4 digits; the digits between are starred
    as four stars (how many there were is not told); an extension is dropped."""
    t = landline.strip()
    if not t:
        return ""
    main = re.split(r"(?:转|ext\.?|x|#)", t, maxsplit=1, flags=re.IGNORECASE)[0]
    digits = "".join(_DIGITS.findall(main))
    m = re.match(r"^\s*\(?(0\d{1,3})\)?[\s-]*", main)
    if m and len(digits) > len(m.group(1)) + 4:
        return f"{m.group(1)}-****{digits[-4:]}"
    if len(digits) > 4:
        return "****" + digits[-4:]
    return "*" * len(t)


def mask_vin(vin: str) -> str:
    """LSVAB********1234: the first 5 (maker, model line) and the last 4 characters."""
    v = vin.strip()
    if not v:
        return ""
    if len(v) <= 9:
        return "*" * len(v)
    return v[:5] + "*" * (len(v) - 9) + v[-4:]


def mask_intake(intake: Intake) -> Intake:
    """A copy of the intake with the mobile, landline and VIN masked."""
    return replace(intake, phone=mask_mobile(intake.phone),
                   landline=mask_landline(intake.landline), vin=mask_vin(intake.vin))


_MOBILE_IN_TEXT = re.compile(r"(?<!\d)1[3-9]\d{9}(?!\d)")
_LANDLINE_IN_TEXT = re.compile(r"(?<!\d)0\d{2,3}[-\s]?\d{7,8}(?!\d)")
_VIN_IN_TEXT = re.compile(r"(?<![A-Z0-9])[A-HJ-NPR-Z0-9]{17}(?![A-Z0-9])", re.IGNORECASE)
_PLATE_IN_TEXT = re.compile(
    r"[京津沪渝冀豫云辽黑湘皖鲁新苏浙赣鄂桂甘晋蒙陕吉闽贵粤青藏川宁琼使领][A-Z]"
    r"[·\s-]?[A-Z0-9]{4,6}[挂学警港澳]?", re.IGNORECASE)


def scrub_customer(text: str, intake: Intake) -> str:
    """Free text with the customer left out, for 典型案例 shown to all staff (003 一.11):
    their name becomes 客户, and any mobile, landline, VIN or plate — this customer's or
    any other written in the text — is replaced by a placeholder (not masked: nothing of
    it is kept)."""
    out = text
    for value, placeholder in ((intake.customer_name, "客户"), (intake.phone, "[电话]"),
                               (intake.landline, "[电话]"), (intake.vin, "[车架号]"),
                               (intake.plate, "[车牌]")):
        v = value.strip()
        if len(v) >= 2:
            out = out.replace(v, placeholder)
    out = _VIN_IN_TEXT.sub("[车架号]", out)
    out = _MOBILE_IN_TEXT.sub("[电话]", out)
    out = _LANDLINE_IN_TEXT.sub("[电话]", out)
    return _PLATE_IN_TEXT.sub("[车牌]", out)


def masked_case(case: Case) -> Case:
    """A copy of the case with its customer numbers masked (the steps are shared)."""
    return replace(case, intake=mask_intake(case.intake))


# ---- who reads them ---------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class CaseHandling:
    """What the rule needs to know of a case: its department, its 业务主管, the step it
    is at and everyone who held or acted on one of its steps."""

    department_id: int | None
    supervisor_user_id: int | None
    current_step: str
    step_people: frozenset[int]

    @classmethod
    def of(cls, case: Case) -> CaseHandling:
        people: set[int] = set()
        for s in case.steps:
            for uid in (s.assignee_user_id, s.actor_user_id, s.on_behalf_of_user_id):
                if uid is not None:
                    people.add(uid)
        open_step = case.open_step
        current = case.current_step or (open_step.step_key if open_step else "")
        return cls(case.department_id, case.supervisor_user_id, current, frozenset(people))


def is_system(actor: User) -> bool:
    """The system user (no person: the command line, seeding, checks)."""
    return actor.id is None


def handles_all_cases(actor: User) -> bool:
    """The assessor and the GM handle every case (and the system, which holds every role)."""
    return any(actor.has(r) for r in HANDLE_ALL)


def handles_case(actor: User, case: CaseHandling) -> bool:
    """One of the people handling the case (DESIGN §3)."""
    if handles_all_cases(actor):
        return True
    if actor.id is not None and (actor.id in case.step_people
                                 or actor.id == case.supervisor_user_id):
        return True
    if case.department_id is not None and actor.department_id == case.department_id \
            and (actor.has(Role.DEPT_HEAD) or actor.has(Role.SUPERVISOR)):
        return True
    return actor.has(Role.CS_CENTER) and case.current_step in REVISIT_STEPS


@dataclass(frozen=True, slots=True)
class AccessGrant:
    """An approved request: `user_id` reads `case_id`'s numbers until `expires_at`."""

    case_id: int
    user_id: int
    expires_at: datetime

    def active(self, now: datetime) -> bool:
        return now < self.expires_at


# A request's states (storage keeps them as these strings).
PENDING, APPROVED, REFUSED = "pending", "approved", "refused"


@dataclass(frozen=True, slots=True)
class AccessRequest:
    """Someone asked to read a case's numbers, with a reason; a 负责人 decides."""

    id: int
    case_id: int
    requester_user_id: int
    reason: str
    requested_at: datetime
    status: str
    decided_by_user_id: int | None = None
    decided_at: datetime | None = None
    expires_at: datetime | None = None


def grant_expiry(approved_at: datetime, hours: int | float) -> datetime:
    return approved_at + timedelta(hours=hours)


def has_grant(actor: User, case_id: int | None, grants: Iterable[AccessGrant],
              now: datetime) -> bool:
    return actor.id is not None and case_id is not None and any(
        g.case_id == case_id and g.user_id == actor.id and g.active(now) for g in grants)


def may_read_contact(actor: User, case_id: int | None, case: CaseHandling,
                     grants: Iterable[AccessGrant], now: datetime) -> bool:
    """The one rule: a handler, or someone with an approval still running."""
    return handles_case(actor, case) or has_grant(actor, case_id, grants, now)


def print_shows_contact(actor: User, case: CaseHandling, unmasked: bool = False) -> bool:
    """A printed form shows the numbers when one of the case's handlers prints it; the
    system (the command line) prints them only when asked (`print --unmasked`)."""
    if is_system(actor):
        return unmasked
    return handles_case(actor, case)


def approves_requests(actor: User) -> bool:
    """Whether `actor` approves any customer-data requests at all (the GM, a department
    head): who has an approvals list."""
    return actor.id is not None and (actor.has(Role.GENERAL_MANAGER)
                                     or actor.has(Role.DEPT_HEAD))


def may_approve(actor: User, case_department_id: int | None) -> bool:
    """The case's department head or the GM approves a request (seed 002: 相关负责人)."""
    if actor.id is None:
        return False
    if actor.has(Role.GENERAL_MANAGER):
        return True
    return actor.has(Role.DEPT_HEAD) and case_department_id is not None \
        and actor.department_id == case_department_id
