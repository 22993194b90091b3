"""Files (a meeting calendar) through the real discord.py against the fake Discord: sent
as multipart uploads (`payload_json` + `files[n]`) in channels, DMs and interaction
responses, private ones included."""

from __future__ import annotations

from typing import Any

from bot.messages import Destination
from bot.messages import File
from bot.messages import Message
from storage.interface import Storage
from tests.contract.discord.conftest import Harness
from tests.contract.discord.conftest import assert_no_mentions
from tests.contract.meeting_files import add_meeting
from tests.contract.meeting_files import assert_calendar
from tests.fakes.discord import FakeDiscord

EPHEMERAL = 64


def _file(name: str = "notes.txt", data: bytes = b"hello") -> File:
    return File(name, data, "A small text file")


async def test_a_channel_message_carries_its_file(harness: Harness) -> None:
    fake = harness.fake
    sender = harness.bot.sender  # type: ignore[union-attr]
    await sender.send(Destination.to_channel(fake.guild_id, "updates"),
                      Message("Here are the notes.", files=(_file(),)), "file-1")
    (posted,) = fake.public_posts("#updates")
    assert posted["content"] == "Here are the notes."
    assert [a["filename"] for a in posted["attachments"]] == ["notes.txt"]
    (attached,) = fake.files_of(posted)
    assert attached.content == b"hello" and attached.description == "A small text file"
    assert_no_mentions(posted["_body"])


async def test_a_direct_message_carries_its_file_once(harness: Harness) -> None:
    fake = harness.fake
    sender = harness.bot.sender  # type: ignore[union-attr]
    to_bob = Destination.to_dm(fake.guild_id, fake.by_name["bob"])
    message = Message("For you.", files=(_file("a.ics", b"BEGIN:VCALENDAR"),))
    await sender.send(to_bob, message, "file-2")
    await sender.send(to_bob, message, "file-2")  # a resend after a crash: same nonce
    (dm,) = fake.dms_to("bob")
    assert [f.filename for f in fake.files_of(dm)] == ["a.ics"]
    assert fake.files_of(dm)[0].content == b"BEGIN:VCALENDAR"


async def test_meeting_calendar_is_a_private_ics_attachment(harness: Harness) -> None:
    fake = harness.fake
    await add_meeting(harness.storage, fake.guild_id, fake.by_name["#general"])
    interaction = await fake.slash("alice", "meeting", [{"name": "calendar", "type": 1,
                                                         "options": []}])
    response = await fake.wait_response(interaction)
    assert response["type"] == 4
    data: dict[str, Any] = response["data"]
    assert data["flags"] & EPHEMERAL, "the calendar answer is only for the person who asked"
    assert "calendar file" in data["content"]
    (message,) = [m for m in fake.messages.values() if m.get("_token") == interaction["token"]]
    (ics,) = fake.files_of(message)
    assert ics.filename == "meetings.ics"
    assert "calendar file (.ics) with 1 meeting" in ics.description
    assert_calendar(ics.content)


async def test_a_slow_answer_still_brings_its_file(fake: FakeDiscord, storage: Storage,
                                                   started: list[Harness]) -> None:
    """Deferred first, then the follow-up (a webhook edit of the original) carries it."""
    harness = Harness(fake, storage, defer_after=0.0)
    started.append(harness)
    await harness.start()
    await add_meeting(storage, fake.guild_id, fake.by_name["#general"])
    interaction = await fake.slash("bob", "meeting", [{"name": "calendar", "type": 1,
                                                       "options": []}])
    first = await fake.wait_response(interaction)
    assert first["type"] == 5 and first["data"]["flags"] & EPHEMERAL
    (message,) = await fake.wait_for(
        lambda: [m for m in fake.followups(interaction) if m.get("_attachments")],
        what="the calendar follow-up")
    (ics,) = fake.files_of(message)
    assert ics.filename == "meetings.ics"
    assert_calendar(ics.content)
