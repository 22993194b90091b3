"""Schedules prepared ahead: each occurrence fires early (to prepare) and again at its due
time, and counts as handled only after the second firing."""

from __future__ import annotations

from datetime import UTC
from datetime import datetime
from datetime import timedelta

from bot.clock import FakeClock
from scheduler import Firing
from scheduler import Scheduler
from storage.interface import Storage

T0 = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)
AHEAD = timedelta(seconds=5)


def to(clock: FakeClock, when: datetime) -> None:
    clock.advance(when - clock.now())


def once(at: datetime):  # type: ignore[no-untyped-def]
    def next_due(after: datetime) -> datetime | None:
        return at if after < at else None
    return next_due


def recorder(fired: list[Firing], fail_early: bool = False):  # type: ignore[no-untyped-def]
    async def job(firing: Firing) -> None:
        fired.append(firing)
        if fail_early and firing.early:
            raise RuntimeError("the database is away")
    return job


async def test_fires_early_once_then_at_the_due_time(storage: Storage) -> None:
    clock = FakeClock(T0 - timedelta(minutes=1))
    fired: list[Firing] = []
    sched = Scheduler(storage, clock, owner="a")
    sched.add("meeting:1", once(T0), recorder(fired), ahead=AHEAD)
    assert await sched.run_due() == 0 and fired == []
    to(clock, T0 - timedelta(seconds=3))
    assert await sched.run_due() == 0
    assert [(f.due, f.early) for f in fired] == [(T0, True)]
    await sched.run_due()  # asked again before due: not prepared twice
    assert len(fired) == 1
    # Not handled yet: a restart now must still see it through.
    assert sched.handled_until(clock.now()) == clock.now()
    assert sched.next_due("meeting:1") == T0
    to(clock, T0)
    assert await sched.run_due() == 1
    assert [(f.due, f.early, f.late) for f in fired] == [(T0, True, False), (T0, False, False)]
    assert sched.next_due("meeting:1") is None


async def test_a_failed_early_firing_is_done_at_the_due_time(storage: Storage) -> None:
    clock = FakeClock(T0 - timedelta(seconds=4))
    fired: list[Firing] = []
    sched = Scheduler(storage, clock, owner="a")
    sched.add("meeting:1", once(T0), recorder(fired, fail_early=True), ahead=AHEAD)
    await sched.run_due()
    await sched.run_due()  # not tried again and again before due
    assert [f.early for f in fired] == [True]
    to(clock, T0)
    assert await sched.run_due() == 1
    assert [f.early for f in fired] == [True, False]


async def test_replacing_a_schedule_prepares_it_again(storage: Storage) -> None:
    clock = FakeClock(T0 - timedelta(seconds=4))
    fired: list[Firing] = []
    sched = Scheduler(storage, clock, owner="a")
    sched.add("meeting:1", once(T0), recorder(fired), ahead=AHEAD)
    await sched.run_due()
    sched.add("meeting:1", once(T0), recorder(fired), ahead=AHEAD)  # an edit
    await sched.run_due()
    assert [f.early for f in fired] == [True, True]


async def test_late_after_downtime_fires_once_without_an_early_firing(
        storage: Storage) -> None:
    clock = FakeClock(T0 - timedelta(minutes=10))
    fired: list[Firing] = []
    await storage.scheduler_heartbeat(clock.now())
    to(clock, T0 + timedelta(minutes=5))  # down across the due time
    second = Scheduler(storage, clock, owner="b")
    second.add("meeting:1", once(T0), recorder(fired), ahead=AHEAD)
    await second.catch_up(T0 - timedelta(minutes=10), clock.now())
    assert [(f.early, f.late) for f in fired] == [(False, True)]


async def test_schedules_without_ahead_fire_only_at_the_due_time(storage: Storage) -> None:
    clock = FakeClock(T0 - timedelta(seconds=1))
    fired: list[Firing] = []
    sched = Scheduler(storage, clock, owner="a")
    sched.add("sweep", once(T0), recorder(fired))
    await sched.run_due()
    assert fired == []
    to(clock, T0)
    await sched.run_due()
    assert [f.early for f in fired] == [False]
