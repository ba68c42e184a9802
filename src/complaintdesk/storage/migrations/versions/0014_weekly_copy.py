"""weekly summary: the copy as sent (issue 14). Two nullable columns; weeks sent before
this release keep no copy (nothing to recover), and say so where the copy is asked for.

Revision ID: 0014_weekly_copy
Revises: 0013_case_marks
"""
from alembic import op
import sqlalchemy as sa

revision = "0014_weekly_copy"
down_revision = "0013_case_marks"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("weekly_summary") as batch:
        batch.add_column(sa.Column("pdf", sa.LargeBinary(), nullable=True))
        batch.add_column(sa.Column("pdf_sha256", sa.String(length=64), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("weekly_summary") as batch:
        batch.drop_column("pdf_sha256")
        batch.drop_column("pdf")
