"""The scheduler: occurrences fire once, edits take effect, downtime is caught up."""

from __future__ import annotations

import asyncio
from datetime import UTC
from datetime import datetime
from datetime import timedelta
from pathlib import Path

from bot.clock import FakeClock
from bot.clock import SystemClock
from bot.messages import Destination
from bot.messages import Message
from bot.outbox import DeliveryStatus
from bot.outbox import NewDelivery
from scheduler import Firing
from scheduler import Scheduler
from storage.crypto import FieldCipher
from storage.factory import open_storage
from storage.interface import Storage

T0 = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)


def every(minutes: int, start: datetime = T0):  # type: ignore[no-untyped-def]
    step = timedelta(minutes=minutes)

    def next_due(after: datetime) -> datetime | None:
        if after < start:
            return start
        return start + ((after - start) // step + 1) * step
    return next_due


def reminder_job(storage: Storage, clock: FakeClock | SystemClock, fired: list[Firing]):  # type: ignore[no-untyped-def]
    async def job(firing: Firing) -> None:
        text = "Reminder" + (" (sent late)" if firing.late else "")
        delivery = NewDelivery(firing.key, Destination.to_channel("g", "updates"), Message(text))
        if await storage.claim_occurrence(firing.key, "me", clock.now(), [delivery]):
            fired.append(firing)
    return job


async def test_each_occurrence_fires_once_even_if_asked_twice(storage: Storage) -> None:
    clock = FakeClock(T0 - timedelta(minutes=1))
    fired: list[Firing] = []
    sched = Scheduler(storage, clock, owner="a")
    sched.add("meeting:1", every(10), reminder_job(storage, clock, fired))
    assert sched.next_due("meeting:1") == T0
    clock.advance(timedelta(minutes=21))
    assert await sched.run_due() == 3
    second = Scheduler(storage, clock, owner="b")  # another process, same storage
    second.add("meeting:1", every(10, T0), reminder_job(storage, clock, fired))
    second._entries["meeting:1"].due = T0  # it believes the first one is still due
    await second.run_due()
    assert [f.due for f in fired] == [T0, T0 + timedelta(minutes=10),
                                      T0 + timedelta(minutes=20)]
    counts = await storage.delivery_counts()
    assert counts[DeliveryStatus.PENDING] == 3


async def test_removed_schedules_stop_at_once(storage: Storage) -> None:
    clock = FakeClock(T0 - timedelta(minutes=1))
    fired: list[Firing] = []
    sched = Scheduler(storage, clock, owner="a")
    sched.add("m", every(10), reminder_job(storage, clock, fired))
    sched.remove("m")
    clock.advance(timedelta(hours=1))
    assert await sched.run_due() == 0 and fired == []


async def test_a_failing_job_is_not_lost(storage: Storage) -> None:
    clock = FakeClock(T0)
    calls: list[Firing] = []

    async def flaky(firing: Firing) -> None:
        calls.append(firing)
        if len(calls) == 1:
            raise RuntimeError("database busy")

    sched = Scheduler(storage, clock, owner="a")
    sched.add("m", every(60), flaky)
    assert await sched.run_due() == 0
    assert await sched.run_due() == 1
    assert [c.due for c in calls] == [T0, T0]


async def _migrated(path: str, cipher: FieldCipher) -> Storage:
    store = await open_storage(path, cipher)
    await store.migrate()
    return store


async def test_downtime_within_grace_is_sent_late_and_older_is_missed(
        tmp_path: Path, cipher: FieldCipher) -> None:
    path = str(tmp_path / "s.db")
    clock = FakeClock(T0 - timedelta(minutes=5))
    store = await _migrated(path, cipher)
    fired: list[Firing] = []
    sched = Scheduler(store, clock, owner="a", grace=timedelta(hours=1))
    sched.add("m", every(30), reminder_job(store, clock, fired))
    await sched.start()
    await sched.shutdown()
    await store.close()

    clock.advance(timedelta(hours=2))  # down for two hours: dues at 9:00 ... 10:30
    store = await open_storage(path, cipher)
    fired.clear()
    sched = Scheduler(store, clock, owner="b", grace=timedelta(hours=1))
    sched.add("m", every(30), reminder_job(store, clock, fired))
    await sched.start()
    await sched.shutdown()
    late = [(f.due, f.late) for f in fired]
    assert late == [(T0 + timedelta(minutes=60), True), (T0 + timedelta(minutes=90), True)]
    # 9:00 and 9:30 were more than an hour late: recorded as missed, never sent.
    assert not await store.claim_occurrence(Firing("m", T0).key, "x", clock.now())
    assert (await store.delivery_counts())[DeliveryStatus.PENDING] == 2
    await store.close()


async def test_timers_fire_in_real_time(storage: Storage) -> None:
    clock = SystemClock()
    start = clock.now() + timedelta(milliseconds=200)
    fired: list[Firing] = []
    done = asyncio.Event()
    job = reminder_job(storage, clock, fired)

    async def signalling(firing: Firing) -> None:
        await job(firing)
        done.set()

    sched = Scheduler(storage, clock, owner="a")
    sched.add("m", every(60, start), signalling)
    await sched.start()
    try:
        async with asyncio.timeout(5):
            await done.wait()
    finally:
        await sched.shutdown()
    assert [f.due for f in fired] == [start] and not fired[0].late


async def test_a_job_failing_during_catch_up_is_retried_not_lost(
        tmp_path: Path, cipher: FieldCipher) -> None:
    path = str(tmp_path / "c.db")
    clock = FakeClock(T0 - timedelta(minutes=5))
    store = await _migrated(path, cipher)
    await store.scheduler_heartbeat(clock.now())
    clock.advance(timedelta(minutes=20))  # 9:00 and 9:10 fell due while down
    fired: list[Firing] = []
    inner = reminder_job(store, clock, fired)
    calls = 0

    async def fails_once(firing: Firing) -> None:
        nonlocal calls
        calls += 1
        if calls == 1:
            raise RuntimeError("database busy")
        await inner(firing)

    sched = Scheduler(store, clock, owner="b", grace=timedelta(hours=1))
    sched.add("m", every(10), fails_once)
    await sched.start()
    try:
        assert sched.next_due("m") == T0  # kept, to be tried again
        clock.advance(timedelta(seconds=31))
        await sched.run_due()
        assert [f.due for f in fired] == [T0, T0 + timedelta(minutes=10)]
        assert all(f.late for f in fired)
    finally:
        await sched.shutdown()
        await store.close()


async def test_a_process_killed_during_catch_up_leaves_it_to_the_next_start(
        tmp_path: Path, cipher: FieldCipher) -> None:
    """Found by the crash campaign: the heartbeat used to be written before the catch-up,
    so a kill during it lost whatever it had not reached yet (never sent, not even
    recorded as missed)."""
    path = str(tmp_path / "k.db")
    clock = FakeClock(T0 - timedelta(minutes=5))
    store = await _migrated(path, cipher)
    await store.scheduler_heartbeat(clock.now())
    clock.advance(timedelta(minutes=20))  # 9:00 and 9:10 fell due while down
    entered = asyncio.Event()

    async def hangs(firing: Firing) -> None:
        entered.set()
        await asyncio.Event().wait()  # the process is killed here

    first = Scheduler(store, clock, owner="a")
    first.add("m", every(10), hangs)
    fired: list[Firing] = []
    second = Scheduler(store, clock, owner="b")
    second.add("m", every(10), reminder_job(store, clock, fired))
    try:
        starting = asyncio.create_task(first.start())
        async with asyncio.timeout(5):
            await entered.wait()
        starting.cancel()  # as good as SIGKILL for this scheduler: nothing more it does
        assert await store.scheduler_last_seen() == T0 - timedelta(minutes=5)
        await second.start()
        assert [f.due for f in fired] == [T0, T0 + timedelta(minutes=10)]
        assert await store.scheduler_last_seen() == clock.now()
    finally:
        await first.shutdown()
        await second.shutdown()
        await store.close()


async def test_the_heartbeat_stays_before_an_occurrence_still_being_done(
        storage: Storage) -> None:
    clock = FakeClock(T0 - timedelta(minutes=1))
    sched = Scheduler(storage, clock, owner="a")
    sched.add("m", every(10), reminder_job(storage, clock, []))
    clock.advance(timedelta(minutes=2))  # 9:00 is due and not yet done
    assert sched.handled_until(clock.now()) == T0 - timedelta(microseconds=1)
    await sched.run_due()
    assert sched.handled_until(clock.now()) == clock.now()


async def test_a_catch_up_schedule_runs_its_latest_missed_occurrence_however_late(
        tmp_path: Path, cipher: FieldCipher) -> None:
    """Down from 23:00 to 03:00, grace one hour: a daily midnight job that is safe to run
    late runs once at start (and two processes starting together run it once); an
    ordinary one is recorded as missed."""
    path = str(tmp_path / "s.db")
    # Far ahead of the real clock, so that the real timers the start arms never fire here.
    eleven = datetime(2099, 1, 5, 23, 0, tzinfo=UTC)
    midnight = eleven + timedelta(hours=1)
    clock = FakeClock(eleven)
    store = await _migrated(path, cipher)
    daily = every(24 * 60, midnight - timedelta(days=3))
    sched = Scheduler(store, clock, owner="a", grace=timedelta(hours=1))
    sched.add("sweep", daily, reminder_job(store, clock, []), catch_up=True)
    await sched.start()
    await sched.shutdown()

    clock.advance(timedelta(hours=4))  # 03:00
    fired: list[Firing] = []
    plain: list[Firing] = []
    processes = []
    for owner in ("b", "c"):
        process = Scheduler(store, clock, owner=owner, grace=timedelta(hours=1))
        process.add("sweep", daily, reminder_job(store, clock, fired), catch_up=True)
        process.add("plain", daily, reminder_job(store, clock, plain))
        processes.append(process)
    try:
        await asyncio.gather(*(p.start() for p in processes))
        for process in processes:
            assert await process.run_due() == 0  # nothing more until the next midnight
            assert process.next_due("sweep") == midnight + timedelta(days=1)
    finally:
        for process in processes:
            await process.shutdown()
    assert [(f.due, f.late) for f in fired] == [(midnight, True)]
    assert plain == []
    await store.close()


async def test_a_catch_up_schedule_runs_the_latest_only_on_a_late_tick(
        storage: Storage) -> None:
    """A process that slept through several due times (the timers woke hours late) runs
    a catch-up schedule's latest occurrence once; the ones before are missed."""
    clock = FakeClock(T0 - timedelta(minutes=1))
    fired: list[Firing] = []
    sched = Scheduler(storage, clock, owner="a", grace=timedelta(minutes=30))
    sched.add("sweep", every(60), reminder_job(storage, clock, fired), catch_up=True)
    clock.advance(timedelta(hours=5, minutes=1))  # 14:00: 9:00 ... 14:00 are due
    assert await sched.run_due() == 1
    assert [(f.due, f.late) for f in fired] == [(T0 + timedelta(hours=5), False)]
    clock.advance(timedelta(hours=2, minutes=40))  # 16:40: 15:00 and 16:00, past the grace
    assert await sched.run_due() == 1
    assert [f.due for f in fired][1:] == [T0 + timedelta(hours=7)]
    assert not await storage.claim_occurrence(Firing("sweep", T0).key, "x", clock.now())
