"""case marks: the assessor's 疑难 on a case (issue 14). New table only.

Revision ID: 0013_case_marks
Revises: 0009_contact_access
"""
from alembic import op
import sqlalchemy as sa
import complaintdesk.storage.types

revision = "0013_case_marks"
down_revision = "0009_contact_access"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "case_mark",
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("note", sa.String(length=500), nullable=False, server_default=""),
        sa.Column("by_user_id", sa.Integer(), nullable=False),
        sa.Column("at", complaintdesk.storage.types.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(["case_id"], ["complaint_case.id"]),
        sa.ForeignKeyConstraint(["by_user_id"], ["app_user.id"]),
        sa.PrimaryKeyConstraint("case_id", "kind"),
    )


def downgrade() -> None:
    op.drop_table("case_mark")
