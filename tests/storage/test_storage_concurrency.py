"""Concurrent claims never hand the same delivery out twice."""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import Callable
from datetime import datetime
from datetime import timedelta

from bot.outbox import NewDelivery
from storage.crypto import FieldCipher
from storage.interface import Storage
from tests.backends import another_handle

MakeDelivery = Callable[..., NewDelivery]
LEASE = timedelta(minutes=2)
ROWS = 120
BOUND_SECONDS = 30


async def test_fifty_concurrent_claims(
    storage: Storage, now: datetime, make_delivery: MakeDelivery
) -> None:
    await storage.enqueue([make_delivery(f"k{i}") for i in range(ROWS)], now)
    async with asyncio.timeout(BOUND_SECONDS):
        batches = await asyncio.gather(
            *(storage.claim_deliveries(now, 3, f"owner-{n}", LEASE) for n in range(50)))
    ids = Counter(d.id for batch in batches for d in batch)
    assert len(ids) == ROWS
    assert max(ids.values()) == 1
    assert all(len(batch) <= 3 for batch in batches)


async def test_two_connections_on_one_database(
    storage: Storage, cipher: FieldCipher, now: datetime, make_delivery: MakeDelivery,
) -> None:
    await storage.enqueue([make_delivery(f"k{i}") for i in range(ROWS)], now)
    other = another_handle(storage, cipher)
    await other.open()
    try:
        async with asyncio.timeout(BOUND_SECONDS):
            batches = await asyncio.gather(
                *(store.claim_deliveries(now, 5, f"owner-{n}", LEASE)
                  for n in range(25) for store in (storage, other)))
    finally:
        await other.close()
    ids = Counter(d.id for batch in batches for d in batch)
    assert len(ids) == ROWS
    assert max(ids.values()) == 1


async def test_cancelled_operations_leave_the_connection_usable(
    storage: Storage, now: datetime, make_delivery: MakeDelivery
) -> None:
    await storage.enqueue([make_delivery(f"k{i}") for i in range(ROWS)], now)
    async with asyncio.timeout(BOUND_SECONDS):
        # Cancel at each step of the operation in turn: before BEGIN, mid-way, at COMMIT.
        for steps in range(8):
            task = asyncio.create_task(storage.claim_deliveries(now, ROWS, "p", LEASE))
            for _ in range(steps):
                await asyncio.sleep(0)
            task.cancel()
            await asyncio.gather(task, return_exceptions=True)
            assert await storage.enqueue([make_delivery(f"after-{steps}")], now) == 1
        # Whatever a cancelled claim left behind is either rolled back or leased.
        claimed = await storage.claim_deliveries(now + LEASE, 2 * ROWS, "p2", LEASE)
    assert len({d.id for d in claimed}) == ROWS + 8
