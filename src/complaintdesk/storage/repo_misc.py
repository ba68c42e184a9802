"""Numbering, settings, drafts and business volumes."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from sqlalchemy import Text, bindparam, cast, delete, select, update
from sqlmodel import Session

from .rawsql import RawStatement
from .tables import DraftRow, SequenceRow, SettingRow, VolumeRow


class Sequences:
    """Gapless numbers per prefix and month (DESIGN §5). The increment happens inside the
    caller's transaction, so a rolled-back registration gives its number back and a
    committed one never shares it."""

    _T = SequenceRow.__table__  # type: ignore[attr-defined]
    _BUMP = _T.update().where(_T.c.prefix == bindparam("p"), _T.c.period == bindparam("m")) \
        .values(last=_T.c.last + 1).returning(_T.c.last)
    _FIRST = _T.insert()

    def __init__(self, session: Session) -> None:
        self._s = session

    def next(self, prefix: str, period: str) -> int:
        conn = self._s.connection()
        res = conn.execute(self._BUMP, {"p": prefix, "m": period}).scalar_one_or_none()
        if res is not None:
            return int(res)
        conn.execute(self._FIRST, {"prefix": prefix, "period": period, "last": 1})
        return 1

    def reserve_block(self, prefix: str, period: str, count: int) -> int:
        """Reserve `count` consecutive numbers; returns the first (bulk seeding)."""
        first = self.next(prefix, period)
        if count > 1:
            self._s.execute(update(SequenceRow)
                            .where(SequenceRow.prefix == prefix, SequenceRow.period == period)
                            .values(last=SequenceRow.last + (count - 1)))
        return first


class Settings:
    def __init__(self, session: Session) -> None:
        self._s = session

    # raw on the DBAPI cursor (rawsql.py): read by every print and many dialogs. The JSON
    # is read as its text (CAST, portable) and parsed here: PostgreSQL's driver would hand
    # a JSON string out already parsed, SQLite's as the text.
    _GET = RawStatement(select(cast(SettingRow.__table__.c.value, Text))  # type: ignore[attr-defined]
                        .where(SettingRow.__table__.c.key == bindparam("b_key")))  # type: ignore[attr-defined]

    def get(self, key: str, default: Any = None) -> Any:
        conn = self._s.connection()
        rows = self._GET.fetchall(conn.dialect, conn.connection, {"b_key": key})
        if not rows:
            return default
        value = rows[0][0]
        return None if value is None else json.loads(value)

    def put(self, key: str, value: Any) -> None:
        r = self._s.get(SettingRow, key)
        if r is None:
            self._s.add(SettingRow(key=key, value=value))
        else:
            r.value = value
            self._s.add(r)
        self._s.flush()

    def all(self) -> dict[str, Any]:
        return {r.key: r.value for r in self._s.execute(select(SettingRow)).scalars()}


class Drafts:
    def __init__(self, session: Session) -> None:
        self._s = session

    def get(self, user_id: int, key: str) -> Any:
        r = self._s.get(DraftRow, (user_id, key))
        return None if r is None else r.content

    def put(self, user_id: int, key: str, content: Any, at: datetime) -> None:
        r = self._s.get(DraftRow, (user_id, key))
        if r is None:
            self._s.add(DraftRow(user_id=user_id, key=key, content=content, updated_at=at))
        else:
            r.content, r.updated_at = content, at
            self._s.add(r)
        self._s.flush()

    def drop(self, user_id: int, key: str) -> None:
        self._s.execute(delete(DraftRow).where(DraftRow.user_id == user_id, DraftRow.key == key))


class Volumes:
    def __init__(self, session: Session) -> None:
        self._s = session

    def all(self) -> dict[tuple[int, str], int]:
        return {(r.department_id, r.period): r.volume
                for r in self._s.execute(select(VolumeRow)).scalars()}

    def put(self, department_id: int, period: str, volume: int, note: str = "") -> None:
        r = self._s.get(VolumeRow, (department_id, period))
        if r is None:
            self._s.add(VolumeRow(department_id=department_id, period=period, volume=volume,
                                  note=note))
        else:
            r.volume, r.note = volume, note
            self._s.add(r)
        self._s.flush()
