"""Platform request claims (replay protection), on SQLite and PostgreSQL: each digest is
claimed once while its claim lasts, by one caller among many at once and across two
handles on one database, and ended claims are removed so the table does not grow."""

from __future__ import annotations

import asyncio
import hashlib
from collections import Counter
from datetime import datetime
from datetime import timedelta

from storage.crypto import FieldCipher
from storage.interface import Storage
from tests.backends import another_handle
from tests.backends import raw_rows

BOUND_SECONDS = 30
LATER = timedelta(minutes=10)


def digest(n: int) -> str:
    return hashlib.sha256(f"request-{n}".encode()).hexdigest()


async def test_replay_claim_is_taken_once(storage: Storage, now: datetime) -> None:
    assert await storage.claim_request(digest(1), now, now + LATER)
    assert not await storage.claim_request(digest(1), now, now + LATER)
    assert not await storage.claim_request(digest(1), now + LATER - timedelta(seconds=1),
                                           now + 2 * LATER)
    assert await storage.claim_request(digest(2), now, now + LATER)


async def test_replay_claims_asked_for_at_once_give_each_digest_to_one_caller(
        storage: Storage, now: datetime) -> None:
    async with asyncio.timeout(BOUND_SECONDS):
        results = await asyncio.gather(*(storage.claim_request(digest(n % 20), now,
                                                               now + LATER)
                                         for n in range(200)))
    won = Counter(n % 20 for n, ok in enumerate(results) if ok)
    assert sorted(won) == list(range(20)) and set(won.values()) == {1}


async def test_replay_claims_across_two_handles_on_one_database(
        storage: Storage, cipher: FieldCipher, now: datetime) -> None:
    other = another_handle(storage, cipher)
    await other.open()
    try:
        async with asyncio.timeout(BOUND_SECONDS):
            results = await asyncio.gather(*(store.claim_request(digest(n % 10), now,
                                                                 now + LATER)
                                             for n in range(100)
                                             for store in (storage, other)))
    finally:
        await other.close()
    assert sum(results) == 10


async def test_ended_replay_claims_are_removed(storage: Storage, now: datetime) -> None:
    for n in range(5):
        assert await storage.claim_request(digest(n), now, now + LATER)
    assert len(await raw_rows(storage, "SELECT digest FROM request_claims")) == 5
    # Once its time is over, the platform refuses the request itself: the claim goes.
    assert await storage.claim_request(digest(99), now + LATER, now + 2 * LATER)
    rows = await raw_rows(storage, "SELECT digest FROM request_claims")
    assert [row["digest"] for row in rows] == [digest(99)]
