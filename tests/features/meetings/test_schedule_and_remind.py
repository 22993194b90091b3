"""Scheduling (checked before saving), listing, reminders with RSVP, DM opt-in, edits,
cancellations and skips, through the memory adapter."""

from __future__ import annotations

from datetime import timedelta

from adapters.memory import MemoryBot
from adapters.memory import reply_text
from bot.clock import FakeClock
from bot.messages import Message
from tests.features.meetings.conftest import T0
from tests.features.meetings.conftest import check
from tests.features.meetings.conftest import press
from tests.features.meetings.conftest import run_due
from tests.features.meetings.conftest import schedule


def reminders(bot: MemoryBot, channel: str = "updates") -> list[Message]:
    """The reminders posted in a channel."""
    return [m for m in bot.adapter.sent_to_channel(channel) if m.text.startswith("Reminder")]


async def test_schedule_echoes_exactly_then_saves_on_confirm(bot: MemoryBot) -> None:
    checked = await check(bot, when="next Tuesday 6pm", repeat="weekly")
    text = reply_text(checked)
    assert "Tuesday 6 January 2026 at 18:00 (Europe/London time, GMT)" in text
    assert "every week on Tuesday" in text and "1 day and 1 hour before" in text
    # Nothing is a meeting until it is confirmed.
    assert await bot.app.storage.active_meetings(bot.group_id) == []
    assert [b.label for b in checked.messages[0].buttons] == [
        "Save meeting", "Change", "Don't save"]
    saved = await press(bot, "alice", checked.messages[0], "Save meeting")
    assert saved.update is not None and "Saved: **Group meeting**" in saved.update.text
    (meeting,) = await bot.app.storage.active_meetings(bot.group_id)
    assert meeting.rrule == "FREQ=WEEKLY" and meeting.zone == "Europe/London"
    assert meeting.starts_at == T0.replace(day=6, hour=18)
    posted = bot.adapter.sent_to_channel("updates")
    assert posted and posted[-1].text.startswith("New meeting: **Group meeting**")
    again = await press(bot, "alice", checked.messages[0], "Save meeting")
    assert "already saved" in reply_text(again)


async def test_dont_save_and_change(bot: MemoryBot) -> None:
    checked = await check(bot)
    dropped = await press(bot, "alice", checked.messages[0], "Don't save")
    assert dropped.update is not None and "Not saved" in dropped.update.text
    checked = await check(bot, title="Planning")
    changed = await press(bot, "alice", checked.messages[0], "Change")
    assert changed.form is not None
    defaults = {f.key: f.default for f in changed.form.fields}
    assert defaults["title"] == "Planning" and defaults["when"] == "2026-01-13 18:00"
    assert await bot.app.storage.active_meetings(bot.group_id) == []


async def test_someone_else_cannot_confirm_my_draft(bot: MemoryBot) -> None:
    checked = await check(bot)
    stolen = await press(bot, "bob", checked.messages[0], "Save meeting")
    assert "already saved" in reply_text(stolen)
    assert await bot.app.storage.active_meetings(bot.group_id) == []


async def test_reminders_with_rsvp_counts_updating_in_place(
        bot: MemoryBot, clock: FakeClock) -> None:
    await schedule(bot, when="2026-01-13 18:00", agenda="Welcome\nBudget")
    await bot.run("bob", '/agenda add text="Summer trip"')
    clock.advance(timedelta(days=7, hours=9))  # 12 January 18:00: a day before
    await run_due(bot)
    (reminder,) = reminders(bot)
    assert "Reminder: **Group meeting** is on Tuesday 13 January 2026 at 18:00" in reminder.text
    assert "Summer trip (added by Bob)" in reminder.text and "- Budget" in reminder.text
    assert "0 going, 0 maybe, 0 can't make it" in reminder.text
    assert "(sent late)" not in reminder.text
    assert [b.label for b in reminder.buttons][:3] == ["Going", "Maybe", "Can't make it"]
    pressed = await press(bot, "bob", reminder, "Going")
    assert pressed.update is not None
    assert "1 going, 0 maybe, 0 can't make it" in pressed.update.text
    assert "Your answer: Going" in reply_text(pressed)
    pressed = await press(bot, "alice", pressed.update, "Can't make it")
    assert pressed.update is not None
    assert "1 going, 0 maybe, 1 can't make it" in pressed.update.text
    pressed = await press(bot, "bob", pressed.update, "Maybe")  # changing an answer
    assert pressed.update is not None
    assert "0 going, 1 maybe, 1 can't make it" in pressed.update.text
    # Asking again fires nothing twice; the hour-before reminder comes at 17:00.
    assert await run_due(bot) == 0
    clock.advance(timedelta(hours=23))
    await run_due(bot)
    _, hour_before = reminders(bot)
    assert "0 going, 1 maybe, 1 can't make it" in hour_before.text


