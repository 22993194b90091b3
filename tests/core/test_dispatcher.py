"""The delivery outbox end to end: retries, rate limits, reroutes, restarts."""

from __future__ import annotations

import asyncio
import random
from dataclasses import dataclass
from dataclasses import field
from datetime import timedelta
from pathlib import Path

import pytest

from adapters.memory import MemoryAdapter
from bot.clock import FakeClock
from bot.clock import SystemClock
from bot.dispatcher import Dispatcher
from bot.errors import Forbidden
from bot.errors import NotFound
from bot.errors import RateLimited
from bot.errors import Transient
from bot.errors import UnsupportedMessage
from bot.messages import Destination
from bot.messages import Message
from bot.outbox import DeliveryStatus
from bot.outbox import Fallback
from bot.outbox import NewDelivery
from storage.crypto import FieldCipher
from storage.factory import open_storage
from storage.interface import Storage

G = "group-1"


def dm(user: str, text: str = "hello", key: str = "k1", *fallbacks: Fallback) -> NewDelivery:
    return NewDelivery(key, Destination.to_dm(G, user), Message(text), tuple(fallbacks))


def dispatcher(storage: Storage, adapter: MemoryAdapter, clock: FakeClock) -> Dispatcher:
    return Dispatcher(storage, adapter, clock, max_backoff_seconds=60, lease_seconds=30,
                      rng=random.Random(1))


async def run_until_quiet(d: Dispatcher, clock: FakeClock, storage: Storage,
                          rounds: int = 50) -> None:
    """Process, then move the fake clock to the next due time, until nothing is left."""
    for _ in range(rounds):
        await d.process_once()
        due = await storage.next_delivery_due()
        if due is None:
            return
        if due > clock.now():
            clock.advance(due - clock.now())
    raise AssertionError("deliveries still pending after the bounded number of rounds")


async def test_transient_failures_are_retried_then_delivered_once(
        storage: Storage, clock: FakeClock) -> None:
    adapter = MemoryAdapter()
    adapter.fail_next(Transient("502"), Transient("timeout"), Transient("503"))
    await storage.enqueue([dm("U1")], clock.now())
    start = clock.now()
    await run_until_quiet(dispatcher(storage, adapter, clock), clock, storage)
    assert [s.destination.user for s in adapter.sent] == ["U1"]
    assert adapter.attempts == 4
    assert await storage.delivery_status("k1") is DeliveryStatus.DELIVERED
    # Backoff grows: three waits of at least 2, 4 and 8 seconds' halves.
    assert clock.now() - start >= timedelta(seconds=1 + 2 + 4)


async def test_rate_limit_waits_as_long_as_asked_without_counting_an_attempt(
        storage: Storage, clock: FakeClock) -> None:
    adapter = MemoryAdapter()
    adapter.fail_next(RateLimited(7.5))
    await storage.enqueue([dm("U1")], clock.now())
    d = dispatcher(storage, adapter, clock)
    await d.process_once()
    assert adapter.sent == []
    due = await storage.next_delivery_due()
    assert due is not None and timedelta(seconds=7.5) <= due - clock.now() <= timedelta(
        seconds=7.75)
    assert await d.process_once() == 0  # not yet
    clock.advance(timedelta(seconds=8))
    await d.process_once()
    assert len(adapter.sent) == 1


async def test_closed_dms_reroute_to_the_fallback_with_its_own_message(
        storage: Storage, clock: FakeClock) -> None:
    adapter = MemoryAdapter(fail_when=lambda dest: Forbidden("50007")
                            if dest.user == "U-sam" else None)
    notice = Fallback(Destination.to_dm(G, "U-carol"), Message("Check-ins can't reach Sam."))
    await storage.enqueue([dm("U-sam", "How are things?", "c1", notice)], clock.now())
    await run_until_quiet(dispatcher(storage, adapter, clock), clock, storage)
    assert [(s.destination.user, s.message.text) for s in adapter.sent] == [
        ("U-carol", "Check-ins can't reach Sam.")]
    assert await storage.delivery_status("c1") is DeliveryStatus.DELIVERED


