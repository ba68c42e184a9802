"""Values read as raw column text (SQLite) or driver objects (PostgreSQL), converted
directly: on the hot paths SQLAlchemy's per-value processors cost more than the query."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any


def raw_time(v: Any) -> datetime | None:
    """A UTC time read as text (SQLite) or as a datetime (PostgreSQL), made aware."""
    if v is None:
        return None
    if isinstance(v, str):
        v = datetime.fromisoformat(v)
    return v.replace(tzinfo=UTC) if v.tzinfo is None else v.astimezone(UTC)


def raw_json(v: Any) -> Any:
    if v == "[]" or v == "{}":
        return None  # the common empty values, without a parse
    return json.loads(v) if isinstance(v, str) else v
