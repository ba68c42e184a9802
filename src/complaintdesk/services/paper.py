"""The paper loop (DESIGN §4.7, issue 18 part 4): a scanned form number opens its record,
signed copies (签字存档) are attached to the step they complete, the 待归档 list gathers
the missing ones, and the assessor's 典型案例 make a 案例库 without customer data
(seed 003 一.11)."""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from ..domain import steps as S
from ..domain.case_marks import MARKED_BY, TYPICAL, CaseMark, mark_applies
from ..domain.masking import scrub_customer
from ..domain.paper import (
    LESSON_MAX,
    SETTING_KEY,
    CopyState,
    ExampleView,
    SignedCopy,
    SignedCopyRule,
    copy_states,
    default_rules,
    parse_form_number,
    parse_rules,
)
from ..domain.records import Case, CaseStatus, FlowKind, Role, User
from ..storage.uow import UnitOfWork
from .base import ServiceBase
from .data_access import contact_readable
from .errors import NotFound, PermissionDenied, ServiceError

log = logging.getLogger(__name__)

MAX_COPY_BYTES = 20 * 1024 * 1024  # as the evidence attachments (DESIGN §5)
# who files the signed paper (the brief: cs_center keeps the forms, the assessor the slips)
ARCHIVE_ROLES = (Role.CS_CENTER, Role.ASSESSOR, Role.ADMIN)
# what a scan may be: PDF, PNG, JPEG — recognised by their first bytes, not the name
_MAGIC = ((b"%PDF-", "application/pdf"), (b"\x89PNG\r\n\x1a\n", "image/png"),
          (b"\xff\xd8\xff", "image/jpeg"))
# what the handling said, per flow: printed in the 案例库 (customer data scrubbed)
_HANDLING_KEYS = ((S.HANDLE, ("process", "solution_kind", "solution_text")),
                  (S.IC_INVESTIGATE, ("findings",)), (S.RW_INVESTIGATE, ("findings",)))
_EVALUATION_KEYS = ((S.EVALUATE, "evaluation"), (S.IC_EVALUATE, "evaluation"),
                    (S.RW_REVIEW, "opinion"))


def scan_mime(data: bytes) -> str | None:
    """The type of a scan by its first bytes (PDF, PNG, JPEG), or None."""
    return next((mime for magic, mime in _MAGIC if data.startswith(magic)), None)


@dataclass(frozen=True, slots=True)
class CaseCopies:
    """What the case view shows: each signed copy owed, and whether the viewer files."""

    states: tuple[CopyState, ...]
    may_attach: bool

    @property
    def missing(self) -> list[CopyState]:
        return [s for s in self.states if s.missing]


@dataclass(frozen=True, slots=True)
class ArchiveRow:
    """One line of 待归档: a finished step whose signed paper is not filed yet."""

    case_id: int
    number: str
    flow: str  # 客户反馈 / 内部投诉 / 厂外返修
    department: str
    form: str  # the form's title
    step: str  # the step's title
    step_finished_at: datetime
    status: str  # 处理中 / 已结案


def signed_copy_rules(uow: UnitOfWork) -> list[SignedCopyRule]:
    """The table in the settings, else the shipped defaults (a broken setting is logged
    and the defaults apply: a missing copy must not go unnoticed)."""
    raw = uow.settings.get(SETTING_KEY)
    if raw:
        try:
            return parse_rules(raw)
        except ValueError:
            log.exception("signed copy rules in the settings do not load; using the defaults")
    return default_rules()


