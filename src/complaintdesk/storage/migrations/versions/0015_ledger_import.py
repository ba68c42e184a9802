"""where a historical case imported from the dealership's Excel ledger came from

ledger_import: one row per 历史导入 case (issue 18 §3) — the file's SHA-256, the sheet,
the row and its content hash (unique: importing the same file twice adds nothing), the
ledger's own number, who imported it and when. A new table only: the case table and
existing data are untouched.

Revision ID: 0015_ledger_import
Revises: 0014_weekly_copy
"""
from alembic import op
import sqlalchemy as sa

from complaintdesk.storage.types import UTCDateTime

revision = "0015_ledger_import"
down_revision = "0014_weekly_copy"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "ledger_import",
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("row_hash", sa.String(length=64), nullable=False),
        sa.Column("file_hash", sa.String(length=64), nullable=False),
        sa.Column("file_name", sa.String(length=200), nullable=False),
        sa.Column("sheet", sa.String(length=100), nullable=False),
        sa.Column("source_row", sa.Integer(), nullable=False),
        sa.Column("ledger_number", sa.String(length=40), nullable=False),
        sa.Column("imported_at", UTCDateTime(), nullable=False),
        sa.Column("imported_by_user_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["case_id"], ["complaint_case.id"]),
        sa.ForeignKeyConstraint(["imported_by_user_id"], ["app_user.id"]),
        sa.PrimaryKeyConstraint("case_id"),
        sa.UniqueConstraint("row_hash"),
    )
    op.create_index("ix_ledger_import_file_hash", "ledger_import", ["file_hash"])


def downgrade() -> None:
    op.drop_table("ledger_import")
