"""Which roles take workflow steps is read off the flow tables (issue 17: the rule lived
in the main window as a hand-written list that had missed the 维修顾问)."""

from __future__ import annotations

from complaintdesk.domain.records import FlowKind, Role, User
from complaintdesk.domain.workflow import FLOWS, Holder, Who
from complaintdesk.domain.workflow.flows import STEP_ROLES, takes_steps


def _user(*roles: Role) -> User:
    return User(1, "u", "某人", frozenset(roles))


def test_the_roles_that_hold_steps_are_those_the_flows_name() -> None:
    assert STEP_ROLES == {Role.CS_CENTER, Role.DEPT_HEAD, Role.SUPERVISOR, Role.ASSESSOR,
                          Role.GENERAL_MANAGER, Role.SERVICE_ADVISOR}
    # every role a flow names by role is in it: a new one cannot be forgotten
    named = {r for f in FLOWS.values() for s in f.steps.values()
             for w in (*s.who, *(w for a in s.actions for w in a.who))
             if w.holder is Holder.ROLE for r in w.roles}
    assert named <= STEP_ROLES


def test_the_rework_flow_makes_the_service_advisor_a_step_holder() -> None:
    rework = FLOWS[FlowKind.REWORK]
    assert any(Role.SERVICE_ADVISOR in w.usual_roles for s in rework.steps.values()
               for w in (*s.who, *(w for a in s.actions for w in a.who)))
    assert takes_steps(_user(Role.SERVICE_ADVISOR))


def test_reception_and_the_administrator_take_no_steps() -> None:
    assert not takes_steps(_user(Role.RECEPTION))
    assert not takes_steps(_user(Role.ADMIN, Role.RECEPTION))
    assert takes_steps(_user(Role.RECEPTION, Role.SUPERVISOR))


def test_a_holder_named_by_relation_maps_to_the_role_that_holds_it() -> None:
    assert Who(Holder.DEPT_HEAD).usual_roles == (Role.DEPT_HEAD,)
    assert Who(Holder.CASE_SUPERVISOR).usual_roles == (Role.SUPERVISOR,)
    assert Who(Holder.CASE_ASSESSOR).usual_roles == (Role.ASSESSOR,)
    assert Who(Holder.ANYONE).usual_roles == ()
    assert Who(Holder.ROLE, (Role.CS_CENTER, Role.ASSESSOR)).usual_roles == (
        Role.CS_CENTER, Role.ASSESSOR)

