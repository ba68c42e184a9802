"""What a case's action forms offer to pick, for the person acting (issue 17: the step
form widget decided it). The lists are the domain's (domain/workflow/choices.py); this
reads the records they are made from in one unit of work."""

from __future__ import annotations

from collections.abc import Callable

from ..domain.pick_lists import live_categories
from ..domain.records import Case, User
from ..domain.workflow.choices import ActionChoices, SlipPick, action_choices
from .base import ServiceBase
from .errors import ServiceError
from .settings import CATEGORIES_KEY, CATEGORIES_REMOVED_KEY
from .slip_access import SlipView

# a case's slips as this person may see them (AccountabilityService.proposals_for_case)
SlipsOfCase = Callable[[User, int], list[SlipView]]


class ActionChoiceService(ServiceBase):
    slips_of_case: SlipsOfCase | None = None  # set by the container; None: no slips listed

    def for_case(self, actor: User, case: Case) -> ActionChoices:
        with self.uow(readonly=True) as uow:
            departments = uow.people.departments(include_inactive=True)
            users = uow.people.users(include_inactive=True)
            employees = uow.people.employees(include_inactive=True)
            categories = live_categories(uow.settings.get(CATEGORIES_KEY),
                                         uow.settings.get(CATEGORIES_REMOVED_KEY) or ())
        slips: list[SlipPick] = []
        if self.slips_of_case is not None and case.id is not None:
            try:
                slips = [SlipPick(v.slip, v.employee_name, v.penalty_text)
                         for v in self.slips_of_case(actor, case.id)]
            except ServiceError:
                pass  # not allowed to see the case's slips: nothing to pick
        return action_choices(case, departments, users, employees, slips, categories)
