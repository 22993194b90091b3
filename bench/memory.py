"""Benchmark: resident memory of one bot process serving 1,000 groups and 20,000 members.

The database is filled through the storage interface: 1,000 groups with chat-made
settings (time zone, updates channel), 3 weekly meetings each with reminders a day and
an hour before (3,000 meetings), and 20,000 members (20 a group) with check-ins
switched on, each on their own weekly schedule. Then a fresh process (so that filling
the database leaves nothing behind in it) imports the bot, notes its resident memory
(the baseline: the code loaded, no data), opens the storage, loads every group's
settings, starts the scheduler with every feature's schedules (23,000 and more), and
notes its resident memory again (RSS from /proc/self/status; peak too). The platform
adapters (discord.py, slack-bolt and the health server's aiohttp and prometheus-client)
are imported before the baseline, as `coprod run` imports one of them; the core alone
is noted too. Target: under 150 MB. Leaves out: a live platform connection (discord.py's
cache of servers, channels and members, Slack's clients), the health server running,
and messages in flight. On SQLite, and on PostgreSQL when available. Bounded: about
15 s per backend.

Run: `make bench`, or `.venv/bin/python bench/memory.py`.
"""

from __future__ import annotations

import asyncio
import gc
import json
import os
import resource
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

GROUPS = 1000
MEMBERS_PER_GROUP = 20
MEETINGS_PER_GROUP = 3
TARGET_MB = 150.0
KEY_ENV = "COPROD_BENCH_KEY"
ZONES = ("Europe/London", "Europe/Paris", "America/New_York", "Asia/Kolkata",
         "Australia/Sydney")


def rss_mb() -> tuple[float, float]:
    """Resident memory now and at its peak, in MB (MiB), from /proc/self/status."""
    now = peak = 0.0
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                now = int(line.split()[1]) / 1024
            elif line.startswith("VmHWM:"):
                peak = int(line.split()[1]) / 1024
    except OSError:  # not Linux: the peak is all getrusage gives
        peak = now = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return now, peak


# ---- the measured process ---------------------------------------------------------------

async def measure(database: str) -> dict[str, Any]:
    """Load everything in this (fresh) process; memory before and after."""
    from bot.app import App
    from bot.config import Config
    from bot.features.registry import PACKAGES
    from bot.features.registry import install
    from storage.crypto import FieldCipher
    from storage.factory import open_storage

    install()

    gc.collect()
    core_only, _ = rss_mb()
    import slack_bolt.async_app

    import adapters.discord
    import adapters.health
    import adapters.slack

    assert adapters.discord and adapters.health and adapters.slack and slack_bolt.async_app
    gc.collect()
    before, _ = rss_mb()
    started = time.perf_counter()
    storage = await open_storage(database, FieldCipher(os.environ[KEY_ENV]))
    app = App(Config(), storage, features=PACKAGES)
    await app.load()
    await app.start_scheduler()
    load_seconds = time.perf_counter() - started
    gc.collect()
    after, peak = rss_mb()
    result = {"core_only": core_only, "before": before, "after": after, "peak": peak,
              "seconds": load_seconds, "groups": len(app.settings.stored),
              "schedules": len(app.scheduler._entries)}
    await app.stop()
    await storage.close()
    return result


# ---- filling the database, and the table ------------------------------------------------

