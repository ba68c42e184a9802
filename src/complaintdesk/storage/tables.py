"""The database schema (SQLModel tables). Portable SQL: SQLite by default, PostgreSQL too.

Repositories translate these rows to the domain records of `domain/records.py`; nothing
outside storage/ sees a table object.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, cast

from sqlalchemy import (
    JSON,
    BigInteger,
    Column,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Table,
    Text,
    UniqueConstraint,
)
from sqlmodel import Field, SQLModel

from ..domain.kpi.tally import FIELDS as TALLY_FIELDS
from .types import UTCDateTime


def table_of(model: type[SQLModel]) -> Table:
    """A table model's `Table` (sqlmodel's stubs do not declare `__table__`)."""
    return cast(Table, model.__table__)  # type: ignore[attr-defined]  # sqlmodel: no __table__ stub


def _dt(nullable: bool = True, index: bool = False) -> Any:
    return Field(default=None, sa_column=Column(UTCDateTime(), nullable=nullable, index=index))


def _json(default: Any) -> Any:
    return Field(default_factory=lambda: default() if callable(default) else default,
                 sa_column=Column(JSON, nullable=False))


class DepartmentRow(SQLModel, table=True):
    __tablename__ = "department"
    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=60, unique=True)
    code: str = Field(default="", max_length=20)
    active: bool = True


class EmployeeRow(SQLModel, table=True):
    __tablename__ = "employee"
    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=40, index=True)
    department_id: int | None = Field(default=None, foreign_key="department.id")
    post: str = Field(default="", max_length=40)
    active: bool = True


class UserRow(SQLModel, table=True):
    __tablename__ = "app_user"
    id: int | None = Field(default=None, primary_key=True)
    username: str = Field(max_length=40, unique=True)
    display_name: str = Field(max_length=40)
    roles: str = Field(default="", max_length=200)  # comma-separated Role values
    department_id: int | None = Field(default=None, foreign_key="department.id")
    employee_id: int | None = Field(default=None, foreign_key="employee.id")
    password_hash: str = Field(default="", max_length=200)
    failed_attempts: int = 0
    locked_until: datetime | None = _dt()
    active: bool = True


class DelegationRow(SQLModel, table=True):
    __tablename__ = "delegation"
    id: int | None = Field(default=None, primary_key=True)
    absent_user_id: int = Field(foreign_key="app_user.id", index=True)
    delegate_user_id: int = Field(foreign_key="app_user.id", index=True)
    start: datetime = _dt(nullable=False)
    end: datetime = _dt(nullable=False)
    reason: str = Field(default="", max_length=200)


class SequenceRow(SQLModel, table=True):
    """The last number handed out per prefix and month: gapless, never reused."""

    __tablename__ = "number_sequence"
    prefix: str = Field(primary_key=True, max_length=4)
    period: str = Field(primary_key=True, max_length=6)  # YYYYMM
    last: int = 0


class CaseRow(SQLModel, table=True):
    __tablename__ = "complaint_case"
    __table_args__ = (
        Index("ix_case_status_registered", "status", "registered_at"),
        Index("ix_case_registered", "registered_at"),
        Index("ix_case_deadline", "status", "current_deadline"),
        Index("ix_case_dept_registered", "department_id", "registered_at"),
        # 我的待办: the open cases at given steps, soonest deadline first (migration 0002)
        Index("ix_case_step_deadline", "current_step", "current_deadline"),
        # 处理意见告知 tasks: complaints not yet told, by window (migration 0006_policy_flow)
        Index("ix_case_notice", "notified_at", "notice_from"),
        # the reminder scan: open cases whose next mark has come or is not known (0018)
        Index("ix_case_next_mark", "status", "next_mark_at"),
    )
    id: int | None = Field(default=None, primary_key=True)
    number: str = Field(max_length=20, unique=True)
    flow: str = Field(max_length=12)
    kind: str = Field(max_length=12)
    customer_name: str = Field(max_length=40)
    phone: str = Field(default="", max_length=11, index=True)
    landline: str = Field(default="", max_length=20)
    vehicle_model: str = Field(default="", max_length=60)
    plate: str = Field(default="", max_length=10, index=True)
    vin: str = Field(default="", max_length=17, index=True)
    purchase_date: date | None = None
    channel: str = Field(default="", max_length=12)
    location: str = Field(default="", max_length=200)
    description: str = ""
    persons_involved: str = Field(default="", max_length=200)
    demand: str = ""
    mood: str = Field(default="", max_length=8)
    received_by: str = Field(default="", max_length=40)
    complained_at: datetime = _dt(nullable=False)
    registered_at: datetime = _dt(nullable=False)
    registered_by_user_id: int | None = Field(default=None, foreign_key="app_user.id")
    self_report_department_id: int | None = Field(default=None, foreign_key="department.id")
    status: str = Field(default="open", max_length=10)
    current_step: str = Field(default="", max_length=24)
    current_deadline: datetime | None = _dt()
    current_due_since: datetime | None = _dt()
    category: str = Field(default="", max_length=20)
    severity: str = Field(default="", max_length=10)
    department_id: int | None = Field(default=None, foreign_key="department.id")
    supervisor_user_id: int | None = Field(default=None, foreign_key="app_user.id")
    reopen_count: int = 0
    repeat_of_id: int | None = Field(default=None, foreign_key="complaint_case.id")
    needs_revisit: bool = True
    closed_at: datetime | None = _dt()
    version: int = 1
    # migration 0006_policy_flow (DESIGN §4.1): the receiver (受理人), 当场解决 at intake and
    # the simple path, the 处理意见告知 window
    receiver_employee_id: int | None = None  # an employee id (no FK: added by ALTER)
    resolved_on_spot: bool = False
    on_spot_action: str = ""
    on_spot_reaction: str = ""
    simple_path: bool = False
    notice_from: datetime | None = _dt()
    notice_due: datetime | None = _dt()
    notified_at: datetime | None = _dt()
    approval_role: str = Field(default="", max_length=20)  # 重要/重大 solution approval
    approval_due: datetime | None = _dt()
    # migration 0018_next_mark: when the current step's next reminder is sent, as the
    # reminder scan worked it out; NULL (not known) whenever the case is written
    next_mark_at: datetime | None = _dt()


class LedgerImportRow(SQLModel, table=True):
    """Where a 历史导入 case came from (issue 18 §3; migration 0010_ledger_import): the
    ledger file's SHA-256, the row and its content hash (unique: the same row is never
    imported twice), the ledger's own number. Keyed by the case; the case table itself
    is not changed."""

    __tablename__ = "ledger_import"
    case_id: int = Field(primary_key=True, foreign_key="complaint_case.id")
    row_hash: str = Field(max_length=64, unique=True)
    file_hash: str = Field(max_length=64, index=True)
    file_name: str = Field(default="", max_length=200)
    sheet: str = Field(default="", max_length=100)
    source_row: int = 0
    ledger_number: str = Field(default="", max_length=40)
    imported_at: datetime = _dt(nullable=False)
    imported_by_user_id: int | None = Field(default=None, foreign_key="app_user.id")


class ContactRow(SQLModel, table=True):
    """A case's contact log (DESIGN §4.1; migration 0006_policy_flow)."""

    __tablename__ = "case_contact"
    id: int | None = Field(default=None, primary_key=True)
    case_id: int = Field(foreign_key="complaint_case.id", index=True)
    at: datetime = _dt(nullable=False)
    method: str = Field(max_length=12)
    kind: str = Field(max_length=12)
    by_user_id: int | None = Field(default=None, foreign_key="app_user.id")
    summary: str = ""
    customer_reply: str = ""
    recorded_at: datetime = _dt(nullable=False)


