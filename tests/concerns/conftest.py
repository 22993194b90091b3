"""Fixtures for the concerns tests."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from adapters.memory import MemoryBot
from bot.clock import FakeClock
from storage.interface import Storage
from tests.concerns.helpers import make_bot


@pytest.fixture
async def cbot(storage: Storage, clock: FakeClock) -> AsyncIterator[MemoryBot]:
    """The default app with leads dev and erin registered, and deputy fiona."""
    bot = await make_bot(storage, clock)
    yield bot
    await bot.close()
