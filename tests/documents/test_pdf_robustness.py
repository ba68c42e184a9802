"""Forms print whatever they are given: steps naming slips that were not passed in, an
empty block, and the slip's 依据条款 as the rule's clause text (not its id)."""

from __future__ import annotations

from builders import CaseBuilder, context, internal_case, rework_case, slip
from test_forms_pdf import text

from complaintdesk.documents.fault_slip import fault_slip_pdf
from complaintdesk.documents.feedback_form import feedback_form_pdf
from complaintdesk.documents.other_forms import internal_complaint_pdf, rework_order_pdf
from complaintdesk.documents.pdf_grid import Grid


def test_an_empty_block_prints_as_one_empty_box():
    block = Grid("③ 审核").table()
    assert len(block.rows) == 1 and block.rows[0].blank


def test_steps_with_slip_ids_but_no_slips_print_empty_slip_rows():
    # the review recorded slip 900 / the investigation slip 501, but no slips are passed in
    t = text(internal_complaint_pdf(internal_case(), context(), ()))
    assert "内部投诉意见处理单" in t and "处罚单号" in t
    t = text(rework_order_pdf(rework_case(), context(), ()))
    assert "车辆厂外返修作业单" in t and "过失单号" in t
    t = text(feedback_form_pdf(CaseBuilder().full().build(), context(), ()))
    assert "过失单号" in t and "GS-202611-0012" not in t


def test_the_slips_it_knows_print_beside_an_empty_row_for_the_missing_one():
    case = internal_case()
    review = next(s for s in case.steps if s.step_key == "ic_review")
    review.data["slip_ids"] = [900, 901]
    t = text(internal_complaint_pdf(case, context(), [slip(slip_id=900, number="CF-202611-0004",
                                                           case_id=3)]))
    assert "CF-202611-0004" in t


def test_the_slip_prints_the_clause_text_of_its_rule():
    clauses = {"R-重要-主要责任": "重要投诉·主要责任：罚款300元，绩效扣5分"}
    t = text(fault_slip_pdf(slip(), context(rule_clauses=clauses)))
    assert "重要投诉·主要责任：罚款300元，绩效扣5分" in t
    assert "R-重要-主要责任" not in t


def test_an_unknown_rule_prints_its_id():
    t = text(fault_slip_pdf(slip(rule_ids=["R-deleted"]), context()))
    assert "R-deleted" in t
