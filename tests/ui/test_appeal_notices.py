"""The GM is told of the 监督与评估小组's decision on an appeal and marks it read."""

from datetime import timedelta

from acc_builders import cast, walk_to_enforced
from complaintdesk.domain.records import Penalty, PenaltyKind, Role
from service_builders import add_user, make_services


def test_the_gm_reads_the_boards_decision(qtbot, tmp_path):
    from complaintdesk.ui.accountability.appeal_notices import AppealNoticesDialog

    services, clock = make_services(tmp_path)
    try:
        c = cast(services)
        acc = services.accountability
        head = add_user(services, "xzb", "行政部负责人", Role.RECEPTION)
        acc.set_review_board(c.admin, head.id, [])
        slip = walk_to_enforced(services, clock, c)
        clock.advance(timedelta(days=1))
        acc.file_appeal(c.zhao, slip.id, "非本人过失")
        acc.review_appeal(head, slip.id, "属实")
        acc.decide_appeal(head, slip.id, "reduced", [Penalty(PenaltyKind.FINE, amount=50)],
                          "情节较轻")
        dialog = AppealNoticesDialog(services, c.gm)
        qtbot.addWidget(dialog)
        assert dialog.list.count() == 1
        text = dialog.list.item(0).text()
        assert slip.number in text and "减轻处罚" in text and "情节较轻" in text
        dialog.list.setCurrentRow(0)
        dialog.read_button.click()
        assert dialog.list.item(0).text() == "（没有待确认的申诉裁决）"
        assert not dialog.read_button.isEnabled()
        assert acc.appeal_notices(c.gm) == []
    finally:
        services.dispose()
