"""Mixed versions on one database (DESIGN §9): which schema revisions this app knows, which
app version a newer schema needs, who else is connected to a PostgreSQL database (a
migration waits until nobody is), and a pg_dump before a PostgreSQL migration."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from sqlalchemy import Connection, Engine, text

APP_VERSION_KEY = "schema.app_version"  # setting: {"revision": …, "version": …}
_REVISION = re.compile(r"""^revision\s*=\s*["']([^"']+)["']""", re.MULTILINE)


MIGRATIONS_DIR = Path(__file__).with_name("migrations")  # as database.py's


def known_revisions(folder: Path = MIGRATIONS_DIR / "versions") -> set[str]:
    """The revision ids of the migrations this app ships (read from their text: no
    Alembic import on the way to a refusal)."""
    out: set[str] = set()
    for file in folder.glob("*.py"):
        found = _REVISION.search(file.read_text(encoding="utf-8"))
        if found:
            out.add(found.group(1))
    return out


def schema_is_newer(revision: str | None, known: set[str] | None = None) -> bool:
    """A database whose revision this app does not know was made by a newer app."""
    return revision is not None and revision not in (known if known is not None
                                                     else known_revisions())


def required_app_version(engine: Engine, revision: str) -> str | None:
    """The app version that migrated the database to `revision` (recorded by
    `record_app_version`), or None when the database does not say (a record of another
    revision is stale: the newer app did not write one)."""
    from .tables import SettingRow, table_of

    table = table_of(SettingRow)
    try:
        with engine.execution_options(readonly=True).connect() as conn:
            value = conn.execute(table.select().where(table.c.key == APP_VERSION_KEY)).first()
    except Exception:  # noqa: BLE001 - a newer schema may have moved it: then it is unknown
        return None
    if value is None or not isinstance(value.value, dict) \
            or value.value.get("revision") != revision:
        return None
    version = value.value.get("version")
    return str(version) if version else None


def record_app_version(conn: Connection, revision: str, version: str) -> None:
    """After a migration: which app version the schema needs, for an older app's refusal."""
    from .tables import SettingRow, table_of

    table = table_of(SettingRow)
    value = {"revision": revision, "version": version}
    done = conn.execute(table.update().where(table.c.key == APP_VERSION_KEY)
                        .values(value=value)).rowcount
    if not done:
        conn.execute(table.insert().values(key=APP_VERSION_KEY, value=value))


@dataclass(frozen=True)
class Connected:
    """Another session on the same PostgreSQL database."""

    application: str
    address: str
    user: str
    since: datetime | None

    def label(self) -> str:
        name = self.application or "（未具名的程序）"
        where = self.address or "服务器本机"
        since = f"，{self.since:%Y-%m-%d %H:%M} 起" if self.since else ""
        return f"{name}（{where}，用户 {self.user}{since}）"


def other_connections(engine: Engine) -> list[Connected]:
    """Who else is connected to this PostgreSQL database (pg_stat_activity, this
    connection left out; server processes such as autovacuum too)."""
    if engine.dialect.name != "postgresql":
        return []
    with engine.execution_options(readonly=True).connect() as conn:
        rows = conn.execute(text(
            "SELECT application_name, host(client_addr), usename, backend_start "
            "FROM pg_stat_activity WHERE datname = current_database() "
            "AND pid <> pg_backend_pid() AND backend_type = 'client backend' "
            "ORDER BY backend_start")).all()
    return [Connected(r[0] or "", r[1] or "", r[2] or "", r[3]) for r in rows]


class PgDumpFailed(Exception):
    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def pg_dump(url: str, target: Path, exe: str | None = None, timeout: float = 3600) -> Path:
    """A custom-format dump of the PostgreSQL database `url` into `target`. PgDumpFailed
    says why not (no pg_dump on this PC, or it failed: its own words)."""
    from sqlalchemy.engine import make_url

    exe = exe or shutil.which("pg_dump")
    if exe is None:
        raise PgDumpFailed("本机找不到 pg_dump")
    u = make_url(url)
    env = {**os.environ, "PGHOST": u.host or "", "PGPORT": str(u.port or 5432),
           "PGUSER": u.username or "", "PGDATABASE": u.database or ""}
    if u.password:
        env["PGPASSWORD"] = str(u.password)
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(target.name + ".partial")
    try:
        done = subprocess.run([exe, "--format=custom", "--file", str(partial)], env=env,
                              capture_output=True, text=True, timeout=timeout)
    except (OSError, subprocess.TimeoutExpired) as exc:
        partial.unlink(missing_ok=True)
        raise PgDumpFailed(str(exc)) from exc
    if done.returncode != 0 or not partial.exists() or partial.stat().st_size == 0:
        partial.unlink(missing_ok=True)
        raise PgDumpFailed((done.stderr or done.stdout).strip()[-500:] or "pg_dump 出错")
    partial.replace(target)
    return target
