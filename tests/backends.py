"""The two storage backends for tests: a real SQLite file, or a fresh PostgreSQL schema.

PostgreSQL is found at COPROD_TEST_POSTGRES_URL (default: the local server with trust
auth, database `test`). Where none answers, PostgreSQL tests skip with the reason; with
COPROD_REQUIRE_POSTGRES=1 (set by .ci/run on a machine that has one) they fail instead.
Each test gets its own schema, dropped afterwards, so runs never see each other.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import contextlib
import functools
import os
import sqlite3
import uuid
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from storage.crypto import FieldCipher
from storage.interface import Storage
from storage.sqlite import SqliteStorage

BACKENDS = ("sqlite", "postgres")
DEFAULT_POSTGRES_URL = "postgresql://postgres@127.0.0.1:5432/test"
CONNECT_TIMEOUT_SECONDS = 5.0


def postgres_url() -> str:
    """Where the test PostgreSQL server is."""
    return os.environ.get("COPROD_TEST_POSTGRES_URL", DEFAULT_POSTGRES_URL)


def postgres_required() -> bool:
    """Whether a missing PostgreSQL is an error here rather than a reason to skip."""
    return os.environ.get("COPROD_REQUIRE_POSTGRES", "") not in ("", "0")


@functools.cache
def postgres_problem() -> str | None:
    """Why PostgreSQL tests cannot run here, or None when they can (checked once)."""
    try:
        import asyncpg
    except ImportError:
        return "asyncpg is not installed (pip install -e '.[test]')"

    async def probe() -> None:
        conn = await asyncpg.connect(postgres_url(), timeout=CONNECT_TIMEOUT_SECONDS)
        await conn.close()

    def run_probe() -> None:
        asyncio.run(asyncio.wait_for(probe(), CONNECT_TIMEOUT_SECONDS + 1))

    # On a thread of its own: the caller may be inside a running event loop.
    try:
        with concurrent.futures.ThreadPoolExecutor(1) as pool:
            pool.submit(run_probe).result(timeout=CONNECT_TIMEOUT_SECONDS + 5)
    except Exception as exc:
        return f"no PostgreSQL at {postgres_url()} ({type(exc).__name__}: {exc})"
    return None


def need_postgres() -> None:
    """Skip (or, where PostgreSQL is required, fail) a test that needs PostgreSQL."""
    problem = postgres_problem()
    if problem is None:
        return
    if postgres_required():
        pytest.fail(f"PostgreSQL tests were required but cannot run: {problem}")
    pytest.skip(f"PostgreSQL tests skipped: {problem}")


@contextlib.asynccontextmanager
async def postgres_schema() -> AsyncIterator[str]:
    """A new empty schema on the test server, dropped afterwards."""
    import asyncpg

    name = f"coprod_test_{uuid.uuid4().hex[:12]}"
    conn = await asyncpg.connect(postgres_url(), timeout=CONNECT_TIMEOUT_SECONDS)
    try:
        await conn.execute(f"CREATE SCHEMA {name}")
        yield name
    finally:
        with contextlib.suppress(Exception):
            await asyncio.wait_for(conn.execute(f"DROP SCHEMA {name} CASCADE"), 30)
        await conn.close()


def postgres_storage(schema: str, cipher: FieldCipher, pool_size: int = 4) -> Storage:
    """A PostgresStorage (not yet opened) on the test server's `schema`."""
    from storage.postgres import PostgresStorage

    return PostgresStorage(postgres_url(), cipher, pool_size=pool_size, schema=schema)


@contextlib.asynccontextmanager
async def opened_storage(kind: str, path: Path, cipher: FieldCipher,
                         *, migrate: bool = True) -> AsyncIterator[Storage]:
    """An opened (and by default migrated) storage of `kind`, closed afterwards."""
    if kind == "sqlite":
        path.parent.mkdir(parents=True, exist_ok=True)
        async with opened(SqliteStorage(path, cipher), migrate=migrate) as store:
            yield store
        return
    need_postgres()
    async with postgres_schema() as schema, opened(postgres_storage(schema, cipher),
                                                   migrate=migrate) as store:
        yield store


@contextlib.asynccontextmanager
async def opened(store: Storage, *, migrate: bool = False) -> AsyncIterator[Storage]:
    """`store` opened (and migrated, if asked), closed afterwards."""
    await store.open()
    try:
        if migrate:
            await store.migrate()
        yield store
    finally:
        await store.close()


def another_handle(store: Storage, cipher: FieldCipher) -> Storage:
    """A second, independent storage on the same database (as a second process has)."""
    from storage.postgres import PostgresStorage

    if isinstance(store, PostgresStorage):
        return postgres_storage(store.schema or "public", cipher)
    assert isinstance(store, SqliteStorage)
    return SqliteStorage(store.path, cipher)


async def raw_rows(store: Storage, sql: str, params: tuple[object, ...] = ()
                   ) -> list[dict[str, object]]:
    """Rows read (or written, and committed) past the storage code, straight in the
    database, to check what is really stored. `sql` uses `?` placeholders on both."""
    from storage.postgres import PostgresStorage
    from storage.postgres import translate

    if isinstance(store, PostgresStorage):
        import asyncpg

        conn = await asyncpg.connect(postgres_url(), timeout=CONNECT_TIMEOUT_SECONDS,
                                     server_settings={"search_path": store.schema or "public"})
        try:
            text, _, _ = translate(sql)
            return [dict(row) for row in await conn.fetch(text, *params)]
        finally:
            await conn.close()
    assert isinstance(store, SqliteStorage)
    with contextlib.closing(sqlite3.connect(store.path)) as raw, raw:
        raw.row_factory = sqlite3.Row
        return [dict(row) for row in raw.execute(sql, params).fetchall()]


async def stored_text(store: Storage) -> bytes:
    """Everything the database holds, as bytes to search for plain text: the SQLite file
    with its WAL and shared memory, or every row of every PostgreSQL table as text."""
    from storage.postgres import PostgresStorage

    if isinstance(store, PostgresStorage):
        tables = await raw_rows(store, "SELECT tablename FROM pg_tables WHERE schemaname = ?",
                                (store.schema or "public",))
        chunks = []
        for table in tables:
            rows = await raw_rows(store, f"SELECT t::text AS row FROM {table['tablename']} t")
            chunks.extend(str(row["row"]) for row in rows)
        return "\n".join(chunks).encode()
    assert isinstance(store, SqliteStorage)
    files = [Path(store.path), Path(f"{store.path}-wal"), Path(f"{store.path}-shm")]
    return b"\n".join(f.read_bytes() for f in files if f.exists())


async def table_names(store: Storage) -> set[str]:
    """The tables in the storage's database (or schema)."""
    from storage.postgres import PostgresStorage

    if isinstance(store, PostgresStorage):
        rows = await raw_rows(store, "SELECT tablename AS name FROM pg_tables "
                                     "WHERE schemaname = ?", (store.schema or "public",))
    else:
        rows = await raw_rows(store, "SELECT name FROM sqlite_master WHERE type = 'table'")
    return {str(row["name"]) for row in rows}


async def table_columns(store: Storage, table: str) -> list[str]:
    """The column names of one table, in order."""
    from storage.postgres import PostgresStorage

    if isinstance(store, PostgresStorage):
        rows = await raw_rows(store, "SELECT column_name AS name FROM information_schema.columns"
                                     " WHERE table_schema = ? AND table_name = ? "
                                     "ORDER BY ordinal_position",
                              (store.schema or "public", table))
    else:
        rows = await raw_rows(store, f"SELECT name FROM pragma_table_info('{table}')")
    return [str(row["name"]) for row in rows]
