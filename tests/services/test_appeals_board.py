"""Appeals go to the 监督与评估小组 (seed 001 二.3, 四.1; DESIGN §6): the administrator names
it (行政部 head leading, HR and finance members); a member re-investigates, the leader
records the group's decision (维持/减轻/撤销), the general manager is told; the window
is a setting. A reduced or revoked slip is never deleted: the ledger shows the correction."""

from datetime import timedelta

import pytest

from acc_builders import cast, walk_to_enforced
from complaintdesk.domain.records import Penalty, PenaltyKind, Role, SlipStatus
from complaintdesk.services.errors import PermissionDenied, ServiceError
from service_builders import add_user, make_services


def test_the_review_board_hears_the_appeal_and_the_gm_is_told(tmp_path):
    services, clock = make_services(tmp_path)
    c = cast(services)
    acc = services.accountability
    head = add_user(services, "xzb", "行政部负责人", Role.RECEPTION)
    hr = add_user(services, "hr", "人力资源专员", Role.RECEPTION)
    finance = add_user(services, "cw", "财务专员", Role.RECEPTION)
    with pytest.raises(PermissionDenied):
        acc.set_review_board(c.assessor, head.id, [hr.id])
    with pytest.raises(ServiceError, match="组长"):
        acc.set_review_board(c.admin, None, [hr.id])
    acc.set_review_board(c.admin, head.id, [hr.id, finance.id])
    services.accountability.set_accountability_settings(c.admin, {"appeal_window_days": 3})

    slip = walk_to_enforced(services, clock, c)
    enforced_at = acc.slip(c.assessor, slip.id).slip.enforced_at
    clock.set(enforced_at + timedelta(days=3, minutes=1))  # the window is 3 days now
    with pytest.raises(ServiceError, match="须在执行后3天内"):
        acc.file_appeal(c.zhao, slip.id, "客户事先已被告知")
    clock.set(enforced_at + timedelta(days=3))
    view = acc.file_appeal(c.zhao, slip.id, "客户事先已被告知")
    assert view.slip.status is SlipStatus.APPEALED

    # the group re-investigates: not the assessor any more; a member may, the leader decides
    with pytest.raises(PermissionDenied):
        acc.review_appeal(c.assessor, slip.id, "复核")
    assert [v.slip.id for v in acc.list_appeals(hr)] == [slip.id]
    acc.review_appeal(hr, slip.id, "调取录音，员工解释部分属实")
    with pytest.raises(PermissionDenied):
        acc.decide_appeal(finance, slip.id, "reduced", [Penalty(PenaltyKind.FINE, amount=50)],
                          "情节较轻")
    with pytest.raises(PermissionDenied):
        acc.decide_appeal(c.gm, slip.id, "revoked", None, "撤销")
    with pytest.raises(ServiceError, match="须轻于原处罚"):
        acc.decide_appeal(head, slip.id, "reduced", [Penalty(PenaltyKind.FINE, amount=500)],
                          "加重")
    acc.decide_appeal(head, slip.id, "reduced", [Penalty(PenaltyKind.FINE, amount=50)],
                      "情节较轻")

    # the GM is told, and confirms having read it
    [notice] = acc.appeal_notices(c.gm)
    assert notice.slip.id == slip.id and "gm_informed" in notice.actions
    acc.inform_gm(c.gm, slip.id)
    assert acc.appeal_notices(c.gm) == []
    final = acc.slip(c.assessor, slip.id)
    assert final.slip.status is SlipStatus.ENFORCED and final.penalty_text == "罚款¥50"
    assert any("总经理已知悉申诉裁决" in h.text for h in final.history)

    # never deleted: the ledger shows the slip with its correction
    month = enforced_at.astimezone(services.reports.tz).strftime("%Y-%m")
    [row] = acc.ledger(c.assessor, month).employees
    assert (row.fines_yuan, row.correction_yuan) == (50, -50)
    services.dispose()


def test_a_revoked_slip_stays_and_the_ledger_takes_it_back(tmp_path):
    services, clock = make_services(tmp_path)
    c = cast(services)
    acc = services.accountability
    slip = walk_to_enforced(services, clock, c)  # no group named: assessor + GM (fallback)
    clock.advance(timedelta(days=1))
    acc.file_appeal(c.zhao, slip.id, "非本人过失")
    acc.review_appeal(c.assessor, slip.id, "查明系系统排班错误")
    acc.decide_appeal(c.gm, slip.id, "revoked", None, "证据不足")
    assert acc.appeal_notices(c.gm) == []  # the GM decided: nothing to tell him
    kept = acc.slip(c.assessor, slip.id).slip
    assert kept.status is SlipStatus.REVOKED and kept.number
    month = kept.enforced_at.astimezone(services.reports.tz).strftime("%Y-%m")
    [row] = acc.ledger(c.assessor, month).employees
    assert row.fines_yuan == 0 and row.correction_yuan == -100
    services.dispose()
