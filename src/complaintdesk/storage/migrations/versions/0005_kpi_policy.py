"""KPI tallies: the 警告 count and the steps of suggestions and praise

Issue 14 (DESIGN §8): the complaint figures count complaints only, suggestions and
praise get their own 按时处理率, and the employee sheet counts 警告. Five count columns
are added to kpi_tally (0 for the rows there); the tallies' definition changed as well
(TALLY_VERSION 2), so the app recounts every tally from the records at its first start
(storage/kpi_tallies.py `rebuild_if_due`) — no figure is carried over unrecounted.

Revision ID: 0005_kpi_policy
Revises: 0004
"""
from alembic import op
import sqlalchemy as sa

revision = "0005_kpi_policy"
down_revision = "0004"
branch_labels = None
depends_on = None

COLUMNS = ("warnings", "sugg_done", "sugg_ontime", "praise_done", "praise_ontime")


def upgrade() -> None:
    with op.batch_alter_table("kpi_tally") as batch:
        for name in COLUMNS:
            batch.add_column(sa.Column(name, sa.BigInteger(), nullable=False,
                                       server_default="0"))


def downgrade() -> None:
    with op.batch_alter_table("kpi_tally") as batch:
        for name in reversed(COLUMNS):
            batch.drop_column(name)