class PaperService(ServiceBase):
    # ---- scanner --------------------------------------------------------------------------
    def find_number(self, actor: User, text: str) -> tuple[str, int]:
        """("case", id) or ("slip", id) for a number read off a form's QR code. A slip the
        actor may not see is refused with the usual message (cases open masked for
        anyone, DESIGN §3)."""
        parsed = parse_form_number(text)
        if parsed is None:
            raise ServiceError(f"「扫码内容」“{text.strip()[:30]}”不是案件或过失单编号。",
                               field="number")
        with self.uow(readonly=True) as uow:
            if parsed.kind == "case":
                case_id = uow.cases.id_by_number(parsed.number)
                if case_id is None:
                    raise NotFound(f"找不到编号为 {parsed.number} 的案件。")
                return "case", case_id
            slip_id = uow.slips.id_by_number(parsed.number)
        if slip_id is None:
            raise NotFound(f"找不到编号为 {parsed.number} 的过失单（处罚单）。")
        from .accountability import AccountabilityService

        AccountabilityService(self.engine, self.clock, self.tz_name).slip(actor, slip_id)
        return "slip", slip_id

    # ---- signed copies --------------------------------------------------------------------
    def rules(self) -> list[SignedCopyRule]:
        with self.uow(readonly=True) as uow:
            return signed_copy_rules(uow)

    def case_copies(self, actor: User, case_id: int) -> CaseCopies:
        with self.uow(readonly=True) as uow:
            case = self._case(uow, case_id)
            states = copy_states(case, signed_copy_rules(uow), uow.paper.copies_for_case(case_id),
                                 uow.paper.has_paper_slips(case_id))
        return CaseCopies(tuple(states), any(actor.has(r) for r in ARCHIVE_ROLES))

    def attach(self, actor: User, case_id: int, step_key: str, form: str, filename: str,
               data: bytes) -> SignedCopy:
        """File the scan of a signed form against the finished step it completes: stored
        in the database with its SHA-256, audited."""
        if not any(actor.has(r) for r in ARCHIVE_ROLES):
            raise PermissionDenied("只有客服中心、考核主管或系统管理员可以上传签字存档。")
        name = filename.strip()
        if not name or len(name) > 200:
            raise ServiceError("「签字存档」的文件名不能为空，也不能超过 200 字。", field="file")
        if not data:
            raise ServiceError(f"「签字存档」文件“{name[:40]}”是空的，请重新扫描。", field="file")
        if len(data) > MAX_COPY_BYTES:
            raise ServiceError(f"「签字存档」文件“{name[:40]}”超过 20 MB，请降低扫描分辨率后再上传。",
                               field="file")
        mime = scan_mime(data)
        if mime is None:
            raise ServiceError(f"「签字存档」文件“{name[:40]}”不是 PDF、PNG 或 JPG 扫描件。",
                               field="file")
        digest = hashlib.sha256(data).hexdigest()
        now = self.clock.now()
        with self.uow() as uow:
            case = self._case(uow, case_id)
            copies = uow.paper.copies_for_case(case_id)
            states = copy_states(case, signed_copy_rules(uow), copies,
                                 uow.paper.has_paper_slips(case_id))
            state = next((s for s in states if s.rule.step == step_key and s.rule.form == form),
                         None)
            if state is None:
                raise ServiceError("「签字存档」：该环节没有需要存档的签字表单。", field="step")
            if not state.due:
                raise ServiceError(f"「签字存档」：{S.step_title(step_key)}尚未完成，"
                                   "完成后才能上传签字件。", field="step")
            if any(c.sha256 == digest for c in state.copies):
                raise ServiceError(f"「签字存档」：文件“{name[:40]}”已经上传过。", field="file")
            copy = SignedCopy(None, case_id, step_key, form, name, mime, len(data), digest,
                              actor.id, now, data)
            new_id = uow.paper.add_copy(copy)
            self.audit(uow, actor, "signed_copy:attach", "case", case.number, None, {
                "id": new_id, "step": step_key, "form": form, "filename": name,
                "size": len(data), "sha256": digest})
            uow.commit()
        return SignedCopy(new_id, case_id, step_key, form, name, mime, len(data), digest,
                          actor.id, now)

    def copy_data(self, actor: User, copy_id: int) -> SignedCopy:
        """The scan itself. A form signed on paper carries the customer's full numbers (a
        handler printed it), so it opens as the numbers do (DESIGN §3): for the case's
        handlers, the archivists and an approval running; every opening is audited."""
        now = self.clock.now()
        with self.uow() as uow:
            c = uow.paper.copy_data(copy_id)
            if c is None:
                raise NotFound("找不到该签字存档文件。")
            case = self._case(uow, c.case_id)
            if not (any(actor.has(r) for r in ARCHIVE_ROLES)
                    or contact_readable(uow, actor, case, now)):
                raise PermissionDenied("签字存档含客户完整信息：非本案处理人需在案件中申请查看，"
                                       "批准后才能打开。")
            self.audit(uow, actor, "signed_copy:view", "case", case.number, None,
                       {"id": c.id, "filename": c.filename, "sha256": c.sha256})
            uow.commit()
        return c

    def archive_list(self, actor: User, limit: int = 2000) -> list[ArchiveRow]:
        """待归档: every finished step across cases whose signed paper is not filed, the
        oldest first (for cs_center, the assessor and the administrator)."""
        if not any(actor.has(r) for r in ARCHIVE_ROLES):
            raise PermissionDenied("只有客服中心、考核主管或系统管理员可以查看待归档列表。")
        with self.uow(readonly=True) as uow:
            rules = signed_copy_rules(uow)
            missing = uow.paper.missing(rules, limit=limit)
            return self._archive_rows(uow, rules, missing)

    def closed_without_copy(self, start: datetime, end: datetime,
                            forms: Sequence[str] = ("feedback_form",)) -> dict[int, list[str]]:
        """Cases closed in [start, end) that owe one of `forms` and have none: case id →
        the forms' titles (the weekly summary flags them)."""
        with self.uow(readonly=True) as uow:
            rules = [r for r in signed_copy_rules(uow) if r.form in forms]
            out: dict[int, list[str]] = {}
            for case_id, form, _at in uow.paper.missing(rules, closed_from=start,
                                                         closed_to=end, limit=10000):
                title = next(r.title for r in rules if r.form == form)
                out.setdefault(case_id, []).append(title)
        return out

    @staticmethod
    def _archive_rows(uow: UnitOfWork, rules: list[SignedCopyRule],
                      missing: list[tuple[int, str, datetime]]) -> list[ArchiveRow]:
        rows = {r.id: r for r in uow.paper.list_rows([m[0] for m in missing])}
        out = []
        for case_id, form, finished in missing:
            r = rows.get(case_id)
            if r is None:
                continue
            flow = FlowKind(r.flow)
            rule = next(x for x in rules if x.form == form and x.flow is flow)
            out.append(ArchiveRow(case_id, r.number, flow.label, r.department_name or "",
                                  rule.title, S.step_title(rule.step), finished,
                                  CaseStatus(r.status).label))
        return out

    # ---- 典型案例 ---------------------------------------------------------------------------
    def mark_example(self, actor: User, case_id: int, lesson: str) -> CaseMark:
        """The assessor marks a closed case 典型案例, with the lesson (003 一.11): a case
        mark (domain/case_marks.py) whose note is the lesson."""
        if not actor.has(MARKED_BY) or actor.id is None:
            raise PermissionDenied("只有考核主管可以标记典型案例。")
        text = lesson.strip()
        if not text:
            raise ServiceError("请填写「案例教训」。", field="lesson")
        if len(text) > LESSON_MAX:
            raise ServiceError(f"「案例教训」不能超过 {LESSON_MAX} 字。", field="lesson")
        now = self.clock.now()
        with self.uow() as uow:
            case = self._case(uow, case_id)
            if not mark_applies(TYPICAL, case):
                raise ServiceError("只有已结案的案件可以标记为典型案例。", field="case")
            before = uow.marks.get(case_id, TYPICAL)
            mark = CaseMark(case_id, TYPICAL, text, actor.id, now)
            uow.marks.put(mark)
            self.audit(uow, actor, "example:mark", "case", case.number,
                       {"lesson": before.note} if before else None, {"lesson": text})
            uow.commit()
        return mark

    def unmark_example(self, actor: User, case_id: int) -> None:
        if not actor.has(MARKED_BY):
            raise PermissionDenied("只有考核主管可以取消典型案例。")
        with self.uow() as uow:
            case = self._case(uow, case_id)
            before = uow.marks.get(case_id, TYPICAL)
            if before is None:
                raise ServiceError("该案件不是典型案例。", field="case")
            uow.marks.remove(case_id, TYPICAL)
            self.audit(uow, actor, "example:unmark", "case", case.number,
                       {"lesson": before.note}, None)
            uow.commit()

    def example_of(self, case_id: int) -> CaseMark | None:
        with self.uow(readonly=True) as uow:
            return uow.marks.get(case_id, TYPICAL)

    def examples(self, actor: User) -> list[ExampleView]:
        """The 案例库: every 典型案例 with the customer left out — shown to all staff."""
        with self.uow(readonly=True) as uow:
            depts = {d.id: d.name for d in uow.people.departments()}
            users = {u.id: u.display_name for u in uow.people.users()}
            out = []
            for m in uow.marks.of_kind(TYPICAL):
                case = uow.cases.get(m.case_id)
                if case is not None:
                    out.append(_example_view(case, m, depts, users))
        return out

    def examples_pdf(self, actor: User) -> bytes:
        """The 案例库 printed (no customer data in it); audited."""
        from ..documents.case_examples import case_examples_pdf
        from .print_context import make_print_context

        views = self.examples(actor)
        now = self.clock.now()
        with self.uow() as uow:
            ctx = make_print_context(uow, now, self.tz_name, clauses=False)
            if actor.id is not None:
                self.audit(uow, actor, "print", "case_examples", "案例库", None,
                           {"cases": [v.number for v in views]})
                uow.commit()
        return case_examples_pdf(views, ctx)

    # ---- helpers ----------------------------------------------------------------------------
    @staticmethod
    def _case(uow: UnitOfWork, case_id: int) -> Case:
        case = uow.cases.get(case_id)
        if case is None:
            raise NotFound("找不到该案件，可能已被删除或编号有误。")
        return case


def _step_text(case: Case, keys: tuple[tuple[str, tuple[str, ...]], ...]) -> str:
    for step, fields in keys:
        done = [s for s in case.steps if s.step_key == step and s.finished_at]
        if done:
            data = done[-1].data
            return "；".join(str(data[f]).strip() for f in fields if str(data.get(f) or "").strip())
    return ""


def _example_view(case: Case, e: CaseMark, depts: dict[int | None, str],
                  users: dict[int | None, str]) -> ExampleView:
    scrub = lambda t: scrub_customer(t, case.intake)  # noqa: E731
    evaluation = _step_text(case, tuple((k, (f,)) for k, f in _EVALUATION_KEYS))
    return ExampleView(
        case_id=e.case_id, number=case.number,
        kind=case.kind.label if case.flow.value == "feedback" else case.flow.label,
        category=case.category, severity=case.severity.label if case.severity else "",
        department=depts.get(case.department_id, ""), registered_at=case.registered_at,
        closed_at=case.closed_at, description=scrub(case.intake.description),
        handling=scrub(_step_text(case, _HANDLING_KEYS)), evaluation=scrub(evaluation),
        lesson=scrub(e.note), marked_by=users.get(e.by_user_id, ""), marked_at=e.at)