class WeeklySummaryRow(SQLModel, table=True):
    """The assessor's weekly summary as a task (003 一.8): sent to the GM, read (已阅)."""

    __tablename__ = "weekly_summary"
    week_start: date = Field(primary_key=True)  # the Monday of the week summarised
    sent_at: datetime | None = _dt()
    sent_by_user_id: int | None = Field(default=None, foreign_key="app_user.id")
    read_at: datetime | None = _dt()
    read_by_user_id: int | None = Field(default=None, foreign_key="app_user.id")
    # issue 14: the summary as it was sent — the GM reads this copy, not a recomputed one
    pdf: bytes | None = Field(default=None, sa_column=Column(LargeBinary, nullable=True))
    pdf_sha256: str | None = Field(default=None, max_length=64)


class StepRow(SQLModel, table=True):
    __tablename__ = "case_step"
    __table_args__ = (
        UniqueConstraint("case_id", "seq", name="uq_step_case_seq"),
        Index("ix_step_open", "finished_at", "step_key"),
        # 待归档: one step's finished occurrences, oldest first (migration 0016_paper_loop)
        Index("ix_step_key_finished", "step_key", "finished_at"),
    )
    id: int | None = Field(default=None, primary_key=True)
    case_id: int = Field(foreign_key="complaint_case.id", index=True)
    step_key: str = Field(max_length=24)
    seq: int
    due_since: datetime = _dt(nullable=False)
    deadline: datetime | None = _dt()
    assignee_user_id: int | None = Field(default=None, foreign_key="app_user.id")
    actor_user_id: int | None = Field(default=None, foreign_key="app_user.id")
    on_behalf_of_user_id: int | None = Field(default=None, foreign_key="app_user.id")
    finished_at: datetime | None = _dt()
    outcome: str = Field(default="", max_length=24)
    data: dict[str, Any] = _json(dict)
    breach: bool = False
    extensions: list[Any] = _json(list)


