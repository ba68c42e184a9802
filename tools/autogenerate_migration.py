"""Developer tool: write a new Alembic revision from the difference between the tables and
an up-to-date database. Usage: uv run python tools/autogenerate_migration.py REV "message"
"""

import sys
import tempfile
from pathlib import Path

from alembic import command
from alembic.config import Config

from complaintdesk.storage.database import MIGRATIONS_DIR, DatabaseConfig, make_engine


def main() -> None:
    rev, message = sys.argv[1], sys.argv[2]
    with tempfile.TemporaryDirectory() as tmp:
        engine = make_engine(DatabaseConfig.sqlite_file(Path(tmp) / "gen.sqlite3"))
        cfg = Config()
        cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
        with engine.begin() as conn:
            cfg.attributes["connection"] = conn
            command.upgrade(cfg, "head")
        with engine.begin() as conn:
            cfg.attributes["connection"] = conn
            command.revision(cfg, message=message, autogenerate=True, rev_id=rev)


if __name__ == "__main__":
    main()
