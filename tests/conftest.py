"""Shared fixtures: a real SQLite file, an app with the default features, a memory bot."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from adapters.memory import MemoryAdapter, MemoryBot
from bot.app import App
from bot.clock import FakeClock
from bot.config import Config
from storage.crypto import FieldCipher, generate_key
from storage.factory import open_storage
from storage.interface import Storage


@pytest.fixture
def cipher() -> FieldCipher:
    """A fresh encryption key for one test."""
    return FieldCipher(generate_key())


@pytest.fixture
async def storage(tmp_path: Path, cipher: FieldCipher) -> AsyncIterator[Storage]:
    """A migrated SQLite database in a real file."""
    store = await open_storage(str(tmp_path / "coprod.db"), cipher)
    await store.migrate()
    yield store
    await store.close()


@pytest.fixture
def clock() -> FakeClock:
    """A clock the test moves."""
    return FakeClock()


@pytest.fixture
async def bot(storage: Storage, clock: FakeClock) -> AsyncIterator[MemoryBot]:
    """The default app on a real SQLite file, driven through the memory adapter."""
    app = App(Config(), storage, clock=clock)
    await app.load()
    memory = MemoryBot(app, MemoryAdapter())
    yield memory
    await memory.close()
