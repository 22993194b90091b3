"""Writes that check before they write, hammered from three handles at once (three pools:
on PostgreSQL, what three `coprod` processes are to the database), on both databases.

On PostgreSQL writes no longer take one global lock (docs/decisions/
postgres-concurrency.md): these show that what each check protects still holds when
the same thing is written from several connections at once, and that a turn held on
one thing does not hold up writes to another.
"""

from __future__ import annotations

import asyncio
import random
from collections import Counter
from collections.abc import AsyncIterator
from datetime import datetime
from datetime import timedelta

import pytest

from bot.ballots import Ballot
from bot.ballots import VoteResult
from bot.features.feedback.store import Audience
from bot.features.feedback.store import NewFeedback
from bot.features.polls.store import NewPoll
from bot.messages import Destination
from bot.messages import DestinationKind
from bot.messages import Message
from bot.outbox import NewDelivery
from storage.crypto import FieldCipher
from storage.interface import Storage
from tests.backends import another_handle

BOUND_SECONDS = 45
HANDLES = 3


@pytest.fixture
async def handles(storage: Storage, cipher: FieldCipher) -> AsyncIterator[list[Storage]]:
    """The test's storage and two more handles on the same database."""
    others = [another_handle(storage, cipher) for _ in range(HANDLES - 1)]
    for other in others:
        await other.open()
    try:
        yield [storage, *others]
    finally:
        for other in others:
            await other.close()


def _day(now: datetime) -> datetime:
    return now.replace(hour=0, minute=0, second=0, microsecond=0)


async def test_feedback_sent_through_three_handles_at_once_is_all_kept(
        handles: list[Storage], now: datetime) -> None:
    """Each submission rewrites its group's sealed pile whole: without the group's turn
    an item added beside another would be lost."""
    day = _day(now)
    items = [NewFeedback(f"item-{n:03d}", "g1", Audience.GROUP, f"text {n}", "", day)
             for n in range(120)]
    async with asyncio.timeout(BOUND_SECONDS):
        await asyncio.gather(*(handles[n % HANDLES].submit_feedback(item)
                               for n, item in enumerate(items)))
        for store in handles:
            await store.feedback_written()
        released = await handles[0].release_feedback(
            "g1", Audience.GROUP, day + timedelta(days=1), 1, day + timedelta(days=1))
    assert released == len(items)
    waiting = await handles[0].waiting_feedback("g1", Audience.GROUP)
    assert sorted(i.item_id for i in waiting) == [i.item_id for i in items]


@pytest.mark.parametrize("anonymous", [True, False])
async def test_each_vote_counts_once_when_sent_twice_through_two_handles(
        handles: list[Storage], now: datetime, anonymous: bool) -> None:
    """90 voters, each pressing twice at once through two handles: every voter counted
    once, the counts add up, and nothing fails."""
    await handles[0].create_poll(NewPoll("p", "g1", "Q?", ("A", "B", "C"), anonymous, False,
                                         now + timedelta(days=3), "updates", "secret",
                                         _day(now)), [], now)
    ballots = [Ballot("p", f"voter-{i:02d}", (i % 3,), sealed=f"s{i}", name=f"V {i}")
               for i in range(90)]
    calls = [(handles[(i + twice) % HANDLES], ballot)
             for i, ballot in enumerate(ballots) for twice in (0, 1)]
    random.Random(7).shuffle(calls)
    async with asyncio.timeout(BOUND_SECONDS):
        results = await asyncio.gather(*(store.cast_vote(b, now) for store, b in calls))
    per_voter: dict[str, list[VoteResult]] = {}
    for (_, ballot), result in zip(calls, results, strict=True):
        per_voter.setdefault(ballot.voter, []).append(result)
    again = VoteResult.LOCKED if anonymous else VoteResult.SAME
    assert all(sorted(r) == sorted([VoteResult.COUNTED, again]) for r in per_voter.values())
    counted = await handles[1].poll_results("p")
    assert counted is not None
    assert counted.voters == 90
    assert counted.tallies == (30, 30, 30)


async def test_occurrences_claimed_through_three_handles_are_each_won_once(
        handles: list[Storage], now: datetime) -> None:
    """The same 150 reminders claimed at once by three handles, each in its own order:
    each occurrence is won by exactly one, its delivery stored once, nothing fails."""
    keys = [f"meeting:{n}:reminder" for n in range(150)]

    def claims(seed: int) -> list[tuple[str, list[NewDelivery]]]:
        order = list(keys)
        random.Random(seed).shuffle(order)
        return [(key, [NewDelivery(f"{key}:post", Destination(DestinationKind.CHANNEL, "g1",
                                                                channel="updates"),
                                   Message(f"Reminder {key}"))])
                for key in order]

    async with asyncio.timeout(BOUND_SECONDS):
        won = await asyncio.gather(*(
            handles[n % HANDLES].claim_occurrences(claims(n), f"proc-{n}", now)
            for n in range(6)))
    counts = Counter(key for one in won for key in one)
    assert set(counts) == set(keys)
    assert max(counts.values()) == 1
    waiting, _ = await handles[0].deliveries_waiting()
    assert waiting == len(keys)


async def test_a_turn_on_one_poll_does_not_hold_up_votes_on_another(
        backend: str, handles: list[Storage], now: datetime) -> None:
    """PostgreSQL: while a transaction holds poll p1's turn, a vote on p2 goes through
    and a vote on p1 waits for it (on SQLite every write takes the file's turn)."""
    if backend != "postgres":
        pytest.skip("turns are PostgreSQL's; SQLite writes take turns on the file")
    import asyncpg

    from storage.ballot_box import poll_box
    from storage.postgres import turn_key
    from tests.backends import postgres_url

    for poll_id in ("p1", "p2"):
        await handles[0].create_poll(NewPoll(poll_id, "g1", "Q?", ("A", "B"), True, False,
                                             now + timedelta(days=3), "updates", "secret",
                                             _day(now)), [], now)
    conn = await asyncpg.connect(postgres_url())
    try:
        async with asyncio.timeout(BOUND_SECONDS):
            transaction = conn.transaction()
            await transaction.start()
            await conn.execute("SELECT pg_advisory_xact_lock($1)", turn_key(poll_box("p1")))
            # (The vote on p2 goes first: a vote waiting on p1 holds the shared write lock,
            # which a migration of another test's schema in this database may queue for.)
            assert await handles[2].cast_vote(Ballot("p2", "b", (1,)), now) \
                is VoteResult.COUNTED
            waiting = asyncio.create_task(handles[1].cast_vote(Ballot("p1", "a", (0,)), now))
            await asyncio.sleep(0.3)
            assert not waiting.done()
            await transaction.rollback()
            assert await asyncio.wait_for(waiting, 10) is VoteResult.COUNTED
    finally:
        await conn.close()
