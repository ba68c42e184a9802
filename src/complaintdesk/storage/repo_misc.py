"""Numbering, settings, drafts and business volumes."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from sqlalchemy import Text, bindparam, cast, delete, select
from sqlmodel import Session

from .rawsql import RawStatement
from .tables import DraftRow, SequenceRow, SettingRow, VolumeRow, table_of


class Sequences:
    """Gapless numbers per prefix and month (DESIGN §5). The increment happens inside the
    caller's transaction, so a rolled-back registration gives its number back and a
    committed one never shares it.

    One statement, INSERT … ON CONFLICT DO UPDATE … RETURNING (SQLite ≥ 3.35, PostgreSQL):
    the first number of a month on two PCs at once cannot both insert — the second waits
    for the first's row and bumps it (an UPDATE, then a plain INSERT, raised a raw
    IntegrityError there)."""

    _T = table_of(SequenceRow)
    _UPSERTS: dict[str, Any] = {}

    def __init__(self, session: Session) -> None:
        self._s = session

    @classmethod
    def _upsert(cls, dialect: str) -> Any:
        stmt = cls._UPSERTS.get(dialect)
        if stmt is None:
            if dialect == "postgresql":
                from sqlalchemy.dialects.postgresql import insert
            else:
                from sqlalchemy.dialects.sqlite import insert  # type: ignore[assignment]  # sqlalchemy: each dialect's insert() is its own type
            t = cls._T
            ins = insert(t).values(prefix=bindparam("p"), period=bindparam("m"),
                                   last=bindparam("n"))
            stmt = ins.on_conflict_do_update(
                index_elements=[t.c.prefix, t.c.period],
                set_={"last": t.c.last + ins.excluded.last}).returning(t.c.last)
            cls._UPSERTS[dialect] = stmt
        return stmt

    def next(self, prefix: str, period: str) -> int:
        return self._take(prefix, period, 1)

    def reserve_block(self, prefix: str, period: str, count: int) -> int:
        """Reserve `count` consecutive numbers; returns the first (bulk seeding)."""
        return self._take(prefix, period, max(count, 1)) - max(count, 1) + 1

    def _take(self, prefix: str, period: str, count: int) -> int:
        conn = self._s.connection()
        stmt = self._upsert(conn.dialect.name)
        return int(conn.execute(stmt, {"p": prefix, "m": period, "n": count}).scalar_one())


class Settings:
    def __init__(self, session: Session) -> None:
        self._s = session

    # raw on the DBAPI cursor (rawsql.py): read by every print and many dialogs. The JSON
    # is read as its text (CAST, portable) and parsed here: PostgreSQL's driver would hand
    # a JSON string out already parsed, SQLite's as the text.
    _GET = RawStatement(select(cast(table_of(SettingRow).c.value, Text))
                        .where(table_of(SettingRow).c.key == bindparam("b_key")))

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
