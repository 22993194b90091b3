"""Benchmark: a meeting reminder sent by direct message to 1,000 members on Discord.

The real path: the meeting (with 1,000 members who asked for reminders by DM) is in
SQLite; the scheduler fires its reminder, the occurrence and its 1,001 deliveries (the
channel post and the DMs) are claimed and stored, and the delivery dispatcher sends them
through the Discord adapter and the unmodified discord.py to the fake Discord on
127.0.0.1, which enforces Discord's global rate limit: 50 requests per second, answered
past that with Discord's 429 (`"global": true`, `retry_after`, `Retry-After`,
`X-RateLimit-Global`). A DM takes two requests the first time (open the DM channel,
send the message; discord.py keeps the channel), so the limit alone sets a bound of
requests / 50 seconds. Targets: the total within 10% of that bound, and no wasted
retries (429s) beyond the first few. Storage is not what limits this, so it runs on
SQLite only. Bounded: about 45 s.

Run: `make bench`, or `.venv/bin/python bench/fanout.py`.
"""

from __future__ import annotations

import asyncio
import logging
import sys
import time
from datetime import UTC
from datetime import datetime
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from _common import Clock
from _common import Row
from _common import note
from _common import print_table
from _common import ratio
from _common import sqlite_backend

from adapters.discord import DiscordBot
from adapters.discord.client import apply_endpoints
from adapters.discord.client import restore_endpoints
from bot.app import App
from bot.config import Config
from bot.config import DiscordConfig
from bot.features.meetings import package as meetings
from bot.features.meetings.config import MeetingsConfig
from bot.features.meetings.store import MeetingDraft
from tests.fakes.discord import FakeDiscord

MEMBERS = 1000
LIMIT = 50  # Discord's global limit, requests per second
LEAD = 2.0  # seconds from start to the reminder's due time
REMINDER_MINUTES = 60
TIMEOUT = 120.0


def _dms(fake: FakeDiscord) -> int:
    """How many direct messages the bot has sent."""
    return sum(1 for m in list(fake.messages.values())
               if fake.channels[m["channel_id"]]["type"] == 1)


async def run() -> int:
    """Set the world up, fire the reminder, wait for every DM, print the table."""
    clock = Clock()
    logging.getLogger("discord").setLevel(logging.ERROR)  # its 429 warnings, if any
    fake = FakeDiscord()
    users = [fake.member(f"member{i:04d}") for i in range(MEMBERS)]
    await fake.start()
    fake.enforce_global_limit(LIMIT)
    previous = apply_endpoints("", "")
    config = Config(
        discord=DiscordConfig(guild_ids=(fake.guild_id,), api_base=fake.api_base,
                              gateway_url=fake.gateway_url, requests_per_second=LIMIT),
    ).with_sections(MeetingsConfig(coming_up_day="never"))
    task: asyncio.Task[None] | None = None
    bot: DiscordBot | None = None
    app: App | None = None
    try:
        async with sqlite_backend() as backend:
            storage = await backend.open()
            due = datetime.now(UTC) + timedelta(seconds=LEAD + 3.0)
            [meeting_id] = await storage.add_meetings([MeetingDraft(
                group_id=fake.guild_id, title="Monthly meeting",
                starts_at=due + timedelta(minutes=REMINDER_MINUTES), zone="Europe/London",
                rrule="", location="Room 2", notes="", channel="updates",
                reminders=(REMINDER_MINUTES,), created_by="bench")], datetime.now(UTC))
            for user in users:
                await storage.set_dm_optin(meeting_id, user, True)
            app = App(config, storage, features=[meetings.PACKAGE])
            await app.load()
            bot = DiscordBot(app, config.discord, guild_ready_timeout=0.05)
            app.start_delivery(bot.sender)
            task = asyncio.create_task(bot.client.start(fake.token))
            async with asyncio.timeout(30):
                while not bot.client.is_ready():
                    if task.done():
                        task.result()
                    await asyncio.sleep(0.01)
            before_requests = len(fake.accepted_at)
            before_429 = fake.global_429s
            await app.start_scheduler()
            async with asyncio.timeout(TIMEOUT):
                while _dms(fake) < MEMBERS:  # noqa: ASYNC110 - polling a count
                    await asyncio.sleep(0.1)
            done_at = time.monotonic()
            due_mono = time.monotonic() - (datetime.now(UTC) - due).total_seconds()
            counts = await storage.delivery_counts()
            await storage.close()
    finally:
        if bot is not None:
            await bot.client.close()
        if task is not None:
            async with asyncio.timeout(10):
                await task
        if app is not None:
            await app.stop()
        restore_endpoints(previous)
        await fake.stop()

    fanned = fake.accepted_at[before_requests:]
    requests = len(fanned)
    rejected = fake.global_429s - before_429
    first, last = fanned[0], fanned[-1]
    total = last - first
    bound = requests / LIMIT
    end_to_end = done_at - due_mono
    busiest = max(sum(1 for t in fanned[i:i + LIMIT + 1] if t - fanned[i] < 1.0)
                  for i in range(len(fanned)))
    print_table(f"fan-out: a reminder DM to {MEMBERS} members through discord.py against "
                f"the fake Discord ({LIMIT} requests/s global limit)", [
        Row("requests sent for the reminder", f"{requests}"),
        Row("total time, first to last request (s)", f"{total:.2f}",
            f"{bound:.2f}", ratio(total, bound), "<= 1.10x", total <= bound * 1.10),
        Row("due time to last DM shown (s)", f"{end_to_end:.2f}", f"{bound:.2f}",
            ratio(end_to_end, bound)),
        Row("429 responses received (wasted requests)", f"{rejected}", "", "",
            "<= 3", rejected <= 3),
        Row("most requests in any one second", f"{busiest}", f"{LIMIT}", "", f"<= {LIMIT}",
            busiest <= LIMIT),
    ])
    note(f"baseline = the bound the limit sets: {requests} requests / {LIMIT} per s. "
         f"Deliveries: {', '.join(f'{k.value} {v}' for k, v in sorted(counts.items()))}.")
    note(f"(bench took {clock})")
    return 0


if __name__ == "__main__":
    sys.exit(asyncio.run(run()))
