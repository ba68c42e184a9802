from collections import Counter

from complaintdesk.domain.query import CaseQuery
from complaintdesk.domain.records import SlipStatus
from complaintdesk.services.base import SYSTEM_USER
from complaintdesk.services.demo import seed_demo
from complaintdesk.services.maintenance import check_database
from complaintdesk.storage.repo_slips import SlipQuery
from service_builders import make_services


def test_demo_walks_cases_to_every_stage_through_the_engine(tmp_path):
    services, clock = make_services(tmp_path)
    summary = seed_demo(services, cases=400, seed=7)
    assert "400 个案件" in summary
    rows = services.cases.list_page(SYSTEM_USER, CaseQuery(), 0, 1000)
    assert len(rows) == 400
    assert {r.flow for r in rows} == {"feedback", "internal", "rework"}  # every flow
    steps = Counter(r.current_step or "closed" for r in rows)
    assert steps["closed"] > 100
    assert len([k for k in steps if k != "closed"]) >= 4  # open cases at several steps
    assert services.cases.count(SYSTEM_USER, CaseQuery(overdue_only=True)) > 0
    # every case went through the engine: its steps are recorded with actors and times
    view = services.cases.open_case(SYSTEM_USER, next(r.id for r in rows if r.status == "closed"))
    assert view.case.steps[0].step_key == "register"
    assert all(s.finished_at and s.actor_user_id for s in view.case.steps
               if s.step_key != "second_revisit")
    statuses = Counter(v.slip.status for v in services.accountability.list_slips(
        SYSTEM_USER, SlipQuery(limit=5000)))
    assert statuses[SlipStatus.ENFORCED] > 0 and statuses[SlipStatus.PROPOSED] > 0
    assert statuses[SlipStatus.APPEALED] + statuses[SlipStatus.REVOKED] > 0
    assert check_database(services.config).ok


def test_demo_has_internal_complaints_and_rework_orders_walked_through_every_step(tmp_path):
    from complaintdesk.domain import steps as S
    from complaintdesk.domain.records import FlowKind
    from complaintdesk.domain.workflow import flow_for

    services, _ = make_services(tmp_path)
    seed_demo(services, cases=400, seed=7)
    rows = services.cases.list_page(SYSTEM_USER, CaseQuery(), 0, 1000)
    for flow in ("internal", "rework"):
        closed = [r for r in rows if r.flow == flow and r.status == "closed"]
        assert closed, flow
        keys = set()
        for r in closed:
            case = services.cases.open_case(SYSTEM_USER, r.id).case
            keys |= {s.step_key for s in case.steps}
            assert all(s.finished_at and s.actor_user_id for s in case.steps)
        expected = set(flow_for(FlowKind(flow)).steps)
        if flow == "internal":
            expected.discard(S.IC_FORWARD)  # only cross-department ones are forwarded
        assert expected <= keys, expected - keys
    advisor = next(u for u in services.people.users() if u.username == "weixiu")
    reworks = [services.cases.open_case(SYSTEM_USER, r.id).case for r in rows
               if r.flow == "rework"]
    assert all(c.registered_by_user_id == advisor.id for c in reworks)
    assert all(c.steps[1].data.get("completed_at") for c in reworks if len(c.steps) > 2)
