"""总经理签批 slip by slip (003 一.7, DESIGN §4.1 step 8, §6): the GM's approval of a case
decides each of its issued slips explicitly — approved as they stand, or with changed
penalties and the reason — never all of them silently with the case's text.

The approve action's data carries `slip_decisions`, one entry per slip still waiting:
    {"slip_id": 12, "decision": "approve" | "change", "opinion": "…",
     "penalties": [{"kind": "fine", "amount": 100}, …], "reason": "…"}   # change only
A slip the GM already signed on its own (过失单 dialog → 总经理签批) needs none.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from ..domain.records import Case, FaultSlip, User
from ..domain.rules import penalties_from_raw, penalties_to_raw
from ..domain.slips import approve, change_penalties, waits_on_gm
from ..storage.uow import UnitOfWork
from .errors import ServiceError
from .slip_ops import domain_call

FIELD = "slip_decisions"
APPROVE, CHANGE = "approve", "change"
DECISION_LABELS = {APPROVE: "同意", CHANGE: "修改处罚后同意"}


def waiting_slips(uow: UnitOfWork, case_id: int) -> list[FaultSlip]:
    """The case's slips that wait on the GM (issued, not yet signed), in number order."""
    return sorted((s for s in uow.slips.by_case(case_id) if waits_on_gm(s)),
                  key=lambda s: (s.number, s.id or 0))


def approve_each(uow: UnitOfWork, case_id: int, opinion: str = "同意") -> list[dict[str, Any]]:
    """A decision "approve" for every waiting slip — for callers that mean exactly that
    (the demo's GM, tests), each still named one by one."""
    return [{"slip_id": s.id, "decision": APPROVE, "opinion": opinion}
            for s in waiting_slips(uow, case_id)]


def _entries(raw: Any) -> dict[int, dict[str, Any]]:
    if raw in (None, ""):
        return {}
    if not isinstance(raw, list):
        raise ServiceError("总经理对过失单的决定格式有误，请重新签批。", field=FIELD)
    out: dict[int, dict[str, Any]] = {}
    for entry in raw:
        try:
            out[int(entry["slip_id"])] = dict(entry)
        except (KeyError, TypeError, ValueError) as exc:
            raise ServiceError("总经理对过失单的决定格式有误，请重新签批。", field=FIELD) from exc
    return out


def apply_gm_decisions(uow: UnitOfWork, actor: User, case: Case, data: dict[str, Any],
                       now: datetime) -> dict[str, Any]:
    """Check that every waiting slip has its decision, then carry them out (same
    transaction as the step). Returns the step data with the decisions as recorded."""
    assert case.id is not None
    waiting = waiting_slips(uow, case.id)
    entries = _entries(data.get(FIELD))
    missing = [s for s in waiting if s.id not in entries]
    if missing:
        names = "、".join(s.number or f"#{s.id}" for s in missing)
        raise ServiceError(f"请逐张签批本案的过失单：{names} 尚未决定（同意或修改处罚）。",
                           field=FIELD)
    ids = {s.id for s in waiting}
    stray = [i for i in entries if i not in ids]
    if stray:
        raise ServiceError("所签批的过失单已不在待签批状态，请刷新后重试。", field=FIELD)
    case_opinion = "；".join(str(data.get(k) or "").strip() for k in ("approval", "instructions")
                            if str(data.get(k) or "").strip())
    recorded: list[dict[str, Any]] = []
    for slip in waiting:
        entry = entries[slip.id or 0]
        decision = str(entry.get("decision") or "")
        number = slip.number or f"#{slip.id}"
        if decision not in DECISION_LABELS:
            raise ServiceError(f"请为过失单 {number} 选择“同意”或“修改处罚”。", field=FIELD)
        opinion = str(entry.get("opinion") or "").strip() or case_opinion
        before = penalties_to_raw(slip.penalties)
        if decision == CHANGE:
            raw = entry.get("penalties")
            reason = str(entry.get("reason") or "").strip()
            if not isinstance(raw, list):
                raise ServiceError(f"过失单 {number}：请填写修改后的处罚。", field=FIELD)
            if not reason:
                raise ServiceError(f"过失单 {number}：修改处罚须填写修改原因。", field=FIELD)
            try:
                new = penalties_from_raw(raw)
            except (KeyError, TypeError, ValueError) as exc:
                raise ServiceError(f"过失单 {number}：修改后的处罚格式有误。", field=FIELD) from exc
            domain_call(change_penalties, slip, new, actor, reason, now)
        domain_call(approve, slip, actor, opinion, now)
        uow.slips.save(slip)
        recorded.append({"slip_id": slip.id, "number": slip.number, "decision": decision,
                         "opinion": slip.gm_opinion, "before": before,
                         "after": penalties_to_raw(slip.penalties),
                         **({"reason": str(entry.get("reason") or "").strip()}
                            if decision == CHANGE else {})})
    return {**data, FIELD: recorded}
