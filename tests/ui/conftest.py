"""UI test fixtures: a temp database, a logged-in user, isolated QSettings."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings, QThreadPool
from ui_builders import NOW

from complaintdesk.domain.clock import FixedClock
from complaintdesk.domain.records import Role, User
from complaintdesk.services.container import Services, open_services
from complaintdesk.storage.database import DatabaseConfig


@pytest.fixture
def services(tmp_path: Path) -> Iterator[Services]:
    s = open_services(DatabaseConfig.sqlite_file(tmp_path / "t.sqlite3"),
                      clock=FixedClock(NOW), data_dir=tmp_path)
    yield s
    QThreadPool.globalInstance().waitForDone(10000)
    s.dispose()


@pytest.fixture
def admin(services: Services) -> User:
    return services.auth.create_first_admin("admin", "管理员", "secret123")


@pytest.fixture
def reception(services: Services, admin: User) -> User:
    return services.people.save_user(
        admin, User(None, "jiedai", "接待小李", frozenset({Role.RECEPTION})), "secret123")


@pytest.fixture
def qsettings(tmp_path: Path) -> QSettings:
    return QSettings(str(tmp_path / "ui.ini"), QSettings.Format.IniFormat)
