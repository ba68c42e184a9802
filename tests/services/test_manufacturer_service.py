"""厂家转办 through the services (DESIGN §4.6, §4.8): registered with brand, reference and
forwarding time; replies recorded; milestones in 我的待办 and as reminders; the reply
sheet (PDF read back, Excel reopened), the monthly list and the month workbook's sheet."""

import io
from datetime import timedelta

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader

from complaintdesk.domain.alerts import AlertKind
from complaintdesk.domain.manufacturer import ForwardInput
from complaintdesk.domain.records import FeedbackKind, Role
from complaintdesk.services.base import SYSTEM_USER
from complaintdesk.services.errors import PermissionDenied, ServiceError
from service_builders import add_user, intake, make_services


@pytest.fixture()
def world(tmp_path):
    services, clock = make_services(tmp_path)  # Tue 2026-11-10 10:00 Shanghai
    people = {
        "cs": add_user(services, "kf", "朱红", Role.CS_CENTER),
        "assessor": add_user(services, "kh", "郭平", Role.ASSESSOR),
        "head": add_user(services, "sh", "陈静", Role.DEPT_HEAD, department_id=2),
        "sup": add_user(services, "zg", "杨帆", Role.SUPERVISOR, department_id=2),
        "clerk": add_user(services, "jd", "前台", Role.RECEPTION),
    }
    return services, clock, people


def register(services, clock, ref="VW-001", hours_ago=2, brand="一汽-大众", **kw):
    fwd = ForwardInput(brand, ref, clock.now() - timedelta(hours=hours_ago))
    return services.intake.register(SYSTEM_USER, intake(clock, **kw), manufacturer=fwd)


def test_a_forwarded_complaint_is_stored_with_its_milestones(world):
    services, clock, p = world
    case = register(services, clock)
    assert case.intake.channel == "厂家转办"
    # DESIGN §4.8: receipt — step 0's start — is the forwarding time
    assert case.intake.complained_at == clock.now() - timedelta(hours=2)
    panel = services.manufacturer.panel(p["cs"], case.id)
    assert panel.forward.brand == "一汽-大众" and panel.forward.reference == "VW-001"
    assert [s.key for s in panel.states] == ["first_contact", "plan", "result"]
    contact = panel.states[0]
    assert contact.due == clock.now() + timedelta(hours=22) and contact.state == "pending"
    assert services.manufacturer.panel(p["cs"], services.intake.register(
        SYSTEM_USER, intake(clock)).id) is None  # an ordinary complaint has no panel


def test_intake_refuses_bad_forward_fields_naming_them(world):
    services, clock, _ = world
    with pytest.raises(ServiceError) as exc:
        services.intake.register(SYSTEM_USER, intake(clock), manufacturer=ForwardInput(
            "", "", None))
    assert set(exc.value.fields) == {"mfr_brand", "mfr_reference", "mfr_forwarded_at"}
    assert exc.value.message == "请选择「厂家品牌」。"
    register(services, clock, ref="VW-9")
    with pytest.raises(ServiceError, match="「厂家工单号」vw-9 已登记（FK-202611-0001）"):
        register(services, clock, ref="vw-9", phone="13900001111")
    with pytest.raises(ServiceError, match="只用于客户投诉"):
        register(services, clock, ref="VW-10", kind=FeedbackKind.PRAISE)


def test_replies_are_recorded_and_judge_the_milestones(world):
    services, clock, p = world
    case = register(services, clock)
    clock.advance(hours=1)
    services.manufacturer.record_reply(p["cs"], case.id, "first_contact", "已电话联系客户，约明日到店")
    services.manufacturer.record_reply(p["cs"], case.id, "", "客户到店检查中")
    panel = services.manufacturer.panel(p["cs"], case.id)
    assert [(r.milestone_label, r.text) for r in panel.replies] == [
        ("首次联系客户", "已电话联系客户，约明日到店"), ("其他（进展说明）", "客户到店检查中")]
    assert panel.user_names[panel.replies[0].by_user_id] == "朱红"
    assert panel.states[0].state == "met" and panel.states[0].replied_at == clock.now()
    with pytest.raises(ServiceError, match="请填写「回复内容」。"):
        services.manufacturer.record_reply(p["cs"], case.id, "plan", "  ")
    with pytest.raises(PermissionDenied):
        services.manufacturer.record_reply(p["clerk"], case.id, "plan", "方案")


