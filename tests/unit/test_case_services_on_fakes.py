"""The 疑难 mark, the weekly summary task, the contact log and the GM's slip-by-slip
decisions as use cases, on the in-memory unit of work (tests/fakes.py)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from complaintdesk.domain.clock import FixedClock
from complaintdesk.domain.records import (
    Case,
    Department,
    Employee,
    FaultSlip,
    FeedbackKind,
    FlowKind,
    Intake,
    Penalty,
    PenaltyKind,
    Responsibility,
    Role,
    SlipStatus,
    User,
)
from complaintdesk.services.action_choices import ActionChoiceService
from complaintdesk.services.case_marks import CaseMarkService
from complaintdesk.services.contact_log import ContactLogService
from complaintdesk.services.errors import NotFound, PermissionDenied, ServiceError
from complaintdesk.services.gm_decisions import apply_gm_decisions
from complaintdesk.services.slip_access import SlipView
from complaintdesk.services.weekly_task import WeeklyTaskService
from fakes import FakeDatabase, FakeUnitOfWork, service

NOW = datetime(2026, 11, 18, 2, 0, tzinfo=UTC)  # Wednesday 10:00 in Shanghai
ASSESSOR = User(1, "kh", "郭平", frozenset({Role.ASSESSOR}))
GM = User(2, "zjl", "高远", frozenset({Role.GENERAL_MANAGER}))
CS = User(3, "kf", "朱红", frozenset({Role.CS_CENTER}))
CLERK = User(4, "jd", "接待小李", frozenset({Role.RECEPTION}))


def _case(kind: FeedbackKind = FeedbackKind.COMPLAINT, **kw: object) -> Case:
    return Case(None, "FK-202611-0001", FlowKind.FEEDBACK, kind,
                Intake(customer_name="王芳", phone="13812345678", description="刹车异响"),
                NOW - timedelta(days=3), 4, department_id=7, **kw)  # type: ignore[arg-type]


@pytest.fixture
def db() -> FakeDatabase:
    d = FakeDatabase()
    d.add(ASSESSOR, GM, CS, CLERK)
    return d


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(NOW)


# ---- 疑难 -----------------------------------------------------------------------------
def test_the_assessor_marks_a_complaint_difficult_with_a_reason(db, clock) -> None:
    complaint = _case()
    db.add(complaint)
    marks = service(CaseMarkService, db, clock)
    mark = marks.mark_difficult(ASSESSOR, complaint.id, "  涉及三次返修  ")
    assert mark.note == "涉及三次返修" and mark.at == NOW and mark.by_user_id == 1
    assert marks.is_difficult(complaint.id)
    marks.mark_difficult(ASSESSOR, complaint.id, "客户要求退车")
    assert [(e["action"], e["before"], e["after"]) for e in db.audit] == [
        ("mark_difficult", None, {"note": "涉及三次返修"}),
        ("mark_difficult", {"note": "涉及三次返修"}, {"note": "客户要求退车"}),
    ]
    marks.clear_difficult(ASSESSOR, complaint.id)
    assert not marks.is_difficult(complaint.id) and db.commits == 3
    marks.clear_difficult(ASSESSOR, complaint.id)  # nothing to clear: nothing written
    assert db.commits == 3


def test_a_difficult_mark_needs_a_reason_a_complaint_and_the_assessor(db, clock) -> None:
    suggestion = _case(FeedbackKind.SUGGESTION)
    db.add(suggestion)
    marks = service(CaseMarkService, db, clock)
    with pytest.raises(ServiceError) as exc:
        marks.mark_difficult(ASSESSOR, suggestion.id, "   ")
    assert exc.value.field == "note" and "「认定理由」" in exc.value.message
    with pytest.raises(ServiceError) as exc:
        marks.mark_difficult(ASSESSOR, suggestion.id, "理" * 501)
    assert exc.value.message == "「认定理由」不能超过 500 字。"
    assert db.opened == []  # refused before any transaction
    with pytest.raises(ServiceError) as exc:
        marks.mark_difficult(ASSESSOR, suggestion.id, "很难")
    assert exc.value.message == "只有投诉可以标记为疑难投诉（建议、表扬不适用）。"
    with pytest.raises(NotFound):
        marks.mark_difficult(ASSESSOR, 999, "很难")
    with pytest.raises(PermissionDenied) as exc:
        marks.mark_difficult(CS, suggestion.id, "很难")
    assert "考核主管" in exc.value.message
    assert db.commits == 0 and db.data.marks == {}


# ---- the weekly summary ---------------------------------------------------------------
def test_the_assessors_task_is_last_weeks_summary_due_monday_night(db, clock) -> None:
    weekly = service(WeeklyTaskService, db, clock)
    [task] = weekly.tasks(ASSESSOR)
    assert task.week_start == date(2026, 11, 9) and task.action == "send"
    assert task.label == "发送上周投诉汇总（2026-11-09至11-15）给总经理"
    assert task.due == datetime(2026, 11, 16, 15, 59, 59, tzinfo=UTC)  # 23:59:59 local
    assert task.state == "overdue"  # it is Wednesday
    assert weekly.tasks(GM) == [] and weekly.tasks(CS) == []


def test_sending_keeps_the_copy_and_hands_the_gm_an_acknowledgement(db, clock) -> None:
    weekly = service(WeeklyTaskService, db, clock)
    weekly.render = lambda actor, week: f"PDF {week} {actor.display_name}".encode()
    rec = weekly.send(ASSESSOR, date(2026, 11, 9))
    assert rec.sent_at == NOW and rec.sent_by_user_id == 1 and rec.read_at is None
    assert rec.pdf_sha256 is not None and len(rec.pdf_sha256) == 64
    assert weekly.tasks(ASSESSOR) == []
    [task] = weekly.tasks(GM)
    assert (task.action, task.due, task.sent_at) == ("acknowledge", None, NOW)
    assert weekly.sent_copy(GM, date(2026, 11, 9)) == "PDF 2026-11-09 郭平".encode()
    clock.advance(timedelta(hours=1))
    assert weekly.acknowledge(GM, date(2026, 11, 9)).read_at == NOW + timedelta(hours=1)
    assert weekly.tasks(GM) == []
    with pytest.raises(ServiceError) as exc:
        weekly.acknowledge(GM, date(2026, 11, 9))
    assert exc.value.message == "该周汇总已经标记为已阅。" and exc.value.field == "week_start"
    assert [e["action"] for e in db.audit] == ["weekly:send", "weekly:read"]


def test_a_summary_is_sent_for_a_finished_week_starting_on_a_monday(db, clock) -> None:
    weekly = service(WeeklyTaskService, db, clock)
    with pytest.raises(ServiceError) as exc:
        weekly.send(ASSESSOR, date(2026, 11, 10))
    assert exc.value.message == "「周开始日期」必须是星期一。"
    with pytest.raises(ServiceError) as exc:
        weekly.send(ASSESSOR, date(2026, 11, 16))  # this week: not over yet
    assert "尚未结束" in exc.value.message
    with pytest.raises(ServiceError) as exc:
        weekly.acknowledge(GM, date(2026, 11, 9))
    assert "尚未由考核主管发送" in exc.value.message
    with pytest.raises(PermissionDenied):
        weekly.acknowledge(ASSESSOR, date(2026, 11, 9))
    assert db.commits == 0 and db.data.weekly == {}


# ---- the contact log -------------------------------------------------------------------
def test_a_notice_in_the_window_does_the_notice_and_is_logged(db, clock) -> None:
    complaint = _case(notice_from=NOW - timedelta(hours=1), notice_due=NOW + timedelta(days=2))
    db.add(complaint)
    contacts = service(ContactLogService, db, clock)
    entry = contacts.add(CS, complaint.id, method="电话", kind="处理意见告知",
                         summary=" 告知处理结果 ", customer_reply="满意")
    assert entry.summary == "告知处理结果" and entry.at == NOW
    assert db.data.cases[complaint.id].notified_at == NOW
    assert db.data.cases[complaint.id].version == 2  # the case was written back
    assert [e.summary for e in contacts.entries(CS, complaint.id)] == ["告知处理结果"]
    assert db.audit[-1]["after"]["notified"] is True


def test_a_contact_entry_names_every_wrong_field_and_stores_nothing(db, clock) -> None:
    complaint = _case()
    db.add(complaint)
    contacts = service(ContactLogService, db, clock)
    with pytest.raises(ServiceError) as exc:
        contacts.add(CS, complaint.id, method="飞鸽", kind="闲聊", summary=" ",
                     at=NOW + timedelta(hours=1))
    assert set(exc.value.fields) == {"method", "kind", "summary", "at"}
    assert exc.value.fields["summary"] == "请填写「沟通内容」。"
    assert all(m.endswith("。") for m in exc.value.fields.values())
    with pytest.raises(PermissionDenied):  # reception handles no case
        contacts.add(CLERK, complaint.id, method="电话", kind="进展告知", summary="进展")
    assert db.commits == 0 and db.data.contacts == []


# ---- the GM's decision per slip (inside the approve step's transaction) ------------------
def _issued(number: str, case_id: int) -> FaultSlip:
    return FaultSlip(None, number, case_id, 11, 7, "维修顾问", "未按时回复客户",
                     Responsibility.MAIN, [Penalty(PenaltyKind.FINE, amount=100)],
                     status=SlipStatus.ISSUED)


def test_every_waiting_slip_needs_the_gms_own_decision(db, clock) -> None:
    case = _case()
    db.add(case)
    first, second = _issued("GS-202611-0001", case.id), _issued("GS-202611-0002", case.id)
    db.add(first, second)
    with FakeUnitOfWork(db) as uow:
        with pytest.raises(ServiceError) as exc:
            apply_gm_decisions(uow, GM, case, {"slip_decisions": [
                {"slip_id": first.id, "decision": "approve"}]}, NOW)
        assert exc.value.field == "slip_decisions"
        assert "GS-202611-0002" in exc.value.message and "GS-202611-0001" not in exc.value.message
        with pytest.raises(ServiceError) as exc:
            apply_gm_decisions(uow, GM, case, {"slip_decisions": [
                {"slip_id": first.id, "decision": "approve"},
                {"slip_id": second.id, "decision": "change", "penalties": [{"kind": "warning"}],
                 "reason": " "}]}, NOW)
        assert exc.value.message == "过失单 GS-202611-0002：修改处罚须填写修改原因。"


def test_the_gm_approves_one_slip_and_lightens_the_other(db, clock) -> None:
    case = _case()
    db.add(case)
    first, second = _issued("GS-202611-0001", case.id), _issued("GS-202611-0002", case.id)
    db.add(first, second)
    with FakeUnitOfWork(db) as uow:
        data = apply_gm_decisions(uow, GM, case, {"approval": "同意", "slip_decisions": [
            {"slip_id": first.id, "decision": "approve"},
            {"slip_id": second.id, "decision": "change", "penalties": [{"kind": "warning"}],
             "reason": "初犯"}]}, NOW)
        uow.commit()
    one, two = db.data.slips[first.id], db.data.slips[second.id]
    assert one.status is two.status is SlipStatus.APPROVED
    assert one.gm_opinion == "同意"  # the case's opinion, as the GM wrote none of its own
    assert [p.kind for p in two.penalties] == [PenaltyKind.WARNING] and two.version == 2
    recorded = {d["number"]: d for d in data["slip_decisions"]}
    assert recorded["GS-202611-0002"]["before"] == [{"kind": "fine", "amount": 100}]
    assert recorded["GS-202611-0002"]["reason"] == "初犯"


# ---- what the action forms offer -------------------------------------------------------
def test_the_forms_offer_the_live_categories_and_the_slips_the_person_may_see(
        db, clock) -> None:
    db.add(Department(7, "售后服务部"), Department(8, "销售部"), Employee(11, "赵磊", 7, "维修顾问"),
           User(5, "zg", "杨帆", frozenset({Role.SUPERVISOR}), 7))
    db.data.settings["categories"] = ["售后", "试驾"]
    case = _case()
    db.add(case)
    slip = _issued("GS-202611-0001", case.id)
    db.add(slip)
    choices = service(ActionChoiceService, db, clock)
    asked: list[tuple[str, int]] = []

    def slips_of_case(actor: User, case_id: int) -> list[SlipView]:
        asked.append((actor.username, case_id))
        if not actor.has(Role.GENERAL_MANAGER):
            raise PermissionDenied("没有权限查看该过失单。")
        return [SlipView(db.data.slips[slip.id], employee_name="赵磊", penalty_text="罚款 100 元")]

    choices.slips_of_case = slips_of_case
    seen = choices.for_case(GM, case)
    assert seen.slips == [("GS-202611-0001  赵磊  罚款 100 元  [已开具]", slip.id)]
    assert seen.supervisors == [("杨帆", 5)] and seen.employees == [("赵磊（售后服务部·维修顾问）", 11)]
    assert seen.categories[:2] == ["售后", "试驾"]
    assert choices.for_case(CS, case).slips == []  # may not see them: nothing to pick
    assert asked == [("zjl", case.id), ("kf", case.id)] and db.commits == 0
