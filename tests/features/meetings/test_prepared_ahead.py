"""Reminders prepared a few seconds before they are due (issue 22): stored then, sent at
the due time, once; a change in between (an edit, a cancellation, a DM opt-out, an
erasure, another process, a restart) is honoured. On both databases."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC
from datetime import datetime
from datetime import timedelta

import pytest

from adapters.memory import MemoryBot
from bot.clock import FakeClock
from bot.features.meetings.jobs import PREPARE_AHEAD
from bot.messages import Message
from storage.interface import Storage
from tests.features.meetings.conftest import press
from tests.features.meetings.conftest import run_due
from tests.features.meetings.conftest import schedule
from tests.features.meetings.conftest import start_bot
from tests.scheduled import at

pytestmark = pytest.mark.backends

# The meeting every test schedules: 13 January 18:00 (GMT), reminded an hour before.
DUE = datetime(2026, 1, 13, 17, 0, tzinfo=UTC)
KEY = f"meeting:1@{DUE.isoformat()}"


def reminders(bot: MemoryBot, channel: str = "updates") -> list[Message]:
    """The reminders posted in a channel."""
    return [m for m in bot.adapter.sent_to_channel(channel) if m.text.startswith("Reminder")]


def dm_reminders(bot: MemoryBot, who: str) -> list[Message]:
    """The reminders sent to someone by DM."""
    return [m for m in bot.adapter.sent_to_dm(who) if m.text.startswith("Reminder")]


async def retitle(bot: MemoryBot, title: str) -> None:
    """Alice edits the meeting's title through the edit form."""
    opened = await bot.run("alice", "/meeting edit meeting=1")
    assert opened.form is not None
    values = {f.key: f.default for f in opened.form.fields}
    values["title"] = title
    checked = await bot.submit("alice", opened.form.form_id, values, state=opened.form.state)
    await press(bot, "alice", checked.messages[0], "Save meeting")


async def prepared(bot: MemoryBot, clock: FakeClock) -> None:
    """Move to 3 s before the reminder is due: it is prepared, not sent."""
    await at(bot, clock, DUE - timedelta(seconds=3))
    assert await bot.app.storage.occurrence_claimed(KEY)
    assert reminders(bot) == []


@pytest.fixture
async def bot(storage: Storage, clock: FakeClock) -> AsyncIterator[MemoryBot]:
    """The default app with one meeting on 13 January 18:00, reminded an hour before."""
    memory = await start_bot(storage, clock)
    assert await schedule(memory, when="2026-01-13 18:00", reminders="1 hour") == 1
    yield memory
    await memory.close()


@pytest.fixture
async def other(bot: MemoryBot, storage: Storage, clock: FakeClock) -> AsyncIterator[MemoryBot]:
    """A second process on the same storage, started after `bot` scheduled the meeting."""
    second = await start_bot(storage, clock)
    yield second
    await second.close()


async def test_prepared_ahead_and_sent_once_at_the_due_time(
        bot: MemoryBot, clock: FakeClock) -> None:
    assert timedelta(seconds=3) <= PREPARE_AHEAD
    await at(bot, clock, DUE - PREPARE_AHEAD - timedelta(seconds=1))
    assert not await bot.app.storage.occurrence_claimed(KEY)
    await prepared(bot, clock)
    await at(bot, clock, DUE - timedelta(microseconds=1))
    assert reminders(bot) == []
    await at(bot, clock, DUE)
    (reminder,) = reminders(bot)
    assert "Reminder: **Group meeting**" in reminder.text and "(sent late)" not in reminder.text
    await at(bot, clock, DUE + timedelta(minutes=5))
    assert len(reminders(bot)) == 1


async def test_an_edit_between_prepare_and_due_is_sent_as_edited(
        bot: MemoryBot, clock: FakeClock) -> None:
    await prepared(bot, clock)
    await retitle(bot, "Budget meeting")
    await at(bot, clock, DUE)
    (reminder,) = reminders(bot)
    assert "**Budget meeting**" in reminder.text


