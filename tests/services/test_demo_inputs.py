"""The demo generator makes only what the input rules accept: no 冀AJTPSU plates, no
placeholder phones, no warnings to confirm (the demo bypasses the intake service)."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

from complaintdesk.domain.input_rules import check_plate
from complaintdesk.domain.records import FlowKind
from complaintdesk.domain.validation import check_registration
from complaintdesk.services.demo_data import random_intake, random_plate

NOW = datetime(2026, 11, 23, 4, 0, tzinfo=UTC)


def test_demo_plates_are_valid_and_cover_the_plate_kinds():
    rng = random.Random(7)
    plates = [random_plate(rng) for _ in range(5000)]
    assert [p for p in plates if check_plate(p).problem is not None] == []
    assert any(len(p) == 8 and p[2] in "DABCEFGHJK" for p in plates)  # new-energy small
    assert any(len(p) == 8 and p[-1] in "DF" for p in plates)  # new-energy large
    assert any(p[-1] in "挂学" for p in plates)


def test_demo_intakes_pass_the_rules_as_stored():
    rng = random.Random(11)
    for _ in range(500):
        intake, _category = random_intake(rng, NOW - timedelta(hours=2), "接待小李")
        stored, result = check_registration(intake, NOW, FlowKind.FEEDBACK)
        assert result.ok and not result.warnings, (intake, result)
        assert stored.phone == intake.phone and stored.plate == intake.plate
