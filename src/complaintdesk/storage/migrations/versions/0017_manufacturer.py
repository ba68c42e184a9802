"""complaints forwarded by the manufacturer

manufacturer_forward: a 厂家转办 case's brand, the manufacturer's reference, when it was
forwarded and its milestones' deadlines; manufacturer_reply: each reply to the
manufacturer (DESIGN §4.6). New tables only: existing cases are not touched (a case
registered earlier with the channel 厂家转办 has no brand or reference to invent).

Revision ID: 0017_manufacturer
Revises: 0016_paper_loop
"""
from alembic import op
import sqlalchemy as sa
import complaintdesk.storage.types

revision = "0017_manufacturer"
down_revision = "0016_paper_loop"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "manufacturer_forward",
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("brand", sa.String(length=20), nullable=False),
        sa.Column("reference", sa.String(length=40), nullable=False),
        sa.Column("forwarded_at", complaintdesk.storage.types.UTCDateTime(), nullable=False),
        sa.Column("milestones", sa.JSON(), nullable=False),
        sa.Column("registered_at", complaintdesk.storage.types.UTCDateTime(), nullable=False),
        sa.Column("registered_by_user_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["case_id"], ["complaint_case.id"]),
        sa.ForeignKeyConstraint(["registered_by_user_id"], ["app_user.id"]),
        sa.PrimaryKeyConstraint("case_id"),
    )
    op.create_index("ix_manufacturer_forward_brand", "manufacturer_forward", ["brand"])
    op.create_index("ix_manufacturer_forward_reference", "manufacturer_forward", ["reference"])
    op.create_index("ix_manufacturer_forward_forwarded_at", "manufacturer_forward",
                    ["forwarded_at"])
    op.create_table(
        "manufacturer_reply",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("at", complaintdesk.storage.types.UTCDateTime(), nullable=False),
        sa.Column("text", sa.String(), nullable=False),
        sa.Column("by_user_id", sa.Integer(), nullable=True),
        sa.Column("milestone", sa.String(length=16), nullable=False),
        sa.Column("recorded_at", complaintdesk.storage.types.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(["case_id"], ["complaint_case.id"]),
        sa.ForeignKeyConstraint(["by_user_id"], ["app_user.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_manufacturer_reply_case_id", "manufacturer_reply", ["case_id"])


def downgrade() -> None:
    op.drop_table("manufacturer_reply")
    op.drop_table("manufacturer_forward")
