"""The special cases' step data as people read them in the timeline (DESIGN §4.1)."""

from zoneinfo import ZoneInfo

from complaintdesk.ui.widgets.field_text import Names, shown_items

TZ = ZoneInfo("Asia/Shanghai")


def test_approvals_receiver_and_awaiting_slips_read_as_text_not_raw_data():
    names = Names(employees={7: "赵磊"}, slips={3: "GS-202611-0003"})
    data = {
        "process": "经过",
        "solution_approvals": [
            {"status": "returned", "approver": "general_manager",
             "decided_at": "2026-11-10T04:00:00+00:00", "reason": "补偿过高"},
            {"status": "approved", "approver": "general_manager",
             "decided_at": "2026-11-10T09:00:00+00:00", "breach": True},
        ],
        "receiver_employee_id": 7, "awaiting_other_issuer": [3], "simple_path": True,
    }
    items = dict(shown_items(data, names, TZ))
    assert items["解决方案审批"] == ("已退回（总经理，2026-11-10 12:00）：补偿过高\n"
                               "已批准（总经理，2026-11-10 17:00）（超时）")
    assert items["受理人"] == "赵磊"
    assert items["待行政部负责人或总经理开具的过失单"] == "GS-202611-0003"
    assert items["简易投诉（当场解决）"] == "是"
