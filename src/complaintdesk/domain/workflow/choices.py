"""What an action's form offers to pick (issue 17: the rule lived in the step form widget).

The ID fields of the FIELDS table (fields.py) are picked from lists: the departments a case
can be forwarded to, the supervisors a department head can assign, the employees who can be
named responsible, the case's slips the GM decides on. Which entries, labelled how and in
which order, is decided here from plain records; the widget only shows them.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from ..records import CATEGORIES, Case, Department, Employee, FaultSlip, Role, User

Pick = tuple[str, int]  # (label shown, id)
PROPOSED_NUMBER = "（拟）"  # a proposed slip has no number yet


@dataclass(slots=True)
class ActionChoices:
    """The pick-lists of one case's action forms, each in the order shown."""

    departments: list[Pick] = field(default_factory=list)
    supervisors: list[Pick] = field(default_factory=list)
    employees: list[Pick] = field(default_factory=list)
    slips: list[Pick] = field(default_factory=list)
    categories: list[str] = field(default_factory=lambda: list(CATEGORIES))  # the live list

    def for_field(self, name: str) -> list[Pick]:
        """The list an ID field picks from, by the field's name (fields.py)."""
        if "department" in name:
            return self.departments
        if name.endswith("user_id"):
            return self.supervisors
        if name.startswith("slip"):
            return self.slips
        return self.employees


@dataclass(frozen=True, slots=True)
class SlipPick:
    """A slip of the case as the pick-list names it."""

    slip: FaultSlip
    employee_name: str
    penalty_text: str


def action_choices(case: Case, departments: Sequence[Department], users: Sequence[User],
                   employees: Sequence[Employee], slips: Sequence[SlipPick] = (),
                   categories: Sequence[str] = CATEGORIES) -> ActionChoices:
    """The pick-lists for `case`'s forms.

    - departments: the active ones (an inactive one still names its employees);
    - supervisors: the active 业务主管 of the case's department — all of them when it has
      none, so a step 2 never offers an empty list;
    - employees: the active ones, the case's department first, then by id;
    - slips: the penalties (a reward slip is no one's fault), in the order given.
    """
    names = {d.id: d.name for d in departments}
    supervisors = [u for u in users if u.active and u.has(Role.SUPERVISOR) and u.id is not None]
    own = [u for u in supervisors if u.department_id == case.department_id]
    staff = sorted((e for e in employees if e.active and e.id is not None),
                   key=lambda e: (e.department_id != case.department_id, e.id or 0))
    return ActionChoices(
        departments=[(d.name, d.id) for d in departments if d.active and d.id is not None],
        supervisors=[(u.display_name, u.id) for u in (own or supervisors) if u.id is not None],
        employees=[(f"{e.name}（{names.get(e.department_id, '')}·{e.post}）", e.id)
                   for e in staff if e.id is not None],
        slips=[(f"{s.slip.number or PROPOSED_NUMBER}  {s.employee_name}  {s.penalty_text}  "
                f"[{s.slip.status.label}]", s.slip.id)
               for s in slips if s.slip.id is not None and not s.slip.is_reward],
        categories=list(categories),
    )
