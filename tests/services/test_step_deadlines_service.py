"""A step deadline set in 流程设置 is the one a new case's step gets."""

from datetime import timedelta

from complaintdesk.domain import steps as S
from complaintdesk.services.base import SYSTEM_USER
from service_builders import intake, make_services


def test_a_new_case_gets_the_deadline_set_for_its_step(tmp_path):
    services, clock = make_services(tmp_path)
    try:
        services.settings.put(SYSTEM_USER, "workflow", {
            "tz": "Asia/Shanghai", "step_deadlines": {S.FORWARD: {"kind": "hours", "amount": 3}}})
        case = services.intake.register(SYSTEM_USER, intake(clock))
        step = next(s for s in case.steps if s.step_key == S.FORWARD)
        assert step.deadline == step.due_since + timedelta(hours=3)
    finally:
        services.dispose()
