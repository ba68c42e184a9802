"""DESIGN §3 at the service layer: for every step of the complaint flow, each role is asked
for its actions and tries the step's main action. Only the right role (and department)
gets the buttons and succeeds; everyone else is refused with a Chinese reason, and a
refusal changes nothing. (The domain has the finer matrix; this proves the service asks
it and that hiding a button is not the only enforcement.)"""

from datetime import timedelta

import pytest

from complaintdesk.domain.records import Role
from complaintdesk.services.base import SYSTEM_USER
from complaintdesk.services.errors import ServiceError
from service_builders import add_user, intake, make_services

# step → (action, data, the users that may take it)
STEPS = [
    ("forward", lambda ids: {"category": "维修质量", "severity": "normal",
                             "department_id": ids["dept"]}, {"cs", "assessor"}),
    # DESIGN §4.8 "nobody there": the department head (or the GM) may take a supervisor's
    # step, the GM a department head's (recorded as 代 … 处理)
    ("assign", lambda ids: {"supervisor_user_id": ids["sup"]}, {"head", "gm"}),
    ("handle", lambda ids: {"process": "经过", "solution_kind": "返修", "customer_attitude": "接受",
                            "responsible": []}, {"sup", "head", "gm"}),
    ("dept_opinion", lambda ids: {"opinion": "同意", "responsible": []}, {"head", "gm"}),
    ("issue_slips", lambda ids: {"no_responsible": True}, {"assessor"}),
    ("revisit", lambda ids: {"method": "电话", "reached": True, "satisfaction": "满意",
                             "customer_words": "好"}, {"cs"}),
    ("evaluate", lambda ids: {"evaluation": "及时", "on_time": True, "proper": True},
     {"assessor"}),
    ("approve", lambda ids: {"approval": "同意"}, {"gm"}),
    ("enforce", lambda ids: {"feedback_to_department": "已反馈"}, {"assessor"}),
]


@pytest.fixture()
def world(tmp_path):
    services, clock = make_services(tmp_path)
    users = {
        "reception": add_user(services, "jd", "接待", Role.RECEPTION),
        "cs": add_user(services, "kf", "客服", Role.CS_CENTER),
        "assessor": add_user(services, "kh", "考核", Role.ASSESSOR),
        "head": add_user(services, "sh", "售后经理", Role.DEPT_HEAD, department_id=2),
        "other_head": add_user(services, "xs", "销售经理", Role.DEPT_HEAD, department_id=1),
        "sup": add_user(services, "zg", "售后主管", Role.SUPERVISOR, department_id=2),
        "other_sup": add_user(services, "xzg", "销售主管", Role.SUPERVISOR, department_id=1),
        "gm": add_user(services, "zjl", "总经理", Role.GENERAL_MANAGER),
        "admin": add_user(services, "adm", "管理员", Role.ADMIN),
    }
    return services, clock, users


def test_each_step_is_offered_to_and_taken_by_its_role_only(world):
    services, clock, users = world
    ids = {"dept": 2, "sup": users["sup"].id}
    case = services.intake.register(SYSTEM_USER, intake(clock))
    for action, data, allowed in STEPS:
        clock.advance(timedelta(minutes=10))
        for name, user in users.items():
            offered = {a.key for a in services.workflow.actions(user, case.id)}
            assert (action in offered) == (name in allowed), (action, name, offered)
            if name in allowed:
                continue
            version = services.cases.open_case(SYSTEM_USER, case.id).case.version
            with pytest.raises(ServiceError) as refused:
                services.workflow.act(user, case.id, action, data(ids))
            assert refused.value.message  # a Chinese reason, not a traceback
            after = services.cases.open_case(SYSTEM_USER, case.id).case
            assert after.version == version and after.current_step == action
        doer = users[next(n for n in ("sup", "head", "cs") if n in allowed)] \
            if allowed & {"sup", "head", "cs"} else users[sorted(allowed)[0]]
        case = services.workflow.act(doer, case.id, action, data(ids))
    assert case.status.value == "closed"
