"""Agendas, minutes with tracked action items, /actions, and calendar files."""

from __future__ import annotations

from datetime import timedelta
from zoneinfo import ZoneInfo

from icalendar import Calendar

from adapters.memory import MemoryBot
from adapters.memory import reply_text
from bot import catalog
from bot.clock import FakeClock
from tests.features.meetings.conftest import press
from tests.features.meetings.conftest import run_due
from tests.features.meetings.conftest import schedule


async def test_agenda_add_and_show_for_the_next_meeting(bot: MemoryBot) -> None:
    assert "no meetings coming up" in reply_text(await bot.run("bob", "/agenda show"))
    await schedule(bot, title="Later", when="2026-02-10 18:00")
    await schedule(bot, when="2026-01-13 18:00", agenda="Welcome")
    added = await bot.run("bob", '/agenda add text="Summer trip <@everyone>"')
    assert "Added to the agenda of **Group meeting** on Tuesday 13 January" in reply_text(added)
    shown = reply_text(await bot.run("alice", "/agenda show"))
    assert "Welcome" in shown and "Summer trip" in shown and "(added by Bob)" in shown
    assert "<@everyone>" not in shown  # relayed words are neutralised
    later = reply_text(await bot.run("alice", "/agenda show meeting=1"))
    assert "Later" in later and "Summer trip" not in later
    too_long = await bot.run("bob", "/agenda add text=" + "x" * 600)
    assert "500 characters or fewer" in reply_text(too_long)
    assert len(await bot.app.storage.agenda_items(1, (await bot.app.storage.get_meeting(
        bot.group_id, 1)).starts_at)) == 0


async def test_minutes_post_store_and_track_action_items(
        bot: MemoryBot, clock: FakeClock) -> None:
    meeting = await schedule(bot)
    assert reply_text(await bot.run("bob", "/minutes")) == catalog.not_allowed(
        "minutes", ["facilitator"])
    opened = await bot.run("carol", f"/minutes meeting={meeting}")
    assert opened.form is not None
    reply = await bot.submit("carol", opened.form.form_id, {
        "summary": "We planned the summer.",
        "decisions": "Trip in July.",
        "actions": "@U-bob: book the coach (Friday)\nCarol: write to the council\n"
                   "@U-alice: ask about ramps (2026-01-20)",
    }, state=opened.form.state)
    assert "Saved and posted the minutes in #updates, with 3 action items" in reply_text(reply)
    post = bot.adapter.sent_to_channel("updates")[-1].text
    assert post.startswith("**Minutes: Group meeting**")
    assert "1. U-bob: book the coach (due Friday 9 January)" in post
    mine = await bot.run("bob", "/actions")
    assert "book the coach" in reply_text(mine) and "ramps" not in reply_text(mine)
    everyone = reply_text(await bot.run("bob", "/actions all=yes"))
    assert "write to the council" in everyone and "ramps" in everyone
    # Bob is reminded by DM the day before (09:00) and on the day.
    clock.advance(timedelta(days=3))  # Thursday 8 January 09:00
    await run_due(bot)
    (dm,) = bot.adapter.sent_to_dm("bob")
    assert "your action item: book the coach (due Friday 9 January)" in dm.text
    assert "(sent late)" not in dm.text
    done = await press(bot, "bob", dm, dm.buttons[0].label)
    assert "Marked done" in reply_text(done)
    clock.advance(timedelta(days=1))
    await run_due(bot)
    assert len(bot.adapter.sent_to_dm("bob")) == 1  # done: no more reminders
    assert "no open action items" in reply_text(await bot.run("bob", "/actions"))
    # Only the owner or a facilitator closes an item.
    alice_item = next(a for a in await bot.app.storage.open_actions(bot.group_id)
                      if a.owner_id == "U-alice")
    refused = await bot.run("bob", f"/actions done={alice_item.id}")
    assert "Only the owner" in reply_text(refused)
    assert "Marked done" in reply_text(await bot.run("carol", f"/actions done={alice_item.id}"))


async def test_bad_action_lines_are_refused_and_nothing_saved(bot: MemoryBot) -> None:
    opened = await bot.run("carol", "/minutes")
    assert opened.form is not None
    for bad in ("just a task without an owner", "@U-bob: coach (last Tuesday of 1999)",
                "@U-bob: coach (2020-01-01)"):
        reply = await bot.submit("carol", opened.form.form_id,
                                 {"summary": "s", "actions": bad}, state=opened.form.state)
        assert "actions" in reply.field_errors, bad
    assert await bot.app.storage.open_actions(bot.group_id) == []
    assert bot.adapter.sent_to_channel("updates") == []


async def test_calendar_file_parses_back_with_rule_and_zone(bot: MemoryBot) -> None:
    meeting = await schedule(bot, when="2026-01-13 18:00", repeat="second Tuesday",
                             where="Room 2")
    await bot.run("alice", f"/meeting skip meeting={meeting}")
    reply = await bot.run("bob", f"/meeting calendar meeting={meeting}")
    (message,) = reply.messages
    (file,) = message.files
    assert file.filename == f"meeting-{meeting}.ics" and "calendar file" in file.description
    cal = Calendar.from_ical(file.data)
    (event,) = cal.walk("VEVENT")
    assert event["rrule"].to_ical() == b"FREQ=MONTHLY;BYDAY=+2TU"
    start = event.decoded("dtstart")
    assert start.hour == 18 and start.tzinfo is not None
    assert str(event["dtstart"].params["TZID"]) == "Europe/London"
    assert str(event["summary"]) == "Group meeting" and str(event["location"]) == "Room 2"
    assert [str(t["tzid"]) for t in cal.walk("VTIMEZONE")] == ["Europe/London"]
    excluded = event["exdate"]
    assert excluded.dts[0].dt.astimezone(ZoneInfo("Europe/London")).day == 13
    everything = await bot.run("bob", "/meeting calendar")
    assert everything.messages[0].files[0].filename == "meetings.ics"


async def test_home_shows_next_meetings_and_my_actions(bot: MemoryBot) -> None:
    home = await bot.app.home(bot.group_id, bot.adapter.member("bob"))
    assert not any(m.text.startswith("**Meetings**") for m in home)
    await schedule(bot)
    opened = await bot.run("carol", "/minutes")
    assert opened.form is not None
    await bot.submit("carol", opened.form.form_id,
                     {"summary": "s", "actions": "@U-bob: book the coach"},
                     state=opened.form.state)
    home = await bot.app.home(bot.group_id, bot.adapter.member("bob"))
    (section,) = [m for m in home if m.text.startswith("**Meetings**")]
    assert "Group meeting" in section.text and "book the coach" in section.text
    assert section.buttons and section.buttons[0].label.startswith("Mark done")
