"""The contact log of a case and the 处理意见告知 task (DESIGN §4.1, seed 003 一.12).

Any handler of the case adds an entry (time, method, kind, summary, what the customer
said) — the progress updates seeds 000/001 ask for. An entry of the kind 处理意见告知 from
day 3 after receipt on does the 告知 (as does a revisit that reached the customer); until
then cs_center has a 处理意见告知 task, due at the end of day 5.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from ..domain.records import (
    CONTACT_KINDS,
    CONTACT_METHODS,
    ContactEntry,
    Role,
    User,
)
from ..domain.workflow.notice import record_contact
from .base import ServiceBase
from .cases import handles_case
from .errors import NotFound, PermissionDenied, ServiceError
from .workflow import TaskRow, _masked, due_state

NOTICE_TASK = "notice"  # the task kind 我的待办 shows as 处理意见告知


def _may_contact(actor: User, case_department: int | None, supervisor: int | None) -> bool:
    return handles_case(actor, case_department, supervisor) or actor.has(Role.CS_CENTER)


class ContactLogService(ServiceBase):
    def add(self, actor: User, case_id: int, *, method: str, kind: str, summary: str,
            customer_reply: str = "", at: datetime | None = None) -> ContactEntry:
        """Add one entry; returns it. `at`: when the contact took place (default now)."""
        now = self.clock.now()
        at = at or now
        errors: dict[str, str] = {}
        if method not in CONTACT_METHODS:
            errors["method"] = f"请选择「联系方式」（{'/'.join(CONTACT_METHODS)}）。"
        if kind not in CONTACT_KINDS:
            errors["kind"] = f"请选择「联系类别」（{'/'.join(CONTACT_KINDS)}）。"
        if not summary.strip():
            errors["summary"] = "请填写「沟通内容」。"
        elif len(summary) > 2000:
            errors["summary"] = "「沟通内容」不能超过 2000 字。"
        if at.tzinfo is None or at > now + timedelta(minutes=5):
            errors["at"] = "「联系时间」不能晚于当前时间。"
        if errors:
            raise ServiceError(next(iter(errors.values())), fields=errors)
        with self.uow() as uow:
            case = uow.cases.get(case_id)
            if case is None:
                raise NotFound("找不到该案件")
            if not _may_contact(actor, case.department_id, case.supervisor_user_id):
                raise PermissionDenied("只有本案的经办人员（或客服中心）可以添加联系记录。")
            entry = ContactEntry(None, case_id, at, method, kind, actor.id, summary.strip(),
                                 customer_reply.strip(), now)
            uow.contacts.add(entry)
            if record_contact(case, entry):
                uow.cases.save(case)  # the 告知 is done: its task leaves 我的待办
            self.audit(uow, actor, "contact", "case", case.number, None, {
                "at": at.isoformat(), "method": method, "kind": kind,
                "summary": entry.summary, "customer_reply": entry.customer_reply,
                "notified": case.notified_at is not None})
            uow.commit()
        return entry

    def entries(self, actor: User, case_id: int) -> list[ContactEntry]:
        with self.uow(readonly=True) as uow:
            case = uow.cases.get(case_id)
            if case is None:
                raise NotFound("找不到该案件")
            return uow.contacts.for_case(case_id)

    def notice_tasks(self, actor: User) -> list[TaskRow]:
        """处理意见告知 tasks (cs_center): complaints whose window opened and that nobody
        told; state from the window (due at the end of day 5, overdue after)."""
        if not actor.has(Role.CS_CENTER):
            return []
        now = self.clock.now()
        with self.uow(readonly=True) as uow:
            rows = uow.contacts.notice_task_rows(now)
            window = uow.contacts.notice_windows([r.id for r in rows])
        out = []
        for r in rows:
            opens, due = window.get(r.id, (None, None))
            shown = r if handles_case(actor, r.department_id, None) else _masked(r)
            out.append(TaskRow(shown, due_state(opens, due, now)))
        return out
