"""The maximum lengths are data (resources/input_rules.json) and agree with the columns that
store them, so PostgreSQL never sees a value longer than its column (a raw DataError)."""

from __future__ import annotations

import pytest

from complaintdesk.domain.input_rules import InputLimits, default_limits, default_limits_raw
from complaintdesk.domain.input_rules.registration import TEXT_FIELDS
from complaintdesk.storage import tables

_COLUMNS = {"attachment_name": (tables.AttachmentRow, "filename"),
            "attachment_mime": (tables.AttachmentRow, "mime"),
            "department_name": (tables.DepartmentRow, "name"),
            "department_code": (tables.DepartmentRow, "code"),
            "employee_name": (tables.EmployeeRow, "name"),
            "employee_post": (tables.EmployeeRow, "post"),
            "username": (tables.UserRow, "username"),
            "display_name": (tables.UserRow, "display_name"),
            "step_text": (tables.StepRow, "data")}  # JSON: no column size


def _column_length(field: str) -> int | None:
    table, column = _COLUMNS.get(field, (tables.CaseRow, field))
    return getattr(table.__table__.c[column].type, "length", None)


@pytest.mark.parametrize("field", sorted(default_limits_raw()["max_length"]))
def test_each_limit_fits_its_column_and_says_where_it_comes_from(field):
    raw = default_limits_raw()["max_length"][field]
    assert raw["source"] in ("DESIGN §5", "product default")
    column = _column_length(field)
    assert column is None or raw["max"] <= column, (field, raw["max"], column)


# channel and mood are pick-lists: only their listed values pass, each shorter than its column
@pytest.mark.parametrize("field", [f for f in TEXT_FIELDS if f not in ("channel", "mood")])
def test_every_typed_intake_field_has_a_limit(field):
    assert default_limits().limit(field) is not None, field


def test_limits_are_read_from_data_and_refuse_nonsense():
    raw = default_limits_raw()
    raw["max_length"] = {**raw["max_length"], "customer_name": {"max": 0, "source": "x"}}
    with pytest.raises(ValueError):
        InputLimits.from_dict(raw)
    raw["max_length"]["customer_name"] = 12
    assert InputLimits.from_dict(raw).limit("customer_name") == 12
