"""the customer-complaint flow's special cases (DESIGN §4.1, issue 14)

complaint_case: the receiver (受理人, whose lateness step 0 is), 当场解决 at intake with what
was done and how the customer took it, the simple path confirmed at step 1, and the
处理意见告知 window (003 一.12) with when it was done. New: case_contact (the contact log)
and weekly_summary (the weekly summary sent / read). A 重要/重大 solution awaiting
approval: the approver's role and the sub-task's deadline (approval_role, approval_due).

Existing cases: no receiver is known (NULL: step 0's lateness stays with whoever
registered them), none was resolved on the spot or took the simple path (the flags were
not offered), and no 告知 window is set (NULL: the rule is not applied to cases registered
before it existed, rather than raising a task for every old complaint at once).

Revision ID: 0006_policy_flow
Revises: 0005_kpi_policy
"""
from alembic import op
import sqlalchemy as sa

import complaintdesk.storage.types

revision = "0006_policy_flow"
down_revision = "0005_kpi_policy"
branch_labels = None
depends_on = None


def _dt(name: str, nullable: bool = True) -> sa.Column:
    return sa.Column(name, complaintdesk.storage.types.UTCDateTime(), nullable=nullable)


def upgrade() -> None:
    # plain ADD COLUMNs (a batch copy of complaint_case would trip the foreign keys that
    # point at it); the receiver is an employee id, checked by the service
    op.add_column("complaint_case", sa.Column("receiver_employee_id", sa.Integer(),
                                              nullable=True))
    op.add_column("complaint_case", sa.Column("resolved_on_spot", sa.Boolean(),
                                              nullable=False, server_default=sa.false()))
    op.add_column("complaint_case", sa.Column("on_spot_action", sa.String(), nullable=False,
                                              server_default=""))
    op.add_column("complaint_case", sa.Column("on_spot_reaction", sa.String(),
                                              nullable=False, server_default=""))
    op.add_column("complaint_case", sa.Column("simple_path", sa.Boolean(), nullable=False,
                                              server_default=sa.false()))
    op.add_column("complaint_case", _dt("notice_from"))
    op.add_column("complaint_case", _dt("notice_due"))
    op.add_column("complaint_case", _dt("notified_at"))
    op.add_column("complaint_case", sa.Column("approval_role", sa.String(length=20),
                                              nullable=False, server_default=""))
    op.add_column("complaint_case", _dt("approval_due"))
    op.create_index("ix_case_notice", "complaint_case", ["notified_at", "notice_from"],
                    unique=False)
    op.create_table(
        "case_contact",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        _dt("at", nullable=False),
        sa.Column("method", sa.String(length=12), nullable=False),
        sa.Column("kind", sa.String(length=12), nullable=False),
        sa.Column("by_user_id", sa.Integer(), nullable=True),
        sa.Column("summary", sa.String(), nullable=False),
        sa.Column("customer_reply", sa.String(), nullable=False),
        _dt("recorded_at", nullable=False),
        sa.ForeignKeyConstraint(["case_id"], ["complaint_case.id"]),
        sa.ForeignKeyConstraint(["by_user_id"], ["app_user.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_case_contact_case_id", "case_contact", ["case_id"], unique=False)
    op.create_table(
        "weekly_summary",
        sa.Column("week_start", sa.Date(), nullable=False),
        _dt("sent_at"),
        sa.Column("sent_by_user_id", sa.Integer(), nullable=True),
        _dt("read_at"),
        sa.Column("read_by_user_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["sent_by_user_id"], ["app_user.id"]),
        sa.ForeignKeyConstraint(["read_by_user_id"], ["app_user.id"]),
        sa.PrimaryKeyConstraint("week_start"),
    )


def downgrade() -> None:
    op.drop_table("weekly_summary")
    op.drop_index("ix_case_contact_case_id", table_name="case_contact")
    op.drop_table("case_contact")
    op.drop_index("ix_case_notice", table_name="complaint_case")
    for name in ("approval_due", "approval_role", "notified_at", "notice_due", "notice_from", "simple_path",
                 "on_spot_reaction", "on_spot_action", "resolved_on_spot",
                 "receiver_employee_id"):
        op.drop_column("complaint_case", name)
