"""The work the acknowledgement and throughput benchmarks share: anonymous feedback and
meeting RSVPs through the core, and the raw driver inserting a similar row (aiosqlite,
asyncpg) as the baseline. Not a benchmark itself (`make bench` skips `_*.py`)."""

from __future__ import annotations

import asyncio
import contextlib
import secrets
import time
from collections.abc import AsyncIterator
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC
from datetime import datetime
from datetime import timedelta
from typing import Any

import aiosqlite
from _common import Backend

from adapters.memory import MemoryBot
from bot.app import App
from bot.config import Config
from bot.events import Actor
from bot.events import ButtonPress
from bot.events import Event
from bot.events import FormSubmission
from bot.features.feedback.config import FeedbackConfig
from bot.features.meetings.store import MeetingDraft
from bot.features.meetings.texts import RSVP_ACTION
from bot.features.meetings.texts import RSVP_LABELS
from bot.features.meetings.texts import occurrence_value
from bot.messages import Reply
from storage.crypto import FieldCipher
from storage.crypto import generate_key
from storage.interface import Storage

GROUP = "bench-group"
TEXT = ("The meeting room was too cold and the agenda arrived the night before, so I "
        "could not read it in time. Could it come a week earlier? ") * 3
RSVP_ANSWERS = tuple(RSVP_LABELS)
PG_POOL_SIZE = 10


def feedback(n: int) -> FormSubmission:
    """Member n sends anonymous feedback to the group (the /feedback form)."""
    return FormSubmission(GROUP, Actor(f"U{n:06d}", f"Member {n}"), "feedback.send",
                          {"message": f"{TEXT} ({n})", "topic": "meetings",
                           "audience": "group"})


def rsvp(n: int, value: str) -> ButtonPress:
    """Member n presses an RSVP button on a meeting reminder."""
    answer = RSVP_ANSWERS[n % len(RSVP_ANSWERS)]
    return ButtonPress(GROUP, Actor(f"U{n:06d}", f"Member {n}"), f"{RSVP_ACTION}.{answer}",
                       value, channel="updates")


def acknowledged(event: Event, reply: Reply) -> bool:
    """Whether the reply is the success the member should see (not an apology)."""
    if isinstance(event, FormSubmission):
        return bool(reply.messages) and reply.messages[0].text.startswith("Sent anonymously")
    return reply.update is not None and bool(reply.messages)


@dataclass
class Core:
    """An app on a storage, driven through the in-memory adapter (dispatcher running)."""

    app: App
    bot: MemoryBot
    storage: Storage
    rsvp_value: str

    @classmethod
    async def start(cls, storage: Storage) -> Core:
        """The app with every feature, a meeting to answer, and the dispatcher running."""
        now = datetime.now(UTC)
        starts = (now + timedelta(days=2)).replace(second=0, microsecond=0)
        [meeting_id] = await storage.add_meetings([MeetingDraft(
            group_id=GROUP, title="Monthly meeting", starts_at=starts, zone="Europe/London",
            rrule="", location="Room 2", notes="", channel="updates", reminders=(60,),
            created_by="bench")], now)
        app = App(Config().with_sections(FeedbackConfig(daily_limit=100)), storage)
        await app.load()
        bot = MemoryBot(app)
        return cls(app, bot, storage, occurrence_value(meeting_id, starts, False))

    async def handle(self, event: Event, started: float | None = None) -> float:
        """Handle one event; the seconds until it was acknowledged, from `started` (a
        `time.perf_counter()` reading: the burst's common start) or from now."""
        started = time.perf_counter() if started is None else started
        reply = await self.app.handle(event)
        took = time.perf_counter() - started
        if not acknowledged(event, reply):
            raise AssertionError(f"not acknowledged: {reply}")
        return took

    async def stop(self) -> None:
        """Stop the dispatcher (the storage is closed by whoever opened it)."""
        await self.bot.close()


@contextlib.asynccontextmanager
async def running_core(backend: Backend) -> AsyncIterator[Core]:
    """`Core.start` on a fresh storage of `backend`; stopped and closed afterwards."""
    storage = await backend.open()
    core = await Core.start(storage)
    try:
        yield core
    finally:
        await core.stop()
        await storage.close()


