"""Fixtures for storage tests: a real SQLite file per test, opened and migrated."""

from __future__ import annotations

import faulthandler
from collections.abc import AsyncIterator, Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.messages import Destination, Message
from bot.outbox import Fallback, NewDelivery
from storage.crypto import FieldCipher, generate_key
from storage.sqlite import SqliteStorage

NOW = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)
# Hard bound on any one test, even one stuck in the database thread: dump and exit.
TEST_WATCHDOG_SECONDS = 60


@pytest.fixture(autouse=True)
def watchdog() -> Iterator[None]:
    """Make every wait in these tests bounded."""
    faulthandler.dump_traceback_later(TEST_WATCHDOG_SECONDS, exit=True)
    try:
        yield
    finally:
        faulthandler.cancel_dump_traceback_later()


@pytest.fixture
def now() -> datetime:
    """A fixed, timezone-aware UTC time for the test to start at."""
    return NOW


@pytest.fixture
def cipher() -> FieldCipher:
    """A cipher with a fresh key."""
    return FieldCipher(generate_key())


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    """Where the test's database file lives."""
    return tmp_path / "data" / "coprod.db"


@pytest.fixture
async def storage(db_path: Path, cipher: FieldCipher) -> AsyncIterator[SqliteStorage]:
    """An opened, fully migrated SqliteStorage on a real file."""
    db_path.parent.mkdir(parents=True, exist_ok=True)
    store = SqliteStorage(db_path, cipher)
    await store.open()
    await store.migrate()
    try:
        yield store
    finally:
        await store.close()


MakeDelivery = Callable[..., NewDelivery]


@pytest.fixture
def make_delivery() -> MakeDelivery:
    """Build a NewDelivery with sensible defaults: make_delivery("key", text=..., ...)."""

    def build(
        key: str,
        *,
        text: str = "Reminder: meeting at 6pm",
        group: str = "g1",
        user: str = "u1",
        fallbacks: tuple[Fallback, ...] = (),
        not_before: datetime | None = None,
    ) -> NewDelivery:
        return NewDelivery(key, Destination.to_dm(group, user), Message(text), fallbacks,
                           not_before)

    return build
