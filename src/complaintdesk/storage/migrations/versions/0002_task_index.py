"""index for 我的待办: open cases by current step and deadline

At 100,000 cases the task query scanned the whole case table (0.11 s per refresh).

Revision ID: 0002
Revises: 0001
"""
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_case_step_deadline", "complaint_case",
                    ["current_step", "current_deadline"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_case_step_deadline", table_name="complaint_case")
