"""Fixtures shared by the storage tests."""

import pytest

from complaintdesk.domain.clock import FixedClock
from complaintdesk.services.container import open_services
from complaintdesk.storage.database import DatabaseConfig
from pg_support import URL, wipe
from service_builders import T0


@pytest.fixture()
def pg_services(tmp_path):
    """The services on the test PostgreSQL database, wiped first, with a fixed clock at T0
    (for the modules marked `requires_postgresql()`)."""
    wipe(URL)  # a clean schema every time
    clock = FixedClock(T0)
    services = open_services(DatabaseConfig(URL), clock=clock, data_dir=tmp_path)
    yield services, clock
    services.dispose()