async def test_personal_dm_reminders_on_request(bot: MemoryBot, clock: FakeClock) -> None:
    meeting = await schedule(bot, reminders="2 hours")
    reply = await bot.run("bob", f"/meeting remindme meeting={meeting}")
    assert "direct message" in reply_text(reply)
    clock.advance(timedelta(days=8, hours=7))  # 13 January 16:00
    await run_due(bot)
    assert "Reminder: **Group meeting**" in bot.adapter.sent_to_dm("bob")[-1].text
    assert bot.adapter.sent_to_dm("alice") == []
    # Carol asks from the channel's reminder, with its button.
    pressed = await press(bot, "carol", reminders(bot)[-1], "Remind me by DM too")
    assert "direct message" in reply_text(pressed)
    (meeting_record,) = await bot.app.storage.active_meetings(bot.group_id)
    assert meeting_record.dm_optins == {"U-bob", "U-carol"}
    stop = await bot.run("bob", f"/meeting remindme meeting={meeting} on=no")
    assert "won't get" in reply_text(stop)


async def test_cancel_series_stops_pending_reminders_at_once(
        bot: MemoryBot, clock: FakeClock) -> None:
    meeting = await schedule(bot, repeat="weekly")
    refused = await bot.run("bob", f"/meeting cancel meeting={meeting}")
    assert "Only the person" in reply_text(refused)
    reply = await bot.run("alice", f"/meeting cancel meeting={meeting}")
    assert "Cancelled **Group meeting** and all its reminders" in reply_text(reply)
    assert "has been cancelled" in bot.adapter.sent_to_channel("updates")[-1].text
    before = len(bot.adapter.sent_to_channel("updates"))
    clock.advance(timedelta(days=30))
    await run_due(bot)
    assert len(bot.adapter.sent_to_channel("updates")) == before and reminders(bot) == []
    assert "no meetings coming up" in reply_text(await bot.run("alice", "/meeting list"))


async def test_cancel_one_date_and_skip(bot: MemoryBot, clock: FakeClock) -> None:
    meeting = await schedule(bot, repeat="weekly", reminders="1 hour")
    reply = await bot.run("carol", f"/meeting cancel meeting={meeting} date=2026-01-13")
    assert "on Tuesday 13 January 2026 at 18:00" in reply_text(reply)
    reply = await bot.run("alice", f"/meeting skip meeting={meeting}")
    assert "Tuesday 20 January 2026" in reply_text(reply)
    listed = reply_text(await bot.run("alice", "/meeting list"))
    assert "Tuesday 27 January 2026 at 18:00" in listed
    clock.advance(timedelta(days=21))  # past the 13th and the 20th
    await run_due(bot)
    assert reminders(bot) == []
    bad = await bot.run("alice", f"/meeting cancel meeting={meeting} date=2026-01-28")
    assert "does not take place on Wednesday 28 January" in reply_text(bad)


async def test_edit_moves_the_reminders(bot: MemoryBot, clock: FakeClock) -> None:
    meeting = await schedule(bot, reminders="1 hour")
    opened = await bot.run("alice", f"/meeting edit meeting={meeting}")
    assert opened.form is not None
    values = {f.key: f.default for f in opened.form.fields}
    values["when"] = "2026-01-14 10:00"
    checked = await bot.submit("alice", opened.form.form_id, values, state=opened.form.state)
    assert "Please check the changes" in reply_text(checked)
    saved = await press(bot, "alice", checked.messages[0], "Save meeting")
    assert saved.update is not None and "Changed: **Group meeting**" in saved.update.text
    (only,) = await bot.app.storage.active_meetings(bot.group_id)
    assert only.id == meeting
    clock.advance(timedelta(days=8, hours=8))  # 13 Jan 17:00: the old reminder time
    await run_due(bot)
    assert reminders(bot) == []
    clock.advance(timedelta(hours=16))  # 14 Jan 09:00
    await run_due(bot)
    assert "Wednesday 14 January 2026 at 10:00" in reminders(bot)[-1].text


async def test_list_shows_times_in_the_readers_zone(bot: MemoryBot) -> None:
    await schedule(bot, when="2026-01-13 18:00")
    assert "Saved" in reply_text(await bot.run("bob", "/meeting timezone zone=europe/paris"))
    listed = reply_text(await bot.run("bob", "/meeting list"))
    assert "times in Europe/Paris" in listed
    assert "Tuesday 13 January 2026 at 19:00 (Europe/Paris time, CET)" in listed
    alice = reply_text(await bot.run("alice", "/meeting list"))
    assert "at 18:00 (Europe/London time, GMT)" in alice
    # Bob's "when" is read in his zone too.
    checked = await check(bot, "bob", when="2026-01-20 19:00")
    assert "19:00 (Europe/Paris time, CET); that is Tuesday 20 January 2026 at 18:00" in (
        reply_text(checked))
    bad = await bot.run("bob", "/meeting timezone zone=Mars/Base")
    assert "Mars/Base" in reply_text(bad)


async def test_weekly_coming_up_post(bot: MemoryBot, clock: FakeClock) -> None:
    await schedule(bot, when="2026-01-13 18:00", reminders="none")
    await schedule(bot, title="Far away", when="2026-02-13 18:00", reminders="none")
    clock.advance(timedelta(days=7))  # Monday 12 January 09:00
    await run_due(bot)
    post = bot.adapter.sent_to_channel("updates")[-1].text
    assert post.startswith("**Coming up this week**")
    assert "Group meeting" in post and "Far away" not in post
