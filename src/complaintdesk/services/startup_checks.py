"""What start-up refuses before it opens a database (DESIGN §9, several PCs): SQLite on a
network share. (The schema's version and the server's clock are checked where the
database is opened: storage/versions.py, services/clock.py.)"""

from __future__ import annotations

from pathlib import Path

from ..storage.database import DatabaseConfig
from ..storage.network_share import network_location, refusal_message
from .errors import ServiceError


class NetworkShareRefused(ServiceError):
    def __init__(self, path: Path, where: str) -> None:
        super().__init__(refusal_message(path, where))
        self.path = path
        self.where = where


def refuse_sqlite_on_network_share(config: DatabaseConfig) -> None:
    """Raises NetworkShareRefused when the SQLite file is (or would be) on a network share."""
    path = config.sqlite_path
    if path is None:
        return
    where = network_location(path)
    if where is not None:
        raise NetworkShareRefused(path, where)
