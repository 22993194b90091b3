"""The meetings store on SQLite and PostgreSQL: encryption at rest, claims in batches, and
the file attachment's round trip and console rendering."""

from __future__ import annotations

import asyncio
from datetime import UTC
from datetime import datetime
from datetime import timedelta

from adapters.console.render import message_lines
from bot.features.meetings.store import MeetingDraft
from bot.features.meetings.store import MeetingsStore
from bot.features.meetings.store import NewAction
from bot.features.meetings.store import NewMinutes
from bot.messages import Destination
from bot.messages import File
from bot.messages import Message
from bot.messages import message_from_dict
from bot.messages import message_to_dict
from bot.outbox import DeliveryStatus
from bot.outbox import NewDelivery
from storage.group_commit import ROWS_PER_STATEMENT
from storage.interface import Storage
from tests.backends import stored_text

NOW = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)


def _draft(title: str = "Secret planning", group: str = "g") -> MeetingDraft:
    return MeetingDraft(group, title, NOW + timedelta(days=2), "Europe/London", "FREQ=WEEKLY",
                        "Flat 3, 12 Hidden Road", "Talk about Sam's housing", "updates",
                        (1440, 60), "U-alice")


async def test_each_database_implements_the_meetings_port(storage: Storage) -> None:
    """The port is a Protocol the feature owns; the backend is composed from
    storage/meetings/ and implements it."""
    assert isinstance(storage, MeetingsStore)


async def test_peoples_words_are_encrypted_at_rest(storage: Storage) -> None:
    draft_id = await storage.save_meeting_draft(_draft(), NOW)
    saved = await storage.confirm_meeting("g", draft_id, NOW)
    assert saved is not None and saved.title == "Secret planning"
    await storage.add_agenda_item(saved.id, saved.starts_at, "U-bob", "Bob", "Bob's rent",
                                  NOW)
    await storage.save_minutes(NewMinutes("g", saved.id, "We talked about debts", "",
                                          "U-carol", (NewAction("U-bob", "Bob", "call the "
                                                                "landlord", None, "UTC"),)),
                               NOW)
    await storage.close()
    raw = await stored_text(storage)
    assert b"updates" in raw  # the scan sees the rows
    for words in (b"Secret planning", b"Hidden Road", b"housing", b"rent", b"debts",
                  b"landlord"):
        assert words not in raw, words
    await storage.open()


async def test_a_group_never_sees_another_groups_meeting(storage: Storage) -> None:
    (mine,) = await storage.add_meetings([_draft(group="g")], NOW)
    assert await storage.get_meeting("other", mine) is None
    contexts = await storage.reminder_contexts([("other", mine, [NOW])])
    assert contexts[mine].meeting is None
    assert not await storage.cancel_meeting("other", mine, NOW)


async def test_claims_in_a_batch_are_once_each(storage: Storage) -> None:
    def delivery(key: str) -> NewDelivery:
        return NewDelivery(key, Destination.to_channel("g", "updates"), Message(key))

    first = await storage.claim_occurrences([("a", [delivery("a1")]), ("b", [delivery("b1")])],
                                            "me", NOW)
    again = await storage.claim_occurrences([("b", [delivery("b2")]), ("c", [])], "me", NOW)
    assert first == {"a", "b"} and again == {"c"}
    assert not await storage.claim_occurrence("a", "x", NOW)
    assert await storage.delivery_status("b1") is DeliveryStatus.PENDING
    assert await storage.delivery_status("b2") is None  # a claimed key's deliveries dropped
    assert await storage.claimed_occurrences(["a", "c", "d"]) == {"a", "c"}
    assert await storage.claimed_occurrences([]) == set()


