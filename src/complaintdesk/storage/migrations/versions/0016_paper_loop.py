"""the paper loop: signed copies

signed_copy: the signed, stamped paper forms scanned back (PDF or image), each attached to
the step it completes, with its SHA-256 (DESIGN §4.7). A new table, and an index on
case_step (step_key, finished_at) for the 待归档 list. (典型案例 are case marks, 0013.)

Revision ID: 0016_paper_loop
Revises: 0015_ledger_import
"""
from alembic import op
import sqlalchemy as sa
import complaintdesk.storage.types

revision = "0016_paper_loop"
down_revision = "0015_ledger_import"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "signed_copy",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("step_key", sa.String(length=24), nullable=False),
        sa.Column("form", sa.String(length=24), nullable=False),
        sa.Column("filename", sa.String(length=200), nullable=False),
        sa.Column("mime", sa.String(length=100), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("uploaded_by_user_id", sa.Integer(), nullable=True),
        sa.Column("uploaded_at", complaintdesk.storage.types.UTCDateTime(), nullable=False),
        sa.Column("data", sa.LargeBinary(), nullable=False),
        sa.ForeignKeyConstraint(["case_id"], ["complaint_case.id"]),
        sa.ForeignKeyConstraint(["uploaded_by_user_id"], ["app_user.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_signed_copy_case_step", "signed_copy", ["case_id", "step_key", "form"])
    # 待归档 walks one step's finished occurrences oldest first and stops at its limit
    op.create_index("ix_step_key_finished", "case_step", ["step_key", "finished_at"])


def downgrade() -> None:
    op.drop_index("ix_step_key_finished", table_name="case_step")
    op.drop_table("signed_copy")
