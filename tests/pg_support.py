"""What the PostgreSQL tests share: the server (COMPLAINTDESK_TEST_PG_URL, an empty
database the tests may wipe) and the rule that under CI they run, never skip."""

import os

import pytest

URL = os.environ.get("COMPLAINTDESK_TEST_PG_URL")
IN_CI = os.environ.get("CI", "").lower() == "true"


def requires_postgresql() -> pytest.MarkDecorator:
    """The module mark of a PostgreSQL test: runs with a server; without one it is skipped
    on a developer's PC but FAILS under CI=true (.ci/run starts a server), so CI's log can
    never show them quietly skipped."""
    if URL:
        return pytest.mark.skipif(False, reason="a PostgreSQL server is given")
    if IN_CI:
        return pytest.mark.usefixtures("_postgresql_required_in_ci")
    return pytest.mark.skip(reason="needs a PostgreSQL server: set COMPLAINTDESK_TEST_PG_URL")


def wipe(url: str) -> None:
    """A clean public schema, and no connection left over from an earlier test (an engine
    not yet collected would count as "another PC" and block the DROP)."""
    from sqlalchemy import create_engine, text

    engine = create_engine(url)
    with engine.begin() as conn:
        conn.execute(text(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
            "WHERE datname = current_database() AND pid <> pg_backend_pid() "
            "AND backend_type = 'client backend'"))
    with engine.begin() as conn:
        conn.execute(text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
    engine.dispose()


def skip_or_fail_without_server() -> None:
    """For a fixture that has a PostgreSQL variant: skip it without a server, fail under CI."""
    if URL:
        return
    if IN_CI:
        pytest.fail("CI=true but COMPLAINTDESK_TEST_PG_URL is not set", pytrace=False)
    pytest.skip("needs a PostgreSQL server: set COMPLAINTDESK_TEST_PG_URL")
