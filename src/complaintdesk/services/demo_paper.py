"""The paper loop in the demo (issue 18 part 4): the older closed cases have their signed
copies on file (what a dealership scanning as it goes would show), the recent ones wait in
待归档, and a few closed complaints are 典型案例 — through the services, as the people
who would do it."""

from __future__ import annotations

import random
from datetime import timedelta
from typing import Any

from ..documents.demo_scan import demo_scan_pdf
from ..domain.query import CaseQuery
from ..domain.records import CaseStatus
from .base import SYSTEM_USER

FILED_AFTER = timedelta(days=30)  # older closed cases: their paper is filed
MAX_FILED = 40  # at most so many cases get scans (a 100,000-case demo stays lean)
LESSONS = (
    "服务顾问未提前告知加收费用，引起客户不满。教训：凡涉及额外收费，须事先向客户说明并取得同意。",
    "交车前未按标准检查，客户提车后发现问题。教训：交车检查必须逐项签字确认，不得省略。",
    "客户来电后未在1小时内上报，延误处理。教训：任何员工接到投诉，须第一时间道歉、记录并上报。",
)


def paper_stories(services: Any, cast: Any, rng: random.Random) -> str:
    paper = services.paper
    now = services.clock.now()
    oldest = services.cases.list_page(
        SYSTEM_USER, CaseQuery(status=CaseStatus.CLOSED.value, sort_desc=False), 0, MAX_FILED)
    filed = 0
    for r in oldest:
        if now - r.registered_at < FILED_AFTER:
            break
        for state in paper.case_copies(cast.cs, r.id).missing:
            who = cast.assessor if state.rule.form.endswith("slip") else cast.cs
            paper.attach(who, r.id, state.rule.step, state.rule.form,
                         f"{r.number}-{state.rule.title}.pdf",
                         demo_scan_pdf(r.number, state.rule.title))
            filed += 1
    rows = services.cases.list_page(
        SYSTEM_USER, CaseQuery(status=CaseStatus.CLOSED.value, flow="feedback", kind="complaint"),
        0, 200)
    complaints = list(rows)
    examples = rng.sample(complaints, k=min(len(LESSONS), len(complaints)))
    for r, lesson in zip(examples, LESSONS, strict=False):
        paper.mark_example(cast.assessor, r.id, lesson)
    return f"签字存档 {filed} 份、典型案例 {len(examples)} 个"
