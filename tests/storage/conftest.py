"""Fixtures for storage tests: a migrated database per test, on SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import AsyncIterator
from collections.abc import Callable
from collections.abc import Iterator
from datetime import UTC
from datetime import datetime
from pathlib import Path

import pytest

from bot.messages import Destination
from bot.messages import Message
from bot.outbox import Fallback
from bot.outbox import NewDelivery
from storage.crypto import FieldCipher
from storage.interface import Storage
from tests.backends import opened_storage
from tests.watchdog import watchdog

NOW = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)
# Hard bound on any one test, even one stuck in the database thread: dump and exit.
TEST_WATCHDOG_SECONDS = 60


@pytest.fixture(autouse=True)
def bounded() -> Iterator[None]:
    """Make every wait in these tests bounded."""
    with watchdog(TEST_WATCHDOG_SECONDS):
        yield


@pytest.fixture
def now() -> datetime:
    """A fixed, timezone-aware UTC time for the test to start at."""
    return NOW


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    """Where the test's database file lives."""
    return tmp_path / "data" / "coprod.db"


@pytest.fixture
async def storage(backend: str, db_path: Path, cipher: FieldCipher) -> AsyncIterator[Storage]:
    """An opened, fully migrated storage: a real SQLite file or a PostgreSQL schema."""
    async with opened_storage(backend, db_path, cipher) as store:
        yield store


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
