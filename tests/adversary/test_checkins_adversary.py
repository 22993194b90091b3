"""Check-in notes and one-to-one requests, against someone who holds the database, its
history and the key.

Through the real bot: a facilitator is known; Wren answers her check-in "Not so good"
and adds a private note, and asks for nothing; Yarrow answers "I'd like a one-to-one"
with a note, which goes to the facilitator. At every step (the note stored, the request
stored with its message to the facilitator not yet sent, and after it is delivered) the
adversary copies everything and opens every field with the key (tests/adversary/
observe.py), on SQLite (the WAL replayed commit by commit, loose tokens) and PostgreSQL
(dead row versions too).

What docs/threat-model.md says they learn, and no more:
- without the key: that these members have check-ins on, how they answered (the answer
  word), and that Yarrow asked for a one-to-one and whom it went to; never a note;
- with the key: the notes, where the bot keeps them (the check-in; a request and, until
  delivered, the message carrying it to the facilitator the member asked for);
- nothing tells anyone, or any table, that Wren is not well beyond her own check-in: no
  request, no message to a facilitator.
"""

from __future__ import annotations

from datetime import UTC
from datetime import datetime
from datetime import timedelta

import pytest

from adapters.memory import MemoryBot
from adapters.memory import reply_text
from bot.clock import FakeClock
from bot.events import FormSubmission
from bot.messages import Message
from storage.interface import Storage
from tests.adversary.observe import Place
from tests.adversary.observe import Watcher
from tests.adversary.observe import rows_of
from tests.scheduled import at

WREN_NOTE = "NOTE-wren: I dread the Tuesday meetings"
YARROW_NOTE = "NOTE-yarrow: please call me after work"
MONDAY_10 = datetime(2026, 1, 5, 10, 0, tzinfo=UTC)
# Where the bot keeps a member's check-in data by design, in plain columns.
MEMBER_TABLES = {"checkin_prefs", "checkins", "one_to_ones", "occurrences", "deliveries"}


def button(message: Message, label: str) -> tuple[str, str]:
    """The action and value of the button with this label."""
    found = next(b for b in message.buttons if b.label == label)
    return found.action, found.value


def note_allowed(place: Place, facilitator: str) -> bool:
    """Where a note may be, with the key: the check-in, a request, or (until delivered) the
    message carrying the request to the facilitator; never readable without the key."""
    if not place.decrypted:
        return False
    if place.where in ("checkins", "one_to_ones"):
        return place.column in ("note", "body")
    if place.where == "deliveries" and place.row is not None:
        return place.column == "body" and f'"user":"{facilitator}"' in str(
            place.row.get("destination_json", "")).replace(" ", "")
    return place.where == "token"


@pytest.mark.backends
async def test_adversary_checkin_notes_and_one_to_ones_wal_replay_xmin(
        abot: MemoryBot, clock: FakeClock, storage: Storage, key: str) -> None:
    bot = abot
    bot.adapter.member("corabel", "Facilitator")
    await bot.run("corabel", "/help")  # the bot now knows her as a facilitator
    for who in ("wrenna", "yarrowby"):
        await bot.run(who, "/checkin on")
    await at(bot, clock, MONDAY_10)
    watcher = Watcher(storage, key)

    # Wren: "Not so good", then a private note. Nobody is told.
    (wren_checkin,) = [m for m in bot.adapter.sent_to_dm("wrenna") if m.buttons]
    answered = await bot.press("wrenna", *button(wren_checkin, "Not so good"), channel=None)
    offered = [b.label for b in answered.messages[0].buttons]
    form = await bot.press("wrenna", *button(wren_checkin, "Add a private note"),
                           channel=None)
    assert form.form is not None
    await bot.submit("wrenna", "checkin.note", {"note": WREN_NOTE}, state=form.form.state,
                     channel=None)
    await watcher.look("Wren's answer and note stored")
    clock.advance(timedelta(minutes=5))

    # Yarrow: asks for a one-to-one with a note; the message to Corabel waits, then goes.
    (yarrow_checkin,) = [m for m in bot.adapter.sent_to_dm("yarrowby") if m.buttons]
    form = await bot.press("yarrowby", *button(yarrow_checkin, "Add a private note"),
                           channel=None)
    assert form.form is not None
    asked = await bot.app.handle(FormSubmission(
        bot.group_id, bot.adapter.member("yarrowby"), "checkin.note",
        {"note": YARROW_NOTE, "answer": "one_to_one"}, form.form.state, None))
    assert "will be in touch" in reply_text(asked)
    await watcher.look("Yarrow's request stored, its message not yet sent")
    await bot.settle()
    await watcher.look("Yarrow's request delivered")

    facilitator = "U-corabel"
    problems: list[str] = []
    for sight in watcher.sights:
        if not sight.places("NOTE-"):
            problems.append(f"{sight.label}: the notes are not kept at all")
        problems += [f"{sight.label}: a note readable without the key"
                     for p in sight.places("NOTE-") if p.where == "bytes"]
        for note in (WREN_NOTE, YARROW_NOTE):
            problems += [f"{sight.label}: {note[:10]} at {p.where}.{p.column}"
                         for p in sight.places(note) if not note_allowed(p, facilitator)]
        # Wren's note went nowhere but her own check-in.
        problems += [f"{sight.label}: Wren's note at {p.where}"
                     for p in sight.places(WREN_NOTE) if p.where not in ("checkins", "token")]
        for state in sight.states:
            if [r for r in rows_of(state, "one_to_ones") if r["user_id"] == "U-wrenna"]:
                problems.append(f"{sight.label}: a one-to-one request Wren did not make")
            for row in rows_of(state, "deliveries"):
                if facilitator in str(row["destination_json"]) and "Wrenna" in str(
                        row["body"]):
                    problems.append(f"{sight.label}: a message about Wren to Corabel")
        # Members show (in plain) only where their check-ins are kept, by design.
        for member in ("U-wrenna", "U-yarrowby"):
            plain = {p.where for p in sight.places(member)
                     if not p.decrypted and p.where not in ("bytes", "token")}
            if not plain <= MEMBER_TABLES:
                problems.append(f"{sight.label}: {member} in {plain - MEMBER_TABLES}")
    assert problems == [], "\n".join(sorted(set(problems)))

    # Once delivered, the message carrying Yarrow's note keeps nothing of it.
    last = watcher.sights[-1]
    carrying = [r for r in rows_of(last.last, "deliveries")
                if facilitator in str(r["destination_json"])]
    assert carrying and all(r["body"] is None for r in carrying)

    # In chat (issue 18.3): "Not so good" offered the one-to-one and told nobody; only
    # Yarrow's request reached the facilitator.
    assert "I'd like a one-to-one" in offered
    to_corabel = bot.adapter.sent_to_dm("corabel")
    assert len(to_corabel) == 1 and "Yarrowby would like a one-to-one" in to_corabel[0].text
    assert not any("Wrenna" in m.text for m in to_corabel)
