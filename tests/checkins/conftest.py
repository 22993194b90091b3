"""Fixtures for the check-in and buddy tests: a memory bot whose check-in and buddy
schedules are loaded (timers off: tests move the fake clock and fire what is due)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from collections.abc import Awaitable
from collections.abc import Callable

import pytest

from adapters.memory import MemoryAdapter
from adapters.memory import MemoryBot
from bot.app import App
from bot.clock import FakeClock
from bot.config import Config
from storage.interface import Storage

MakeBot = Callable[..., Awaitable[MemoryBot]]


@pytest.fixture
async def make_bot(storage: Storage, clock: FakeClock) -> AsyncIterator[MakeBot]:
    """`await make_bot(config)`: an app on the test database with its schedules loaded."""
    made: list[MemoryBot] = []

    async def make(config: Config | None = None) -> MemoryBot:
        app = App(config or Config(), storage, clock=clock)
        await app.load()
        for name in ("checkins", "buddies"):
            start = app.features[name].start
            assert start is not None
            await start()
        bot = MemoryBot(app, MemoryAdapter())
        bot.adapter.member("carol", "Facilitator")
        bot.adapter.member("fran", "Facilitator")
        made.append(bot)
        return bot

    yield make
    for bot in made:
        await bot.close()


@pytest.fixture
async def cbot(make_bot: MakeBot) -> MemoryBot:
    """The default config, with Carol (a facilitator) already seen by the bot."""
    bot = await make_bot()
    await bot.run("carol", "/help")
    return bot