async def test_refused_everywhere_is_kept_as_undeliverable_not_dropped(
        storage: Storage, clock: FakeClock) -> None:
    adapter = MemoryAdapter(fail_when=lambda dest: NotFound("10003"))
    chain = Fallback(Destination.to_channel(G, "leads"))
    await storage.enqueue([dm("U1", "x", "u1", chain)], clock.now())
    await run_until_quiet(dispatcher(storage, adapter, clock), clock, storage)
    assert adapter.attempts == 2  # the DM, then the fallback channel
    assert await storage.delivery_status("u1") is DeliveryStatus.UNDELIVERABLE
    counts = await storage.delivery_counts()
    assert counts[DeliveryStatus.UNDELIVERABLE] == 1


async def test_an_adapter_bug_is_retried_like_a_transient_failure(
        storage: Storage, clock: FakeClock) -> None:
    class Flaky(MemoryAdapter):
        async def send(self, destination: Destination, message: Message, key: str) -> str:
            if self.attempts == 0:
                self.attempts += 1
                raise RuntimeError("bug")
            return await super().send(destination, message, key)

    adapter = Flaky()
    await storage.enqueue([dm("U1")], clock.now())
    await run_until_quiet(dispatcher(storage, adapter, clock), clock, storage)
    assert len(adapter.sent) == 1


async def test_unsupported_message_is_undeliverable_at_once(
        storage: Storage, clock: FakeClock) -> None:
    adapter = MemoryAdapter()
    adapter.fail_next(UnsupportedMessage("select menus"))
    fallback = Fallback(Destination.to_channel(G, "x"))
    await storage.enqueue([dm("U1", "x", "k1", fallback)], clock.now())
    await run_until_quiet(dispatcher(storage, adapter, clock), clock, storage)
    assert adapter.sent == []
    assert await storage.delivery_status("k1") is DeliveryStatus.UNDELIVERABLE


async def test_same_key_twice_is_sent_once(storage: Storage, clock: FakeClock) -> None:
    adapter = MemoryAdapter()
    assert await storage.enqueue([dm("U1", key="same")], clock.now()) == 1
    assert await storage.enqueue([dm("U1", key="same")], clock.now()) == 0
    await run_until_quiet(dispatcher(storage, adapter, clock), clock, storage)
    assert len(adapter.sent) == 1


async def test_a_restart_mid_way_loses_nothing_and_sends_nothing_twice(
        tmp_path: Path, cipher: FieldCipher, clock: FakeClock) -> None:
    """A dispatcher dies with some deliveries sent, some claimed and unsent, some never
    claimed; a new process on the same file finishes the job, each exactly once."""
    path = str(tmp_path / "restart.db")
    first = await open_storage(path, cipher)
    await first.migrate()
    await first.enqueue([dm(f"U{i}", f"m{i}", f"k{i}") for i in range(30)], clock.now())
    adapter = MemoryAdapter()
    crashed = Dispatcher(first, adapter, clock, lease_seconds=30, batch_size=10)
    await crashed.process_once()  # 10 delivered
    await first.claim_deliveries(clock.now(), 5, crashed.owner, timedelta(seconds=30))
    await first.close()  # "killed" holding 5 claims

    second = await open_storage(path, cipher)
    await second.migrate()
    revived = Dispatcher(second, adapter, clock, lease_seconds=30, batch_size=10)
    await run_until_quiet(revived, clock, second)
    keys = [s.key for s in adapter.sent]
    assert sorted(keys) == sorted(f"k{i}" for i in range(30))
    assert len(keys) == len(set(keys)) == 30
    assert (await second.delivery_counts())[DeliveryStatus.DELIVERED] == 30
    await second.close()


