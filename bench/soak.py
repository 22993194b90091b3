"""Benchmark: the database of a busy group over simulated months, with and without the
retention sweep pruning what grows with every firing, event and message.

The workload is `tests/soak/month.py` (the real app on a real SQLite file, every
feature, the real dispatcher and scheduler on a fast clock, the sweep at each midnight
UTC): two weekly meetings with reminders by DM, a weekly check-in per member, daily
feedback and digests, a weekly anonymous poll, direct messages handled once by their
Slack event id (and repeated), one member with closed DMs. It runs twice on fresh files:
pruning (the code as it is) and the baseline (the sweep without pruning, as before
issue 21). Printed: the size of the file after each day's sweep, its free pages, the
largest the WAL grew that day, and the rows of the tables that grow, then a table with
the growth over the second half. Target: with pruning, the file on the last day within
10% of the middle day (the pruned tables' rows within 20%). Then the first sweep on a
database that never pruned (100,000 old claims and as many sent messages, on disk):
how long it takes, and how long a small write beside it waits (target p99 < 100 ms,
against the same writes alone). SQLite only: the file is what an operator sees grow.
Bounded: about two minutes with the defaults on two cores.

Run: `make bench`, or
`.venv/bin/python bench/soak.py [--members 40] [--days 60] [--backlog 100000]`.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import sqlite3
import sys
import tempfile
import time
import uuid
from datetime import UTC
from datetime import datetime
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench._common import Row
from bench._common import note
from bench._common import print_table
from bench._common import ratio
from bench._common import spread
from storage.crypto import FieldCipher
from storage.crypto import generate_key
from storage.members import PRUNE_BATCH
from storage.members import PruneCutoffs
from storage.sqlite import SqliteStorage
from tests.soak.month import Day
from tests.soak.month import fast_folder
from tests.soak.month import play

MEMBERS = 40
DAYS = 60
# Growth over the second half: the file within 10%; the rows of the pruned tables within
# 20% (a meeting day adds more than a quiet one, so two days compared can differ).
TARGETS = {"file": 1.10, "occurrences": 1.20, "deliveries": 1.20}
# The first sweep on a database that never pruned: this many old claims and as many sent
# messages; a small write beside it should wait no longer than this (p99).
BACKLOG = 100_000
BACKLOG_P99_MS = 100


def show(label: str, day: Day) -> None:
    """One line per day, as it is measured."""
    rows = day.rows
    print(f"{label:8s} day {day.day:3d}  file {day.file_bytes / 1024:8.0f} KiB  "
          f"free pages {day.free_pages:4d}  WAL peak {day.peak_wal_bytes / 1024:6.0f} KiB  "
          f"occurrences {rows['occurrences']:5d}  deliveries {rows['deliveries']:5d}  "
          f"check-ins {rows['checkins']:4d}  feedback {rows['feedback_items']:3d}",
          flush=True)


async def one(label: str, members: int, days: int, prune: bool) -> tuple[list[Day], int]:
    """The month on a fresh file; the days and how many messages were sent."""
    with tempfile.TemporaryDirectory(dir=fast_folder()) as folder:
        out, _, sent = await play(Path(folder) / "soak.db", members, days, prune=prune,
                                  on_day=lambda day: show(label, day))
    return out, sent


async def probe_while(work: asyncio.Task[object] | None, storage: SqliteStorage,
                      now: datetime, seconds: float = 2.0) -> list[float]:
    """Latencies of small writes (an occurrence claim every few milliseconds) while
    `work` runs, or for `seconds` when there is none."""
    latencies: list[float] = []
    started = time.perf_counter()
    n = 0
    while (work is not None and not work.done()) or (
            work is None and time.perf_counter() - started < seconds):
        n += 1
        began = time.perf_counter()
        await storage.claim_occurrence(f"probe-{uuid.uuid4().hex}", "bench", now)
        latencies.append(time.perf_counter() - began)
        await asyncio.sleep(0.005)
    return latencies


async def backlog(rows: int) -> None:
    """The first sweep on a database that never pruned: `rows` old occurrence claims and
    as many delivered messages, on a file on disk (every commit flushed), while small
    writes go on beside it."""
    now = datetime(2027, 1, 1, tzinfo=UTC)
    old = int((now - timedelta(days=30)).timestamp() * 1_000_000)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "backlog.db"
        storage = SqliteStorage(path, FieldCipher(generate_key()))
        await storage.open()
        await storage.migrate()
        await storage.close()
        with sqlite3.connect(path) as raw:
            raw.executemany("INSERT INTO occurrences (key, owner, claimed_at) VALUES (?, ?, ?)",
                            ((f"meeting-{n}@old", "meetings", old) for n in range(rows)))
            raw.executemany(
                "INSERT INTO deliveries (idem_key, group_id, destination_json, status, "
                "next_attempt_at, created_at, updated_at, delivered_at, platform_ref) "
                "VALUES (?, 'g', ?, 'delivered', ?, ?, ?, ?, 'ref')",
                ((f"reminder-{n}", '{"kind":"dm","group":"g","user":"U1","channel":""}', old,
                  old, old, old) for n in range(rows)))
        await storage.open()
        try:
            idle = await probe_while(None, storage, now)
            cutoffs = PruneCutoffs(now - timedelta(days=8), now - timedelta(days=1),
                                   now - timedelta(days=7), now - timedelta(days=60))
            began = time.perf_counter()
            work = asyncio.create_task(storage.prune(cutoffs, now))
            busy = await probe_while(work, storage, now)
            counts = await work
            took = time.perf_counter() - began
        finally:
            await storage.close()
    p50, p99, worst = spread(busy)
    base = spread(idle)
    print_table(f"soak: the first sweep on a database that never pruned ({rows:,} claims, "
                f"{rows:,} sent messages; SQLite on disk)", [
        Row("rows deleted", f"{counts['occurrences'] + counts['deliveries']:,}"),
        Row("seconds to delete them", f"{took:.1f}"),
        Row("a small write beside it: p50 ms", f"{p50 * 1000:.1f}", f"{base[0] * 1000:.1f}",
            ratio(p50, base[0])),
        Row("a small write beside it: p99 ms", f"{p99 * 1000:.1f}", f"{base[1] * 1000:.1f}",
            ratio(p99, base[1]), f"< {BACKLOG_P99_MS} ms", p99 * 1000 < BACKLOG_P99_MS),
        Row("a small write beside it: max ms", f"{worst * 1000:.1f}", f"{base[2] * 1000:.1f}",
            ratio(worst, base[2]))])
    note("baseline = the same small writes with nothing else running; the sweep deletes "
         f"{PRUNE_BATCH} rows per transaction.")


async def main() -> int:
    """Pruning, then the baseline; the table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--members", type=int, default=MEMBERS)
    parser.add_argument("--days", type=int, default=DAYS)
    parser.add_argument("--backlog", type=int, default=BACKLOG)
    args = parser.parse_args()
    logging.getLogger().addHandler(logging.NullHandler())  # the bot's warnings: not here
    started = time.perf_counter()
    pruned, sent = await one("pruning", args.members, args.days, prune=True)
    baseline, _ = await one("baseline", args.members, args.days, prune=False)
    middle = args.days // 2 - 1
    rows = []
    for kind, key in (("file bytes", "file"), ("occurrences", "occurrences"),
                      ("deliveries", "deliveries")):
        def value(days: list[Day], at: int, key: str = key) -> int:
            return days[at].file_bytes if key == "file" else days[at].rows[key]
        growth = value(pruned, -1) / max(value(pruned, middle), 1)
        base_growth = value(baseline, -1) / max(value(baseline, middle), 1)
        rows.append(Row(f"{kind}: day {args.days} / day {middle + 1}",
                        f"{growth:.2f}x", f"{base_growth:.2f}x",
                        ratio(value(pruned, -1), value(baseline, -1)),
                        f"<= {TARGETS[key]:.2f}x", growth <= TARGETS[key]))
    print_table(f"soak: {args.members} members, {args.days} days, {sent} messages sent "
                "(SQLite)", rows)
    note("value = growth over the second half with pruning; baseline = the same without; "
         "ratio = last day's size with pruning / without.")
    await backlog(args.backlog)
    note(f"(bench took {time.perf_counter() - started:.0f} s)")
    return 0


if __name__ == "__main__":
    sys.exit(asyncio.run(main()))