class AttachmentRow(SQLModel, table=True):
    __tablename__ = "attachment"
    id: int | None = Field(default=None, primary_key=True)
    case_id: int = Field(foreign_key="complaint_case.id", index=True)
    filename: str = Field(max_length=200)
    mime: str = Field(default="application/octet-stream", max_length=100)
    size: int = 0
    data: bytes = Field(sa_column=Column(LargeBinary, nullable=False))


class SignedCopyRow(SQLModel, table=True):
    """A signed, stamped paper form scanned back and attached to the step it completes
    (签字存档, DESIGN §4.7; migration 0016_paper_loop). Stored in the database like the
    evidence attachments, so every PC of a PostgreSQL installation reads it."""

    __tablename__ = "signed_copy"
    __table_args__ = (Index("ix_signed_copy_case_step", "case_id", "step_key", "form"),)
    id: int | None = Field(default=None, primary_key=True)
    case_id: int = Field(foreign_key="complaint_case.id")
    step_key: str = Field(max_length=24)
    form: str = Field(max_length=24)
    filename: str = Field(max_length=200)
    mime: str = Field(default="application/octet-stream", max_length=100)
    size: int = 0
    sha256: str = Field(max_length=64)
    uploaded_by_user_id: int | None = Field(default=None, foreign_key="app_user.id")
    uploaded_at: datetime = _dt(nullable=False)
    data: bytes = Field(sa_column=Column(LargeBinary, nullable=False))


class SearchGramRow(SQLModel, table=True):
    """Substrings of the searchable fields, so a 1-character surname or a phone/VIN fragment
    is found through an index instead of a scan (SQLite's FTS5 trigram cannot do < 3
    characters, and PostgreSQL needs an extension for it)."""

    __tablename__ = "search_gram"
    __table_args__ = {"sqlite_with_rowid": False}  # read only by its key (migration 0003)
    gram: str = Field(primary_key=True, max_length=4)
    case_id: int = Field(primary_key=True, foreign_key="complaint_case.id")


class FaultSlipRow(SQLModel, table=True):
    __tablename__ = "fault_slip"
    __table_args__ = (Index("ix_slip_employee_issued", "employee_id", "issued_at"),)
    id: int | None = Field(default=None, primary_key=True)
    number: str = Field(default="", max_length=20, index=True)
    case_id: int | None = Field(default=None, foreign_key="complaint_case.id", index=True)
    employee_id: int | None = Field(default=None, foreign_key="employee.id")
    department_id: int | None = Field(default=None, foreign_key="department.id", index=True)
    post: str = Field(default="", max_length=40)
    facts: str = ""
    responsibility: str = Field(default="", max_length=12)
    penalties: list[Any] = _json(list)
    rule_ids: list[Any] = _json(list)
    status: str = Field(default="proposed", max_length=12, index=True)
    is_reward: bool = False
    from_breach: bool = False
    issued_by_user_id: int | None = Field(default=None, foreign_key="app_user.id")
    issued_at: datetime | None = _dt(index=True)
    dept_opinion: str = ""
    gm_opinion: str = ""
    acknowledged_at: datetime | None = _dt()
    enforced_at: datetime | None = _dt(index=True)
    appeal: dict[str, Any] | None = Field(
        default=None, sa_column=Column(JSON(none_as_null=True), nullable=True))
    changes: list[Any] = _json(list)
    created_at: datetime | None = _dt()
    version: int = 1


