"""The 依据 (basis) a slip prints: the rule as it stood when the slip was proposed, every
escalation applied to it, and whether the penalties were changed since (DESIGN §6, §7).

A slip proposed since the snapshot existed carries a `basis` history entry (domain/slips.py
BASIS): the rule's id, clause text, source and own penalties, the escalations (90 天内再次过失
→ doubled; third within 12 months → 降职降薪; a second breach in a month) and what was proposed.
So a rule edited later never changes what an old slip says. Older slips have no snapshot:
their 拟开具 entry's reason (the clause text and escalations as written then) is printed,
and only a slip without even that falls back to the current rule text, saying so.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from complaintdesk.domain.penalty_text import penalty_text
from complaintdesk.domain.records import FaultSlip, Penalty
from complaintdesk.domain.rules import RuleSource, penalties_from_raw, penalties_to_raw
from complaintdesk.domain.slips import BASIS, CREATED, PENALTIES

NO_RULE = "无（手工填写）"


def slip_basis(slip: FaultSlip) -> dict[str, Any] | None:
    """The snapshot taken when the slip was proposed, or None for an older slip."""
    for c in slip.changes:
        if c.what == BASIS and isinstance(c.after, dict):
            return c.after
    return None


def _created_reason(slip: FaultSlip) -> str:
    for c in slip.changes:
        if c.what == CREATED:
            return (c.reason or "").strip()
    return ""


def _proposed(slip: FaultSlip, basis: dict[str, Any] | None) -> list[Penalty] | None:
    if basis is not None and isinstance(basis.get("proposed"), list):
        return penalties_from_raw(basis["proposed"])
    for c in slip.changes:
        if c.what == CREATED and isinstance(c.after, list):
            return penalties_from_raw(c.after)
    return None


def _rule_text(rule: dict[str, Any]) -> str:
    try:
        source = RuleSource(rule.get("source") or RuleSource.PRODUCT_DEFAULT)
    except ValueError:
        source = RuleSource.PRODUCT_DEFAULT
    return f"{source.basis_prefix}：{rule.get('clause', '')}"


def _changed_since(slip: FaultSlip) -> int:
    return sum(1 for c in slip.changes if c.what == PENALTIES)


def basis_lines(slip: FaultSlip, current_clause: Callable[[str], str]) -> list[str]:
    """The 依据 lines of the printed slip, one fact a line, in Chinese.

    `current_clause(rule_id)` gives today's clause text, used only for a slip that kept
    neither a snapshot nor its proposal note.
    """
    basis = slip_basis(slip)
    lines: list[str] = []
    if basis is not None:
        lines += [_rule_text(r) for r in basis.get("rules", [])]
        lines += [f"加重：{e}" for e in basis.get("escalations", [])]
    elif (reason := _created_reason(slip)):
        lines.append(f"拟开具时的依据：{reason}")
    elif slip.rule_ids:
        lines += [f"{current_clause(r)}（现行规则文本；本单开具时未保存规则快照）"
                  for r in slip.rule_ids]
    else:
        lines.append(NO_RULE)
    proposed = _proposed(slip, basis)
    if proposed is not None and (basis is not None and basis.get("escalations")):
        lines.append(f"按上述加重后拟处罚：{penalty_text(proposed, '无')}")
    if proposed is not None and penalties_to_raw(proposed) != penalties_to_raw(slip.penalties):
        n = _changed_since(slip)
        how = f"此后经{n}次修改" if n else "此后经修改"
        lines.append(f"{how}，现处罚：{penalty_text(slip.penalties, '无')}（修改人及原因见变更记录）")
    return lines
