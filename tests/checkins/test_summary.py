"""`/checkin summary`: figures over whole past weeks, the spread only for weeks in which at
least five members answered, a chart with alt text, and individual answers only for the
member's own facilitator."""

from __future__ import annotations

from datetime import UTC
from datetime import datetime
from datetime import timedelta

from adapters.memory import MemoryBot
from adapters.memory import reply_text
from bot import catalog
from bot.clock import FakeClock
from bot.features.checkins import wording as checkins_wording
from tests.checkins.helpers import channel_posts
from tests.checkins.helpers import press
from tests.scheduled import at

MONDAY_10 = datetime(2026, 1, 5, 10, 0, tzinfo=UTC)
NEXT_WEEK = MONDAY_10 + timedelta(days=7)
MEMBERS = ["alice", "bob", "dina", "ezra", "gus", "hana"]


async def _answer_all(bot: MemoryBot, clock: FakeClock, answers: dict[str, str],
                      asking: tuple[str, ...] = ()) -> None:
    """Each answers; those `asking` then take up the one-to-one they are offered."""
    for who in MEMBERS:
        await bot.run(who, "/checkin on")
    await at(bot, clock, MONDAY_10)
    for who, label in answers.items():
        checkin = next(m for m in bot.adapter.sent_to_dm(who) if m.buttons)
        reply = await press(bot, who, checkin, label)
        if who in asking:
            await press(bot, who, reply.messages[0], "I'd like a one-to-one")
    clock.advance(NEXT_WEEK - clock.now())  # the week is over: its figures are final


async def test_fewer_than_five_members_answered_shows_no_spread(cbot: MemoryBot,
                                                                clock: FakeClock) -> None:
    await _answer_all(cbot, clock, {"alice": "Good", "bob": "Okay", "dina": "Good",
                                    "ezra": "Not so good"})
    reply = await cbot.run("carol", "/checkin summary days=7")
    text = reply_text(reply)
    assert "last full week (Mon 05 Jan to Sun 11 Jan):** 6 sent, 4 answered" in text
    assert checkins_wording.checkin_summary_too_few(5) in text
    assert "Answers:" not in text and "- Good:" not in text
    assert reply.messages[0].images == ()
    assert not reply.public


async def test_five_members_answered_shows_the_spread_and_a_chart(cbot: MemoryBot,
                                                                  clock: FakeClock) -> None:
    cbot.adapter.member("sam", admin=True)
    await cbot.run("sam", "/checkin assign member=U-alice facilitator=U-carol")
    await _answer_all(cbot, clock, {"alice": "Good", "bob": "Okay", "dina": "Good",
                                    "ezra": "Not so good", "gus": "Good"}, asking=("ezra",))
    reply = await cbot.run("carol", "/checkin summary days=7")
    text = reply_text(reply)
    assert "6 sent, 5 answered" in text
    assert "- Good: 3\n- Okay: 1\n- Not so good: 1\n- I'd like a one-to-one: 0" in text
    (image,) = reply.messages[0].images
    assert image.data.startswith(b"\x89PNG")
    assert image.alt_text == ("Bar chart of check-in answers in the last full week: Good 3, "
                              "Okay 1, Not so good 1, I'd like a one-to-one 0.")
    assert "Open one-to-one requests with you: 1 waiting to be arranged" in text
    # Carol is Alice's facilitator (assigned) and has Ezra's request (the rota): she sees
    # them by name; Fran, another facilitator, sees only the figures.
    assert "- Alice: Good (05 Jan)" in text
    assert "- Yours: Ezra (Not so good)" in text
    assert "Bob" not in text and "Dina" not in text
    other = reply_text(await cbot.run("fran", "/checkin summary days=7"))
    assert "Alice" not in other and "Ezra" not in other
    assert "6 sent, 5 answered" in other
    refused = await cbot.run("alice", "/checkin summary")
    assert reply_text(refused) == catalog.not_allowed("checkin summary", ["facilitator"])
    assert channel_posts(cbot) == []