async def test_rsvps_count_each_member_once(storage: Storage) -> None:
    (meeting,) = await storage.add_meetings([_draft()], NOW)
    occurrence = NOW + timedelta(days=2)
    await storage.set_rsvp(meeting, occurrence, "U-a", "going", NOW)
    await storage.set_rsvp(meeting, occurrence, "U-b", "going", NOW)
    counts = await storage.set_rsvp(meeting, occurrence, "U-a", "no", NOW)
    assert counts == {"going": 1, "maybe": 0, "no": 1}
    context = (await storage.reminder_contexts([("g", meeting, [occurrence])]))[meeting]
    assert context.counts[occurrence] == counts


def test_files_round_trip_and_show_in_the_console() -> None:
    message = Message("Here", files=(File("m.ics", b"BEGIN:VCALENDAR", "A calendar file"),))
    assert message_from_dict(message_to_dict(message)) == message
    assert message_from_dict({"text": "old"}).files == ()  # stored before files existed
    lines = message_lines("[#general]", message, 1)
    assert "    [file m.ics: A calendar file]" in lines


async def test_answers_pressed_at_once_are_stored_together_each_with_the_counts(
        storage: Storage) -> None:
    (meeting,) = await storage.add_meetings([_draft()], NOW)
    occurrence = NOW + timedelta(days=2)
    await storage.add_agenda_item(meeting, occurrence, "U-bob", "Bob", "The budget", NOW)
    answers = ["going", "maybe", "no"] * 10
    found = await asyncio.gather(*(
        storage.answer_rsvp("g", meeting, occurrence, f"U-{n}", answer, NOW)
        for n, answer in enumerate(answers)))
    everyone = {"going": 10, "maybe": 10, "no": 10}
    assert await storage.rsvp_counts(meeting, occurrence) == everyone
    for answer in found:
        assert answer is not None and answer.meeting.id == meeting
        assert [item.text for item in answer.agenda] == ["The budget"]
        # Each sees at least its own answer; the last committed see everyone's.
        assert sum(answer.counts.values()) >= 1
    assert found[-1] is not None and found[-1].counts == everyone


async def test_a_second_press_replaces_the_first_even_in_the_same_commit(
        storage: Storage) -> None:
    (meeting,) = await storage.add_meetings([_draft()], NOW)
    occurrence = NOW + timedelta(days=2)
    first, second = await asyncio.gather(
        storage.answer_rsvp("g", meeting, occurrence, "U-a", "going", NOW),
        storage.answer_rsvp("g", meeting, occurrence, "U-a", "no", NOW))
    assert first is not None and second is not None
    assert await storage.rsvp_counts(meeting, occurrence) == {"going": 0, "maybe": 0, "no": 1}


async def test_no_answer_is_stored_for_another_groups_or_a_cancelled_meeting(
        storage: Storage) -> None:
    kept, cancelled = await storage.add_meetings([_draft(), _draft("Old")], NOW)
    assert await storage.cancel_meeting("g", cancelled, NOW)
    occurrence = NOW + timedelta(days=2)
    results = await asyncio.gather(
        storage.answer_rsvp("other-group", kept, occurrence, "U-a", "going", NOW),
        storage.answer_rsvp("g", cancelled, occurrence, "U-b", "going", NOW),
        storage.answer_rsvp("g", kept, occurrence, "U-c", "maybe", NOW))
    assert results[0] is None and results[1] is None
    assert results[2] is not None and results[2].counts["maybe"] == 1
    assert await storage.rsvp_counts(kept, occurrence) == {"going": 0, "maybe": 1, "no": 0}
    assert await storage.rsvp_counts(cancelled, occurrence) == {"going": 0, "maybe": 0,
                                                                "no": 0}


async def test_more_answers_at_once_than_one_statement_holds(storage: Storage) -> None:
    (meeting,) = await storage.add_meetings([_draft()], NOW)
    occurrence = NOW + timedelta(days=2)
    members = ROWS_PER_STATEMENT + 50
    await asyncio.gather(*(storage.answer_rsvp("g", meeting, occurrence, f"U-{n}", "going",
                                               NOW) for n in range(members)))
    assert await storage.rsvp_counts(meeting, occurrence) == {"going": members, "maybe": 0,
                                                              "no": 0}