async def fill(database: str, key: str) -> float:
    """Groups, meetings and members' check-ins through the storage interface."""
    from datetime import UTC
    from datetime import datetime
    from datetime import timedelta

    from bot.config_model import WEEKDAYS
    from bot.features.checkins.store import CheckinPrefs
    from bot.features.meetings.store import MeetingDraft
    from storage.crypto import FieldCipher
    from storage.factory import open_storage

    started = time.perf_counter()
    storage = await open_storage(database, FieldCipher(key))
    await storage.migrate()
    now = datetime.now(UTC)
    first = (now + timedelta(days=1)).replace(minute=0, second=0, microsecond=0)
    drafts = []
    for g in range(GROUPS):
        group = f"group-{g:04d}"
        zone = ZONES[g % len(ZONES)]
        await storage.save_group_settings(group, {"timezone": zone,
                                                  "updates_channel": "updates"}, "bench", now)
        for m in range(MEETINGS_PER_GROUP):
            drafts.append(MeetingDraft(
                group_id=group, title=f"Meeting {m}",
                starts_at=first + timedelta(hours=g % 24, days=m), zone=zone,
                rrule="FREQ=WEEKLY", location="Room 2", notes="Bring ideas",
                channel="updates", reminders=(1440, 60), created_by="bench"))
        for n in range(MEMBERS_PER_GROUP):
            await storage.save_checkin_prefs(CheckinPrefs(
                group, f"U{g:04d}{n:02d}", f"Member {n}", enabled=True,
                weekday=(g + n) % len(WEEKDAYS), at=f"{9 + n % 9:02d}:30", timezone=zone,
                anchor=now), now)
    await storage.add_meetings(drafts, now)
    await storage.close()
    return time.perf_counter() - started


def measure_in_child(database: str, key: str) -> dict[str, Any]:
    """Run the measurement in a fresh interpreter and read its answer."""
    done = subprocess.run(
        [sys.executable, __file__, "--measure", database], capture_output=True, text=True,
        env={**os.environ, KEY_ENV: key}, timeout=120, check=False)
    if done.returncode != 0:
        raise RuntimeError(f"the measuring process failed:\n{done.stderr[-2000:]}")
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


async def run_backend(name: str, database: str) -> None:
    """Fill, measure, print one backend's table."""
    from _common import Row
    from _common import note
    from _common import print_table
    from _common import ratio

    from storage.crypto import generate_key

    key = generate_key()
    fill_seconds = await fill(database, key)
    got = await asyncio.to_thread(measure_in_child, database, key)
    print_table(f"memory: one process, {GROUPS:,} groups, {GROUPS * MEMBERS_PER_GROUP:,} "
                f"members, their schedules loaded ({name})", [
        Row("RSS after loading everything (MB)", f"{got['after']:.1f}",
            f"{got['before']:.1f}", ratio(got["after"], got["before"]),
            f"< {TARGET_MB:.0f}", got["after"] < TARGET_MB),
        Row("RSS before: bot and adapters imported, no data (MB)", f"{got['before']:.1f}",
            f"{got['core_only']:.1f}", ratio(got["before"], got["core_only"])),
        Row("RSS with the core alone imported (MB)", f"{got['core_only']:.1f}"),
        Row("  the platform adapters add (MB)", f"{got['before'] - got['core_only']:.1f}"),
        Row("growth for the data (MB)", f"{got['after'] - got['before']:.1f}"),
        Row("peak RSS (MB)", f"{got['peak']:.1f}"),
        Row("groups with settings loaded", f"{got['groups']:,}"),
        Row("schedules in the scheduler", f"{got['schedules']:,}"),
        Row("load and scheduler start (s)", f"{got['seconds']:.2f}"),
    ])
    note("baseline = the same process before loading, with the core and the Discord and "
         "Slack adapters imported (second baseline: the core alone); leaves out a live "
         "platform connection's cache and the health server running.")
    note(f"filled in {fill_seconds:.1f} s: "
         f"{GROUPS * MEETINGS_PER_GROUP:,} weekly meetings with 2 reminders each, "
         f"{GROUPS * MEMBERS_PER_GROUP:,} members with weekly check-ins.")


async def main() -> int:
    """SQLite, then PostgreSQL if it can be used."""
    from _common import Clock
    from _common import for_each_backend
    from _common import note

    clock = Clock()
    await for_each_backend(lambda backend: run_backend(backend.name, backend.database))
    note(f"(bench took {clock})")
    return 0


if __name__ == "__main__":
    if sys.argv[1:2] == ["--measure"]:
        print(json.dumps(asyncio.run(measure(sys.argv[2]))))
        sys.exit(0)
    sys.exit(asyncio.run(main()))
