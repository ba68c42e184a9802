"""The 过失单 printed through the service carries the rule's clause text as 依据条款."""

import io

from pypdf import PdfReader

from acc_builders import cast, walk_to_approve, walk_to_issue
from service_builders import make_services


def test_printed_slip_shows_the_clause_not_the_rule_id(tmp_path):
    services, clock = make_services(tmp_path)
    c = cast(services)
    case = walk_to_approve(services, clock, c, walk_to_issue(services, clock, c))
    [slip] = [v.slip for v in services.accountability.proposals_for_case(c.assessor, case.id)]
    clauses = {r["id"]: r["clause"] for r in services.accountability.rules()}
    data = services.printing.pdf_by_number(c.assessor, slip.number)
    text = "".join("".join((p.extract_text() or "").split())
                   for p in PdfReader(io.BytesIO(data)).pages)
    assert slip.rule_ids and "依据条款" in text
    for rule_id in slip.rule_ids:
        assert rule_id not in text
        assert "".join(clauses[rule_id].split()) in text
    services.dispose()
