"""How a slip's penalties (or rewards) read wherever they are shown: on the printed 过失单
and 处理单, in the workbooks, the weekly summary and the screens — one format:

    罚款¥100、绩效扣分2分、降职降薪（由总经理决定）

Money in whole yuan after ¥ (as the slip's 金额 box and the workbook's money columns
show it), points as "N分", the note in full-width brackets, items joined by 、 as
Chinese enumerations are. A number that is on the record is always shown, whatever the
kind; a kind without a number (警告, 通报表扬) is its name.
"""

from __future__ import annotations

from collections.abc import Iterable

from .records import Penalty


def one_penalty_text(p: Penalty) -> str:
    """"罚款¥100", "绩效扣分2分", "奖品（保养券一张）"."""
    text = p.kind.label
    if p.amount:
        text += f"¥{p.amount}"
    if p.points:
        text += f" {p.points}分" if p.amount else f"{p.points}分"
    if p.note:
        text += f"（{p.note}）"
    return text


def penalty_text(penalties: Iterable[Penalty], empty: str = "") -> str:
    """The penalties as one line ("罚款¥100、绩效扣分2分"); `empty` when there are none."""
    return "、".join(one_penalty_text(p) for p in penalties) or empty
