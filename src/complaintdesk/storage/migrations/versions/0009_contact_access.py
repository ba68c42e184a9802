"""requests to read a case's customer numbers

contact_access: who asked to read a case's full mobile, landline and VIN, why, and who
approved or refused it and until when (DESIGN §3, seed 002). New table only.

Revision ID: 0009_contact_access
Revises: 0008_alerts
"""
from alembic import op
import sqlalchemy as sa
import complaintdesk.storage.types

revision = "0009_contact_access"
down_revision = "0008_alerts"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "contact_access",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("requester_user_id", sa.Integer(), nullable=False),
        sa.Column("reason", sa.String(length=200), nullable=False),
        sa.Column("requested_at", complaintdesk.storage.types.UTCDateTime(), nullable=False),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("decided_by_user_id", sa.Integer(), nullable=True),
        sa.Column("decided_at", complaintdesk.storage.types.UTCDateTime(), nullable=True),
        sa.Column("expires_at", complaintdesk.storage.types.UTCDateTime(), nullable=True),
        sa.ForeignKeyConstraint(["case_id"], ["complaint_case.id"]),
        sa.ForeignKeyConstraint(["requester_user_id"], ["app_user.id"]),
        sa.ForeignKeyConstraint(["decided_by_user_id"], ["app_user.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_contact_access_case_id", "contact_access", ["case_id"])
    op.create_index("ix_contact_access_requester_user_id", "contact_access",
                    ["requester_user_id"])
    op.create_index("ix_contact_access_status", "contact_access", ["status"])


def downgrade() -> None:
    op.drop_table("contact_access")
