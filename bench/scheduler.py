"""Benchmark: 10,000 meeting reminders across 1,000 groups.

Measures, on a real SQLite file (and, for the last workload, on PostgreSQL when a server
answers: see bench/_common.py) with the real meetings feature, started as `coprod run`
starts it (`bot.runtime.start_app`):
- start: the time to load every schedule from storage, arm its timer and settle the heap
  at start, target under 1 s;
- lateness after the due time, p50 / p99 / max, target p99 under 50 ms: "timer" is when
  the reminder job is called, "storage" when it reaches storage, "claimed" when its
  occurrence and deliveries are committed (the reminder is then in the outbox);
beside bare APScheduler (AsyncIOScheduler, memory job store) adding and firing 10,000
date jobs due at exactly the same instants, in the same process, just before.

Workloads (the due times; bare APScheduler gets the same ones):
- "5 s, own instants": one-off meetings whose reminders fall due evenly over 5 s, no
  two at the same instant (issue 3: "firings spread over a few seconds");
- "5 s, whole seconds": as above, but half the meetings repeat weekly, and dateutil
  expands repeating meetings at whole seconds (real meetings start on the minute), so
  their reminders come in bursts of ~1,000 due at the same instant;
- "60 s, whole seconds": the same mix due within one minute (issue 8), bursts of ~80.
A burst of n reminders due at one instant cannot all be claimed at once: its lateness
shows how many the scheduler claims per second.

Run with `make bench`; `--quick` leaves out the one-minute workload (about 2.5 minutes
in all with it, 30 s without).
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import math
import os
import statistics
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from apscheduler.schedulers.asyncio import AsyncIOScheduler
from apscheduler.triggers.date import DateTrigger

from bench._common import Skipped, fresh_postgres
from bot.app import App
from bot.config import Config
from bot.features.meetings import package as meetings
from bot.features.meetings.config import MeetingsConfig
from bot.features.meetings.jobs import MeetingJobs
from bot.features.meetings.store import MeetingDraft, ReminderContext
from bot.outbox import NewDelivery
from bot.runtime import start_app
from scheduler import Firing
from storage.crypto import FieldCipher, generate_key
from storage.postgres import PostgresStorage
from storage.sqlite import SqliteStorage

GROUPS = 1000
PER_GROUP = 10
JOBS = GROUPS * PER_GROUP
LEAD = 3.0  # seconds from the start of a run to the first firing (room to set up)
REMINDER_MINUTES = 60
TARGET = 0.050


@dataclass(frozen=True)
class Workload:
    """When the 10,000 reminders fall due."""

    name: str
    spread: float  # seconds over which they fall due
    repeating: bool  # every other meeting repeats weekly (due on a whole second)

    def offsets(self) -> list[float]:
        """Each reminder's due time, in seconds after a whole second."""
        offsets = [self.spread * i / JOBS for i in range(JOBS)]
        if self.repeating:
            offsets = [float(math.floor(o)) if self.is_repeating(i) else o
                       for i, o in enumerate(offsets)]
        return offsets

    def is_repeating(self, index: int) -> bool:
        """Whether the index-th meeting repeats."""
        return self.repeating and index % 2 == 1


WORKLOADS = (Workload("5 s, own instants", 5.0, repeating=False),
             Workload("5 s, whole seconds", 5.0, repeating=True),
             Workload("60 s, whole seconds", 60.0, repeating=True))


def _percentiles(values: Sequence[float]) -> tuple[float, float, float]:
    ordered = sorted(values)
    if not ordered:
        return (float("nan"),) * 3
    p99 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))]
    return statistics.median(ordered), p99, ordered[-1]


def _zero(lead: float) -> float:
    """A whole second at least `lead` seconds from now: where the due times start."""
    return float(math.ceil(time.time() + lead))


async def bare_apscheduler(workload: Workload) -> dict[str, Any]:
    """The baseline: 10,000 date jobs in APScheduler's memory store."""
    lateness: list[float] = []
    done = asyncio.Event()

    async def job(due: float) -> None:
        lateness.append(time.time() - due)
        if len(lateness) == JOBS:
            done.set()

    aps = AsyncIOScheduler(timezone="UTC")
    zero = _zero(LEAD)
    dues = [zero + offset for offset in workload.offsets()]
    started = time.perf_counter()
    for i, due in enumerate(dues):
        aps.add_job(job, DateTrigger(run_date=datetime.fromtimestamp(due, UTC)), args=[due],
                    id=f"j{i}", misfire_grace_time=None)
    aps.start()
    add_seconds = time.perf_counter() - started
    cpu = time.process_time()
    async with asyncio.timeout(workload.spread + 30):
        await done.wait()
    cpu = time.process_time() - cpu
    aps.shutdown(wait=False)
    return {"start": add_seconds, "timer": lateness, "storage": lateness,
            "claimed": lateness, "burst": max(Counter(dues).values()), "cpu": cpu / JOBS}


