"""Helpers for the meetings tests: schedule a meeting through the memory bot."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from datetime import UTC
from datetime import datetime

import pytest

from adapters.memory import MemoryAdapter
from adapters.memory import MemoryBot
from bot.app import App
from bot.clock import FakeClock
from bot.config import Config
from bot.messages import Message
from bot.messages import Reply
from storage.interface import Storage

# A Monday morning in winter (Europe/London is on GMT).
T0 = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)


@pytest.fixture
def clock() -> FakeClock:
    """The test's clock, on a Monday morning."""
    return FakeClock(T0)


@pytest.fixture
async def bot(storage: Storage, clock: FakeClock) -> AsyncIterator[MemoryBot]:
    """The default app, with Carol as a facilitator."""
    memory = await start_bot(storage, clock)
    yield memory
    await memory.close()


async def start_bot(storage: Storage, clock: FakeClock) -> MemoryBot:
    """The default app on this storage, with Carol as a facilitator, its schedules
    loaded (another process on the same database, or the same one restarted)."""
    app = App(Config(), storage, clock=clock)
    await app.load()
    memory = MemoryBot(app, MemoryAdapter())
    memory.adapter.member("carol", "Facilitator")
    await load_schedules(app)
    return memory


async def load_schedules(app: App) -> None:
    """What `start_scheduler` does first: each feature adds its schedules (the timers
    themselves are not started; tests move a fake clock and call `run_due`)."""
    for feature in app.features.values():
        if feature.start is not None:
            await feature.start()


async def run_due(bot: MemoryBot) -> int:
    """Fire what is due at the fake clock's time and send it."""
    count = await bot.app.scheduler.run_due()
    await bot.settle()
    return count


async def check(bot: MemoryBot, who: str = "alice", *, title: str = "Group meeting",
                when: str = "2026-01-13 18:00", repeat: str = "", where: str = "Room 2",
                agenda: str = "", reminders: str = "") -> Reply:
    """Open the schedule form and send it: the reply is the check before saving."""
    line = "/meeting schedule" + (f' reminders="{reminders}"' if reminders else "")
    opened = await bot.run(who, line)
    assert opened.form is not None, opened
    return await bot.submit(who, opened.form.form_id,
                            {"title": title, "when": when, "repeat": repeat, "where": where,
                             "agenda": agenda}, state=opened.form.state)


async def press(bot: MemoryBot, who: str, message: Message, label: str) -> Reply:
    """Press the button with this label on a message."""
    button = next(b for b in message.buttons if b.label == label)
    return await bot.press(who, button.action, button.value)


async def schedule(bot: MemoryBot, who: str = "alice", **values: str) -> int:
    """Schedule and save a meeting; return its number."""
    checked = await check(bot, who, **values)
    assert checked.messages and not checked.field_errors, checked
    saved = await press(bot, who, checked.messages[0], "Save meeting")
    assert saved.update is not None, saved
    match = re.search(r"\(meeting (\d+)\)", saved.update.text)
    assert match, saved.update.text
    return int(match.group(1))
