"""What every printed form shares (DESIGN §7): the print context (the lookups that turn
ids into printed names, the dealership's time zone) and the page geometry and colours.

The rest of the printing toolkit: `pdf_text` (styles, plain cell text, captions),
`pdf_grid` (the bordered label/value grids), `pdf_page` (header, footer, `build_pdf`)
and `pdf_runs` (the speed-up layer over reportlab's internals).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm

from complaintdesk.domain.records import Employee

PAGE_W, PAGE_H = A4
MARGIN_X = 14 * mm
HEADER_H = 21 * mm  # band at the top of every page, above the frame
FOOTER_H = 15 * mm
CONTENT_W = PAGE_W - 2 * MARGIN_X

LABEL_BG = colors.HexColor("#EDEDED")
SIDE_BG = colors.HexColor("#E2E2E2")
MUTED = colors.HexColor("#555555")
ALERT = colors.HexColor("#B00000")


@dataclass(slots=True)
class PrintContext:
    """Everything a form needs besides the records themselves.

    The lookups turn ids on the records into the names printed on paper; whatever is
    missing prints as an empty box rather than an id.
    """

    dealership_name: str
    printed_at: datetime  # aware; shown in `tz`
    tz: str = "Asia/Shanghai"
    logo_path: Path | str | None = None
    departments: dict[int, str] = field(default_factory=dict)
    users: dict[int, str] = field(default_factory=dict)  # user id → display name
    employees: dict[int, Employee] = field(default_factory=dict)
    case_numbers: dict[int, str] = field(default_factory=dict)  # case id → FK-…
    rule_clauses: dict[str, str] = field(default_factory=dict)  # rule id → 依据条款 text

    def local(self, dt: datetime) -> datetime:
        return dt.astimezone(ZoneInfo(self.tz))

    def fmt_dt(self, dt: datetime | str | None) -> str:
        """2026-11-05 14:30 in the dealership's time zone; "" for None."""
        if dt is None or dt == "":
            return ""
        if isinstance(dt, str):  # ISO strings stored in StepRecord.data
            try:
                dt = datetime.fromisoformat(dt)
            except ValueError:
                return dt
        if dt.tzinfo is None:
            return dt.strftime("%Y-%m-%d %H:%M")
        return self.local(dt).strftime("%Y-%m-%d %H:%M")

    def fmt_date(self, d: date | datetime | None) -> str:
        if d is None:
            return ""
        if isinstance(d, datetime):
            d = self.local(d).date() if d.tzinfo else d.date()
        return d.strftime("%Y-%m-%d")

    def department(self, dept_id: int | None) -> str:
        return self.departments.get(dept_id, "") if dept_id is not None else ""

    def clause(self, rule_id: str) -> str:
        """The clause text a slip prints as 依据条款; the id when the rule is unknown."""
        return self.rule_clauses.get(rule_id) or rule_id

    def user(self, user_id: int | None) -> str:
        return self.users.get(user_id, "") if user_id is not None else ""

    def employee(self, employee_id: int | None) -> Employee | None:
        return self.employees.get(employee_id) if employee_id is not None else None

    def employee_name(self, employee_id: int | None) -> str:
        emp = self.employee(employee_id)
        return emp.name if emp else ""

    def case_number(self, case_id: int | None) -> str:
        return self.case_numbers.get(case_id, "") if case_id is not None else ""

