"""A rewrite of a table (VACUUM FULL, after a poll or an amendment closes) leaves no old
row version on PostgreSQL's pages even when another session held a snapshot older than
the change, or a transaction in another database of the server was running (any snapshot
taken meanwhile, the rewrite's own included, reaches back to it): VACUUM FULL keeps
every version such a snapshot may still see, so the rewrite waits, for a bounded time,
until those have ended.

The control shows the reading is not blind: with no time to wait, the version the older
snapshot could see is still on the pages after the rewrite, and the wait is logged.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator
from typing import Any
from urllib.parse import urlsplit

import pytest

from storage.crypto import FieldCipher
from storage.postgres import PostgresStorage
from tests.adversary.forensics import pg_page_tuples
from tests.backends import CONNECT_TIMEOUT_SECONDS
from tests.backends import need_postgres
from tests.backends import opened
from tests.backends import postgres_schema
from tests.backends import postgres_storage
from tests.backends import postgres_url

OLD, NEW = b"OLD-version-of-the-row", b"NEW-version-of-the-row"
BOUND_SECONDS = 30


@pytest.fixture(params=["snapshot here", "transaction elsewhere"])
async def rewritten(request: pytest.FixtureRequest,
                    key: str) -> AsyncIterator[tuple[PostgresStorage, Any, Any, str]]:
    """A storage on a schema of its own holding table `kept` whose row was updated while
    a second session, begun before the update, stays open: a REPEATABLE READ snapshot on
    this database, or a transaction that wrote on another database of the server; with a
    plain connection (the adversary's) and that second session."""
    import asyncpg

    need_postgres()
    async with postgres_schema() as schema:
        store = postgres_storage(schema, FieldCipher(key))
        assert isinstance(store, PostgresStorage)
        async with opened(store):
            settings = {"search_path": schema}
            conn = await asyncpg.connect(postgres_url(), server_settings=settings,
                                         timeout=CONNECT_TIMEOUT_SECONDS)
            here = request.param == "snapshot here"
            older = await asyncpg.connect(
                postgres_url() if here else _other_database(postgres_url()),
                server_settings=settings, timeout=CONNECT_TIMEOUT_SECONDS)
            try:
                await conn.execute("CREATE TABLE kept (id INT PRIMARY KEY, word BYTEA) "
                                   "WITH (autovacuum_enabled = off)")
                await conn.execute("INSERT INTO kept VALUES (1, $1)", OLD)
                # No lock on `kept` (a lock would hold VACUUM FULL back on its own): a
                # report reading other tables, autovacuum's ANALYZE, another
                # application's write on the same server.
                await older.execute("BEGIN ISOLATION LEVEL REPEATABLE READ")
                assert await older.fetchval(
                    "SELECT 1" if here else "SELECT pg_current_xact_id()") is not None
                await conn.execute("UPDATE kept SET word = $1", NEW)
                yield store, conn, older, schema
            finally:
                await older.close()
                await conn.close()


def _other_database(url: str) -> str:
    """The same server's `postgres` database (there on every server)."""
    return urlsplit(url)._replace(path="/postgres").geturl()


async def _on_pages(conn: Any, schema: str) -> bytes:
    tuples = await pg_page_tuples(conn, f"{schema}.kept")
    if tuples is None:
        pytest.skip("reading the pages needs a superuser (pageinspect)")
    return b"".join(t["t_data"] or b"" for t in tuples)


async def test_a_rewrite_waits_for_an_older_snapshot_and_then_keeps_no_old_version(
        rewritten: tuple[PostgresStorage, Any, Any, str]) -> None:
    store, conn, older, schema = rewritten
    rewrite = asyncio.create_task(store._forget_old_versions("kept", rewrite=True))
    await asyncio.sleep(0.5)
    assert not rewrite.done(), "the rewrite ran while an older snapshot could see the row"
    await older.execute("ROLLBACK")
    await asyncio.wait_for(rewrite, BOUND_SECONDS)
    pages = await _on_pages(conn, schema)
    assert NEW in pages
    assert OLD not in pages


async def test_control_without_the_wait_the_old_version_stays_and_is_logged(
        rewritten: tuple[PostgresStorage, Any, Any, str],
        monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture) -> None:
    store, conn, older, schema = rewritten
    monkeypatch.setattr("storage.postgres.OLDER_SNAPSHOT_WAIT_SECONDS", 0.2)
    with caplog.at_level(logging.WARNING, logger="storage.postgres"):
        await asyncio.wait_for(store._forget_old_versions("kept", rewrite=True),
                               BOUND_SECONDS)
    assert "storage.old_versions_kept_by_older_snapshot" in caplog.text
    pages = await _on_pages(conn, schema)
    assert OLD in pages and NEW in pages
    await older.execute("ROLLBACK")