def test_milestones_are_todos_of_their_holders_and_raise_reminders(world):
    services, clock, p = world
    case = register(services, clock)  # forwarded 08:00, contact due tomorrow 08:00
    services.alerts.scan()
    tasks = services.manufacturer.tasks(p["cs"])
    assert [(t.number, t.milestone) for t in tasks] == [(case.number, "first_contact"),
                                                         (case.number, "plan")]
    assert [t.milestone for t in services.manufacturer.tasks(p["assessor"])] == ["result"]
    assert services.manufacturer.tasks(p["sup"]) == []
    # step 2 names the supervisor: contact and plan are now his (step 3's holder)
    services.workflow.act(p["cs"], case.id, "forward", {
        "category": "维修质量", "severity": "normal", "department_id": 2})
    services.workflow.act(p["head"], case.id, "assign", {"supervisor_user_id": p["sup"].id})
    assert [t.milestone for t in services.manufacturer.tasks(p["sup"])] == [
        "first_contact", "plan"]
    assert services.manufacturer.tasks(p["cs"]) == []
    # 75 % of the 24 h (tomorrow 02:00 local) and the deadline: one reminder each, once
    clock.advance(hours=17)
    services.alerts.scan()
    mine = [a for a in services.alerts.for_user(p["sup"]) if "厂家转办" in a.text]
    assert [a.kind for a in mine] == [AlertKind.THREE_QUARTERS]
    assert "「首次联系客户」即将到期" in mine[0].text and mine[0].case_id == case.id
    assert services.manufacturer.tasks(p["sup"])[0].state == "due_soon"
    clock.advance(hours=5, minutes=1)  # just past the deadline
    services.alerts.scan()
    services.alerts.scan()
    mine = [a for a in services.alerts.for_user(p["sup"]) if "厂家转办" in a.text]
    assert sorted(a.kind for a in mine) == sorted([AlertKind.THREE_QUARTERS,
                                                   AlertKind.DEADLINE])
    assert services.manufacturer.tasks(p["sup"])[0].state == "overdue"
    # answering it takes it off the list and settles its reminders
    services.manufacturer.record_reply(p["sup"], case.id, "first_contact", "已联系客户")
    assert [t.milestone for t in services.manufacturer.tasks(p["sup"])] == ["plan"]
    assert all(a.read_at is not None for a in services.alerts.for_user(p["sup"])
               if "首次联系客户" in a.text)


def _texts(pdf: bytes) -> str:
    return "".join("".join(p.extract_text().split()) for p in PdfReader(io.BytesIO(pdf)).pages)


def test_the_reply_sheet_as_pdf_and_excel(world, tmp_path):
    services, clock, p = world
    case = register(services, clock, ref="FAW-2026-1107")
    clock.advance(hours=3)
    services.manufacturer.record_reply(p["cs"], case.id, "first_contact", "已致电客户说明处理安排")
    text = _texts(services.manufacturer.reply_sheet_pdf(p["cs"], case.id))
    for expected in ("厂家转办回复单", "FAW-2026-1107", case.number, "一汽-大众", "首次联系客户",
                     "按时回复", "已致电客户说明处理安排", "朱红", "2026-11-1008:00",
                     "2026-11-1108:00", "2026-11-1013:00"):
        assert expected in text, expected
    out = services.manufacturer.write_reply_sheet_xlsx(p["cs"], case.id, tmp_path / "回复单.xlsx")
    wb = load_workbook(out)
    head = {r[0]: r[1] for r in wb["厂家转办"].iter_rows(min_row=3, values_only=True)}
    assert head["厂家工单号"] == "FAW-2026-1107" and head["本店编号"] == case.number
    nodes = list(wb["时限节点"].iter_rows(min_row=2, values_only=True))
    assert [(n[0], n[4]) for n in nodes] == [("首次联系客户", "按时回复"), ("处理方案", "未到期"),
                                             ("处理结果", "未到期")]
    assert nodes[0][2].strftime("%Y-%m-%d %H:%M") == "2026-11-11 08:00"  # local, naive
    [log] = list(wb["回复记录"].iter_rows(min_row=2, values_only=True))
    assert log[1:] == ("首次联系客户", "朱红", "已致电客户说明处理安排")
    with pytest.raises(PermissionDenied):
        services.manufacturer.reply_sheet_pdf(p["clerk"], case.id)


