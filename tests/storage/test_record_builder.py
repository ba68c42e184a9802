"""RecordBuilder (storage/read_models/builder.py): a record's fields come from the columns
of their names whatever the columns' order, and a table that does not fit the record is
refused when it is declared, not when a row is read."""

from __future__ import annotations

from dataclasses import dataclass, field

import pytest

from complaintdesk.storage.read_models.builder import RecordBuilder


@dataclass(slots=True)
class Rec:
    id: int
    name: str
    when: str = "never"
    tags: list[str] = field(default_factory=list)
    flag: bool = False


def test_fields_come_from_the_columns_of_their_names_in_any_order():
    b = RecordBuilder(Rec, ("flag", "extra", "name", "id"), convert={"flag": bool})
    assert b.build((1, "x", "王", 7)) == Rec(id=7, name="王", flag=True)
    moved = RecordBuilder(Rec, ("id", "name", "flag"), convert={"flag": bool})
    assert moved.build((7, "王", 1)) == b.build((1, "x", "王", 7))


def test_defaults_fresh_per_record_sources_and_computed_values():
    b = RecordBuilder(Rec, ("key", "title"), source={"id": "key", "name": "title"},
                      computed={"when": lambda r: f"{r[0]}-{r[1]}"})
    one, two = b.build((1, "a")), b.build((2, "b"))
    assert (one.id, one.name, one.when, two.when) == (1, "a", "1-a", "2-b")
    one.tags.append("t")
    assert two.tags == [] and b.build((3, "c")).tags == []


@pytest.mark.parametrize(("kwargs", "message"), [
    ({"columns": ("id",)}, "Rec.name: no column and no default"),
    ({"columns": ("id", "name"), "convert": {"nmae": str}}, "convert for no field"),
    ({"columns": ("id", "name"), "convert": {"when": str}}, "Rec.when: column 'when' not"),
    ({"columns": ("id",), "source": {"name": "title"}}, "Rec.name: column 'title' not"),
])
def test_a_table_that_does_not_fit_the_record_is_refused_when_declared(kwargs, message):
    with pytest.raises(ValueError, match=message):
        RecordBuilder(Rec, **kwargs)
