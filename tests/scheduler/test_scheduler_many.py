"""Many schedules on one timer: each fires once, in real time; removed and replaced ones
take effect at once."""

from __future__ import annotations

import asyncio
from datetime import timedelta

from bot.clock import SystemClock
from scheduler import Firing
from scheduler import Scheduler
from scheduler import once
from storage.interface import Storage


async def test_many_schedules_fire_once_each_on_one_timer(storage: Storage) -> None:
    clock = SystemClock()
    start = clock.now() + timedelta(seconds=2)  # room for a slow start on a busy machine
    fired: list[str] = []
    done = asyncio.Event()

    async def job(firing: Firing) -> None:
        if await storage.claim_occurrence(firing.key, "me", clock.now()):
            fired.append(firing.schedule_id)
        if len(fired) == 199:
            done.set()

    sched = Scheduler(storage, clock, owner="a")
    for i in range(200):
        sched.add(f"s{i}", once(start + timedelta(milliseconds=i)), job)
    await sched.start()
    try:
        sched.remove("s5")  # removed after start: never fires
        sched.add("s7", once(start + timedelta(milliseconds=400)), job)  # moved later
        async with asyncio.timeout(15):
            await done.wait()
        await asyncio.sleep(0.1)
    finally:
        await sched.shutdown()
    assert sorted(fired) == sorted(f"s{i}" for i in range(200) if i != 5)
    assert fired[-1] == "s7"
