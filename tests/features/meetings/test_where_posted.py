"""Where a meeting's posts go (issue 18.6): /setup says the updates channel is "where
reminders ... are posted", and it is: the announcement, reminders and cancellations go
to the group's updates channel as set when they are sent, whichever channel the meeting
was scheduled in; only a group with no updates channel gets them where it scheduled."""

from __future__ import annotations

from datetime import timedelta

from adapters.memory import MemoryBot
from adapters.memory import reply_text
from bot.clock import FakeClock
from bot.settings import setting_spec
from bot.text import plain_channels
from tests.features.meetings.conftest import check
from tests.features.meetings.conftest import press
from tests.features.meetings.conftest import run_due
from tests.features.meetings.conftest import schedule


def reminders_in(bot: MemoryBot, channel: str) -> list[str]:
    return [m.text for m in bot.adapter.sent_to_channel(channel)
            if m.text.startswith("Reminder")]


async def test_setup_says_where_reminders_go_and_they_go_there(
        bot: MemoryBot, clock: FakeClock) -> None:
    spec = setting_spec("updates_channel")
    assert spec is not None and "where reminders" in spec.description
    checked = await check(bot, reminders="1 hour")
    assert "Reminders in #updates" in reply_text(checked)  # scheduled in #general
    saved = await press(bot, "alice", checked.messages[0], "Save meeting")
    assert saved.update is not None and "in #updates" in plain_channels(saved.update.text)
    assert bot.adapter.sent_to_channel("general") == []
    assert bot.adapter.sent_to_channel("updates")[-1].text.startswith("New meeting")
    clock.advance(timedelta(days=8, hours=8))  # 13 January 17:00
    await run_due(bot)
    assert len(reminders_in(bot, "updates")) == 1
    assert reminders_in(bot, "general") == []


async def test_a_new_updates_channel_takes_the_next_reminders(
        bot: MemoryBot, clock: FakeClock) -> None:
    meeting = await schedule(bot, repeat="weekly", reminders="1 hour")
    done = reply_text(await bot.run("carol", "/setup updates_channel=#news"))
    assert done.startswith("Saved: updates_channel.")
    clock.advance(timedelta(days=8, hours=8))
    await run_due(bot)
    assert len(reminders_in(bot, "news")) == 1 and reminders_in(bot, "updates") == []
    await bot.run("alice", f"/meeting cancel meeting={meeting}")
    assert "has been cancelled" in bot.adapter.sent_to_channel("news")[-1].text


async def test_without_an_updates_channel_posts_go_where_it_was_scheduled(
        bot: MemoryBot, clock: FakeClock) -> None:
    bot.app.settings.update_stored(bot.group_id, {"updates_channel": ""})
    checked = await check(bot, reminders="1 hour")
    assert "Reminders in #general" in reply_text(checked)
    await press(bot, "alice", checked.messages[0], "Save meeting")
    clock.advance(timedelta(days=8, hours=8))
    await run_due(bot)
    assert len(reminders_in(bot, "general")) == 1


async def test_remindme_says_how_to_stop_for_that_meeting(bot: MemoryBot) -> None:
    meeting = await schedule(bot)
    reply = reply_text(await bot.run("bob", f"/meeting remindme meeting={meeting}"))
    assert f"/meeting remindme meeting={meeting} on=no" in reply
    assert "meeting=N" not in reply
