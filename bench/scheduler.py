"""Benchmark: 10,000 meeting reminders across 1,000 groups.

Measures, on a real SQLite file with the real meetings feature:
- rebuild: the time to load every schedule from storage and arm its timer at start
  (`App.start_scheduler`), target under 1 s;
- lateness of firings spread over a few seconds, p50 / p99 / max, target p99 under
  50 ms: "job start" is when the reminder job reaches storage, "claimed" is when its
  occurrence and deliveries are committed (the reminder is then in the outbox);
beside bare APScheduler (AsyncIOScheduler, memory job store) adding and firing the same
10,000 date jobs in the same process. Run with `make bench` (bounded: well under 60 s).
"""

from __future__ import annotations

import asyncio
import statistics
import sys
import tempfile
import time
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from apscheduler.schedulers.asyncio import AsyncIOScheduler
from apscheduler.triggers.date import DateTrigger

from bot.app import App
from bot.config import Config
from bot.features import meetings
from bot.features.meetings.jobs import MeetingJobs
from bot.outbox import NewDelivery
from scheduler import Firing
from storage.crypto import FieldCipher, generate_key
from storage.meetings import MeetingDraft, ReminderContext
from storage.sqlite import SqliteStorage

GROUPS = 1000
PER_GROUP = 10
JOBS = GROUPS * PER_GROUP
LEAD = 3.0  # seconds from the start of a run to the first firing
SPREAD = 5.0  # seconds over which the firings are spread
SLOW_SPREAD = 15.0  # a second run of ours, at a third of the rate
REMINDER_MINUTES = 60
TIMEOUT = 25.0


def _percentiles(values: Sequence[float]) -> tuple[float, float, float]:
    ordered = sorted(values)
    if not ordered:
        return (float("nan"),) * 3
    p99 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))]
    return statistics.median(ordered), p99, ordered[-1]


def _due_times(base: float, spread: float = SPREAD) -> list[float]:
    return [base + LEAD + spread * i / JOBS for i in range(JOBS)]


async def bare_apscheduler() -> dict[str, Any]:
    """The baseline: 10,000 date jobs in APScheduler's memory store."""
    lateness: list[float] = []
    done = asyncio.Event()

    async def job(due: float) -> None:
        lateness.append(time.time() - due)
        if len(lateness) == JOBS:
            done.set()

    aps = AsyncIOScheduler(timezone="UTC")
    dues = _due_times(time.time())
    started = time.perf_counter()
    for i, due in enumerate(dues):
        aps.add_job(job, DateTrigger(run_date=datetime.fromtimestamp(due, UTC)), args=[due],
                    id=f"j{i}", misfire_grace_time=None)
    aps.start()
    add_seconds = time.perf_counter() - started
    async with asyncio.timeout(TIMEOUT):
        await done.wait()
    aps.shutdown(wait=False)
    return {"add": add_seconds, "timer": lateness, "lateness": lateness,
            "claimed": lateness}


class TimedStorage(SqliteStorage):
    """SQLite storage that notes when each reminder job starts and when it is claimed."""

    started: dict[int, float]
    claimed: dict[str, float]
    commits: list[float]

    async def reminder_contexts(self, wanted: Sequence[tuple[str, int, Sequence[datetime]]],
                                ) -> dict[int, ReminderContext]:
        """Note when each reminder job reached storage."""
        at = time.time()
        for _, meeting_id, _ in wanted:
            self.started.setdefault(meeting_id, at)
        return await super().reminder_contexts(wanted)

    async def claim_occurrences(self, claims: Sequence[tuple[str, Sequence[NewDelivery]]],
                                owner: str, now: datetime) -> set[str]:
        """Note when each claim (with its deliveries) is committed, and how long the
        commit took."""
        began = time.perf_counter()
        claimed = await super().claim_occurrences(claims, owner, now)
        self.commits.append(time.perf_counter() - began)
        at = time.time()
        for key in claimed:
            self.claimed[key] = at
        return claimed


