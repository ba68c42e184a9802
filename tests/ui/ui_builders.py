"""Builders for UI tests: the fixed time and cases registered through the service."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

from complaintdesk.domain.records import User
from complaintdesk.services.container import Services
from complaintdesk.services.demo_data import random_intake

NOW = datetime(2026, 11, 23, 2, 0, tzinfo=UTC)  # 10:00 in Asia/Shanghai


def make_cases(services: Services, user: User, n: int, seed: int = 7,
               names: list[str] | None = None) -> list[int]:
    """n complaints registered through the service (the way reception would)."""
    rng = random.Random(seed)
    ids = []
    for i in range(n):
        intake, _category = random_intake(rng, NOW - timedelta(minutes=30 + i), user.display_name)
        if names:
            intake.customer_name = names[i % len(names)]
        case = services.intake.register(user, intake)
        assert case.id is not None
        ids.append(case.id)
    return ids