class AuditRow(SQLModel, table=True):
    """Append-only; each entry carries the SHA-256 of the previous one (DESIGN §9)."""

    __tablename__ = "audit_log"
    id: int | None = Field(default=None, primary_key=True)
    at: datetime = _dt(nullable=False)
    user_id: int | None = None
    user_name: str = Field(default="", max_length=60)
    action: str = Field(max_length=40)
    entity: str = Field(max_length=30)
    entity_id: str = Field(default="", max_length=30, index=True)
    before: Any = Field(default=None, sa_column=Column(JSON, nullable=True))
    after: Any = Field(default=None, sa_column=Column(JSON, nullable=True))
    prev_hash: str = Field(default="", max_length=64)
    hash: str = Field(default="", max_length=64)


class SettingRow(SQLModel, table=True):
    """Settings and editable data (rules, calendar, channels, dealership name...)."""

    __tablename__ = "setting"
    key: str = Field(primary_key=True, max_length=60)
    value: Any = Field(default=None, sa_column=Column(JSON, nullable=True))


class VolumeRow(SQLModel, table=True):
    """Business volume per department per month (for 投诉率, DESIGN §8)."""

    __tablename__ = "business_volume"
    department_id: int = Field(primary_key=True, foreign_key="department.id")
    period: str = Field(primary_key=True, max_length=7)  # YYYY-MM
    volume: int = 0
    note: str = Field(default="", max_length=60)


class DraftRow(SQLModel, table=True):
    """What a user typed and has not saved yet: survives a crash or a closed window."""

    __tablename__ = "draft"
    user_id: int = Field(primary_key=True)
    key: str = Field(primary_key=True, max_length=60)
    content: Any = Field(default=None, sa_column=Column(JSON, nullable=True))
    updated_at: datetime = _dt(nullable=False)


class ContactAccessRow(SQLModel, table=True):
    """A request to read a case's full mobile, landline and VIN (DESIGN §3, seed 002):
    pending, then approved (until expires_at) or refused by the case's 负责人 or the GM."""

    __tablename__ = "contact_access"
    id: int | None = Field(default=None, primary_key=True)
    case_id: int = Field(foreign_key="complaint_case.id", index=True)
    requester_user_id: int = Field(foreign_key="app_user.id", index=True)
    reason: str = Field(max_length=200)
    requested_at: datetime = _dt(nullable=False)
    status: str = Field(default="pending", max_length=12, index=True)
    decided_by_user_id: int | None = Field(default=None, foreign_key="app_user.id")
    decided_at: datetime | None = _dt()
    expires_at: datetime | None = _dt()


class CaseMarkRow(SQLModel, table=True):
    """A mark the assessor puts on a case (issue 14: 疑难), with his reason; one per kind."""

    __tablename__ = "case_mark"
    case_id: int = Field(foreign_key="complaint_case.id", primary_key=True)
    kind: str = Field(max_length=20, primary_key=True)
    note: str = Field(default="", max_length=500)
    by_user_id: int = Field(foreign_key="app_user.id")
    at: datetime = _dt(nullable=False)


class AlertRow(SQLModel, table=True):
    """Alerts and reminders (DESIGN §4.5): one row per person and alert, kept until read.
    (person_id, key) is unique so that an alert is sent once however many PCs scan."""

    __tablename__ = "alert"
    __table_args__ = (
        UniqueConstraint("person_id", "key", name="uq_alert_person_key"),
        # the person's list and unread count: their alerts shown by now
        Index("ix_alert_person_send", "person_id", "send_at"),
        # a finished step settles its alerts (repo_alerts.settle_step)
        Index("ix_alert_ref", "ref"),
    )
    id: int | None = Field(default=None, primary_key=True)
    person_id: int = Field(foreign_key="app_user.id")
    kind: str = Field(max_length=12)
    ref: str = Field(default="", max_length=40)
    text: str = Field(default="", max_length=300)
    key: str = Field(max_length=120)
    created_at: datetime = _dt(nullable=False)
    send_at: datetime = _dt(nullable=False)
    read_at: datetime | None = _dt()



