"""Benchmark: 500 concurrent anonymous feedback submissions through the core and SQLite.

Measures, in one run on the same disk:
- acknowledgement latency (p50, p99) of `App.handle(FormSubmission)` for 500 members
  sending at the same moment (target: p99 under 100 ms; the platforms allow 3 s);
- sustained submissions per second through the core;
- the raw aiosqlite insert rate of a similar row (random id, encrypted body), one
  transaction per row as a plain store would do, and in one batch, for comparison
  (target: the core at least half the raw one-row-per-transaction rate).

Run: `make bench`, or `PYTHONPATH=. python bench/feedback.py`. Bounded to 60 s.
"""

from __future__ import annotations

import asyncio
import secrets
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import aiosqlite

from bot.app import App
from bot.config import Config
from bot.events import Actor, FormSubmission
from bot.feedback_config import FeedbackConfig
from storage.crypto import FieldCipher, generate_key
from storage.factory import open_storage

SUBMISSIONS = 500
LIMIT_SECONDS = 60
TEXT = ("The meeting room was too cold and the agenda arrived the night before, so I "
        "could not read it in time. Could it come a week earlier? ") * 3


def percentile(values: list[float], share: float) -> float:
    """The value below which `share` of the values fall (nearest rank)."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(share * len(ordered)) - 1))]


async def core_run(folder: Path) -> tuple[list[float], float]:
    """500 members send at once; per-submission latency and the wall time of them all."""
    storage = await open_storage(str(folder / "core.db"), FieldCipher(generate_key()))
    await storage.migrate()
    config = Config(feedback=FeedbackConfig(daily_limit=100))
    app = App(config, storage)
    await app.load()
    latencies: list[float] = []

    async def one(n: int) -> None:
        event = FormSubmission("bench-group", Actor(f"U{n:06d}", f"Member {n}"),
                               "feedback.send",
                               {"message": f"{TEXT} ({n})", "topic": "meetings",
                                "audience": "group"})
        started = time.perf_counter()
        reply = await app.handle(event)
        latencies.append(time.perf_counter() - started)
        assert reply.messages and reply.messages[0].text.startswith("Sent anonymously"), reply

    await one(-1)  # warm up (imports, first connection use)
    latencies.clear()
    started = time.perf_counter()
    await asyncio.gather(*(one(n) for n in range(SUBMISSIONS)))
    wall = time.perf_counter() - started
    await app.stop()
    await storage.close()
    return latencies, wall


async def raw_run(folder: Path, batched: bool) -> float:
    """Rows per second inserting a similar row straight through aiosqlite."""
    cipher = FieldCipher(generate_key())
    db = await aiosqlite.connect(str(folder / f"raw-{batched}.db"), isolation_level=None)
    await db.execute("PRAGMA journal_mode = WAL")
    await db.execute("PRAGMA synchronous = FULL")
    await db.execute("CREATE TABLE items (id TEXT PRIMARY KEY, group_id TEXT, audience TEXT, "
                     "body TEXT, submitted_day INTEGER, status TEXT) WITHOUT ROWID")
    rows = [(secrets.token_hex(5), "bench-group", "group",
             cipher.encrypt(f'{{"text":"{TEXT} ({n})","topic":"meetings"}}'),
             1767571200000000, "waiting") for n in range(SUBMISSIONS)]
    insert = "INSERT INTO items VALUES (?, ?, ?, ?, ?, ?)"
    started = time.perf_counter()
    if batched:
        await db.execute("BEGIN IMMEDIATE")
        await db.executemany(insert, rows)
        await db.execute("COMMIT")
    else:
        for row in rows:
            await db.execute("BEGIN IMMEDIATE")
            await db.execute(insert, row)
            await db.execute("COMMIT")
    elapsed = time.perf_counter() - started
    await db.close()
    return SUBMISSIONS / elapsed


async def main() -> int:
    """Run everything and print the table."""
    with tempfile.TemporaryDirectory(prefix="coprod-bench-") as tmp:
        folder = Path(tmp)
        async with asyncio.timeout(LIMIT_SECONDS):
            latencies, wall = await core_run(folder)
            raw_single = await raw_run(folder, batched=False)
            raw_batch = await raw_run(folder, batched=True)
    core_rate = SUBMISSIONS / wall
    p50, p99 = percentile(latencies, 0.50) * 1000, percentile(latencies, 0.99) * 1000
    print(f"feedback: {SUBMISSIONS} concurrent submissions through App.handle and SQLite "
          "(synchronous=FULL, WAL)")
    print(f"{'measure':<48}{'value':>14}{'ratio':>10}")
    print(f"{'ack latency p50 (ms)':<48}{p50:>14.1f}{'':>10}")
    print(f"{'ack latency p99 (ms)   [target < 100]':<48}{p99:>14.1f}"
          f"{p99 / 100:>9.2f}x")
    print(f"{'core submissions/s':<48}{core_rate:>14.0f}{'':>10}")
    print(f"{'raw aiosqlite inserts/s (1 row per commit)':<48}{raw_single:>14.0f}"
          f"{core_rate / raw_single:>9.2f}x")
    print(f"{'raw aiosqlite inserts/s (all rows in 1 commit)':<48}{raw_batch:>14.0f}"
          f"{core_rate / raw_batch:>9.2f}x")
    mean = statistics.mean(latencies) * 1000
    print("ratio = core / raw (target >= 0.50 against 1 row per commit); "
          f"latency ratio = p99 / 100 ms (target < 1). mean latency {mean:.1f} ms")
    ok = p99 < 100 and core_rate >= raw_single / 2
    print("targets met" if ok else "TARGETS NOT MET")
    return 0


if __name__ == "__main__":
    sys.exit(asyncio.run(main()))
