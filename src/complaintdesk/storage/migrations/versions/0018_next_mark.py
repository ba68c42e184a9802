"""the reminder scan's marks

complaint_case.next_mark_at: when the current step's next reminder (50 %/75 %/deadline,
DESIGN §4.5) is sent; manufacturer_forward.next_mark_at: the next mark of its unanswered
milestones (§4.6). The scan reads only the rows whose mark has come or is not known, off an
index, instead of every open step each minute. Both columns start NULL — "not known yet",
not a made-up time: the first scan after the upgrade works every open case's and every
forwarding's mark out from its stored deadlines, and sends nothing twice (alert keys).

Revision ID: 0018_next_mark
Revises: 0017_manufacturer
"""
from alembic import op
import sqlalchemy as sa
import complaintdesk.storage.types

revision = "0018_next_mark"
down_revision = "0017_manufacturer"
branch_labels = None
depends_on = None


def _mark() -> sa.Column:
    return sa.Column("next_mark_at", complaintdesk.storage.types.UTCDateTime(), nullable=True)


def upgrade() -> None:
    # plain ADD COLUMNs (a batch copy of complaint_case would trip its foreign keys, 0006)
    op.add_column("complaint_case", _mark())
    op.create_index("ix_case_next_mark", "complaint_case", ["status", "next_mark_at"])
    op.add_column("manufacturer_forward", _mark())
    op.create_index("ix_manufacturer_forward_next_mark_at", "manufacturer_forward",
                    ["next_mark_at"])


def downgrade() -> None:
    op.drop_index("ix_manufacturer_forward_next_mark_at", table_name="manufacturer_forward")
    op.drop_column("manufacturer_forward", "next_mark_at")
    op.drop_index("ix_case_next_mark", table_name="complaint_case")
    op.drop_column("complaint_case", "next_mark_at")
