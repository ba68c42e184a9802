"""The printed 过失单 never contradicts itself (DESIGN §6, §7; issue 14): its 依据 quotes the
rule as it stood when the slip was proposed, labelled as this product's default, with every
escalation applied and every later change — the rule table edited afterwards changes
nothing on an old slip."""

import io
from datetime import timedelta

from pypdf import PdfReader

from acc_builders import cast, walk_to_approve, walk_to_issue
from complaintdesk.domain.records import Penalty, PenaltyKind
from complaintdesk.domain.slip_basis import basis_lines
from complaintdesk.domain.slips import BASIS
from service_builders import make_services


def _text(data: bytes) -> str:
    return "".join("".join((p.extract_text() or "").split())
                   for p in PdfReader(io.BytesIO(data)).pages)


def test_third_slip_prints_doubling_demotion_and_the_rule_as_it_stood(tmp_path):
    services, clock = make_services(tmp_path)
    c = cast(services)
    acc = services.accountability
    for _ in range(2):  # two earlier slips for 赵磊 within 90 days
        walk_to_approve(services, clock, c, walk_to_issue(services, clock, c))
        clock.advance(timedelta(days=5))
    case = walk_to_issue(services, clock, c)
    [p] = acc.proposals_for_case(c.assessor, case.id)
    assert p.penalty_text == "罚款¥200、绩效扣分4分、降职降薪（待总经理决定）"
    walk_to_approve(services, clock, c, case)
    slip = acc.slip(c.gm, p.slip.id).slip

    # afterwards the administrator raises the rule, and the GM changes this slip
    rules = [dict(r) for r in acc.rules()]
    rules[0] = {**rules[0], "clause": "一般投诉·主要责任：罚款120元，绩效扣3分",
                "source": "dealership", "penalties": [{"kind": "fine", "amount": 120}]}
    acc.save_rules(c.admin, rules)
    acc.change_penalties(c.gm, slip.id, [Penalty(PenaltyKind.FINE, amount=150),
                                          Penalty(PenaltyKind.POINTS, points=4)],
                         "降职降薪暂缓，罚款酌减")

    text = _text(services.printing.pdf_by_number(c.assessor, slip.number))
    assert "本系统默认规则（制度未规定金额）：一般投诉·主要责任：罚款100元，绩效扣2分" in text
    assert "罚款120元" not in text  # the later rule text is not this slip's basis
    assert "90天内再次过失" in text and "罚款和绩效扣分加倍" in text
    assert "12个月内第3次过失" in text and "拟降职降薪" in text
    assert "按上述加重后拟处罚：罚款¥200、绩效扣分4分、降职降薪（待总经理决定）" in text
    assert "此后经1次修改，现处罚：罚款¥150、绩效扣分4分" in text
    assert "降职降薪暂缓，罚款酌减" in text and "高远" in text  # the change, who and why
    assert "¥150" in text
    services.dispose()


def test_a_slip_without_a_snapshot_prints_its_proposal_note_or_says_it_has_none(tmp_path):
    services, clock = make_services(tmp_path)
    c = cast(services)
    case = walk_to_issue(services, clock, c)
    [p] = services.accountability.proposals_for_case(c.assessor, case.id)
    old = p.slip
    old.changes = [ch for ch in old.changes if ch.what != BASIS]  # as stored before
    [line] = basis_lines(old, lambda rid: "现行条款")
    assert line == "拟开具时的依据：依据规则：一般投诉·主要责任：罚款100元，绩效扣2分"
    old.changes = []  # a slip that kept no history at all
    [line] = basis_lines(old, lambda rid: "现行条款")
    assert line == "现行条款（现行规则文本；本单开具时未保存规则快照）"
    services.dispose()
