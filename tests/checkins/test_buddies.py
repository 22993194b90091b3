"""Buddies through the memory adapter: join, leave, status, the private avoid list, and a
pairing round that introduces each pair or trio in one group DM."""

from __future__ import annotations

import random
from datetime import UTC
from datetime import datetime
from datetime import timedelta

from adapters.memory import MemoryBot
from adapters.memory import reply_text
from bot.clock import FakeClock
from bot.features.buddies import wording as buddies_wording
from bot.features.buddies.feature import ROUND_SCHEDULE
from bot.features.buddies.feature import Buddies
from bot.features.buddies.pairing import pairs_in
from bot.messages import DestinationKind
from scheduler import Firing
from tests.checkins.helpers import channel_posts
from tests.scheduled import at

PEOPLE = ["alice", "bob", "dina", "ezra", "gus"]


def _buddies(bot: MemoryBot) -> Buddies:
    return bot.app.features["buddies"].commands[0].handler.__self__  # type: ignore[attr-defined, no-any-return]


async def test_join_avoid_and_a_round_with_one_trio(cbot: MemoryBot, clock: FakeClock) -> None:
    for who in PEOPLE:
        assert "You're in." in reply_text(await cbot.run(who, "/buddy join"))
    avoided = await cbot.run("alice", "/buddy avoid member=U-bob")
    assert reply_text(avoided) == buddies_wording.BUDDY_AVOIDED and not avoided.public
    assert reply_text(await cbot.run("alice", "/buddy avoid member=U-alice")) == \
        "You can't be paired with yourself, so there's nothing to avoid."
    made = await _buddies(cbot).run_round(cbot.group_id, Firing(ROUND_SCHEDULE, clock.now()),
                                          random.Random(3))
    await cbot.settle()
    assert made is not None
    assert sorted(len(g) for g in made.pairs) == [2, 3]
    assert frozenset(("U-alice", "U-bob")) not in set().union(*map(pairs_in, made.pairs))
    sent = [s for s in cbot.adapter.sent if s.destination.kind is DestinationKind.GROUP_DM]
    assert len(sent) == 2
    for s in sent:
        names = [u.removeprefix("U-").title() for u in s.destination.users]
        assert s.message.text.startswith("**Meet your buddies: ")
        assert all(n in s.message.text for n in names)
        assert "A first question to try:" in s.message.text
    assert channel_posts(cbot) == []
    status = reply_text(await cbot.run("alice", "/buddy status"))
    assert "Your buddies this round:" in status and "1 person" in status
    assert reply_text(await cbot.run("alice", "/buddy leave")) == (
        "You've left buddy pairing. Type /buddy join whenever you'd like to come back.")
    assert reply_text(await cbot.run("alice", "/buddy leave")) == (
        "You're not in buddy pairing. Type /buddy join if you'd like to be.")


async def test_rounds_rotate_and_run_every_configured_weeks(cbot: MemoryBot,
                                                            clock: FakeClock) -> None:
    for who in PEOPLE[:4]:
        await cbot.run(who, "/buddy join")
    # Default: Mondays at 10:00 (group time), every 2 weeks.
    first = datetime(2026, 1, 5, 10, 0, tzinfo=UTC)
    seen: list[set[frozenset[str]]] = []
    for week in range(6):
        before = len(cbot.adapter.sent)
        await at(cbot, clock, first + timedelta(weeks=week))
        rounds = await cbot.app.storage.buddy_rounds(cbot.group_id, 10)
        if len(cbot.adapter.sent) > before:
            seen.append(set().union(*map(pairs_in, rounds[0].pairs)))
    assert len(seen) == 3  # weeks 0, 2, 4 (or 1, 3, 5)
    # With four people there are three different pairings: no round repeats the last.
    assert seen[0] != seen[1] and seen[1] != seen[2]
    assert not (seen[0] & seen[1]) and not (seen[1] & seen[2])


async def test_a_member_left_out_is_told_privately_and_tried_again_next_round(
        cbot: MemoryBot, clock: FakeClock) -> None:
    for who in ("alice", "bob"):
        await cbot.run(who, "/buddy join")
    await cbot.run("alice", "/buddy avoid member=U-bob")
    buddies = _buddies(cbot)
    first = await buddies.run_round(cbot.group_id, Firing(ROUND_SCHEDULE, clock.now()),
                                    random.Random(1))
    await cbot.settle()
    assert first is not None and first.pairs == ()
    for who in ("alice", "bob"):
        assert [m.text for m in cbot.adapter.sent_to_dm(who)] == [buddies_wording.BUDDY_LEFT_OUT]
    assert channel_posts(cbot) == []

    await cbot.run("dina", "/buddy join")
    clock.advance(timedelta(weeks=2))
    second = await buddies.run_round(cbot.group_id, Firing(ROUND_SCHEDULE, clock.now()),
                                     random.Random(1))
    await cbot.settle()
    assert second is not None and len(second.pairs) == 1
    paired = set(second.pairs[0])
    assert "U-dina" in paired and paired & {"U-alice", "U-bob"}
    introduced = [s for s in cbot.adapter.sent
                  if s.message.text.startswith("**Meet your buddies: ")]
    assert len(introduced) == 1
