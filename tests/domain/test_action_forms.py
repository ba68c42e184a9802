"""The form of an action is a domain table (domain/workflow/forms.py) the UI renders: which
fields, in which order, what they start with, and which field counts only while another
has a given value."""

from __future__ import annotations

from wf_builders import CS, HEAD, T0, advance_to, started

from complaintdesk.domain import steps as S
from complaintdesk.domain.clock import FixedClock
from complaintdesk.domain.workflow import available_actions
from complaintdesk.domain.workflow.forms import (
    FIELD_CONDITIONS,
    SYSTEM_FIELDS,
    asked,
    form_fields,
    form_prefill,
)


def _spec(case, user, key, clock):
    return next(a for a in available_actions(case, user, clock.now()) if a.key == key)


def test_the_revisit_form_asks_what_the_step_records_then_where_a_case_goes_back():
    clock = FixedClock(T0)
    case = started(clock)
    advance_to(case, S.REVISIT, clock)
    fields = form_fields(case, _spec(case, CS, "revisit", clock))
    # the step's records in its order ("skipped" is the engine's flag: never asked)
    assert fields == ["revisit_at", "method", "reached", "satisfaction", "customer_words",
                      "reopen_department_id"]
    assert "skipped" in SYSTEM_FIELDS
    # a non-recording action asks only its own required fields
    assert form_fields(case, _spec(case, CS, "classify", clock)) == ["category", "severity"]


def test_a_note_only_action_asks_for_a_note():
    clock = FixedClock(T0)
    case = started(clock)
    advance_to(case, S.ASSIGN, clock)
    handle_myself = next(a for a in available_actions(case, HEAD, clock.now())
                         if a.key == "handle_myself")
    assert form_fields(case, handle_myself)[-1] == "note"


def test_the_form_starts_from_the_case_classification():
    clock = FixedClock(T0)
    case = started(clock)
    advance_to(case, S.ASSIGN, clock)
    assert form_prefill(case, "department_id") == case.department_id is not None
    assert form_prefill(case, "severity") == case.severity.value
    assert form_prefill(case, "customer_words") is None


def test_satisfaction_counts_only_from_a_reached_customer_and_reopen_only_when_unhappy():
    assert {(c.field, c.depends_on) for c in FIELD_CONDITIONS} == {
        ("satisfaction", "reached"), ("reopen_department_id", "satisfaction")}
    assert asked("satisfaction", {"reached": True})
    assert not asked("satisfaction", {"reached": False})
    assert not asked("satisfaction", {"reached": None})
    assert asked("reopen_department_id", {"satisfaction": "不满意"})
    assert not asked("reopen_department_id", {"satisfaction": "满意"})
    assert asked("satisfaction", {})  # the condition's field not on the form: always counts
    assert asked("note", {"reached": False})
