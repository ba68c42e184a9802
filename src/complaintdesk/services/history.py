"""Use case: a customer's and a vehicle's history (issue 18 §2) — the view a receptionist
needs while the customer is still on the line.

Every complaint, suggestion and praise of the customer (by the normalised mobile, or the
landline) and of the vehicle (by the VIN; the plate stands in where a case has no VIN),
each with its outcome, the slips it produced, its revisits and satisfaction, and the
repeat chain. Reached from a case or from a search by phone, plate or VIN. The numbers
are masked per DESIGN §3 (`domain/masking.py`): shown in full only on the cases the
person handles (one audit entry lists them), and imported ledger rows (历史导入) count
like any case. Each lookup is an indexed column (phone, landline, VIN, plate).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from ..domain.input_rules import check_landline, check_mobile, check_plate
from ..domain.input_rules.vin import normalize_vin, vin_format_ok
from ..domain.masking import handles_all_cases, mask_landline, mask_mobile, mask_vin, masked_case
from ..domain.penalty_text import penalty_text
from ..domain.records import (
    OUTCOME_DEMAND_UNREASONABLE,
    Case,
    CaseStatus,
    FaultSlip,
    SlipStatus,
    User,
)
from ..domain.steps import HANDLE, LEDGER_RECORD, REVISIT, RW_REVISIT, SECOND_REVISIT, step_title
from ..storage.uow import UnitOfWork
from .base import ServiceBase
from .data_access import contact_readable
from .errors import NotFound, ServiceError

HISTORY_LIMIT = 500  # cases shown at most (a fleet customer may have more)
_REVISITS = (REVISIT, SECOND_REVISIT, RW_REVISIT)


@dataclass(frozen=True, slots=True)
class HistorySlip:
    number: str
    employee: str
    status: str
    penalties: str
    is_reward: bool


@dataclass(frozen=True, slots=True)
class HistoryRevisit:
    at: datetime | None
    method: str
    reached: bool
    satisfaction: str
    words: str


@dataclass(frozen=True, slots=True)
class HistoryEntry:
    """One case in a history, as plain values (masked as the person may see them)."""

    case_id: int
    number: str
    kind: str  # 投诉 / 建议 / 表扬
    flow: str  # 客户反馈 / 内部投诉 / 厂外返修
    registered_at: datetime
    closed_at: datetime | None
    status: str  # 处理中（当前步骤）/ 已结案
    customer_name: str
    phone: str
    landline: str
    plate: str
    vin: str
    vehicle_model: str
    category: str
    severity: str
    department: str
    description: str
    outcome: str
    satisfaction: str  # of the last revisit that reached the customer
    revisits: tuple[HistoryRevisit, ...]
    slips: tuple[HistorySlip, ...]
    repeat_of: str  # the number this one repeats
    repeated_by: tuple[str, ...]  # numbers that repeat this one
    same_customer: bool
    same_vehicle: bool
    imported: bool  # 历史导入 (from the Excel ledger)
    reopen_count: int
    masked: bool

    @property
    def matched(self) -> str:
        return "、".join(w for w, on in (("同一客户", self.same_customer),
                                         ("同一车辆", self.same_vehicle)) if on)


@dataclass(frozen=True)
class History:
    searched: str  # what was looked up, as the person may read it
    entries: tuple[HistoryEntry, ...]
    chain: tuple[str, ...]  # the repeat chain through the case it was opened from
    truncated: bool

    def count(self, kind: str) -> int:
        return sum(1 for e in self.entries if e.kind == kind)

    def summary(self) -> str:
        if not self.entries:
            return f"{self.searched}：没有找到历史记录。"
        more = f"（仅显示最近 {len(self.entries)} 条）" if self.truncated else ""
        return (f"{self.searched}：共 {len(self.entries)} 条{more}——投诉 {self.count('投诉')}、"
                f"建议 {self.count('建议')}、表扬 {self.count('表扬')}；未结 "
                f"{sum(1 for e in self.entries if e.closed_at is None)}。")


@dataclass(frozen=True, slots=True)
class _Keys:
    phone: str = ""
    landline: str = ""
    vin: str = ""
    plate: str = ""


def parse_lookup(text: str) -> _Keys:
    """A search box's text as the keys it names: a mobile, a landline, a VIN or a plate
    (normalised as stored). Refused with a message naming what to type."""
    t = text.strip()
    if t:
        mobile = check_mobile(t)
        if mobile.problem is None:
            return _Keys(phone=mobile.value)
        vin = normalize_vin(t)
        if len(vin) == 17 and vin_format_ok(vin):
            return _Keys(vin=vin)
        plate = check_plate(t)
        if plate.problem in (None, "letters") and not plate.temporary:
            return _Keys(plate=plate.value)
        landline = check_landline(t)
        if landline.problem is None:
            return _Keys(landline=landline.value)
    raise ServiceError("请输入完整的手机号码、固定电话、车牌号或 17 位车架号（VIN）。",
                       field="query")


def _searched(keys: _Keys) -> str:
    parts = [p for p in (f"手机 {mask_mobile(keys.phone)}" if keys.phone else "",
                         f"电话 {mask_landline(keys.landline)}" if keys.landline else "",
                         f"车架号 {mask_vin(keys.vin)}" if keys.vin else "",
                         f"车牌 {keys.plate}" if keys.plate else "") if p]
    return "、".join(parts)


def _outcome(case: Case) -> str:
    if any(s.outcome == OUTCOME_DEMAND_UNREASONABLE for s in case.steps):
        return "诉求无法合理满足（考核主管认定）"
    for s in reversed(case.steps):
        if s.step_key == LEDGER_RECORD:
            return "（历史台账）" + (str(s.data.get("result") or "") or "未记录处理结果")
        if s.step_key == HANDLE and s.finished_at is not None:
            kind = str(s.data.get("solution_kind") or "")
            text = str(s.data.get("solution_text") or "")
            return "：".join(x for x in (kind, text) if x) or "已处理"
    if case.intake.resolved_on_spot:
        return "当场解决：" + case.intake.on_spot_action
    return "" if case.status is CaseStatus.CLOSED else "处理中"


def _revisits(case: Case) -> tuple[HistoryRevisit, ...]:
    out = []
    for s in case.steps:
        if s.step_key in _REVISITS and s.finished_at is not None and not s.data.get("skipped"):
            out.append(HistoryRevisit(s.finished_at, str(s.data.get("method") or ""),
                                      bool(s.data.get("reached")),
                                      str(s.data.get("satisfaction") or ""),
                                      str(s.data.get("customer_words") or "")))
    return tuple(out)


def _entry(case: Case, masked: bool, slips: list[FaultSlip], names: dict[str, dict[int, str]],
           numbers: dict[int, str], repeated_by: tuple[str, ...], keys: _Keys,
           imported: bool) -> HistoryEntry:
    shown = masked_case(case) if masked else case
    i = shown.intake
    status = case.status.label if case.status is CaseStatus.CLOSED else \
        f"处理中（{step_title(case.current_step)}）"
    revisits = _revisits(case)
    satisfaction = next((r.satisfaction for r in reversed(revisits) if r.reached), "")
    employees = names["employees"]
    return HistoryEntry(
        case_id=case.id or 0, number=case.number, kind=case.kind.label, flow=case.flow.label,
        registered_at=case.registered_at, closed_at=case.closed_at, status=status,
        customer_name=i.customer_name, phone=i.phone, landline=i.landline, plate=i.plate,
        vin=i.vin, vehicle_model=i.vehicle_model, category=case.category,
        severity=case.severity.label if case.severity else "",
        department=names["departments"].get(case.department_id or -1, ""),
        description=i.description, outcome=_outcome(case), satisfaction=satisfaction,
        revisits=revisits,
        slips=tuple(HistorySlip(s.number, employees.get(s.employee_id or -1, ""),
                                s.status.label, penalty_text(s.penalties), s.is_reward)
                    for s in slips if s.status is not SlipStatus.DISCARDED),
        repeat_of=numbers.get(case.repeat_of_id, "") if case.repeat_of_id else "",
        repeated_by=repeated_by,
        same_customer=bool((keys.phone and case.intake.phone == keys.phone)
                           or (keys.landline and case.intake.landline == keys.landline)),
        same_vehicle=bool((keys.vin and case.intake.vin == keys.vin)
                          or (keys.plate and case.intake.plate == keys.plate
                              and (not keys.vin or not case.intake.vin))),
        imported=imported, reopen_count=case.reopen_count, masked=masked)


def _chain(seed: int | None, links: dict[int, int | None], numbers: dict[int, str]) -> tuple[str, ...]:
    """The repeat chain through `seed`: the cases it repeats, back to the first, and the
    cases repeating it or them, in order of registration (as the ids run)."""
    if seed is None:
        return ()
    children: dict[int, list[int]] = {}
    for cid, parent in links.items():
        if parent is not None:
            children.setdefault(parent, []).append(cid)
    root, seen = seed, {seed}
    while (parent := links.get(root)) is not None and parent not in seen:
        root = parent
        seen.add(root)
    out, todo = [], [root]
    while todo:
        cid = todo.pop()
        if cid in out:
            continue
        out.append(cid)
        todo.extend(children.get(cid, ()))
    return tuple(numbers[c] for c in sorted(out) if c in numbers) if len(out) > 1 else ()


class HistoryService(ServiceBase):
    def of_case(self, actor: User, case_id: int) -> History:
        """The history of a case's customer and vehicle (the 历史 button of a case)."""
        with self.uow(readonly=True) as uow:
            case = uow.cases.get(case_id)
            if case is None:
                raise NotFound("找不到该案件，可能已被删除或编号有误")
            i = case.intake
            keys = _Keys(i.phone, i.landline, i.vin,
                         i.plate if check_plate(i.plate).problem in (None, "letters")
                         and not check_plate(i.plate).temporary else "")
            if not any((keys.phone, keys.landline, keys.vin, keys.plate)):
                return History(f"案件 {case.number}：没有电话、车架号或车牌可供查找", (), (), False)
            history, shown = self._history(uow, actor, keys, seed=case_id)
        self._audit_view(actor, history, shown)
        return history

    def search(self, actor: User, text: str) -> History:
        """The history found by a phone (mobile or landline), a plate or a VIN."""
        keys = parse_lookup(text)
        with self.uow(readonly=True) as uow:
            if keys.vin:  # the plates this vehicle carried stand in where a case has no VIN
                plates = {p for p in (c.intake.plate for c in uow.cases.by_ids(
                    [m[0] for m in uow.ledger.history_matches(vin=keys.vin)])) if p}
                if len(plates) == 1:
                    keys = _Keys(vin=keys.vin, plate=plates.pop())
            history, shown = self._history(uow, actor, keys, seed=None)
        self._audit_view(actor, history, shown)
        return history

    def _audit_view(self, actor: User, history: History, shown_in_full: list[str]) -> None:
        """A person read customers' numbers in full (DESIGN §3): one entry, every case."""
        if shown_in_full and actor.id is not None:
            with self.uow() as uow:
                self.audit(uow, actor, "view_contact", "history", history.searched[:30], None,
                           {"how": "history", "cases": shown_in_full})
                uow.commit()

    def _history(self, uow: UnitOfWork, actor: User, keys: _Keys,
                 seed: int | None) -> tuple[History, list[str]]:
        now = self.clock.now()
        matches = uow.ledger.history_matches(keys.phone, keys.landline, keys.vin, keys.plate,
                                             HISTORY_LIMIT + 1)
        truncated = len(matches) > HISTORY_LIMIT
        ids = [m[0] for m in matches[:HISTORY_LIMIT]]
        by_id = {c.id: c for c in uow.cases.by_ids(ids)}
        cases = [by_id[i] for i in ids if i in by_id]
        slips: dict[int, list[FaultSlip]] = {}
        for s in uow.slips.for_kpis_of_cases(ids):
            if s.case_id is not None:
                slips.setdefault(s.case_id, []).append(s)
        names = {"employees": {e.id: e.name for e in uow.people.employees() if e.id is not None},
                 "departments": {d.id: d.name for d in uow.people.departments()
                                 if d.id is not None}}
        links = {c.id: c.repeat_of_id for c in cases if c.id is not None}
        numbers = {c.id: c.number for c in cases if c.id is not None}
        outside = [p for p in links.values() if p is not None and p not in numbers]
        numbers.update(uow.ledger.numbers(outside))
        repeated_by: dict[int, list[str]] = {}
        for c in sorted(cases, key=lambda c: c.id or 0):
            if c.repeat_of_id is not None:
                repeated_by.setdefault(c.repeat_of_id, []).append(c.number)
        imported = uow.ledger.provenance(ids)
        everyone = handles_all_cases(actor)
        entries, shown_in_full = [], []
        for c in cases:
            full = everyone or contact_readable(uow, actor, c, now)
            if full and any((c.intake.phone, c.intake.landline, c.intake.vin)):
                shown_in_full.append(c.number)
            entries.append(_entry(c, not full, slips.get(c.id or 0, []), names, numbers,
                                  tuple(repeated_by.get(c.id or 0, ())), keys,
                                  c.id in imported))
        return History(_searched(keys), tuple(entries), _chain(seed, links, numbers),
                       truncated), shown_in_full


__all__ = ["History", "HistoryEntry", "HistoryRevisit", "HistorySlip", "HistoryService",
           "parse_lookup"]