async def test_a_cancellation_between_prepare_and_due_sends_nothing(
        bot: MemoryBot, clock: FakeClock) -> None:
    await prepared(bot, clock)
    await bot.run("alice", "/meeting cancel meeting=1")
    await at(bot, clock, DUE)
    await at(bot, clock, DUE + timedelta(minutes=5))
    assert reminders(bot) == []
    assert await bot.app.storage.deliveries_waiting() == (0, None)


async def test_an_agenda_point_between_prepare_and_due_is_in_the_reminder(
        bot: MemoryBot, clock: FakeClock) -> None:
    await prepared(bot, clock)
    await bot.run("bob", '/agenda add text="Summer trip"')
    await at(bot, clock, DUE)
    (reminder,) = reminders(bot)
    assert "Summer trip (added by Bob)" in reminder.text


async def test_dm_opt_out_and_in_between_prepare_and_due(
        bot: MemoryBot, clock: FakeClock) -> None:
    await bot.run("bob", "/meeting remindme meeting=1")
    await prepared(bot, clock)
    await bot.run("bob", "/meeting remindme meeting=1 on=no")
    await bot.run("carol", "/meeting remindme meeting=1")
    await at(bot, clock, DUE)
    assert dm_reminders(bot, "bob") == []
    assert len(dm_reminders(bot, "carol")) == 1 and len(reminders(bot)) == 1


async def test_a_member_erased_between_prepare_and_due_gets_nothing(
        bot: MemoryBot, clock: FakeClock) -> None:
    await bot.run("bob", "/meeting remindme meeting=1")
    await bot.run("bob", '/agenda add text="Summer trip"')
    await prepared(bot, clock)
    bob = bot.adapter.member("bob").user_id
    await bot.app.storage.erase_member(bob, None, "U-carol", clock.now())
    await at(bot, clock, DUE)
    assert dm_reminders(bot, "bob") == []
    (reminder,) = reminders(bot)
    assert "Summer trip" not in reminder.text and "Bob" not in reminder.text


async def test_a_restart_between_prepare_and_due_sends_once(
        bot: MemoryBot, storage: Storage, clock: FakeClock) -> None:
    await prepared(bot, clock)
    await bot.close()  # the process ends; what it prepared is in storage
    again = await start_bot(storage, clock)
    try:
        await at(again, clock, DUE - timedelta(seconds=1))  # prepares again: already done
        assert reminders(again) == []
        await at(again, clock, DUE)
        await at(again, clock, DUE + timedelta(minutes=5))
        assert len(reminders(again)) == 1 and reminders(bot) == []
    finally:
        await again.close()


async def test_down_across_the_due_time_sends_the_prepared_reminder_once(
        bot: MemoryBot, storage: Storage, clock: FakeClock) -> None:
    await prepared(bot, clock)
    await storage.scheduler_heartbeat(bot.app.scheduler.handled_until(clock.now()))
    await bot.close()
    clock.advance(timedelta(minutes=10))  # down until 17:10, within the grace
    again = await start_bot(storage, clock)
    try:
        await again.app.scheduler.catch_up(
            await storage.scheduler_last_seen() or clock.now(), clock.now())
        await run_due(again)
        (reminder,) = reminders(again)
        assert "Reminder: **Group meeting**" in reminder.text
    finally:
        await again.close()


async def test_another_process_cancels_between_prepare_and_due(
        bot: MemoryBot, other: MemoryBot, clock: FakeClock) -> None:
    await prepared(bot, clock)
    await other.run("alice", "/meeting cancel meeting=1")
    await at(bot, clock, DUE)  # this process still has the schedule: it checks
    await at(other, clock, DUE)
    assert reminders(bot) == [] and reminders(other) == []


async def test_another_process_edits_between_prepare_and_due(
        bot: MemoryBot, other: MemoryBot, clock: FakeClock) -> None:
    await prepared(bot, clock)
    await retitle(other, "Budget meeting")
    await at(bot, clock, DUE)
    await at(other, clock, DUE)
    sent = reminders(bot) + reminders(other)
    assert len(sent) == 1 and "**Budget meeting**" in sent[0].text
