"""The one customer-data rule (DESIGN §3, seed 002): the three masks and who handles a case."""

from datetime import UTC, datetime, timedelta

import pytest

from complaintdesk.domain import steps as S
from complaintdesk.domain.masking import (
    AccessGrant,
    CaseHandling,
    handles_case,
    mask_intake,
    mask_landline,
    mask_mobile,
    mask_vin,
    may_approve,
    may_read_contact,
    print_shows_contact,
)
from complaintdesk.domain.records import Intake, Role, User

NOW = datetime(2026, 11, 10, 2, 0, tzinfo=UTC)


@pytest.mark.parametrize(("raw", "masked"), [
    ("13812345678", "138****5678"), ("15900001111", "159****1111"), ("", ""),
    ("12345", "*****"),
])
def test_mobile_mask(raw, masked):
    assert mask_mobile(raw) == masked


@pytest.mark.parametrize(("raw", "masked"), [
    ("010-68880061", "010-****0061"), ("0755-88886666", "0755-****6666"),
    ("(010)68880061", "010-****0061"), ("010-68880061转123", "010-****0061"),
    ("400-800-8888", "****8888"), ("", ""),
])
def test_landline_mask_keeps_the_area_code_and_last_four(raw, masked):
    assert mask_landline(raw) == masked


@pytest.mark.parametrize(("raw", "masked"), [
    ("LSVAB2BR5KN001234", "LSVAB********1234"), ("1M8GDM9AXKP042788", "1M8GD********2788"),
    ("", ""),
])
def test_vin_mask(raw, masked):
    assert mask_vin(raw) == masked


def test_mask_intake_masks_all_three_and_leaves_the_original():
    i = Intake("王小明", phone="13812345678", landline="010-68880061", vin="LSVAB2BR5KN001234")
    m = mask_intake(i)
    assert (m.phone, m.landline, m.vin) == ("138****5678", "010-****0061", "LSVAB********1234")
    assert i.phone == "13812345678" and m.customer_name == "王小明"


def _u(uid, *roles, dept=None):
    return User(uid, f"u{uid}", f"用户{uid}", frozenset(roles), dept)


CASE = CaseHandling(department_id=7, supervisor_user_id=20, current_step=S.HANDLE,
                    step_people=frozenset({30}))


@pytest.mark.parametrize(("user", "handles"), [
    (_u(1, Role.ASSESSOR), True),
    (_u(2, Role.GENERAL_MANAGER), True),
    (_u(3, Role.DEPT_HEAD, dept=7), True),
    (_u(4, Role.SUPERVISOR, dept=7), True),
    (_u(20, Role.SUPERVISOR, dept=8), True),  # the case's named 业务主管
    (_u(30, Role.RECEPTION), True),  # held (or acted on) a step
    (_u(5, Role.DEPT_HEAD, dept=8), False),  # another department's head
    (_u(6, Role.CS_CENTER), False),  # cs_center only at a revisit step
    (_u(7, Role.RECEPTION), False),
    (_u(8, Role.ADMIN), False),
    (User(None, "system", "命令行", frozenset(Role)), True),  # the app's own work
])
def test_who_handles_a_case(user, handles):
    assert handles_case(user, CASE) is handles


def test_no_supervisor_named_does_not_make_an_unsaved_user_a_handler():
    no_supervisor = CaseHandling(7, None, S.FORWARD, frozenset())
    assert not handles_case(User(None, "x", "x", frozenset({Role.DEPT_HEAD})), no_supervisor)


@pytest.mark.parametrize("step", [S.REVISIT, S.SECOND_REVISIT, S.RW_REVISIT])
def test_cs_center_handles_a_case_at_its_revisit(step):
    at_revisit = CaseHandling(7, 20, step, frozenset())
    assert handles_case(_u(6, Role.CS_CENTER), at_revisit)


def test_an_approval_opens_the_numbers_until_it_expires():
    user = _u(7, Role.RECEPTION)
    grant = AccessGrant(case_id=99, user_id=7, expires_at=NOW + timedelta(hours=24))
    assert may_read_contact(user, 99, CASE, [grant], NOW + timedelta(hours=23, minutes=59))
    assert not may_read_contact(user, 99, CASE, [grant], NOW + timedelta(hours=24))
    assert not may_read_contact(user, 98, CASE, [grant], NOW)  # another case
    assert not may_read_contact(_u(9, Role.RECEPTION), 99, CASE, [grant], NOW)  # another user


def test_the_case_department_head_or_the_gm_approve():
    assert may_approve(_u(3, Role.DEPT_HEAD, dept=7), 7)
    assert may_approve(_u(2, Role.GENERAL_MANAGER), 7)
    assert not may_approve(_u(5, Role.DEPT_HEAD, dept=8), 7)
    assert not may_approve(_u(4, Role.SUPERVISOR, dept=7), 7)
    assert not may_approve(_u(1, Role.ASSESSOR), 7)


def test_a_print_shows_the_numbers_for_a_handler_and_for_the_system_only_when_asked():
    system = User(None, "system", "命令行", frozenset(Role))
    assert not print_shows_contact(system, CASE)
    assert print_shows_contact(system, CASE, unmasked=True)
    assert print_shows_contact(_u(3, Role.DEPT_HEAD, dept=7), CASE)
    assert not print_shows_contact(_u(7, Role.RECEPTION), CASE)
