"""What every handler is given besides the event and the unit of work."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import tzinfo


@dataclass(frozen=True, slots=True)
class Context:
    tz: tzinfo  # the dealership's time zone (slip numbers and texts are local)
