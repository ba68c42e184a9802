"""The running KPI tallies as a read model of the cases and slips (storage/kpi_tallies.py).

The only module that tells the tally store what was written. It follows every write of a
unit of work, whatever the change — a workflow action, a corrected intake, a slip's
appeal — not only the changes that raise domain events: the tallies are a sum over the
records, and a write that no event names still changes them. The store takes an owner's
old contribution out of the sums worked out again from the records as they were, so it
is told *before* each first write (storage/tracking.py); at commit (`flush`, after every
event handler ran) the new contributions go in, in the same transaction as the records.
"""

from __future__ import annotations

from ...domain.records import Case, FaultSlip
from ...storage.kpi_tallies import KpiTallies
from ...storage.tracking import Record


class TallyReadModel:
    """storage.tracking.WriteListener for one unit of work's tally store."""

    def __init__(self, store: KpiTallies) -> None:
        self.store = store

    def adding(self, record: Record) -> None:
        if isinstance(record, FaultSlip) and record.case_id is not None:
            self.store.before_case(record.case_id)  # the case's tally holds its slips

    def added(self, record: Record) -> None:
        if isinstance(record, Case):
            if record.id is not None:
                self.store.case_added(record.id)
        else:
            self.store.slip_added(record)

    def changing(self, record: Record) -> None:
        if isinstance(record, Case):
            if record.id is not None:
                self.store.before_case(record.id)
        else:
            self.store.before_slip(record)

    def flush(self) -> None:
        self.store.flush()
