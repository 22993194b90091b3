"""Benchmark: acknowledgement latency under a burst of 500 concurrent events.

500 members act at the same moment through the core (`App.handle`, every feature on, the
delivery dispatcher running through the in-memory adapter): half send anonymous
feedback (the /feedback form), half press an RSVP button on a meeting reminder (the
answer stored, the reminder's counts rebuilt). The latency of each is the time from the
burst's one common start (read once, before any member's task is created, so the time a
task waits to be first run counts, as it does for a member) until its reply, which the
core gives only once the answer is durably stored. Figures: p50, p99 and max, all
together and by kind. Target (issue 22): p99 under 50 ms on SQLite and PostgreSQL (the
platforms allow 3 s). Baseline, measured in the same run and timed from its own common
start: the raw driver inserting a similar row for each of the 500 at once, one
transaction each (aiosqlite taking turns on one connection as the store does; asyncpg
through a pool of 10). Beside it, the strongest raw baseline (the batch ceiling): the
same 500 rows in one transaction, every one durable when that commit returns. On
SQLite, and on PostgreSQL when available. Bounded: a few seconds per backend.

What it leaves out: the platform (no gateway or HTTP round trip before the event
reaches the core, none for the reply after it), one process and one group only (the
three-process figures are in tests/scaling and bench/scale.py), a warm process (the
first event of each kind is handled before the clock starts), and the sends the replies
cause (the dispatcher runs, but nothing in the burst enqueues a delivery).

A third table, "core alone", runs the same burst with the storage's answers given at
once from memory (language, feedback, RSVP): the share of the p99 that is the
core's own Python work on this machine (500 members' commands on one event loop), which
no database change can remove. Its baseline is the full run's figure.

Run: `make bench`, or `.venv/bin/python bench/ack.py`.
"""

from __future__ import annotations

import asyncio
import sys
import time
from datetime import UTC
from datetime import datetime
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from _common import Backend
from _common import Row
from _common import core_on_postgres
from _common import fresh_postgres
from _common import note
from _common import percentile
from _common import print_table
from _common import ratio
from _common import spread
from _common import sqlite_backend
from _common import sqlite_then_postgres
from _workload import GROUP
from _workload import feedback
from _workload import raw_postgres
from _workload import raw_rows
from _workload import raw_sqlite
from _workload import rsvp
from _workload import running_core

from bot.events import Event
from bot.features.meetings.store import RsvpAnswer
from bot.features.meetings.texts import parse_occurrence_value

BURST = 500
TARGET_MS = 50.0
LIMIT_SECONDS = 60


async def burst(backend: Backend) -> dict[str, list[float]]:
    """The 500 at once; latencies by kind ("all", "feedback", "rsvp")."""
    async with running_core(backend) as core:
        await core.handle(feedback(-1))  # warm up: first use of each path
        await core.handle(rsvp(-1, core.rsvp_value))
        events: list[Event] = [feedback(n) if n % 2 == 0 else rsvp(n, core.rsvp_value)
                               for n in range(BURST)]
        # One clock for all: started before any member's task exists, so the time a task
        # waits to be first run counts, as it does for a member.
        started = time.perf_counter()
        took = await asyncio.gather(*(core.handle(e, started) for e in events))
    return {"all": list(took),
            "feedback": [t for n, t in enumerate(took) if n % 2 == 0],
            "rsvp": [t for n, t in enumerate(took) if n % 2 == 1]}


async def core_alone() -> dict[str, list[float]]:
    """The burst with the storage answering at once from memory: the core's own work."""
    async with sqlite_backend() as backend, running_core(backend) as core:
        await core.handle(feedback(-1))
        await core.handle(rsvp(-1, core.rsvp_value))
        storage: Any = core.storage
        answer = await storage.answer_rsvp(*_rsvp_args(core.rsvp_value))

        async def member_language(group_id: str, user_id: str) -> str | None:
            return None

        async def submit_feedback(item: object) -> None:
            return None

        async def answer_rsvp(*args: object) -> RsvpAnswer | None:
            return answer

        storage.member_language = member_language
        storage.submit_feedback = submit_feedback
        storage.answer_rsvp = answer_rsvp
        events: list[Event] = [feedback(n) if n % 2 == 0 else rsvp(n, core.rsvp_value)
                               for n in range(BURST)]
        started = time.perf_counter()
        took = await asyncio.gather(*(core.handle(e, started) for e in events))
    return {"all": list(took)}


def _rsvp_args(value: str) -> tuple[object, ...]:
    meeting_id, occurrence, _ = parse_occurrence_value(value)
    return (GROUP, meeting_id, occurrence, "U-alone", "going", datetime.now(UTC))


