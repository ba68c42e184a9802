"""What goes on paper besides the record (DESIGN §7): the dealership's name and logo, the
names of departments, users and employees, case numbers and the rules' clause texts —
read in the caller's transaction. Shared by the print service and the weekly summary's
PDF (reports), which therefore do not import each other."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from ..storage.uow import UnitOfWork
from .errors import ServiceError
from .settings import DEFAULTS

if TYPE_CHECKING:
    from ..documents.pdf_common import PrintContext


def make_print_context(uow: UnitOfWork, printed_at: datetime, tz_name: str,
                       case_ids: Sequence[int | None] = (), clauses: bool = True
                       ) -> PrintContext:
    """The print context; `clauses`: the rules' clause texts (依据条款, which only the
    slips print)."""
    from ..documents.pdf_common import PrintContext

    logo = uow.settings.get("logo_path", "") or ""
    return PrintContext(
        dealership_name=uow.settings.get("dealership_name", DEFAULTS["dealership_name"]),
        printed_at=printed_at,
        tz=tz_name,
        logo_path=Path(logo) if logo and Path(logo).is_file() else None,
        departments={d.id: d.name for d in uow.people.departments() if d.id is not None},
        users={u.id: u.display_name for u in uow.people.users() if u.id is not None},
        employees={e.id: e for e in uow.people.employees() if e.id is not None},
        case_numbers=uow.slips.case_numbers([c for c in case_ids if c is not None]),
        rule_clauses=_rule_clauses(uow) if clauses else {},
    )


def _rule_clauses(uow: UnitOfWork) -> dict[str, str]:
    """Rule id → clause text. A rule table that does not load must not stop printing:
    the slip then shows the rule ids."""
    from .slip_ops import current_rules

    try:
        return {r.id: r.clause for r in current_rules(uow)}
    except ServiceError:
        return {}
