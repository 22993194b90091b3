"""The meetings flow through the real discord.py against the fake Discord: schedule in a
modal, check and save with a button, a reminder with RSVP buttons, a press that updates
the count in place. (A contract test owned by the meetings work.)"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from tests.contract.discord.conftest import Harness, assert_no_mentions, buttons


async def test_schedule_remind_and_rsvp_through_discord(harness: Harness) -> None:
    fake, app = harness.fake, harness.app
    assert app is not None
    day = (datetime.now(UTC) + timedelta(days=14)).astimezone(ZoneInfo("Europe/London"))
    start = day.replace(hour=18, minute=0, second=0, microsecond=0)
    opened = await fake.slash("alice", "meeting", [{"name": "schedule", "type": 1,
                                                     "options": []}])
    modal = await fake.wait_response(opened)
    assert modal["type"] == 9, "the schedule form must be the first response"
    sent = await fake.submit("alice", modal["data"], {
        "title": "Coffee and plans", "when": f"{start:%Y-%m-%d} 18:00", "repeat": "weekly",
        "where": "Room 2", "agenda": ""})
    checked = (await fake.wait_response(sent))["data"]
    expected = f"{start:%A} {start.day} {start:%B %Y} at 18:00 (Europe/London time"
    assert expected in checked["content"]
    # Scheduled in #general; reminded in the updates channel, as /setup says.
    assert f"- Reminders in <#{fake.by_name['#updates']}>: " in checked["content"]
    save = next(b for b in buttons(checked) if b["label"] == "Save meeting")
    message = fake.messages_in(fake.by_name["#general"])[-1]
    pressed = await fake.wait_response(await fake.press("alice", message, save["custom_id"]))
    assert "Saved: **Coffee and plans**" in pressed["data"]["content"]
    await harness.settle()

    (meeting,) = await harness.storage.active_meetings(fake.guild_id)
    await app.scheduler.run_due(meeting.starts_at - timedelta(hours=1))
    await harness.settle()
    reminder = next(m for m in reversed(fake.public_posts("#updates"))
                    if m["content"].startswith("Reminder: **Coffee and plans**"))
    assert_no_mentions(reminder["_body"])
    labels = [b["label"] for b in buttons(reminder)]
    assert labels[:3] == ["Going", "Maybe", "Can't make it"]
    going = next(b for b in buttons(reminder) if b["label"] == "Going")
    answer = await fake.wait_response(await fake.press("bob", reminder, going["custom_id"]))
    assert answer["type"] == 7  # the pressed message itself is updated
    assert "1 going, 0 maybe, 0 can't make it" in answer["data"]["content"]


async def test_meeting_text_links_its_channel_but_never_a_typed_one(harness: Harness) -> None:
    """The check before saving names the reminders' channel as a Discord channel link
    (`<#id>`), while a title typed to look like one (Discord's syntax, or the core's own
    private marker) stays plain text."""
    fake = harness.fake
    general, updates = fake.by_name["#general"], fake.by_name["#updates"]
    opened = await fake.slash("alice", "meeting", [{"name": "schedule", "type": 1,
                                                     "options": []}])
    modal = await fake.wait_response(opened)
    day = datetime.now(UTC) + timedelta(days=14)
    sent = await fake.submit("alice", modal["data"], {
        "title": f"Plans <#{general}> \ue000{general}\ue001 @everyone",
        "when": f"{day:%Y-%m-%d} 18:00", "repeat": "", "where": "", "agenda": ""})
    content = (await fake.wait_response(sent))["data"]["content"]
    assert f"- Reminders in <#{updates}>: " in content
    assert re.findall(r"<[#@][^>]*>", content) == [f"<#{updates}>"]
    assert "\ue000" not in content and "\ue001" not in content


async def test_setup_shows_channels_as_links(harness: Harness) -> None:
    """Channels named in config (by name) are shown as links to the server's channels."""
    response = await harness.fake.wait_response(await harness.fake.slash("sam", "setup"))
    assert f"- updates_channel: <#{harness.fake.by_name['#updates']}>." in (
        response["data"]["content"])
