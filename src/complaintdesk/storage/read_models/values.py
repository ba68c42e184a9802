"""The one place that reads the database's own formats. Values read as raw column text (SQLite) or driver objects (PostgreSQL), converted
directly: on the hot paths SQLAlchemy's per-value processors cost more than the query.

SQLite keeps a UTC time as text ("2026-03-01 08:00:00.000000", naive UTC as stored by
`UTCDateTime`); appending the offset and parsing once is several times faster than
parsing and then `replace(tzinfo=UTC)` (which costs more than the parse itself).
"""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from typing import Any

_parse = datetime.fromisoformat
_loads = json.loads


def raw_time(v: Any) -> datetime | None:
    """A UTC time read as text (SQLite) or as a datetime (PostgreSQL), made aware."""
    if v is None:
        return None
    if isinstance(v, str):
        if len(v) > 10:  # a time, not a bare date
            try:
                return _parse(v + "+00:00")
            except ValueError:  # text that carries its own offset
                pass
        v = _parse(v)
    return v.replace(tzinfo=UTC) if v.tzinfo is None else v.astimezone(UTC)


def required_time(v: Any) -> datetime:
    """`raw_time` of a column that is never NULL."""
    t = raw_time(v)
    if t is None:
        raise ValueError("a required time column is NULL")
    return t


def raw_date(v: Any) -> date | None:
    """A calendar date read as text (SQLite) or as a date (PostgreSQL)."""
    if v is None or v == "":
        return None
    if isinstance(v, str):
        return date.fromisoformat(v[:10])
    if isinstance(v, datetime):
        return v.date()
    return v


def raw_json(v: Any) -> Any:
    if v == "[]" or v == "{}":
        return None  # the common empty values, without a parse
    return _loads(v) if isinstance(v, str) else v


def json_dict(v: Any) -> dict[str, Any]:
    """A JSON object column (text on SQLite, parsed on PostgreSQL); {} for NULL."""
    if v is None or v == "{}" or v == "[]":
        return {}
    return (_loads(v) if isinstance(v, str) else v) or {}


def json_list(v: Any) -> list[Any]:
    """A JSON array column (text on SQLite, parsed on PostgreSQL); [] for NULL."""
    if v is None or v == "[]" or v == "{}":
        return []
    return (_loads(v) if isinstance(v, str) else v) or []
