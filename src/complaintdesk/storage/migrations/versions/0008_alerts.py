"""alerts and reminders (DESIGN §4.5)

One row per person and alert, kept until read; (person_id, key) unique so that each alert
is sent once. A new table only: existing data is untouched.

Revision ID: 0008_alerts
Revises: 0007_flow_rules
"""
from alembic import op
import sqlalchemy as sa

from complaintdesk.storage.types import UTCDateTime

revision = "0008_alerts"
down_revision = "0007_flow_rules"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "alert",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=12), nullable=False),
        sa.Column("ref", sa.String(length=40), nullable=False),
        sa.Column("text", sa.String(length=300), nullable=False),
        sa.Column("key", sa.String(length=120), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("send_at", UTCDateTime(), nullable=False),
        sa.Column("read_at", UTCDateTime(), nullable=True),
        sa.ForeignKeyConstraint(["person_id"], ["app_user.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("person_id", "key", name="uq_alert_person_key"),
    )
    op.create_index("ix_alert_person_send", "alert", ["person_id", "send_at"], unique=False)
    op.create_index("ix_alert_ref", "alert", ["ref"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_alert_ref", table_name="alert")
    op.drop_index("ix_alert_person_send", table_name="alert")
    op.drop_table("alert")
