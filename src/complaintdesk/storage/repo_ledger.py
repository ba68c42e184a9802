"""The ledger import's provenance (issue 18 §3) and the customer/vehicle history's
lookups (§2): indexed queries on the case table's phone, landline, VIN and plate."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import and_, insert, or_, select
from sqlmodel import Session

from .tables import CaseRow, LedgerImportRow, table_of

_CHUNK = 500
_L = table_of(LedgerImportRow)
_C = table_of(CaseRow)


def _chunks(values: Sequence[Any]) -> Iterable[Sequence[Any]]:
    for i in range(0, len(values), _CHUNK):
        yield values[i:i + _CHUNK]


class LedgerImportRepository:
    def __init__(self, session: Session) -> None:
        self._s = session

    def _conn(self) -> Any:
        return self._s.connection()

    # ---- the import ------------------------------------------------------------------
    def known_hashes(self, hashes: Iterable[str]) -> set[str]:
        """Which of these row hashes an earlier import stored."""
        wanted = sorted(set(hashes))
        out: set[str] = set()
        for chunk in _chunks(wanted):
            out.update(self._conn().execute(
                select(_L.c.row_hash).where(_L.c.row_hash.in_(chunk))).scalars())
        return out

    def numbers_taken(self, numbers: Iterable[str]) -> set[str]:
        """Which of these case numbers exist already."""
        wanted = sorted({n for n in numbers if n})
        out: set[str] = set()
        for chunk in _chunks(wanted):
            out.update(self._conn().execute(
                select(_C.c.number).where(_C.c.number.in_(chunk))).scalars())
        return out

    def add(self, rows: Sequence[dict[str, Any]]) -> None:
        """Provenance rows (LedgerImportRow's columns) in one statement."""
        if rows:
            self._conn().execute(insert(_L), list(rows))

    def cases_by_phone_or_vin(self, phones: Iterable[str], vins: Iterable[str],
                              since: datetime) -> list[tuple[int, datetime, str, str]]:
        """(id, registered_at, phone, VIN) of the cases with one of these mobiles or VINs
        registered since `since`: what imported rows may repeat (DESIGN §5: the same
        phone or VIN within 90 days), read in a few indexed queries instead of one per
        row."""
        from ..domain.clock import utc

        out: dict[int, tuple[int, datetime, str, str]] = {}
        for col, values in ((_C.c.phone, phones), (_C.c.vin, vins)):
            wanted = sorted({v for v in values if v})
            for chunk in _chunks(wanted):
                for r in self._conn().execute(
                        select(_C.c.id, _C.c.registered_at, _C.c.phone, _C.c.vin)
                        .where(col.in_(chunk), _C.c.registered_at >= since)):
                    out[int(r[0])] = (int(r[0]), utc(r[1]), r[2] or "", r[3] or "")
        return list(out.values())

    def provenance(self, case_ids: Sequence[int]) -> dict[int, dict[str, Any]]:
        """case id → where it was imported from (only imported cases appear)."""
        out: dict[int, dict[str, Any]] = {}
        for chunk in _chunks(sorted(set(case_ids))):
            for r in self._conn().execute(select(_L).where(_L.c.case_id.in_(chunk))).mappings():
                out[r["case_id"]] = dict(r)
        return out

    # ---- the history (§2) ------------------------------------------------------------
    def history_matches(self, phone: str = "", landline: str = "", vin: str = "",
                        plate: str = "", limit: int = 500) -> list[tuple[int, bool, bool]]:
        """(case id, same customer, same vehicle) of every case of this customer (mobile or
        landline) or this vehicle (VIN; the plate stands in where a case has no VIN, or
        when no VIN is known), newest first. Each condition is one indexed column."""
        c = _C.c
        customer = [x for x in (c.phone == phone if phone else None,
                                c.landline == landline if landline else None) if x is not None]
        vehicle: list[Any] = []
        if vin:
            vehicle.append(c.vin == vin)
            if plate:
                vehicle.append(and_(c.plate == plate, c.vin == ""))
        elif plate:
            vehicle.append(c.plate == plate)
        if not customer and not vehicle:
            return []
        rows = self._conn().execute(
            select(c.id, c.phone, c.landline, c.vin, c.plate).where(or_(*customer, *vehicle))
            .order_by(c.registered_at.desc(), c.id.desc()).limit(limit)).all()
        out = []
        for cid, p, ll, v, pl in rows:
            same_customer = bool((phone and p == phone) or (landline and ll == landline))
            same_vehicle = bool((vin and v == vin) or (plate and pl == plate
                                                       and (not vin or not v)))
            out.append((int(cid), same_customer, same_vehicle))
        return out

    def numbers(self, case_ids: Sequence[int]) -> dict[int, str]:
        """case id → number (by the primary key)."""
        out: dict[int, str] = {}
        for chunk in _chunks(sorted(set(case_ids))):
            out.update((int(i), n) for i, n in self._conn().execute(
                select(_C.c.id, _C.c.number).where(_C.c.id.in_(chunk))))
        return out
