"""A memory bot serving its health on a free port."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from adapters.health import HealthServer
from adapters.memory import MemoryAdapter
from adapters.memory import MemoryBot
from bot.app import App
from bot.clock import FakeClock
from bot.config import Config
from storage.interface import Storage
from tests.privacy.conftest import start_features


async def connected() -> bool:
    """A platform that is always connected (as the console is)."""
    return True


@pytest.fixture
async def served(storage: Storage, clock: FakeClock) -> AsyncIterator[tuple[MemoryBot, int]]:
    """A memory bot with the health server on a free port (metrics recorded from the
    start), its features' schedules loaded; the port."""
    app = App(Config(), storage, clock=clock)
    await app.load()
    await start_features(app)
    server = HealthServer(app, "127.0.0.1", 0)
    port = await server.start()
    memory = MemoryBot(app, MemoryAdapter())
    try:
        yield memory, port
    finally:
        await memory.close()
        await server.stop()