# ---- the raw driver, for the baseline ---------------------------------------------------

def raw_rows(count: int) -> list[tuple[Any, ...]]:
    """Rows like a feedback item: random id, group, audience, encrypted body, day, status."""
    cipher = FieldCipher(generate_key())
    return [(secrets.token_hex(5), GROUP, "group",
             cipher.encrypt(f'{{"text":"{TEXT} ({n})","topic":"meetings"}}'),
             1767571200000000, "waiting") for n in range(count)]


_INSERT = "INSERT INTO items VALUES ({})"


async def raw_sqlite(path: str, rows: Sequence[tuple[Any, ...]], mode: str,
                     ) -> tuple[float, list[float]]:
    """Insert the rows straight through aiosqlite, set up as the project's store is (WAL,
    synchronous=FULL, one connection). `mode`: "sequential" (one transaction per row,
    one after another), "burst" (one transaction per row, all started at once, taking
    turns on the connection; each latency counted from the burst's common start) or
    "batch" (all rows in one transaction). Returns the wall time and each row's
    latency."""
    db = await aiosqlite.connect(path, isolation_level=None)
    try:
        await db.execute("PRAGMA journal_mode = WAL")
        await db.execute("PRAGMA synchronous = FULL")
        await db.execute("CREATE TABLE items (id TEXT PRIMARY KEY, group_id TEXT, "
                         "audience TEXT, body TEXT, submitted_day INTEGER, status TEXT) "
                         "WITHOUT ROWID")
        insert = _INSERT.format(", ".join("?" * 6))
        lock = asyncio.Lock()
        latencies: list[float] = []

        async def one(row: tuple[Any, ...], began: float | None = None) -> None:
            began = time.perf_counter() if began is None else began
            async with lock:
                await db.execute("BEGIN IMMEDIATE")
                await db.execute(insert, row)
                await db.execute("COMMIT")
            latencies.append(time.perf_counter() - began)

        started = time.perf_counter()
        if mode == "batch":
            await db.execute("BEGIN IMMEDIATE")
            await db.executemany(insert, rows)
            await db.execute("COMMIT")
        elif mode == "burst":
            await asyncio.gather(*(one(row, started) for row in rows))
        else:
            for row in rows:
                await one(row)
        return time.perf_counter() - started, latencies
    finally:
        await db.close()


async def raw_postgres(url: str, rows: Sequence[tuple[Any, ...]], mode: str,
                       ) -> tuple[float, list[float]]:
    """The same through asyncpg: "sequential" (one autocommitted INSERT after another on
    one connection), "burst" (all at once through a pool of 10 connections, each latency
    counted from the burst's common start) or "batch" (executemany in one transaction).
    Returns the wall time and each row's latency."""
    import asyncpg

    pool = await asyncpg.create_pool(url, min_size=1, max_size=PG_POOL_SIZE)
    try:
        await pool.execute("CREATE TABLE items (id TEXT PRIMARY KEY, group_id TEXT, "
                           "audience TEXT, body TEXT, submitted_day BIGINT, status TEXT)")
        insert = _INSERT.format(", ".join(f"${i}" for i in range(1, 7)))
        latencies: list[float] = []

        async def one(conn: Any, row: tuple[Any, ...]) -> None:
            began = time.perf_counter()
            await conn.execute(insert, *row)
            latencies.append(time.perf_counter() - began)

        async def pooled(row: tuple[Any, ...], began: float) -> None:
            await pool.execute(insert, *row)
            latencies.append(time.perf_counter() - began)

        if mode == "burst":
            started = time.perf_counter()
            await asyncio.gather(*(pooled(row, started) for row in rows))
            return time.perf_counter() - started, latencies
        async with pool.acquire() as conn:
            started = time.perf_counter()
            if mode == "batch":
                async with conn.transaction():
                    await conn.executemany(insert, rows)
            else:
                for row in rows:
                    await one(conn, row)
            return time.perf_counter() - started, latencies
    finally:
        await pool.close()
