"""Where data lives (platformdirs), overridable with --data-dir."""

from __future__ import annotations

import logging
import logging.handlers
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .storage.database import DatabaseConfig

APP_NAME = "ComplaintDesk"
DB_FILE = "complaintdesk.sqlite3"


def default_data_dir() -> Path:
    from platformdirs import user_data_path

    return user_data_path(APP_NAME, appauthor=False)


def data_dir_for(args: Any) -> Path:
    """The data folder the command line names (`--data-dir`), else the user data folder;
    made if missing. Shared by the CLI and the GUI start (app.py)."""
    d = args.data_dir or default_data_dir()
    d.mkdir(parents=True, exist_ok=True)
    return d


def database_config_for(args: Any, data_dir: Path) -> DatabaseConfig:
    """`--database-url` when given (PostgreSQL, several PCs), else the SQLite file in the
    data folder."""
    from .storage.database import DatabaseConfig

    if args.database_url:
        return DatabaseConfig(args.database_url)
    return DatabaseConfig.sqlite_file(data_dir / DB_FILE)


def default_log_dir() -> Path:
    from platformdirs import user_log_path

    return user_log_path(APP_NAME, appauthor=False)


def setup_logging(log_dir: Path | None = None, verbose: bool = False) -> Path:
    """Rotating log file in the platformdirs log dir: the traceback goes there, the user
    sees a Chinese sentence."""
    log_dir = log_dir or default_log_dir()
    log_dir.mkdir(parents=True, exist_ok=True)
    path = log_dir / "complaintdesk.log"
    handler = logging.handlers.RotatingFileHandler(path, maxBytes=2_000_000, backupCount=5,
                                                   encoding="utf-8")
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root = logging.getLogger()
    root.addHandler(handler)
    root.setLevel(logging.DEBUG if verbose else logging.INFO)
    return path
