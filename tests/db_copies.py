"""A populated SQLite data folder built once per module and copied for each test.

Walking cases through the workflow costs far more than copying the result: a module whose
tests all start from the same "database in use" builds it once (`build_template`) and each
test opens its own copy (`open_copy`), so a test that writes or tampers never reaches
another. The copy is the folder: the database file, the audit chain's head file beside it,
backups. It is opened as it was left: no automatic backup at start (the template was empty
when its own services opened it, so none was made there either)."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from complaintdesk.domain.clock import FixedClock
from complaintdesk.services.container import Services, open_services
from complaintdesk.storage.database import DatabaseConfig
from service_builders import make_services

DB_NAME = "t.sqlite3"  # as service_builders.make_services names it


@dataclass(frozen=True)
class Template:
    folder: Path
    now: datetime  # the clock when it was built: each copy's clock starts here
    made: Any  # what the builder returned (records of the cases, the cast …)


def build_template(folder: Path, build: Callable[[Services, FixedClock], Any]) -> Template:
    services, clock = make_services(folder)
    try:
        made = build(services, clock)
    finally:
        services.dispose()  # checkpoints the WAL: the folder is complete on its own
    return Template(folder, clock.now(), made)


def open_copy(template: Template, to: Path) -> tuple[Services, FixedClock]:
    for item in template.folder.iterdir():
        if item.is_dir():
            shutil.copytree(item, to / item.name)
        else:
            shutil.copy2(item, to / item.name)
    clock = FixedClock(template.now)
    services = open_services(DatabaseConfig.sqlite_file(to / DB_NAME), clock=clock,
                             data_dir=to, auto_backup=False)
    return services, clock
