"""running KPI tallies

The §8 statistics kept as counts per local month and group (kpi_tally), updated in the
transaction of every change, with what the reader needs beside them: when each owner's
tally was written (kpi_owner), the complaints still open then (kpi_open) and each
complaint's durations for the medians (kpi_duration, and the medians once worked
out: kpi_median). The tables start empty; the app
fills them from the records when it opens the database (storage/kpi_tallies.py
`ensure_tallies`), as it does again whenever the tally definitions or the time zone
change.

Revision ID: 0004
Revises: 0003
"""
from alembic import op
import sqlalchemy as sa

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "kpi_tally",
        sa.Column("month", sa.Integer(), nullable=False),
        sa.Column("dim", sa.String(length=12), nullable=False),
        sa.Column("key", sa.String(length=40), nullable=False),
        sa.Column("received", sa.BigInteger(), nullable=False),
        sa.Column("suggestions", sa.BigInteger(), nullable=False),
        sa.Column("praises", sa.BigInteger(), nullable=False),
        sa.Column("repeats", sa.BigInteger(), nullable=False),
        sa.Column("handled", sa.BigInteger(), nullable=False),
        sa.Column("handled_us", sa.BigInteger(), nullable=False),
        sa.Column("within24", sa.BigInteger(), nullable=False),
        sa.Column("within48", sa.BigInteger(), nullable=False),
        sa.Column("closed_m", sa.BigInteger(), nullable=False),
        sa.Column("resolved_m", sa.BigInteger(), nullable=False),
        sa.Column("first_time_m", sa.BigInteger(), nullable=False),
        sa.Column("closed_us_m", sa.BigInteger(), nullable=False),
        sa.Column("closed_y", sa.BigInteger(), nullable=False),
        sa.Column("resolved_y", sa.BigInteger(), nullable=False),
        sa.Column("first_time_y", sa.BigInteger(), nullable=False),
        sa.Column("closed_us_y", sa.BigInteger(), nullable=False),
        sa.Column("revisit_due", sa.BigInteger(), nullable=False),
        sa.Column("revisited", sa.BigInteger(), nullable=False),
        sa.Column("reached", sa.BigInteger(), nullable=False),
        sa.Column("satisfied", sa.BigInteger(), nullable=False),
        sa.Column("slips", sa.BigInteger(), nullable=False),
        sa.Column("fines", sa.BigInteger(), nullable=False),
        sa.Column("points", sa.BigInteger(), nullable=False),
        sa.Column("rewards", sa.BigInteger(), nullable=False),
        sa.Column("bonus", sa.BigInteger(), nullable=False),
        sa.Column("reward_points", sa.BigInteger(), nullable=False),
        sa.Column("appeals", sa.BigInteger(), nullable=False),
        sa.Column("appeal_upheld", sa.BigInteger(), nullable=False),
        sa.Column("appeal_reduced", sa.BigInteger(), nullable=False),
        sa.Column("appeal_revoked", sa.BigInteger(), nullable=False),
        sa.Column("appeal_pending", sa.BigInteger(), nullable=False),
        sa.Column("open_end", sa.BigInteger(), nullable=False),
        sa.Column("overdue_end", sa.BigInteger(), nullable=False),
        sa.Column("overdue_us", sa.BigInteger(), nullable=False),
        sa.Column("done_register", sa.BigInteger(), nullable=False),
        sa.Column("done_forward", sa.BigInteger(), nullable=False),
        sa.Column("done_assign", sa.BigInteger(), nullable=False),
        sa.Column("done_handle", sa.BigInteger(), nullable=False),
        sa.Column("done_dept_opinion", sa.BigInteger(), nullable=False),
        sa.Column("done_issue_slips", sa.BigInteger(), nullable=False),
        sa.Column("done_revisit", sa.BigInteger(), nullable=False),
        sa.Column("done_evaluate", sa.BigInteger(), nullable=False),
        sa.Column("done_approve", sa.BigInteger(), nullable=False),
        sa.Column("done_enforce", sa.BigInteger(), nullable=False),
        sa.Column("done_second_revisit", sa.BigInteger(), nullable=False),
        sa.Column("done_other", sa.BigInteger(), nullable=False),
        sa.Column("ontime_register", sa.BigInteger(), nullable=False),
        sa.Column("ontime_forward", sa.BigInteger(), nullable=False),
        sa.Column("ontime_assign", sa.BigInteger(), nullable=False),
        sa.Column("ontime_handle", sa.BigInteger(), nullable=False),
        sa.Column("ontime_dept_opinion", sa.BigInteger(), nullable=False),
        sa.Column("ontime_issue_slips", sa.BigInteger(), nullable=False),
        sa.Column("ontime_revisit", sa.BigInteger(), nullable=False),
        sa.Column("ontime_evaluate", sa.BigInteger(), nullable=False),
        sa.Column("ontime_approve", sa.BigInteger(), nullable=False),
        sa.Column("ontime_enforce", sa.BigInteger(), nullable=False),
        sa.Column("ontime_second_revisit", sa.BigInteger(), nullable=False),
        sa.Column("ontime_other", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("month", "dim", "key"),
    )
    op.create_table(
        "kpi_owner",
        sa.Column("owner", sa.String(length=16), nullable=False),
        sa.Column("written_us", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("owner"),
    )
    op.create_table(
        "kpi_open",
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("written_us", sa.BigInteger(), nullable=False),
        sa.Column("deadline_us", sa.BigInteger(), nullable=True),
        sa.Column("until_us", sa.BigInteger(), nullable=True),
        sa.Column("department", sa.String(length=40), nullable=False),
        sa.Column("category", sa.String(length=40), nullable=False),
        sa.Column("severity", sa.String(length=40), nullable=False),
        sa.Column("channel", sa.String(length=40), nullable=False),
        sa.Column("employees", sa.Text(), nullable=False),
        sa.Column("sig", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(["case_id"], ["complaint_case.id"]),
        sa.PrimaryKeyConstraint("case_id"),
    )
    op.create_index("ix_kpi_open_groups", "kpi_open", [
        "sig", "until_us", "deadline_us", "written_us"])
    op.create_index("ix_kpi_open_employees", "kpi_open", [
        "employees", "until_us", "deadline_us", "written_us"])
    op.create_table(
        "kpi_median",
        sa.Column("scope", sa.String(length=24), nullable=False),
        sa.Column("n", sa.Integer(), nullable=False),
        sa.Column("value", sa.Float(), nullable=True),
        sa.PrimaryKeyConstraint("scope"),
    )
    op.create_table(
        "kpi_duration",
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("month", sa.Integer(), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("handled_h", sa.Float(), nullable=True),
        sa.Column("closed_h_m", sa.Float(), nullable=True),
        sa.Column("closed_h_y", sa.Float(), nullable=True),
        sa.ForeignKeyConstraint(["case_id"], ["complaint_case.id"]),
        sa.PrimaryKeyConstraint("case_id"),
    )
    op.create_index("ix_kpi_duration_month_handled", "kpi_duration", ["month", "handled_h"])
    op.create_index("ix_kpi_duration_month_closed", "kpi_duration", ["month", "closed_h_m"])
    op.create_index("ix_kpi_duration_year_handled", "kpi_duration", ["year", "handled_h"])
    op.create_index("ix_kpi_duration_year_closed", "kpi_duration", ["year", "closed_h_y"])


def downgrade() -> None:
    op.drop_table("kpi_median")
    op.drop_table("kpi_duration")
    op.drop_table("kpi_open")
    op.drop_table("kpi_owner")
    op.drop_table("kpi_tally")
