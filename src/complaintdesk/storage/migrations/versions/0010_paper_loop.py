"""the paper loop: signed copies and 典型案例

signed_copy: the signed, stamped paper forms scanned back (PDF or image), each attached to
the step it completes, with its SHA-256 (DESIGN §4.7). case_example: closed cases the
assessor marked 典型案例 with the lesson to teach (seed 003 一.11). New tables, and an
index on case_step (step_key, finished_at) for the 待归档 list.

Revision ID: 0010_paper_loop
Revises: 0009_contact_access
"""
from alembic import op
import sqlalchemy as sa
import complaintdesk.storage.types

revision = "0010_paper_loop"
down_revision = "0009_contact_access"
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
    op.create_table(
        "case_example",
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("lesson", sa.String(), nullable=False),
        sa.Column("marked_by_user_id", sa.Integer(), nullable=True),
        sa.Column("marked_at", complaintdesk.storage.types.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(["case_id"], ["complaint_case.id"]),
        sa.ForeignKeyConstraint(["marked_by_user_id"], ["app_user.id"]),
        sa.PrimaryKeyConstraint("case_id"),
    )


def downgrade() -> None:
    op.drop_index("ix_step_key_finished", table_name="case_step")
    op.drop_table("case_example")
    op.drop_table("signed_copy")