@dataclass
class Signalling(MemoryAdapter):
    """A memory adapter that says when a message has arrived."""

    arrived: asyncio.Event = field(default_factory=asyncio.Event)

    async def send(self, destination: Destination, message: Message, key: str) -> str:
        ref = await super().send(destination, message, key)
        self.arrived.set()
        return ref


async def _a_dm_arrives(d: Dispatcher, storage: Storage, adapter: Signalling,
                        limit: float) -> None:
    """Enqueue a DM, wake the running dispatcher and wait (bounded) for it to arrive."""
    await storage.enqueue([dm("U1")], SystemClock().now())
    d.wake()
    async with asyncio.timeout(limit):
        await adapter.arrived.wait()


async def _stop(d: Dispatcher, task: asyncio.Task[None]) -> None:
    d.stop()
    async with asyncio.timeout(5):
        await task


async def test_background_dispatcher_sends_soon_after_enqueue(
        storage: Storage) -> None:
    adapter = Signalling()
    d = Dispatcher(storage, adapter, SystemClock())
    task = asyncio.create_task(d.run())
    await _a_dm_arrives(d, storage, adapter, 5)
    await _stop(d, task)
    assert len(adapter.sent) == 1


async def test_only_free_slots_are_claimed_so_waiting_never_costs_a_lease(
        storage: Storage, clock: FakeClock) -> None:
    """Deliveries wait unclaimed while others are being sent: a slow platform cannot make
    a claimed delivery's lease run out before its turn, and nothing is sent twice."""
    import asyncio

    release = asyncio.Event()

    class Slow(MemoryAdapter):
        async def send(self, destination: Destination, message: Message, key: str) -> str:
            await release.wait()
            return await super().send(destination, message, key)

    adapter = Slow()
    await storage.enqueue([dm(f"U{i}", key=f"k{i}") for i in range(8)], clock.now())
    d = Dispatcher(storage, adapter, clock, concurrency=2, lease_seconds=30)
    first = asyncio.create_task(d.process_once())
    await asyncio.sleep(0.05)
    clock.advance(timedelta(seconds=31))  # past the lease of anything claimed early
    assert await d.process_once() == 0  # no free slot: nothing more is claimed
    release.set()
    async with asyncio.timeout(5):
        assert await first == 2
    await run_until_quiet(d, clock, storage)
    keys = [s.key for s in adapter.sent]
    assert sorted(keys) == sorted(f"k{i}" for i in range(8)) and len(set(keys)) == 8


async def test_a_stale_claimant_cannot_undo_a_later_claim(
        storage: Storage, clock: FakeClock) -> None:
    await storage.enqueue([dm("U1", key="k1")], clock.now())
    old = await storage.claim_deliveries(clock.now(), 1, "old", timedelta(seconds=30))
    clock.advance(timedelta(seconds=31))
    new = await storage.claim_deliveries(clock.now(), 1, "new", timedelta(seconds=30))
    assert [d.id for d in old] == [d.id for d in new]
    await storage.mark_retry(old[0].id, clock.now(), "late", True, owner="old")
    assert await storage.delivery_status("k1") is DeliveryStatus.SENDING
    await storage.mark_delivered(new[0].id, "ref", clock.now(), owner="new")
    assert await storage.delivery_status("k1") is DeliveryStatus.DELIVERED


async def test_the_loop_survives_a_database_error(storage: Storage) -> None:
    from storage.interface import StorageError

    real = storage.next_delivery_due
    calls = 0

    async def flaky(prefer: object = None) -> object:
        nonlocal calls
        calls += 1
        if calls == 1:
            raise StorageError("database is locked")
        return await real(prefer)  # type: ignore[arg-type]

    storage.next_delivery_due = flaky  # type: ignore[method-assign]
    adapter = Signalling()
    d = Dispatcher(storage, adapter, SystemClock())
    task = asyncio.create_task(d.run())
    await asyncio.sleep(0.05)
    assert calls >= 1 and not task.done()
    await _a_dm_arrives(d, storage, adapter, 10)
    await _stop(d, task)