async def coprod_scheduler(folder: Path, spread: float = SPREAD) -> dict[str, Any]:
    """The real thing: meetings in storage, rebuilt by the app, fired by its scheduler."""
    store = TimedStorage(folder / "bench.db", FieldCipher(generate_key()))
    store.started, store.claimed, store.commits = {}, {}, []
    await store.open()
    await store.migrate()
    config = Config(meetings_coming_up_day="never")
    base = time.time()
    dues = _due_times(base + 2.0, spread)  # room for setting up the rows first
    offset = timedelta(minutes=REMINDER_MINUTES)
    drafts = [MeetingDraft(
        group_id=f"group-{i % GROUPS}", title=f"Meeting {i}",
        starts_at=datetime.fromtimestamp(due, UTC) + offset, zone="Europe/London",
        rrule="FREQ=WEEKLY" if i % 2 else "", location="Room 2", notes="",
        channel="updates", reminders=(REMINDER_MINUTES,), created_by="bench")
        for i, due in enumerate(dues)]
    setup = time.perf_counter()
    ids = await store.add_meetings(drafts, datetime.now(UTC))
    setup_seconds = time.perf_counter() - setup
    # dateutil expands repeating meetings at whole seconds (real meetings start on the
    # minute), so a repeating one here is due at its whole second.
    due_of = {meeting_id: (float(int(due)) if draft.rrule else due)
              for meeting_id, due, draft in zip(ids, dues, drafts, strict=True)}

    app = App(config, store, features=[meetings.build])
    await app.load()
    timer_lateness: list[float] = []
    remind = MeetingJobs._remind

    async def timed(self: MeetingJobs, group_id: str, meeting_id: int, occurrences: Any,
                    offsets: tuple[int, ...], firing: Firing) -> None:
        timer_lateness.append(time.time() - firing.due.timestamp())
        await remind(self, group_id, meeting_id, occurrences, offsets, firing)

    MeetingJobs._remind = timed  # type: ignore[method-assign]
    started = time.perf_counter()
    await app.start_scheduler()
    rebuild_seconds = time.perf_counter() - started
    try:
        async with asyncio.timeout(TIMEOUT + 30):
            while len(store.claimed) < JOBS:  # noqa: ASYNC110 - polling a counter
                await asyncio.sleep(0.05)
    finally:
        MeetingJobs._remind = remind  # type: ignore[method-assign]
        await app.stop()
        await store.close()
    job_start = [store.started[i] - due_of[i] for i in ids]
    claimed = [at - datetime.fromisoformat(key.split("@", 1)[1]).timestamp()
               for key, at in store.claimed.items()]
    return {"add": rebuild_seconds, "timer": timer_lateness, "lateness": job_start,
            "claimed": claimed, "setup": setup_seconds, "commits": store.commits}


def _ms(seconds: float) -> str:
    return f"{seconds * 1000:9.1f}"


async def main() -> int:
    """Run both, print a table and the ratios."""
    began = time.perf_counter()
    bare = await bare_apscheduler()
    with tempfile.TemporaryDirectory() as folder:
        ours = await coprod_scheduler(Path(folder))
    with tempfile.TemporaryDirectory() as folder:
        slow = await coprod_scheduler(Path(folder), SLOW_SPREAD)
    rows = []
    for name, result in (("bare APScheduler", bare), ("coprod scheduler", ours),
                         (f"coprod, over {SLOW_SPREAD:.0f} s", slow)):
        rows.append((name, result["add"], *_percentiles(result["timer"]),
                     *_percentiles(result["lateness"]), *_percentiles(result["claimed"])))
    print(f"{JOBS} reminders across {GROUPS} groups, firing over {SPREAD:.0f} s "
          f"(setup of the rows: {ours['setup']:.2f} s)")
    print("lateness in ms after the due time: timer = the job is called; storage = the job "
          "reaches storage;\nclaimed = its occurrence and deliveries are committed "
          "(bare APScheduler: all three are the job call)")
    head = " ".join(f"{w:>22}" for w in ("timer p50/p99/max", "storage p50/p99/max",
                                           "claimed p50/p99/max"))
    print(f"{'':18} {'start s':>8} {head}")
    for name, add, *values in rows:
        cells = " ".join(f"{values[i] * 1000:6.1f}/{values[i + 1] * 1000:6.1f}/"
                         f"{values[i + 2] * 1000:6.1f}"[-22:].rjust(22) for i in (0, 3, 6))
        print(f"{name:18} {add:8.3f} {cells}")
    bare_row, ours_row, _ = rows
    b_p99 = max(bare_row[3], 1e-6)
    print(f"ratios (coprod / bare): start {ours_row[1] / bare_row[1]:.1f}x, timer p99 "
          f"{ours_row[3] / b_p99:.1f}x, claimed p99 {ours_row[9] / b_p99:.1f}x")
    commits = sorted(ours["commits"])
    print(f"claim transactions: {len(commits)} (avg {JOBS / max(len(commits), 1):.1f} "
          f"reminders each); commit p50 {_percentiles(commits)[0] * 1000:.1f} ms, "
          f"max {commits[-1] * 1000:.1f} ms, {sum(c > 0.05 for c in commits)} over 50 ms")
    print(f"targets: start < 1 s: {'met' if ours_row[1] < 1 else 'MISSED'}; "
          f"timer p99 < 50 ms: {'met' if ours_row[3] < 0.05 else 'MISSED'}; "
          f"claimed p99 < 50 ms: {'met' if ours_row[9] < 0.05 else 'MISSED'}")
    print(f"(bench took {time.perf_counter() - began:.1f} s)")
    return 0


if __name__ == "__main__":
    sys.exit(asyncio.run(main()))