class Timed:
    """Storage (either backend) that notes when each reminder job starts and when it is
    claimed; mixed in before the backend's class."""

    started: dict[int, float]
    claimed: dict[str, float]
    commits: list[float]

    async def reminder_contexts(self, wanted: Sequence[tuple[str, int, Sequence[datetime]]],
                                ) -> dict[int, ReminderContext]:
        """Note when each reminder job reached storage."""
        at = time.time()
        for _, meeting_id, _ in wanted:
            self.started.setdefault(meeting_id, at)
        return await super().reminder_contexts(wanted)  # type: ignore[misc]

    async def claim_occurrences(self, claims: Sequence[tuple[str, Sequence[NewDelivery]]],
                                owner: str, now: datetime) -> set[str]:
        """Note when each claim (with its deliveries) is committed, and how long the
        commit took."""
        began = time.perf_counter()
        claimed: set[str] = await super().claim_occurrences(  # type: ignore[misc]
            claims, owner, now)
        self.commits.append(time.perf_counter() - began)
        at = time.time()
        for key in claimed:
            self.claimed[key] = at
        return claimed


class TimedSqlite(Timed, SqliteStorage):
    """`Timed` on a SQLite file."""


class TimedPostgres(Timed, PostgresStorage):
    """`Timed` on PostgreSQL."""


async def coprod_scheduler(database: str | Path, workload: Workload) -> dict[str, Any]:
    """The real thing: meetings in storage, rebuilt by the app, fired by its scheduler.
    `database` is a folder for a SQLite file, or a PostgreSQL URL."""
    store: TimedSqlite | TimedPostgres
    if isinstance(database, Path):
        store = TimedSqlite(database / "bench.db", FieldCipher(generate_key()))
    else:
        store = TimedPostgres(database, FieldCipher(generate_key()))
    store.started, store.claimed, store.commits = {}, {}, []
    await store.open()
    await store.migrate()
    config = Config().with_sections(MeetingsConfig(coming_up_day="never"))
    zero = _zero(LEAD + 2.0)  # room for setting up the rows first
    dues = [zero + offset for offset in workload.offsets()]
    offset = timedelta(minutes=REMINDER_MINUTES)
    drafts = [MeetingDraft(
        group_id=f"group-{i % GROUPS}", title=f"Meeting {i}",
        starts_at=datetime.fromtimestamp(due, UTC) + offset, zone="Europe/London",
        rrule="FREQ=WEEKLY" if workload.is_repeating(i) else "", location="Room 2",
        notes="", channel="updates", reminders=(REMINDER_MINUTES,), created_by="bench")
        for i, due in enumerate(dues)]
    setup = time.perf_counter()
    ids = await store.add_meetings(drafts, datetime.now(UTC))
    setup_seconds = time.perf_counter() - setup
    due_of = dict(zip(ids, dues, strict=True))

    app = App(config, store, features=[meetings.PACKAGE])
    await app.load()
    timer_lateness: list[float] = []
    remind = MeetingJobs._remind

    async def timed(self: MeetingJobs, group_id: str, meeting_id: int, occurrences: Any,
                    offsets: tuple[int, ...], firing: Firing) -> None:
        timer_lateness.append(time.time() - firing.due.timestamp())
        await remind(self, group_id, meeting_id, occurrences, offsets, firing)

    MeetingJobs._remind = timed  # type: ignore[method-assign]
    started = time.perf_counter()
    await start_app(app)
    start_seconds = time.perf_counter() - started
    cpu = time.process_time()
    try:
        async with asyncio.timeout(workload.spread + LEAD + 60):
            while len(store.claimed) < JOBS:  # noqa: ASYNC110 - polling a counter
                await asyncio.sleep(0.05)
        cpu = time.process_time() - cpu
    finally:
        MeetingJobs._remind = remind  # type: ignore[method-assign]
        await app.stop()
        await store.close()
    claimed = [at - datetime.fromisoformat(key.split("@", 1)[1]).timestamp()
               for key, at in store.claimed.items()]
    return {"start": start_seconds, "timer": timer_lateness,
            "storage": [store.started[i] - due_of[i] for i in ids], "claimed": claimed,
            "setup": setup_seconds, "commits": store.commits,
            "burst": max(Counter(dues).values()), "cpu": cpu / JOBS}


