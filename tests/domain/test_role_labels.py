"""An assessor outside 行政部 is his department's own 考核主管 (003 二.1–2): one rule for the
routing and the user list (issue 17: the list compared the department's name itself)."""

from __future__ import annotations

from complaintdesk.domain.records import Department, Role
from complaintdesk.domain.workflow.internal_routing import company_department, role_label

ADMIN_OFFICE = Department(1, "行政部", "XZ")
RENAMED = Department(4, "综合管理部", "XZ")  # 行政部 renamed: its code still says so
SERVICE = Department(2, "售后服务部", "SH")


def test_the_company_department_is_found_by_code_or_name() -> None:
    assert company_department([SERVICE, ADMIN_OFFICE]) == 1
    assert company_department([SERVICE, RENAMED]) == 4
    assert company_department([SERVICE]) is None


def test_an_assessor_is_named_for_his_department_unless_it_is_the_companys() -> None:
    assert role_label(Role.ASSESSOR, SERVICE) == "售后服务部考核主管"
    assert role_label(Role.ASSESSOR, ADMIN_OFFICE) == "行政部考核主管"
    assert role_label(Role.ASSESSOR, RENAMED) == "行政部考核主管"
    assert role_label(Role.ASSESSOR, None) == "行政部考核主管"
    assert role_label(Role.SUPERVISOR, SERVICE) == "业务主管"
