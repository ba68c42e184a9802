"""DESIGN §4.5 through the services: event alerts in the step's transaction, the reminder
scan (50 %/75 %/deadline, business hours, once), the list, the unread count, mark read."""

from datetime import UTC, datetime, timedelta

import pytest

from complaintdesk.domain.alerts import AlertKind
from complaintdesk.domain.records import Role
from complaintdesk.services.base import SYSTEM_USER
from complaintdesk.services.errors import ServiceError
from service_builders import add_user, intake, make_services


@pytest.fixture()
def world(tmp_path):
    services, clock = make_services(tmp_path)
    people = {
        "cs": add_user(services, "kf", "朱红", Role.CS_CENTER),
        "assessor": add_user(services, "kh", "郭平", Role.ASSESSOR),
        "head": add_user(services, "sh", "陈静", Role.DEPT_HEAD, department_id=2),
        "other_head": add_user(services, "xs", "张伟", Role.DEPT_HEAD, department_id=1),
        "sup": add_user(services, "zg", "杨帆", Role.SUPERVISOR, department_id=2),
        "gm": add_user(services, "zjl", "高远", Role.GENERAL_MANAGER),
    }
    return services, clock, people


def kinds(services, user):
    return [(a.kind, a.case_id) for a in services.alerts.for_user(user)]


def forward(services, p, case, severity="normal"):
    return services.workflow.act(p["cs"], case.id, "forward", {
        "category": "维修质量", "severity": severity, "department_id": 2})


def test_a_step_that_becomes_yours_is_an_alert_in_the_same_transaction(world):
    services, clock, p = world
    case = services.intake.register(SYSTEM_USER, intake(clock))
    # step 1 填单转派 is cs_center's or the assessor's
    assert kinds(services, p["cs"]) == [(AlertKind.STEP, case.id)]
    assert kinds(services, p["assessor"]) == [(AlertKind.STEP, case.id)]
    assert services.alerts.for_user(p["head"]) == []
    forward(services, p, case)
    [alert] = services.alerts.for_user(p["head"])
    assert alert.kind is AlertKind.STEP and "部门安排" in alert.text and alert.text.endswith("。")
    assert services.alerts.for_user(p["other_head"]) == []  # another department's head
    assert services.alerts.for_user(p["gm"]) == []  # a 一般 complaint: not the GM's business
    services.workflow.act(p["head"], case.id, "assign", {"supervisor_user_id": p["sup"].id})
    assert [a.text for a in services.alerts.for_user(p["sup"])][0].startswith(case.number)
    # the head assigned it: that 新待办 is settled (kept in the list, read), no new one
    [settled] = services.alerts.for_user(p["head"])
    assert settled.read_at is not None and services.alerts.unread_count(p["head"]) == 0
    assert services.alerts.unread_count(p["sup"]) == 1


def test_a_step_that_fails_leaves_no_alert(world):
    services, clock, p = world
    case = services.intake.register(SYSTEM_USER, intake(clock))
    with pytest.raises(ServiceError):  # no department: refused, rolled back with its alerts
        services.workflow.act(p["cs"], case.id, "forward", {"category": "维修质量",
                                                           "severity": "important"})
    assert services.alerts.for_user(p["gm"]) == []


def test_important_complaint_alerts_the_department_head_and_gm_when_step_1_classifies_it(world):
    services, clock, p = world
    case = services.intake.register(SYSTEM_USER, intake(clock))
    forward(services, p, case, severity="important")
    assert (AlertKind.SEVERE, case.id) in kinds(services, p["head"])
    assert kinds(services, p["gm"]) == [(AlertKind.SEVERE, case.id)]
    assert "重要" in services.alerts.for_user(p["gm"])[0].text
    assert all(k is not AlertKind.SEVERE for k, _ in kinds(services, p["other_head"]))
    # raised to 重大 later (§4.8): told again, once
    services.workflow.act(p["cs"], case.id, "classify", {"category": "维修质量",
                                                         "severity": "major"})
    services.workflow.act(p["cs"], case.id, "classify", {"category": "服务态度",
                                                         "severity": "major"})
    texts = [a.text for a in services.alerts.for_user(p["gm"])]
    assert len(texts) == 2 and "重大" in texts[0]


