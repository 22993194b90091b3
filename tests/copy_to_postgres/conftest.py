"""Helpers for the copy-to-postgres tests: a fresh PostgreSQL database per test (dropped
afterwards), the real `coprod copy-to-postgres` run as a process, and raw reads of
every table on both sides."""

from __future__ import annotations

import contextlib
import sqlite3
import subprocess
import sys
import uuid
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit
from urllib.parse import urlunsplit

import pytest

from tests.backends import CONNECT_TIMEOUT_SECONDS
from tests.backends import need_postgres
from tests.backends import postgres_url
from tests.console_helpers import Transcript
from tests.e2e.conftest import cli_env

CLI_SECONDS = 120.0


def database_url(name: str, password: str = "") -> str:
    """The test server's URL for another database on it (with a password, which trust
    auth ignores, to see that it is never printed)."""
    parts = urlsplit(postgres_url())
    netloc = parts.netloc
    if password and "@" in netloc:
        user, host = netloc.rsplit("@", 1)
        netloc = f"{user.split(':', 1)[0]}:{password}@{host}"
    return urlunsplit(parts._replace(path=f"/{name}", netloc=netloc))


@pytest.fixture
async def pg_database() -> AsyncIterator[str]:
    """A new, empty PostgreSQL database of its own (its URL), dropped afterwards."""
    need_postgres()
    import asyncpg

    name = f"coprod_copy_{uuid.uuid4().hex[:12]}"
    admin = await asyncpg.connect(postgres_url(), timeout=CONNECT_TIMEOUT_SECONDS)
    try:
        await admin.execute(f"CREATE DATABASE {name}")
        yield database_url(name, password="not-shown-anywhere")
    finally:
        with contextlib.suppress(Exception):
            await admin.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        await admin.close()


def copy_cli(cwd: Path, *args: str) -> Transcript:
    """`coprod copy-to-postgres ARGS` as a real process (no COPROD_ settings)."""
    done = subprocess.run(
        [sys.executable, "-m", "bot.cli", "copy-to-postgres", *args], capture_output=True,
        text=True, encoding="utf-8", cwd=cwd, env=cli_env(), timeout=CLI_SECONDS,
        check=False)
    return Transcript(done.stdout, done.returncode, done.stderr)


def sqlite_tables(path: Path) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every coprod table in a SQLite file, sorted."""
    with contextlib.closing(sqlite3.connect(path)) as db:
        names = [r[0] for r in db.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' "
            "AND name NOT LIKE 'sqlite%'")]
        return {name: sorted(tuple(r) for r in db.execute(f"SELECT * FROM {name}"))
                for name in names}


async def pg_tables(url: str, *, system: bool = False) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table in a PostgreSQL database's public schema, sorted (with
    `system`, each row's xmin and ctid first, in physical order)."""
    import asyncpg

    conn = await asyncpg.connect(url, timeout=CONNECT_TIMEOUT_SECONDS)
    try:
        names = [r[0] for r in await conn.fetch(
            "SELECT tablename FROM pg_tables WHERE schemaname = current_schema()")]
        found = {}
        for name in names:
            if system:
                rows = await conn.fetch(
                    f"SELECT t.xmin::text, t.ctid::text, t.* FROM {name} t ORDER BY t.ctid")
                found[name] = [tuple(r) for r in rows]
            else:
                found[name] = sorted(tuple(r) for r in await conn.fetch(
                    f"SELECT * FROM {name}"))
        return found
    finally:
        await conn.close()


def one_line_refusal(result: Transcript) -> str:
    """The single line a refused copy prints (and no traceback)."""
    assert result.code != 0, result.out + result.err
    lines = [line for line in result.err.splitlines() if line.strip()]
    assert len(lines) == 1, result.err
    assert "Traceback" not in result.err + result.out
    return lines[0]
