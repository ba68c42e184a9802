"""The reminder scan's stored marks on PostgreSQL (migration 0018_next_mark, issue 17): the
scenarios of tests/reminder_scenarios.py. Runs when COMPLAINTDESK_TEST_PG_URL names an empty
test database (tests/pg_support.py)."""


from pg_support import requires_postgresql
from reminder_scenarios import (
    a_calendar_change_moves_the_marks,
    a_forwarding_is_read_only_when_its_next_milestone_mark_has_come,
    a_mark_fires_once_and_the_case_is_not_read_before_its_next,
    a_step_changed_between_scans_gets_its_own_marks,
)

pytestmark = requires_postgresql()  # skipped on a PC without a server, fails under CI


def test_a_mark_fires_once_and_the_case_is_not_read_before_its_next_on_postgresql(pg_services):
    a_mark_fires_once_and_the_case_is_not_read_before_its_next(*pg_services)


def test_a_step_changed_between_scans_gets_its_own_marks_on_postgresql(pg_services):
    a_step_changed_between_scans_gets_its_own_marks(*pg_services)


def test_a_calendar_change_moves_the_marks_on_postgresql(pg_services):
    a_calendar_change_moves_the_marks(*pg_services)


def test_a_forwarding_is_read_only_when_its_next_mark_has_come_on_postgresql(pg_services):
    a_forwarding_is_read_only_when_its_next_milestone_mark_has_come(*pg_services)