def test_reminders_at_50_75_and_100_percent_each_sent_once(world):
    services, clock, p = world
    case = services.intake.register(SYSTEM_USER, intake(clock))
    forward(services, p, case)
    services.workflow.act(p["head"], case.id, "assign", {"supervisor_user_id": p["sup"].id})
    sup = p["sup"]
    services.alerts.scan()  # the handling step (24 h) has just begun: nothing yet
    assert [a.kind for a in services.alerts.for_user(sup)] == [AlertKind.STEP]
    clock.advance(timedelta(hours=12))
    assert services.alerts.scan() == 1
    assert services.alerts.scan() == 0  # the second PC's scan, or the next tick: nothing new
    clock.advance(timedelta(hours=6))
    services.alerts.scan()
    clock.advance(timedelta(hours=6))
    services.alerts.scan()
    clock.advance(timedelta(hours=6))
    services.alerts.scan()
    got = [a.kind for a in services.alerts.unread(sup)]  # oldest first
    assert got == [AlertKind.STEP, AlertKind.HALF, AlertKind.THREE_QUARTERS, AlertKind.DEADLINE]
    assert "已到期限" in services.alerts.unread(sup)[-1].text


def test_reminders_wait_for_business_hours_when_a_calendar_is_set(world):
    services, clock, p = world
    admin = add_user(services, "adm", "管理员", Role.ADMIN)
    services.settings.put(admin, "workflow", {"calendar": {
        "hours": {str(d): ["08:30", "18:00"] for d in range(7)}}})
    # Tuesday 17:30 local: the forward step has 1 h of open time — 30 min to the 18:00
    # closing, 30 min from Wednesday's 08:30 opening: due 09:00 Wednesday
    clock.set(datetime(2026, 11, 10, 9, 30, tzinfo=UTC))
    case = services.intake.register(SYSTEM_USER, intake(clock))
    services.alerts.scan()
    clock.set(datetime(2026, 11, 10, 10, 0, tzinfo=UTC))  # 18:00 closing: 50 %
    services.alerts.scan()
    assert [a.kind for a in services.alerts.for_user(p["cs"])][0] is AlertKind.HALF
    before = services.alerts.unread_count(p["cs"])
    clock.set(datetime(2026, 11, 10, 15, 0, tzinfo=UTC))  # 23:00: closed, nothing at night
    services.alerts.scan()
    clock.set(datetime(2026, 11, 11, 0, 40, tzinfo=UTC))  # Wednesday 08:40: 75 % is 08:45
    services.alerts.scan()
    assert services.alerts.unread_count(p["cs"]) == before
    clock.set(datetime(2026, 11, 11, 0, 50, tzinfo=UTC))
    services.alerts.scan()
    assert services.alerts.for_user(p["cs"])[0].send_at == \
        datetime(2026, 11, 11, 0, 45, tzinfo=UTC)
    clock.set(datetime(2026, 11, 11, 1, 5, tzinfo=UTC))  # 09:05
    services.alerts.scan()
    alerts = services.alerts.for_user(p["cs"])
    assert alerts[0].send_at == datetime(2026, 11, 11, 1, 0, tzinfo=UTC)
    assert [a.kind for a in alerts] == [AlertKind.DEADLINE, AlertKind.THREE_QUARTERS,
                                        AlertKind.HALF, AlertKind.STEP]
    assert case.number in alerts[0].text


def test_unread_oldest_first_for_the_next_login_and_mark_read(world):
    services, clock, p = world
    gm = p["gm"]
    assert services.alerts.notify(gm.id, "slip", "过失单 GS-202611-0001 待您签批。",
                                  "slip:1", "test:1")
    clock.advance(timedelta(minutes=5))
    assert services.alerts.notify(gm.id, AlertKind.APPEAL, "申诉待复核。", "slip:1", "test:2")
    assert not services.alerts.notify(gm.id, "slip", "again", "slip:1", "test:1")  # once
    # the GM was offline: at the next login the unread come oldest first
    assert [a.key for a in services.alerts.unread(gm)] == ["test:1", "test:2"]
    assert [a.key for a in services.alerts.for_user(gm)] == ["test:2", "test:1"]  # the list
    assert services.alerts.unread(gm)[0].slip_id == 1
    first = services.alerts.unread(gm)[0]
    assert services.alerts.mark_read(p["cs"], [first.id]) == 0  # not someone else's
    assert services.alerts.mark_read(gm, [first.id]) == 1
    assert services.alerts.unread_count(gm) == 1
    services.alerts.mark_read(gm)
    assert services.alerts.unread_count(gm) == 0 and len(services.alerts.for_user(gm)) == 2


