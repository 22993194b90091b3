"""Fixtures for the data protection tests: a memory bot on a real SQLite file with every
feature's schedules loaded (timers off: tests move the fake clock and fire what is due),
and the workload run once."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from adapters.memory import MemoryAdapter
from adapters.memory import MemoryBot
from bot.app import App
from bot.clock import FakeClock
from bot.config import Config
from storage.interface import Storage
from tests.privacy.workload import Filled
from tests.privacy.workload import fill


async def start_features(app: App) -> None:
    """What `start_scheduler` does first: each feature adds its schedules."""
    for feature in app.features.values():
        if feature.start is not None:
            await feature.start()


@pytest.fixture
async def pbot(storage: Storage, clock: FakeClock) -> AsyncIterator[MemoryBot]:
    """The default app on the test database, schedules loaded."""
    app = App(Config(), storage, clock=clock)
    await app.load()
    await start_features(app)
    memory = MemoryBot(app, MemoryAdapter())
    yield memory
    await memory.close()


@pytest.fixture
async def filled(pbot: MemoryBot, clock: FakeClock) -> Filled:
    """The workload, run on `pbot`."""
    return await fill(pbot, clock)