async def test_the_app_restarts_a_dispatcher_that_ended(
        storage: Storage, monkeypatch: pytest.MonkeyPatch) -> None:
    import asyncio

    from bot.app import App
    from bot.config import Config

    runs = 0
    original = Dispatcher.run
    restarted = asyncio.Event()

    async def run_once_broken(self: Dispatcher) -> None:
        nonlocal runs
        runs += 1
        if runs == 1:
            raise RuntimeError("boom")
        restarted.set()
        await original(self)

    monkeypatch.setattr(Dispatcher, "run", run_once_broken)
    app = App(Config(), storage)
    app.start_delivery(MemoryAdapter())
    async with asyncio.timeout(5):
        await restarted.wait()
    await app.stop()
    assert runs == 2


async def test_a_slow_send_does_not_hold_back_the_ones_claimed_with_it(
        storage: Storage, clock: FakeClock) -> None:
    """Found by the fault campaign: the loop waited for a whole claimed batch, so one send
    stuck in a timeout held every other slot idle (under 30% faults, 4x slower)."""
    import asyncio

    release = asyncio.Event()

    eleven = asyncio.Event()

    class OneSlow(MemoryAdapter):
        async def send(self, destination: Destination, message: Message, key: str) -> str:
            if key == "k0":
                await release.wait()
            ref = await super().send(destination, message, key)
            if len(self.sent) == 11:
                eleven.set()
            return ref

    adapter = OneSlow()
    await storage.enqueue([dm(f"U{i}", key=f"k{i}") for i in range(12)], clock.now())
    d = Dispatcher(storage, adapter, clock, concurrency=3, lease_seconds=30)
    running = asyncio.create_task(d.run())
    try:
        async with asyncio.timeout(5):
            await eleven.wait()
        assert "k0" not in {s.key for s in adapter.sent}  # still stuck, the rest went by
        release.set()
        async with asyncio.timeout(5):
            await d.drain()
        assert sorted(s.key for s in adapter.sent) == sorted(f"k{i}" for i in range(12))
    finally:
        release.set()
        d.stop()
        async with asyncio.timeout(5):
            await running


async def test_a_lease_running_out_mid_send_never_starts_a_second_send(
        storage: Storage, clock: FakeClock) -> None:
    """Found while running the campaigns: a claim whose lease ran out while its send was
    still in hand (a slow send, or a clock that jumps in tests) was claimed again by the
    same dispatcher and sent twice."""
    import asyncio

    release, entered = asyncio.Event(), asyncio.Event()

    class Stuck(MemoryAdapter):
        async def send(self, destination: Destination, message: Message, key: str) -> str:
            entered.set()
            await release.wait()
            return await super().send(destination, message, key)

    adapter = Stuck()
    await storage.enqueue([dm("U1", key="k1")], clock.now())
    d = Dispatcher(storage, adapter, clock, lease_seconds=30)
    first = asyncio.create_task(d.process_once())
    async with asyncio.timeout(5):
        await entered.wait()
    clock.advance(timedelta(seconds=31))  # the lease has run out; the send goes on
    async with asyncio.timeout(5):
        assert await d.process_once() == 0
    release.set()
    async with asyncio.timeout(5):
        await first
        await d.drain()
    assert [s.key for s in adapter.sent] == ["k1"]
    assert await storage.delivery_status("k1") is DeliveryStatus.DELIVERED


async def test_the_sends_in_hand_are_marked_delivered_in_one_transaction(
        storage: Storage, clock: FakeClock, monkeypatch: pytest.MonkeyPatch) -> None:
    """Issue 22: a burst's marks are committed together, `concurrency` at a time, not
    one transaction per delivery; every delivery is still sent once."""
    groups: list[int] = []
    many = storage._mark_delivered_many  # type: ignore[attr-defined]

    async def counted(marks: list[object]) -> object:
        groups.append(len(marks))
        return await many(marks)

    monkeypatch.setattr(storage, "_mark_delivered_many", counted)
    adapter = MemoryAdapter()
    await storage.enqueue([dm(f"U{i}", key=f"k{i}") for i in range(12)], clock.now())
    d = Dispatcher(storage, adapter, clock, concurrency=4, lease_seconds=30)
    await run_until_quiet(d, clock, storage)
    assert sorted(s.key for s in adapter.sent) == sorted(f"k{i}" for i in range(12))
    assert groups == [4, 4, 4]
    counts = await storage.delivery_counts()
    assert counts[DeliveryStatus.DELIVERED] == 12