def test_notify_refuses_an_unknown_kind_and_empty_text(world):
    services, _clock, p = world
    with pytest.raises(ServiceError) as exc:
        services.alerts.notify(p["gm"].id, "bogus", "x", "", "k")
    assert exc.value.field == "kind"
    with pytest.raises(ServiceError):
        services.alerts.notify(p["gm"].id, "notice", "  ", "", "k")


def test_monday_summary_reminds_the_assessor_once(world):
    services, clock, p = world
    clock.set(datetime(2026, 11, 16, 1, 0, tzinfo=UTC))  # Monday 09:00 local
    services.alerts.scan()
    clock.advance(timedelta(hours=3))
    services.alerts.scan()
    weekly = [a for a in services.alerts.for_user(p["assessor"]) if a.kind is AlertKind.WEEKLY]
    assert len(weekly) == 1 and "上周" in weekly[0].text


def test_slips_and_appeals_waiting_on_you(tmp_path):
    from acc_builders import cast, gm_signs, walk_to_approve, walk_to_issue

    services, clock = make_services(tmp_path)
    c = cast(services)
    case = walk_to_approve(services, clock, c, walk_to_issue(services, clock, c))
    [slip] = [a for a in services.alerts.for_user(c.zhao) if a.kind is AlertKind.SLIP]
    assert "签字确认" in slip.text and slip.slip_id is not None
    services.workflow.act(c.gm, case.id, "approve", gm_signs(services, case.id))
    services.workflow.act(c.assessor, case.id, "enforce", {"feedback_to_department": "已反馈"})
    acc = services.accountability
    acc.file_appeal(c.zhao, slip.slip_id, "当天系统故障，非本人原因")
    [review] = [a for a in services.alerts.for_user(c.assessor) if a.kind is AlertKind.APPEAL]
    assert "待复核" in review.text
    acc.review_appeal(c.assessor, slip.slip_id, "情况属实")
    [decide] = [a for a in services.alerts.for_user(c.gm) if a.kind is AlertKind.APPEAL]
    assert "待您裁决" in decide.text
    acc.decide_appeal(c.gm, slip.slip_id, "revoked", None, "系统故障属实")
    assert any(a.kind is AlertKind.APPEAL and "裁决结果" in a.text
               for a in services.alerts.for_user(c.zhao))


def test_a_late_step_tells_the_assessor_of_the_breach_slip(tmp_path):
    from acc_builders import cast

    services, clock = make_services(tmp_path)
    c = cast(services)
    case = services.intake.register(SYSTEM_USER, intake(clock))
    clock.advance(timedelta(minutes=30))
    services.workflow.act(c.cs, case.id, "forward", {
        "category": "维修质量", "severity": "normal", "department_id": c.dept_id})
    assert [a for a in services.alerts.for_user(c.assessor) if a.kind is AlertKind.SLIP] == []
    clock.advance(timedelta(hours=3))  # the head's 1 h 部门安排 is finished late
    services.workflow.act(c.head, case.id, "assign", {"supervisor_user_id": c.supervisor.id})
    [alert] = [a for a in services.alerts.for_user(c.assessor) if a.kind is AlertKind.SLIP]
    assert "部门安排" in alert.text and "超时" in alert.text and alert.case_id == case.id
    assert any(v.slip.from_breach for v in services.accountability.proposals_for_case(
        c.assessor, case.id))


def test_a_delegate_gets_the_absent_persons_step_alerts(world):
    services, clock, p = world
    now = clock.now()
    services.people.add_delegation(p["head"], p["head"].id, p["sup"].id,
                                   now - timedelta(hours=1), now + timedelta(days=2), "休假")
    case = services.intake.register(SYSTEM_USER, intake(clock))
    forward(services, p, case)
    [own] = services.alerts.for_user(p["head"])
    [stand_in] = services.alerts.for_user(p["sup"])
    assert stand_in.text == f"（代 陈静）{own.text}" and stand_in.case_id == case.id
