"""search_gram WITHOUT ROWID on SQLite

The gram index is only ever read through its primary key (gram, case_id). As a rowid table
SQLite kept the rows twice — the table and its primary-key index (155 MB at 100,000 cases);
WITHOUT ROWID stores them once, in key order. PostgreSQL has no such option and needs
nothing.

Revision ID: 0003
Revises: 0002
"""
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def _rebuild(options: str) -> None:
    op.execute(
        "CREATE TABLE search_gram_new (gram VARCHAR(4) NOT NULL, case_id INTEGER NOT NULL, "
        "PRIMARY KEY (gram, case_id), "
        f"FOREIGN KEY(case_id) REFERENCES complaint_case (id)){options}")
    op.execute("INSERT INTO search_gram_new (gram, case_id) SELECT gram, case_id FROM search_gram")
    op.execute("DROP TABLE search_gram")
    op.execute("ALTER TABLE search_gram_new RENAME TO search_gram")


def upgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        _rebuild(" WITHOUT ROWID")


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        _rebuild("")