class ManufacturerForwardRow(SQLModel, table=True):
    """A 厂家转办 case's forwarding (DESIGN §4.6): brand, the manufacturer's reference, when
    it was forwarded and the milestones' deadlines as computed then (migration
    0017_manufacturer). Its own table keyed by the case: the cases table is not widened."""

    __tablename__ = "manufacturer_forward"
    case_id: int = Field(primary_key=True, foreign_key="complaint_case.id")
    brand: str = Field(max_length=20, index=True)
    reference: str = Field(max_length=40, index=True)
    forwarded_at: datetime = _dt(nullable=False, index=True)
    milestones: list[Any] = _json(list)  # [{"key", "rule", "due"}]
    registered_at: datetime = _dt(nullable=False)
    registered_by_user_id: int | None = Field(default=None, foreign_key="app_user.id")
    # migration 0018_next_mark: the first reminder mark of its unanswered milestones still to
    # come, as the reminder scan worked it out; NULL (not known) for a new forwarding
    next_mark_at: datetime | None = _dt(index=True)


class ManufacturerReplyRow(SQLModel, table=True):
    """Each reply to the manufacturer (when, what, by whom, which milestone it answers)."""

    __tablename__ = "manufacturer_reply"
    id: int | None = Field(default=None, primary_key=True)
    case_id: int = Field(foreign_key="complaint_case.id", index=True)
    at: datetime = _dt(nullable=False)
    text: str = ""
    by_user_id: int | None = Field(default=None, foreign_key="app_user.id")
    milestone: str = Field(default="", max_length=16)
    recorded_at: datetime = _dt(nullable=False)


# ---- running KPI tallies (domain/kpi/tally.py; kept by storage/kpi_tallies.py) -----------
# The §8 counts summed per local month and group, updated in the transaction of every
# change; one column per count (a year is a few thousand rows).
KPI_TALLY = Table(
    "kpi_tally", SQLModel.metadata,
    Column("month", Integer, primary_key=True),  # yyyymm, local
    Column("dim", String(12), primary_key=True),
    Column("key", String(40), primary_key=True),
    *(Column(name, BigInteger, nullable=False) for name in TALLY_FIELDS),
)
# When each owner's tally was last written ("c<case id>", "s<slip id>" for a slip without
# a case): its old tally is worked out again as of then, to be taken back out.
KPI_OWNER = Table(
    "kpi_owner", SQLModel.metadata,
    Column("owner", String(16), primary_key=True),
    Column("written_us", BigInteger, nullable=False),
)
# Complaints open when their tally was written: counted open at later month ends and now.
KPI_OPEN = Table(
    "kpi_open", SQLModel.metadata,
    Column("case_id", Integer, ForeignKey("complaint_case.id"), primary_key=True),
    Column("written_us", BigInteger, nullable=False),
    Column("deadline_us", BigInteger, nullable=True),
    Column("until_us", BigInteger, nullable=True),
    # the groups it counts in (keys as in kpi_tally), the employees as a JSON list
    Column("department", String(40), nullable=False),
    Column("category", String(40), nullable=False),
    Column("severity", String(40), nullable=False),
    Column("channel", String(40), nullable=False),
    Column("employees", Text, nullable=False),
    # the four keys in one text, to group by (one comparison instead of four)
    Column("sig", Text, nullable=False),
    # "how many open, how many overdue" by group at an instant: read off these indexes
    Index("ix_kpi_open_groups", "sig", "until_us", "deadline_us", "written_us"),
    Index("ix_kpi_open_employees", "employees", "until_us", "deadline_us", "written_us"),
)
# Receipt → handled / closed hours of each complaint, for the medians.
KPI_DURATION = Table(
    "kpi_duration", SQLModel.metadata,
    Column("case_id", Integer, ForeignKey("complaint_case.id"), primary_key=True),
    Column("month", Integer, nullable=False),
    Column("year", Integer, nullable=False),
    Column("handled_h", Float, nullable=True),
    Column("closed_h_m", Float, nullable=True),
    Column("closed_h_y", Float, nullable=True),
    Index("ix_kpi_duration_month_handled", "month", "handled_h"),
    Index("ix_kpi_duration_month_closed", "month", "closed_h_m"),
    Index("ix_kpi_duration_year_handled", "year", "handled_h"),
    Index("ix_kpi_duration_year_closed", "year", "closed_h_y"),
)
# The medians of the whole per month and year, once worked out from kpi_duration; a
# change to a complaint's durations deletes those of its month and year (same transaction).
KPI_MEDIAN = Table(
    "kpi_median", SQLModel.metadata,
    Column("scope", String(24), primary_key=True),  # "<column>:<yyyymm>" or "<column>:y<yyyy>"
    Column("n", Integer, nullable=False),  # over how many values
    Column("value", Float, nullable=True),
)
