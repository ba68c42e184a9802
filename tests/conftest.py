"""Shared test set-up: Qt runs offscreen (no display on CI), and nothing the tests do lands
in the real user's folders — logs, settings (QSettings) and data go to a throw-away home."""

import atexit
import gc
import os
import shutil
import tempfile

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

# The tests call into Qt without always importing complaintdesk.ui first (pytest-qt's qapp,
# services tests with Qt objects): apply the PySide6 6.12 / Python 3.11 fix here as well.
from complaintdesk._pyside_fix import keep_none_alive  # noqa: E402

keep_none_alive()

_HOME = tempfile.mkdtemp(prefix="complaintdesk-tests-")
atexit.register(shutil.rmtree, _HOME, ignore_errors=True)  # every run left one behind
for _var in ("XDG_STATE_HOME", "XDG_CONFIG_HOME", "XDG_DATA_HOME", "XDG_CACHE_HOME"):
    os.environ[_var] = os.path.join(_HOME, _var.lower())


@pytest.fixture(autouse=True)
def _collect_garbage_in_the_main_thread():
    """As the app does (ui/widgets/gc_guard.py): no automatic collection that could run in a worker
    thread and destroy a test's widgets there (a segfault); collect here instead."""
    gc.disable()
    yield
    gc.collect()
    gc.enable()



@pytest.fixture()
def _postgresql_required_in_ci():
    """See tests/pg_support.py: under CI a PostgreSQL test without a server fails."""
    pytest.fail("CI=true but COMPLAINTDESK_TEST_PG_URL is not set: the PostgreSQL tests must "
                "run in CI (.ci/run starts a server for them)", pytrace=False)