def _cells(values: Sequence[float]) -> str:
    p50, p99, most = _percentiles(values)
    return f"{p50 * 1000:6.1f}/{p99 * 1000:6.1f}/{most * 1000:6.1f}"


def _load() -> str:
    """The machine's load, which the lateness figures depend on."""
    try:
        one, five, _ = os.getloadavg()
    except OSError:
        return ""
    return f"Load average {one:.1f} (1 min), {five:.1f} (5 min) on {os.cpu_count()} CPUs."


def _forget_run() -> None:
    """Between runs (not timed): let the last run's frozen heap be collected."""
    gc.unfreeze()
    gc.collect()


async def main(quick: bool) -> int:
    """Run each workload, bare then ours, and print a table with the targets."""
    began = time.perf_counter()
    workloads = WORKLOADS[:2] if quick else WORKLOADS
    results: list[tuple[str, Workload, dict[str, Any], dict[str, Any]]] = []
    for workload in workloads:
        bare = await bare_apscheduler(workload)
        _forget_run()
        with tempfile.TemporaryDirectory() as folder:
            ours = await coprod_scheduler(Path(folder), workload)
        _forget_run()
        results.append(("SQLite", workload, bare, ours))
    # PostgreSQL: the issue-8 workload (the one-minute one; the first with --quick).
    pg_workload = workloads[-1]
    try:
        async with fresh_postgres() as url:
            bare = await bare_apscheduler(pg_workload)
            _forget_run()
            ours = await coprod_scheduler(url, pg_workload)
            _forget_run()
            results.append(("PostgreSQL", pg_workload, bare, ours))
    except Skipped as reason:
        print(f"PostgreSQL: skipped ({reason})")
    print(f"{JOBS} reminders across {GROUPS} groups; lateness in ms after the due time, "
          "p50/p99/max:\ntimer = the job is called; storage = the job reaches storage; "
          "claimed = its occurrence and deliveries\nare committed (bare APScheduler: all "
          "three are the job call). burst = most reminders due at one instant;\ncpu us = "
          "the process's CPU time per reminder from the end of start-up to the last claim "
          f"(less noisy than lateness on a shared machine). {_load()}")
    print(f"{'database':10} {'workload':20} {'scheduler':9} {'burst':>5} {'start s':>7} "
          f"{'cpu us':>6} {'timer':>20} {'storage':>20} {'claimed':>20}")
    for database, workload, bare, ours in results:
        for name, result in (("bare APS", bare), ("coprod", ours)):
            print(f"{database:10} {workload.name:20} {name:9} {result['burst']:5d} "
                  f"{result['start']:7.3f} "
                  f"{result['cpu'] * 1e6:6.0f} {_cells(result['timer']):>20} "
                  f"{_cells(result['storage']):>20} {_cells(result['claimed']):>20}")
    print()
    for database, workload, bare, ours in results:
        commits = sorted(ours["commits"])
        bare_p99 = _percentiles(bare["timer"])[1]
        timer_p99 = _percentiles(ours["timer"])[1]
        claimed_p99 = _percentiles(ours["claimed"])[1]

        def verdict(value: float, target: float) -> str:
            return "met" if value < target else "MISSED"

        print(f"{database}, {workload.name}: start < 1 s {verdict(ours['start'], 1.0)}; "
              f"timer p99 < 50 ms "
              f"{verdict(timer_p99, TARGET)}; claimed p99 < 50 ms "
              f"{verdict(claimed_p99, TARGET)}; claimed p99 / bare p99 "
              f"{claimed_p99 / max(bare_p99, 1e-6):.1f}x; {len(commits)} claim "
              f"transactions (avg {JOBS / max(len(commits), 1):.0f} reminders), commit "
              f"p50 {_percentiles(commits)[0] * 1000:.1f} ms, max {commits[-1] * 1000:.1f} "
              f"ms; rows set up in {ours['setup']:.2f} s")
    print(f"(bench took {time.perf_counter() - began:.1f} s)")
    return 0


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true",
                        help="leave out the one-minute workload")
    sys.exit(asyncio.run(main(parser.parse_args().quick)))
