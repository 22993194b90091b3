"""Fixtures for the privacy attack tests: the encryption key by name (the adversary has
it), the database (a real SQLite file, or a PostgreSQL database of the test's own), and a
memory bot on it with every feature's schedules loaded (timers off: tests move the fake
clock and fire what is due).

On PostgreSQL each test gets a fresh database rather than a schema in the shared one:
whether VACUUM can remove an old row version depends on the oldest transaction open in
the same database, and other test runs on this server must not decide that."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from pathlib import Path
from urllib.parse import urlsplit
from urllib.parse import urlunsplit

import pytest

from adapters.memory import MemoryAdapter
from adapters.memory import MemoryBot
from bot.app import App
from bot.clock import FakeClock
from bot.config import Config
from storage.crypto import FieldCipher
from storage.interface import Storage
from tests.backends import CONNECT_TIMEOUT_SECONDS
from tests.backends import need_postgres
from tests.backends import opened
from tests.backends import opened_storage
from tests.backends import postgres_url


def database_url(name: str) -> str:
    """The test server's URL with another database name."""
    parts = urlsplit(postgres_url())
    return urlunsplit(parts._replace(path=f"/{name}"))


@pytest.fixture
async def storage(backend: str, tmp_path: Path, cipher: FieldCipher,
                  ) -> AsyncIterator[Storage]:
    """A migrated database: a real SQLite file, or a fresh PostgreSQL database."""
    if backend == "sqlite":
        async with opened_storage(backend, tmp_path / "coprod.db", cipher) as store:
            yield store
        return
    import asyncpg

    from storage.postgres import PostgresStorage

    need_postgres()
    name = f"coprod_adversary_{uuid.uuid4().hex[:12]}"
    admin = await asyncpg.connect(postgres_url(), timeout=CONNECT_TIMEOUT_SECONDS)
    try:
        await admin.execute(f"CREATE DATABASE {name}")
        store = PostgresStorage(database_url(name), cipher, pool_size=4)
        async with opened(store, migrate=True):
            yield store
    finally:
        await admin.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        await admin.close()


@pytest.fixture
async def abot(storage: Storage, clock: FakeClock) -> AsyncIterator[MemoryBot]:
    """The default app on the test database, every feature's schedules loaded."""
    app = App(Config(), storage, clock=clock)
    await app.load()
    for feature in app.features.values():
        if feature.start is not None:
            await feature.start()
    bot = MemoryBot(app, MemoryAdapter())
    yield bot
    await bot.close()
