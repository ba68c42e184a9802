"""The rule table as the administrator edits it (domain/rule_table.py): which rows a flow's
table shows, how penalties read in a cell, whose amounts an edited row carries."""

from complaintdesk.domain.rule_table import (
    ALL_FLOWS,
    new_row,
    penalties_text,
    shown_for_flow,
    source_after_edit,
)

FINE_100 = [{"kind": "fine", "amount": 100}, {"kind": "points", "points": 2}]


def test_a_flow_table_shows_its_own_rows_and_the_rows_that_can_match_it():
    own = {"flow": "internal", "occasion": "fault"}
    every_fault = {"occasion": "fault"}
    by_severity = {"occasion": "fault", "severity": "normal"}
    praise = {"occasion": "praise"}
    rework_only = {"flow": "rework", "occasion": "fault"}
    assert shown_for_flow(own, "internal") and not shown_for_flow(own, "feedback")
    assert shown_for_flow(every_fault, "internal") and shown_for_flow(every_fault, "rework")
    # internal complaints and rework orders have no severity and no praise
    assert not shown_for_flow(by_severity, "internal")
    assert not shown_for_flow(praise, "rework")
    assert shown_for_flow(by_severity, "feedback") and shown_for_flow(praise, "feedback")
    assert not shown_for_flow(rework_only, "internal")
    assert all(shown_for_flow(r, ALL_FLOWS) for r in (own, by_severity, praise, rework_only))


def test_penalties_read_as_one_line_and_a_bad_list_as_it_is():
    assert penalties_text(FINE_100) == "罚款¥100、绩效扣分2分"
    assert penalties_text([]) == ""
    assert penalties_text([{"kind": "no-such-kind"}]) == "[{'kind': 'no-such-kind'}]"


def test_edited_amounts_become_the_dealerships():
    assert source_after_edit("product_default", FINE_100, [{"kind": "fine", "amount": 150}]) \
        == "dealership"
    assert source_after_edit("product_default", FINE_100, list(FINE_100)) == "product_default"


def test_a_new_row_belongs_to_the_flow_shown():
    assert new_row("rework")["flow"] == "rework"
    assert "flow" not in new_row(ALL_FLOWS)
    assert new_row(ALL_FLOWS)["source"] == "dealership"