async def test_a_dispatcher_sends_its_preferred_groups_and_others_a_lease_late(
        storage: Storage, clock: FakeClock) -> None:
    """With preferred groups (the Discord servers on this process's shards), another
    group's delivery is left to its own process for one lease, then sent all the same."""
    adapter = MemoryAdapter()
    mine = NewDelivery("mine", Destination.to_dm(G, "U1"), Message("hello"))
    theirs = NewDelivery("theirs", Destination.to_dm("group-2", "U2"), Message("hello"))
    await storage.enqueue([theirs, mine], clock.now())
    start = clock.now()
    d = Dispatcher(storage, adapter, clock, lease_seconds=30, rng=random.Random(1),
                   preferred=lambda: {G})
    assert await d.process_once() == 1
    assert [s.destination.user for s in adapter.sent] == ["U1"]
    assert await d.process_once() == 0
    clock.advance(timedelta(seconds=29))
    assert await d.process_once() == 0
    clock.advance(timedelta(seconds=1))
    assert await d.process_once() == 1
    assert [s.destination.user for s in adapter.sent] == ["U1", "U2"]
    assert clock.now() - start == timedelta(seconds=30)


async def test_with_most_slots_busy_freed_slots_are_claimed_together_soon(
        storage: Storage) -> None:
    """A burst keeps every slot busy: a slot that frees waits a moment (at most
    `gather_seconds`) for a quarter of the slots, so one claim serves several sends;
    alone, it is still claimed once that moment has passed; nothing is sent twice."""
    gather = 0.5
    gates = {f"k{i}": asyncio.Event() for i in range(14)}
    claims: list[int] = []
    one_more = asyncio.Event()
    claim = storage.claim_deliveries

    async def counted(*args: object, **kwargs: object) -> list:  # type: ignore[type-arg]
        got = await claim(*args, **kwargs)  # type: ignore[arg-type]
        if got:
            claims.append(len(got))
            one_more.set()
        return got

    storage.claim_deliveries = counted  # type: ignore[method-assign]

    class Gated(MemoryAdapter):
        async def send(self, destination: Destination, message: Message, key: str) -> str:
            await gates[key].wait()
            return await super().send(destination, message, key)

    adapter = Gated()
    clock = SystemClock()
    await storage.enqueue([dm(f"U{i}", key=f"k{i}") for i in range(14)], clock.now())
    d = Dispatcher(storage, adapter, clock, concurrency=8, lease_seconds=30,
                   gather_seconds=gather)
    running = asyncio.create_task(d.run())

    async def claimed(count: int) -> None:
        async with asyncio.timeout(5):
            while len(claims) < count:
                one_more.clear()
                await one_more.wait()

    try:
        await claimed(1)
        assert claims == [8]
        gates["k0"].set()  # one slot of eight: wait for a second one
        await asyncio.sleep(gather / 10)
        assert claims == [8]
        gates["k1"].set()
        await claimed(2)
        assert claims == [8, 2]
        gates["k2"].set()  # alone this time: claimed once the moment has passed
        started = asyncio.get_running_loop().time()
        await claimed(3)
        assert claims == [8, 2, 1]
        assert asyncio.get_running_loop().time() - started >= gather * 0.9
        for gate in gates.values():
            gate.set()
        async with asyncio.timeout(5):
            await d.drain()
        assert sorted(s.key for s in adapter.sent) == sorted(gates)
    finally:
        for gate in gates.values():
            gate.set()
        await _stop(d, running)
