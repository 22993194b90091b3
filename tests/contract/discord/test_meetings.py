"""The meetings flow through the real discord.py against the fake Discord: schedule in a
modal, check and save with a button, a reminder with RSVP buttons, a press that updates
the count in place. (A contract test owned by the meetings work.)"""

from __future__ import annotations

import re
from datetime import UTC
from datetime import datetime
from datetime import timedelta
from zoneinfo import ZoneInfo

from tests.contract.discord.conftest import Harness
from tests.contract.discord.conftest import assert_no_mentions
from tests.contract.discord.conftest import buttons
from tests.contract.discord.conftest import inputs


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


async def test_a_welsh_member_gets_a_welsh_modal_and_reminder_an_english_one_english(
        harness: Harness) -> None:
    """Bob chose Welsh with /language; Alice did not (her client says "fr", which has no
    catalog). Each gets the schedule modal in their language; both asked for DM
    reminders, and each DM is in its reader's language, while the reminder in #updates is
    in the group's (English)."""
    fake, app = harness.fake, harness.app
    assert app is not None
    fake.locales[fake.by_name["alice"]] = "fr"
    await fake.wait_response(await fake.slash(
        "bob", "language", [{"name": "language", "type": 3, "value": "Cymraeg"}]))
    schedule = [{"name": "schedule", "type": 1, "options": []}]
    welsh = await fake.wait_response(await fake.slash("bob", "meeting", schedule))
    english = await fake.wait_response(await fake.slash("alice", "meeting", schedule))
    assert welsh["type"] == english["type"] == 9
    assert welsh["data"]["title"] == "Trefnu cyfarfod"
    assert english["data"]["title"] == "Schedule a meeting"
    assert [i["label"] for i in inputs(welsh["data"])] == [
        "Teitl", "Pryd", "Ailadrodd", "Ble (lle neu ddolen)", "Nodiadau ar gyfer yr agenda"]
    assert [i["label"] for i in inputs(english["data"])][:3] == ["Title", "When", "Repeat"]
    assert inputs(welsh["data"])[1]["placeholder"] == "dydd Mawrth nesaf 6pm"
    assert all(len(i["label"]) <= 45 for i in inputs(welsh["data"]))

    day = (datetime.now(UTC) + timedelta(days=14)).astimezone(ZoneInfo("Europe/London"))
    sent = await fake.submit("bob", welsh["data"], {
        "title": "Cyfarfod y grŵp", "when": f"{day:%Y-%m-%d} 18:00", "repeat": "",
        "where": "", "agenda": ""})
    checked = (await fake.wait_response(sent))["data"]
    assert checked["content"].startswith("Gwiriwch hyn cyn i mi ei gadw:")
    assert " am 18:00 (amser Europe/London, " in checked["content"]
    save = next(b for b in buttons(checked) if b["label"] == "Cadw'r cyfarfod")
    message = fake.messages_in(fake.by_name["#general"])[-1]
    saved = await fake.wait_response(await fake.press("bob", message, save["custom_id"]))
    assert saved["data"]["content"].startswith("Wedi'i gadw: **Cyfarfod y grŵp**")
    await harness.settle()
    (meeting,) = await harness.storage.active_meetings(fake.guild_id)
    remindme = [{"name": "remindme", "type": 1,
                 "options": [{"name": "meeting", "type": 4, "value": meeting.id}]}]
    for who in ("alice", "bob"):
        await fake.wait_response(await fake.slash(who, "meeting", remindme))

    await app.scheduler.run_due(meeting.starts_at - timedelta(hours=1))
    await harness.settle()
    await fake.wait_for(lambda: fake.dms_to("bob") and fake.dms_to("alice"))
    (to_bob,) = fake.dms_to("bob")
    (to_alice,) = fake.dms_to("alice")
    assert to_bob["content"].startswith("Nodyn atgoffa: **Cyfarfod y grŵp**, Dydd ")
    assert " am 18:00 " in to_bob["content"]
    assert [b["label"] for b in buttons(to_bob)][:3] == ["Yn dod", "Efallai", "Methu dod"]
    assert to_alice["content"].startswith("Reminder: **Cyfarfod y grŵp** is on ")
    assert [b["label"] for b in buttons(to_alice)][:3] == ["Going", "Maybe", "Can't make it"]
    (post,) = [m for m in fake.public_posts("#updates") if "Cyfarfod y grŵp" in m["content"]
               and m["content"].startswith("Reminder")]
    assert "Answers so far: 0 going" in post["content"]  # the group's language
