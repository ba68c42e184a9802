"""A hand-built month of complaints whose every KPI is worked out by hand in the tests.

Used by tests/domain/test_kpi.py and tests/documents/test_excel.py. Times are local
Shanghai wall-clock (UTC+8); the report month is March 2026, the previous February 2026,
the year-ago month March 2025.

| case | kind | dept | received | step 3 done | closed | notes |
|---|---|---|---|---|---|---|
| C1 | 投诉 | 1 | 03-02 09:00 (reg 09:30) | +11 h on time | 03-06 09:00 (96 h) | revisit 满意 |
| C2 | 投诉 | 1 | 03-05 10:00 | +34 h LATE | 03-12 10:00 (168 h) | 不满意 → reopen, 2nd handle on time, 基本满意 |
| C3 | 投诉 | 2 | 03-10 08:00 (reg 08:30) | +23 h | 03-14 08:00 (96 h) | repeat; revisit not reached |
| C4 | 投诉 | 2 | 03-20 12:00 | +48 h (extended, on time) | open | 不满意 → reopen, 2nd handle open, deadline 03-24 12:00 |
| C5 | 投诉 | 1 | 03-30 20:00 (reg 21:00) | 04-01 10:00 (+38 h) | 04-05 10:00 | open at month end, 2 h overdue |
| C6 | 投诉 | — | 03-31 22:00 (reg 22:30) | — | open | forward step due 23:30, 0.5 h overdue |
| C7 | 建议 | 1 | 03-15 10:00 | on time | | |
| C8 | 表扬 | 2 | 03-18 10:00 | | | reward slip S5 |
| C9 | internal flow | 1 | 03-10 | late | | ignored by the KPIs |
| C10 | 投诉 | 1 | 02-27 09:00 (reg 10:00) | 03-01 10:00 (+49 h, LATE) | 03-03 10:00 | revisit due 03-01, 满意 |
| C11 | 投诉 | 1 | 02-03 09:00 | +12 h | 02-07 09:00 (96 h) | 满意 |
| C12 | 投诉 | 2 | 02-10 09:00 (reg 10:00) | +48 h LATE | 02-13 09:00 (72 h) | revisit skipped |
| C13 | 投诉 | 1 | 2025-03-05 10:00 | +10 h | 2025-03-08 10:00 (72 h) | 满意 |
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from complaintdesk.domain import steps as S
from complaintdesk.domain.kpi import KpiLookups
from complaintdesk.domain.records import (
    Case,
    CaseStatus,
    FaultSlip,
    FeedbackKind,
    FlowKind,
    Intake,
    Penalty,
    PenaltyKind,
    Responsibility,
    Severity,
    SlipStatus,
    StepRecord,
)

SH = ZoneInfo("Asia/Shanghai")
NOW = datetime(2026, 4, 10, 0, 0, tzinfo=SH).astimezone(UTC)
VOLUMES = {(1, "2026-03"): 200, (1, "2026-02"): 100}  # 售后部 (2) never entered a volume
LOOKUPS = KpiLookups(
    department_names={1: "销售部", 2: "售后部"},
    employee_names={11: "张三", 12: "李四", 13: "王主管"},
    employee_departments={11: 1, 12: 2, 13: 1},
    user_names={101: "王主管", 102: "赵主管", 103: "李客服"},
    user_employee={101: 13},  # 赵主管 (102) and 李客服 (103) have no employee record here
)


def t(month: int, day: int, hour: int, minute: int = 0, year: int = 2026) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=SH).astimezone(UTC)


def H(days: float = 0, hours: float = 0) -> timedelta:
    return timedelta(days=days, hours=hours)


def step(key: str, due: datetime, deadline: datetime | None, done: datetime | None = None,
         actor: int | None = None, **data: Any) -> StepRecord:
    return StepRecord(None, None, key, 0, due, deadline, actor_user_id=actor, finished_at=done,
                      data=dict(data), outcome="done" if done else "")


def handle(due: datetime, done: datetime | None, actor: int | None = 101,
           responsible: tuple[int, ...] = ()) -> StepRecord:
    return step(S.HANDLE, due, due + H(1), done, actor,
                responsible=[{"employee_id": e, "responsibility": "main"} for e in responsible])


def revisit(due: datetime, done: datetime | None, satisfaction: str, reached: bool = True,
            ) -> StepRecord:
    return step(S.REVISIT, due, due + H(2), done, 103, reached=reached,
                satisfaction=satisfaction, skipped=False)


def case(cid: int, received: datetime, registered: datetime, steps: list[StepRecord],
         dept: int | None = 1, kind: FeedbackKind = FeedbackKind.COMPLAINT,
         category: str = "维修质量", severity: Severity | None = Severity.NORMAL,
         channel: str = "电话", closed: datetime | None = None, reopens: int = 0,
         repeat_of: int | None = None, flow: FlowKind = FlowKind.FEEDBACK) -> Case:
    local = registered.astimezone(SH)
    for i, s in enumerate(steps, 1):
        s.seq, s.case_id = i, cid
    return Case(
        id=cid, number=f"FK-{local:%Y%m}-{cid:04d}", flow=flow, kind=kind,
        intake=Intake(customer_name=f"客户{cid}", phone=f"1381234{cid:04d}", channel=channel,
                      complained_at=received, vin="LSVAM4187C2184847", plate="浙A12345"),
        registered_at=registered, registered_by_user_id=103,
        status=CaseStatus.CLOSED if closed else CaseStatus.OPEN, category=category,
        severity=severity, department_id=dept, reopen_count=reopens, repeat_of_id=repeat_of,
        closed_at=closed, steps=steps,
    )


def _handle_step(due: datetime, hours: float, done: datetime | None, **kw: Any) -> StepRecord:
    s = handle(due, done, **kw)
    s.deadline = due + H(hours=hours)
    return s


def build_cases() -> list[Case]:
    c4_handle = _handle_step(t(3, 20, 13), 24, t(3, 22, 12), responsible=(12,))
    c4_handle.extensions.append({"previous": t(3, 21, 13).isoformat(),
                                 "deadline": t(3, 23, 13).isoformat(), "reason": "重大投诉宽限"})
    c4_handle.deadline = t(3, 23, 13)
    return [
        case(1, t(3, 2, 9), t(3, 2, 9, 30), [
            _handle_step(t(3, 2, 10), 24, t(3, 2, 20), responsible=(11,)),
            revisit(t(3, 3, 10), t(3, 4, 10), "满意"),
        ], closed=t(3, 6, 9)),
        case(2, t(3, 5, 10), t(3, 5, 10), [
            _handle_step(t(3, 5, 11), 24, t(3, 6, 20), responsible=(11,)),  # late
            revisit(t(3, 7, 9), t(3, 8, 9), "不满意"),
            _handle_step(t(3, 8, 9), 24, t(3, 9, 8), responsible=(11,)),
            revisit(t(3, 9, 8), t(3, 10, 8), "基本满意"),
        ], category="服务态度", severity=Severity.IMPORTANT, channel="到店",
            closed=t(3, 12, 10), reopens=1),
        case(3, t(3, 10, 8), t(3, 10, 8, 30), [
            _handle_step(t(3, 10, 9), 24, t(3, 11, 7), actor=102),
            revisit(t(3, 11, 7), t(3, 12, 7), "", reached=False),
        ], dept=2, category="维修时间", closed=t(3, 14, 8), repeat_of=1),
        case(4, t(3, 20, 12), t(3, 20, 12), [
            c4_handle,
            revisit(t(3, 22, 12), t(3, 23, 12), "不满意"),
            _handle_step(t(3, 23, 12), 24, None, actor=None, responsible=(12,)),
        ], dept=2, severity=Severity.MAJOR, channel="微信", reopens=1),
        case(5, t(3, 30, 20), t(3, 30, 21), [
            _handle_step(t(3, 30, 22), 24, t(4, 1, 10)),
            revisit(t(4, 1, 10), t(4, 2, 10), "满意"),
        ], category="收费价格", closed=t(4, 5, 10)),
        case(6, t(3, 31, 22), t(3, 31, 22, 30), [
            step(S.FORWARD, t(3, 31, 22, 30), t(3, 31, 23, 30)),
        ], dept=None, category="", severity=None, channel="12315"),
        case(7, t(3, 15, 10), t(3, 15, 10), [
            _handle_step(t(3, 15, 11), 24, t(3, 15, 15)),
        ], kind=FeedbackKind.SUGGESTION, channel="邮件", severity=None, category="其他"),
        case(8, t(3, 18, 10), t(3, 18, 10), [], dept=2, kind=FeedbackKind.PRAISE,
             category="服务态度", severity=None),
        case(9, t(3, 10, 10), t(3, 10, 10), [
            step(S.IC_INVESTIGATE, t(3, 10, 10), t(3, 11, 10), t(3, 15, 10), 101),
        ], flow=FlowKind.INTERNAL),
        case(10, t(2, 27, 9), t(2, 27, 10), [
            _handle_step(t(2, 27, 11), 24, t(3, 1, 10)),  # late: deadline 02-28 11:00
            revisit(t(3, 1, 10), t(3, 2, 10), "满意"),
        ], closed=t(3, 3, 10)),
        case(11, t(2, 3, 9), t(2, 3, 9), [
            _handle_step(t(2, 3, 10), 24, t(2, 3, 21), responsible=(11,)),
            revisit(t(2, 4, 9), t(2, 5, 9), "满意"),
        ], closed=t(2, 7, 9)),
        case(12, t(2, 10, 9), t(2, 10, 10), [
            _handle_step(t(2, 10, 11), 24, t(2, 12, 9), actor=102),  # late
            StepRecord(None, 12, S.REVISIT, 2, t(2, 12, 9), t(2, 14, 9), finished_at=t(2, 12, 9),
                       outcome="skipped", data={"skipped": True}),
        ], dept=2, category="服务态度", severity=Severity.IMPORTANT, channel="到店",
            closed=t(2, 13, 9)),
        case(13, t(3, 5, 10, year=2025), t(3, 5, 10, year=2025), [
            _handle_step(t(3, 5, 11, year=2025), 24, t(3, 5, 20, year=2025)),
            revisit(t(3, 6, 10, year=2025), t(3, 7, 10, year=2025), "满意"),
        ], closed=t(3, 8, 10, year=2025)),
    ]


def slip(sid: int, case_id: int | None, emp: int, dept: int, issued: datetime | None,
         status: SlipStatus, *penalties: Penalty, reward: bool = False,
         appeal: dict[str, Any] | None = None) -> FaultSlip:
    local = issued.astimezone(SH) if issued else None
    return FaultSlip(
        id=sid, number=f"GS-{local:%Y%m}-{sid:04d}" if local else "", case_id=case_id,
        employee_id=emp, department_id=dept, post="", facts=f"事实{sid}",
        responsibility=None if reward else Responsibility.MAIN, penalties=list(penalties),
        status=status, is_reward=reward, issued_at=issued, appeal=appeal,
    )


def fine(y: int) -> Penalty:
    return Penalty(PenaltyKind.FINE, amount=y)


def points(p: int) -> Penalty:
    return Penalty(PenaltyKind.POINTS, points=p)


def build_slips() -> list[FaultSlip]:
    return [
        slip(1, 1, 11, 1, t(3, 7, 10), SlipStatus.ENFORCED, fine(100), points(2)),
        # appealed and reduced from ¥300/−5 to ¥150/−2: the slip carries the current penalties
        slip(2, 2, 11, 1, t(3, 13, 10), SlipStatus.ENFORCED, fine(150), points(2),
             appeal={"filed_at": t(3, 20, 9).isoformat(), "decision": "reduced",
                     "decided_at": t(3, 25, 9).isoformat()}),
        slip(3, 3, 12, 2, t(3, 15, 10), SlipStatus.REVOKED, fine(100), points(2),
             appeal={"filed_at": t(3, 18, 9).isoformat(), "decision": "revoked"}),
        slip(4, 4, 12, 2, None, SlipStatus.PROPOSED, fine(1000)),  # only proposed: not counted
        slip(5, 8, 12, 2, t(3, 19, 10), SlipStatus.ENFORCED,
             Penalty(PenaltyKind.BONUS, amount=200), Penalty(PenaltyKind.REWARD_POINTS, points=3),
             reward=True),
        slip(6, None, 13, 1, t(3, 9, 10), SlipStatus.ISSUED,  # a deadline-breach slip
             Penalty(PenaltyKind.WARNING), points(1),
             appeal={"filed_at": t(3, 25, 9).isoformat()}),
        slip(7, 11, 11, 1, t(2, 8, 10), SlipStatus.ENFORCED, fine(100), points(2)),
    ]
