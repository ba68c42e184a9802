"""One real migration per session and SQL dialect; every other empty database replays it.

Most tests open a fresh database (`open_services` on a new SQLite file, or the wiped
PostgreSQL schema) and `migrate()` brings it to the newest revision through Alembic: about
0.15 s of Python per database (loading the revision scripts, building each table), three
quarters of a typical service test's set-up. The SQL those migrations send to an EMPTY
database is the same every time, so the first such upgrade in a session runs for real and
records, on the cursor level, every statement with its parameters; later upgrades of an
empty database to "head" send the same statements on their own connection — the schema
and the rows the migrations write come out identical (tests/storage/test_fast_migrations.py
compares both ways on SQLite and PostgreSQL).

Only `alembic.command.upgrade(cfg, "head")` on a connection whose database has no table is
replayed. Anything else (an older database, a downgrade, an upgrade to a named revision, a
test marked `real_migrations`) goes to Alembic unchanged."""

from __future__ import annotations

from typing import Any

from alembic import command
from sqlalchemy import event, inspect
from sqlalchemy.engine import Connection
from sqlalchemy.engine.interfaces import ExecuteStyle

_real_upgrade = command.upgrade
# (dialect, script location) → [(how, statement, parameters)]
_recorded: dict[tuple[str, str | None], list[tuple[str, str, Any]]] = {}
enabled = True  # a test marked `real_migrations` turns it off for its duration
replayed = 0  # how many upgrades were replayed (the tests of this module read it)


def _upgrade(config: Any, revision: str, sql: bool = False, tag: str | None = None,
             **kw: Any) -> None:
    global replayed
    conn = config.attributes.get("connection")
    if (not enabled or revision != "head" or sql or tag is not None or kw
            or not isinstance(conn, Connection) or inspect(conn).get_table_names()):
        _real_upgrade(config, revision, sql=sql, tag=tag, **kw)
        return
    key = (conn.dialect.name, config.get_main_option("script_location"))
    script = _recorded.get(key)
    if script is None:
        _recorded[key] = _record(conn, lambda: _real_upgrade(config, revision))
        return
    cursor = conn.connection.dbapi_connection.cursor()  # type: ignore[union-attr]
    try:
        for how, statement, parameters in script:
            if how == "many":
                cursor.executemany(statement, parameters)
            elif how == "none":
                cursor.execute(statement)
            else:
                cursor.execute(statement, parameters)
    finally:
        cursor.close()
    replayed += 1


def _record(conn: Connection, run: Any) -> list[tuple[str, str, Any]]:
    """The statements `run` sends on `conn`, called as SQLAlchemy calls the DB-API cursor
    (Connection._exec_single_context / _exec_insertmany_context)."""
    statements: list[tuple[str, str, Any]] = []

    def before(_conn: Any, _cursor: Any, statement: str, parameters: Any, context: Any,
               _many: bool) -> tuple[str, Any]:
        style = context.execute_style
        if style is ExecuteStyle.EXECUTEMANY:
            how = "many"
        elif style is ExecuteStyle.INSERTMANYVALUES or parameters or not context.no_parameters:
            how = "one"
        else:
            how = "none"
        statements.append((how, statement, parameters))
        return statement, parameters

    event.listen(conn, "before_cursor_execute", before, retval=True)
    try:
        run()
    finally:
        event.remove(conn, "before_cursor_execute", before)
    return statements


def install() -> None:
    """Route `alembic.command.upgrade` through the replay (complaintdesk.storage imports
    Alembic's `command` module inside `migrate`, so the patched attribute is what it calls)."""
    command.upgrade = _upgrade  # type: ignore[assignment]
