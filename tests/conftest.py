"""Shared test set-up: Qt runs offscreen (no display on CI), and nothing the tests do lands
in the real user's folders — logs, settings (QSettings) and data go to a throw-away home."""

import atexit
import gc
import os
import shutil
import tempfile

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


def _own_postgresql_database_per_worker() -> None:
    """Under pytest-xdist (README's `uv run pytest` runs `-n 2`) each worker process gets a
    database of its own beside the one COMPLAINTDESK_TEST_PG_URL names — `<name>_gw0`,
    `<name>_gw1`, made on first use and kept for the next run — since the PostgreSQL tests
    wipe their database. Set before any test module reads the variable (tests/pg_support.py)."""
    url = os.environ.get("COMPLAINTDESK_TEST_PG_URL")
    worker = os.environ.get("PYTEST_XDIST_WORKER")
    if not url or not worker:
        return
    from sqlalchemy import create_engine, make_url, text

    given = make_url(url)
    own = f"{given.database}_{worker}"
    engine = create_engine(given, isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as conn:
            if conn.execute(text("SELECT 1 FROM pg_database WHERE datname = :d"),
                            {"d": own}).first() is None:
                conn.execute(text(f'CREATE DATABASE "{own}"'))
    finally:
        engine.dispose()
    os.environ["COMPLAINTDESK_TEST_PG_URL"] = given.set(database=own).render_as_string(
        hide_password=False)


_own_postgresql_database_per_worker()

# The tests call into Qt without always importing complaintdesk.ui first (pytest-qt's qapp,
# services tests with Qt objects): apply the PySide6 6.12 / Python 3.11 fix here as well.
from complaintdesk._pyside_fix import keep_none_alive  # noqa: E402

keep_none_alive()

import fast_migrations  # noqa: E402

fast_migrations.install()  # one real migration per session and dialect, then replays

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
    # Everything the test allocated is still in the young generations (nothing collected
    # during it): collecting those frees its cycles, widgets included, here in the main
    # thread. A full collection walks every object of every imported library (≈ 0.2 s, it
    # was a third of the suite's time when run after each test): every 20th test, as
    # the app's collector also reaches the oldest generation only now and then.
    gc.collect(1)
    _tests_since_full_collection[0] += 1
    if _tests_since_full_collection[0] >= 20:
        gc.collect()
        _tests_since_full_collection[0] = 0
    gc.enable()


_tests_since_full_collection = [0]


@pytest.fixture(autouse=True, scope="session")
def _cheap_password_hashing():
    """Argon2id at the lowest cost (tests/cheap_hashing.py)."""
    import cheap_hashing

    cheap_hashing.install()
    yield
    cheap_hashing.uninstall()


@pytest.fixture(autouse=True)
def _real_migrations(request):
    """A test marked `real_migrations` runs every upgrade through Alembic (tests that are
    about the migration scripts themselves); others replay it (tests/fast_migrations.py)."""
    if request.node.get_closest_marker("real_migrations") is None:
        yield
        return
    fast_migrations.enabled = False
    try:
        yield
    finally:
        fast_migrations.enabled = True


@pytest.fixture()
def _postgresql_required_in_ci():
    """See tests/pg_support.py: under CI a PostgreSQL test without a server fails."""
    pytest.fail("CI=true but COMPLAINTDESK_TEST_PG_URL is not set: the PostgreSQL tests must "
                "run in CI (.ci/run starts a server for them)", pytrace=False)


# Tests that spend most of their time in a subprocess or waiting (the installer build, the
# app under Xvfb, killed writers, two PCs at once) start first: under `-n 2 --dist loadfile`
# (README's command) their worker then catches up on the short files while they run, instead
# of one worker finishing them alone at the end.
_FIRST = ("packaging/test_installer.py", "ui/test_real_screen.py", "storage/test_crash.py",
          "storage/test_postgresql_two_pcs.py", "ui/test_workflow_e2e.py",
          "services/test_data_access.py")


def pytest_collection_modifyitems(items):
    def rank(item) -> int:
        path = item.nodeid.split("::", 1)[0]
        return next((i for i, name in enumerate(_FIRST) if path.endswith(name)), len(_FIRST))

    items.sort(key=rank)  # stable: the order within a file and of the others is kept
