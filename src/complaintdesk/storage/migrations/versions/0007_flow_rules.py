"""rules per flow kind: internal-complaint and rework rows added to a stored rule table

DESIGN §6 (Revision 2): the rule table has a table per flow kind. A database whose
administrator saved the rule table (setting "rules") holds only the customer-complaint
rows; without this, an internal complaint's 处罚单 or a rework order's 过失单 would find no
rule and be proposed empty. This appends the shipped default rows of the internal and
rework tables (product defaults, labelled so in their clause) to such a stored table —
only for a flow that has no row yet, and never a row whose id is already taken; every
existing row stays as it was. A database that never saved the table reads the shipped
defaults and needs nothing. No schema change.

In-flight cases need no data change: their step records keep their keys and deadlines.
An internal complaint registered before has no 考核主管 routing snapshot on its report
step, so any 考核主管 may act on it (as before); one waiting at 业务主管调查 or later goes
on along the new route. A rework order past 开具返修单 never passes 竣工上报 (it joined the
route after it); one at 维修部经理审核 or before passes the new 上报总经理 step next.

Revision ID: 0007_flow_rules
Revises: 0006_policy_flow
"""
import json

import sqlalchemy as sa
from alembic import op

revision = "0007_flow_rules"
down_revision = "0006_policy_flow"
branch_labels = None
depends_on = None

ADDED_FLOWS = ("internal", "rework")

_setting = sa.table("setting", sa.column("key", sa.String), sa.column("value", sa.JSON))


def _default_rows() -> list[dict]:
    from complaintdesk.resources_path import resource_path

    raw = json.loads(resource_path("default_rules.json").read_text(encoding="utf-8"))
    return [r for r in raw["rules"] if r.get("flow") in ADDED_FLOWS]


def upgrade() -> None:
    conn = op.get_bind()
    stored = conn.execute(sa.select(_setting.c.value).where(_setting.c.key == "rules")).first()
    if stored is None or not isinstance(stored[0], list):
        return
    rules = list(stored[0])
    flows = {r.get("flow") for r in rules if isinstance(r, dict)}
    ids = {r.get("id") for r in rules if isinstance(r, dict)}
    added = [r for r in _default_rows() if r["flow"] not in flows and r["id"] not in ids]
    if added:
        conn.execute(sa.update(_setting).where(_setting.c.key == "rules")
                     .values(value=rules + added))


def downgrade() -> None:
    # the added rows are ordinary rows of the table from now on: they stay
    pass
