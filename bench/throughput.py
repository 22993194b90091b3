"""Benchmark: anonymous feedback submissions per second through the core, beside the raw
driver inserting a similar row, in the same run on the same disk.

Core: `App.handle(FormSubmission)` for the /feedback form, every feature on, the
delivery dispatcher running; each submission is acknowledged only once stored
(encrypted, no author). Measured with 1,000 members sending at once (what a busy group
does after a meeting) and with one member after another. Raw: the driver inserting a
row like a feedback item (random id, group, audience, encrypted body, day, status), one
transaction per row one after another (what a plain store does for each submission: the
baseline the target is set against), and the same rows in one transaction (the batch
ceiling: raw aiosqlite inserts 500 rows in a few milliseconds so), each figure given as
a ratio to both. Target: the core at least half the raw one-row-per-transaction rate.
On SQLite (aiosqlite, WAL, synchronous=FULL) and, when available, PostgreSQL (asyncpg).
Bounded: seconds.

Run: `make bench`, or `.venv/bin/python bench/throughput.py`.
"""

from __future__ import annotations

import asyncio
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from _common import Backend
from _common import Row
from _common import core_on_postgres
from _common import fresh_postgres
from _common import note
from _common import print_table
from _common import ratio
from _common import sqlite_backend
from _common import sqlite_then_postgres
from _workload import feedback
from _workload import raw_postgres
from _workload import raw_rows
from _workload import raw_sqlite
from _workload import running_core

AT_ONCE = 1000
ONE_BY_ONE = 300
RAW_ROWS = 500
SHARE = 0.5  # the core should reach at least half the raw rate
LIMIT_SECONDS = 90


async def core_rates(backend: Backend) -> tuple[float, float]:
    """Submissions per second: all at once, and one after another."""
    async with running_core(backend) as core:
        await core.handle(feedback(-1))  # warm up
        started = time.perf_counter()
        await asyncio.gather(*(core.handle(feedback(n)) for n in range(AT_ONCE)))
        at_once = AT_ONCE / (time.perf_counter() - started)
        started = time.perf_counter()
        for n in range(AT_ONCE, AT_ONCE + ONE_BY_ONE):
            await core.handle(feedback(n))
        one_by_one = ONE_BY_ONE / (time.perf_counter() - started)
    return at_once, one_by_one


def table(name: str, driver: str, core: tuple[float, float] | None,
          raw_each: float, raw_batch: float) -> None:
    """Print one backend's table (core None: only the raw driver's figures): the core
    against both baselines, the raw one-row-per-transaction rate and the raw batch
    ceiling."""
    rows = [
        Row(f"raw {driver}, 1 row per transaction: per s", f"{raw_each:,.0f}"),
        Row(f"raw {driver}, {RAW_ROWS} rows in 1 transaction: per s", f"{raw_batch:,.0f}",
            f"{raw_each:,.0f}", ratio(raw_batch, raw_each)),
    ]
    if core is not None:
        at_once, one_by_one = core
        rows += [
            Row(f"core, {AT_ONCE:,} members at once: per s", f"{at_once:,.0f}",
                f"{raw_each:,.0f}", ratio(at_once, raw_each), f">= {SHARE:.2f}x",
                at_once >= SHARE * raw_each),
            Row("  the same against the batch ceiling", f"{at_once:,.0f}",
                f"{raw_batch:,.0f}", ratio(at_once, raw_batch)),
            Row(f"core, {ONE_BY_ONE} one after another: per s", f"{one_by_one:,.0f}",
                f"{raw_each:,.0f}", ratio(one_by_one, raw_each), f">= {SHARE:.2f}x",
                one_by_one >= SHARE * raw_each),
            Row("  the same against the batch ceiling", f"{one_by_one:,.0f}",
                f"{raw_batch:,.0f}", ratio(one_by_one, raw_batch)),
        ]
    print_table(f"write throughput: anonymous feedback through the core ({name})", rows)
    note(f"baselines, measured in this run on the same disk: raw {driver} with one "
         f"transaction per row, one after another (what a plain store does per "
         f"submission; the target is against it), and the same {RAW_ROWS} rows in one "
         "transaction (the ceiling: what the disk and driver do when commits are shared). "
         "ratio = value / baseline.")
    note("leaves out: the platform (no adapter: App.handle straight), reading the rows "
         f"back; load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores.")


async def sqlite_run() -> None:
    """Core and raw aiosqlite, on files in one temporary folder."""
    async with sqlite_backend() as backend:
        core = await core_rates(backend)
        each, _ = await raw_sqlite(backend.database + "-each", raw_rows(RAW_ROWS),
                                   "sequential")
        batch, _ = await raw_sqlite(backend.database + "-batch", raw_rows(RAW_ROWS), "batch")
    table("SQLite", "aiosqlite", core, RAW_ROWS / each, RAW_ROWS / batch)


async def postgres_run() -> None:
    """Raw asyncpg (whenever a server is reachable) and the core (when the storage factory
    supports PostgreSQL), each on a fresh database dropped afterwards."""
    async with fresh_postgres(need_factory=False) as url:
        each, _ = await raw_postgres(url, raw_rows(RAW_ROWS), "sequential")
    async with fresh_postgres(need_factory=False) as url:
        batch, _ = await raw_postgres(url, raw_rows(RAW_ROWS), "batch")
    core = await core_on_postgres(core_rates)
    table("PostgreSQL", "asyncpg", core, RAW_ROWS / each, RAW_ROWS / batch)


async def main() -> int:
    """SQLite, then PostgreSQL if it can be used."""
    return await sqlite_then_postgres(sqlite_run, postgres_run, LIMIT_SECONDS)


if __name__ == "__main__":
    sys.exit(asyncio.run(main()))