def test_the_monthly_list_and_the_month_workbooks_figures(world, tmp_path):
    services, clock, p = world
    on_time = register(services, clock, ref="A1")
    late = register(services, clock, ref="A2", phone="13900001111", vin="")
    other = register(services, clock, ref="T1", brand="广汽丰田", phone="13900002222", vin="")
    for key in ("first_contact", "plan", "result"):
        services.manufacturer.record_reply(p["cs"], on_time.id, key, f"{key} 已回复")
    clock.advance(days=2)  # the 24 h contact of A2 and T1 missed
    services.manufacturer.record_reply(p["cs"], late.id, "first_contact", "迟到的联系")
    out = services.manufacturer.write_month_list(p["cs"], 2026, 11, tmp_path / "厂家.xlsx",
                                                 brand="一汽-大众")
    ws = load_workbook(out)["厂家转办清单"]
    assert "共 2 件，按时回复 1 件，有节点超时 1 件" in ws["A3"].value
    header = [c.value for c in ws[4]]
    rows = {r[2]: dict(zip(header, r, strict=True)) for r in ws.iter_rows(min_row=5, values_only=True)}
    assert set(rows) == {"A1", "A2"}  # one brand
    assert rows["A1"]["按时回复"] == "是" and rows["A1"]["处理结果·结果"] == "按时回复"
    assert rows["A2"]["首次联系客户·结果"] == "超时回复" and rows["A2"]["按时回复"] == "否"
    assert rows["A2"]["处理方案·结果"] == "未到期"
    assert rows["A2"]["本店编号"] == late.number
    with pytest.raises(PermissionDenied):
        services.manufacturer.write_month_list(p["clerk"], 2026, 11, tmp_path / "x.xlsx")
    # the month workbook: its own 厂家转办 sheet beside the KPI sheets
    book = services.reports.write_month(SYSTEM_USER, 2026, 11, tmp_path / "月报.xlsx")
    figures = {r[0]: r[1] for r in load_workbook(book)["厂家转办"].iter_rows(
        min_row=3, values_only=True)}
    assert figures["厂家转办投诉量"] == 3 and figures["按时回复厂家"] == 1
    assert figures["有节点超时"] == 2
    assert figures["按时回复率"] == pytest.approx(1 / 3)
    assert other.id is not None


def test_the_demos_forwarded_complaints_have_their_forwarding_and_replies(tmp_path):
    from complaintdesk.services.demo import seed_demo

    services, clock = make_services(tmp_path)
    summary = seed_demo(services, cases=200, seed=7)
    assert "200 个案件" in summary and "厂家转办" in summary
    users = {u.username: u for u in services.people.users()}
    rows = services.manufacturer.month_rows(2026, 10)
    assert rows and all(r.reference[:3] in ("FAW", "SVW") for r in rows)
    # old enough: every milestone settled, most on time, some late (a miss of the holder)
    assert all(r.settled for r in rows)
    assert any(r.on_time for r in rows)
    panel = services.manufacturer.panel(users["kefu"], services.cases.case_id_by_number(
        rows[0].number))
    assert panel is not None and panel.replies and panel.replies[0].by_user_id is not None


def test_a_milestone_reminder_at_night_waits_for_the_opening(world):
    from datetime import UTC, datetime

    services, clock, p = world
    admin = add_user(services, "adm", "管理员", Role.ADMIN)
    services.settings.put(admin, "workflow", {"calendar": {
        "hours": {str(d): ["08:30", "18:00"] for d in range(7)}}})
    case = register(services, clock)  # forwarded Tue 08:00 local: 75 % of 24 h is Wed 02:00
    services.alerts.scan()
    clock.set(datetime(2026, 11, 10, 19, 0, tzinfo=UTC))  # Wed 03:00 local: closed
    services.alerts.scan()

    def reminders():
        return [a for a in services.alerts.for_user(p["cs"]) if a.key.startswith("mfr:")]

    assert reminders() == []  # written, not shown at night
    clock.set(datetime(2026, 11, 11, 0, 40, tzinfo=UTC))  # Wed 08:40 local
    services.alerts.scan()
    # the 75 % mark (02:00) and the deadline (08:00) both fell while closed: at the opening
    got = reminders()
    assert sorted(a.kind for a in got) == sorted([AlertKind.THREE_QUARTERS, AlertKind.DEADLINE])
    assert all(case.number in a.text for a in got)
    assert {a.send_at for a in got} == {datetime(2026, 11, 11, 0, 30, tzinfo=UTC)}


def test_a_missed_milestone_proposes_a_breach_slip_for_the_supervisor_once(world):
    services, clock, p = world
    emp = next(e for e in services.people.employees() if e.name == "杨帆")
    sup = add_user(services, "zg2", "杨帆", Role.SUPERVISOR, department_id=2,
                   employee_id=emp.id)
    case = register(services, clock)  # forwarded 08:00, contact due tomorrow 08:00
    services.workflow.act(p["cs"], case.id, "forward", {
        "category": "维修质量", "severity": "normal", "department_id": 2})
    services.workflow.act(p["head"], case.id, "assign", {"supervisor_user_id": sup.id})
    services.alerts.scan()

    def mfr_slips():
        return [v.slip for v in services.accountability.list_slips(p["assessor"])
                if "厂家转办" in v.slip.facts]

    assert mfr_slips() == []
    clock.advance(hours=22, minutes=1)  # just past the first contact's deadline
    services.alerts.scan()
    services.alerts.scan()
    [slip] = mfr_slips()
    assert slip.from_breach and slip.employee_id == emp.id and slip.case_id == case.id
    assert "「首次联系客户」未在厂家时限内回复（时限 2026-11-11 08:00）" in slip.facts
    assert any(a.key == f"mfrbreach:{case.id}:first_contact"
               for a in services.alerts.for_user(p["assessor"]))