def alone_table(alone: list[float], full: list[float], name: str) -> None:
    """Print the core-alone figures beside the full run's."""
    rows = []
    for label, share in (("p50", 0.50), ("p99", 0.99)):
        mine, theirs = percentile(alone, share), percentile(full, share)
        rows.append(Row(f"all ({len(alone)}): {label} ms", f"{mine * 1000:.1f}",
                        f"{theirs * 1000:.1f}", ratio(mine, theirs)))
    print_table(f"the core alone: the same burst, storage answered from memory "
                f"(baseline: the {name} run above)", rows)
    note("what is left when the database costs nothing: the Python work of 500 commands "
         "and their replies on one event loop")


def ceiling_table(name: str, core: dict[str, list[float]], batch_seconds: float) -> None:
    """The core's p99 beside the strongest raw baseline: the same rows in one
    transaction, every one of them durable when its single commit returns."""
    _, p99, _ = spread(core["all"])
    print_table(f"acknowledgement latency against the batch ceiling ({name})", [
        Row(f"all ({len(core['all'])}): p99 ms", f"{p99 * 1000:.1f}",
            f"{batch_seconds * 1000:.1f}", ratio(p99, batch_seconds))])
    note(f"baseline = the raw driver inserting the {BURST} rows in one transaction, timed "
         "from its start to the commit (when every row is durable): what the disk and "
         "driver allow when all commits are shared; ratio = core / ceiling.")


def table(name: str, core: dict[str, list[float]], raw: list[float], driver: str) -> None:
    """Print one backend's table."""
    raw_p50, raw_p99, raw_max = spread(raw)
    rows = []
    for kind, values in core.items():
        p50, p99, top = spread(values)
        rows.append(Row(f"{kind} ({len(values)}): p50 ms", f"{p50 * 1000:.1f}",
                        f"{raw_p50 * 1000:.1f}", ratio(p50, raw_p50)))
        rows.append(Row(f"{kind} ({len(values)}): p99 ms", f"{p99 * 1000:.1f}",
                        f"{raw_p99 * 1000:.1f}", ratio(p99, raw_p99),
                        f"< {TARGET_MS:.0f}", p99 * 1000 < TARGET_MS))
        rows.append(Row(f"{kind} ({len(values)}): max ms", f"{top * 1000:.1f}",
                        f"{raw_max * 1000:.1f}", ratio(top, raw_max)))
    print_table(f"acknowledgement latency: {BURST} concurrent events (feedback + RSVP) "
                f"through the core ({name})", rows)
    note(f"baseline = raw {driver}: {BURST} similar rows inserted at once, one transaction "
         "each; ratio = core / raw. Both timed from one common start (before the tasks "
         "exist). Leaves out: the platform's round trips, other processes and groups, a "
         "cold start, the sends.")


async def sqlite_run() -> None:
    """Core and raw aiosqlite on SQLite files in one temporary folder; then the core
    alone."""
    async with sqlite_backend() as backend:
        core = await burst(backend)
        _, raw = await raw_sqlite(backend.database + "-raw", raw_rows(BURST), "burst")
        batch, _ = await raw_sqlite(backend.database + "-batch", raw_rows(BURST), "batch")
    table("SQLite", core, raw, "aiosqlite (WAL, synchronous=FULL, one connection)")
    ceiling_table("SQLite", core, batch)
    alone_table((await core_alone())["all"], core["all"], "SQLite")


async def postgres_run() -> None:
    """Core (if the storage factory supports PostgreSQL) and raw asyncpg, each on a fresh
    database dropped afterwards."""
    async with fresh_postgres(need_factory=False) as url:
        _, raw = await raw_postgres(url, raw_rows(BURST), "burst")
    async with fresh_postgres(need_factory=False) as url:
        batch, _ = await raw_postgres(url, raw_rows(BURST), "batch")
    core = await core_on_postgres(burst)
    if core is None:
        p50, p99, top = spread(raw)
        note(f"raw asyncpg burst of {BURST} (pool of 10) measured alone: p50 "
             f"{p50 * 1000:.1f} ms, p99 {p99 * 1000:.1f} ms, max {top * 1000:.1f} ms")
        return
    table("PostgreSQL", core, raw, "asyncpg (pool of 10, autocommit)")
    ceiling_table("PostgreSQL", core, batch)


async def main() -> int:
    """SQLite, then PostgreSQL if it can be used."""
    return await sqlite_then_postgres(sqlite_run, postgres_run, LIMIT_SECONDS)


if __name__ == "__main__":
    sys.exit(asyncio.run(main()))
