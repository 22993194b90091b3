"""Benchmark: meeting reminders delivered per second by 1, 2 and 3 real `coprod run`
processes sharing one PostgreSQL database, through the Discord adapter and the
unmodified discord.py against a fake Discord that answers after a realistic delay.

The world: G groups (each a Discord server with an `updates` channel, spread over 6
gateway shards), M members with weekly check-ins (loaded into every process's scheduler
at start, none due during the run), and R meeting reminders, each posted to its group's
channel, seeded straight into the database through the stores (not timed). Each
process is a separate `python -m bot.cli run --platform discord` holding its share of
the shards (6, 3+3 or 2+2+2, as docs/scaling.md says to split them) and draining the
one shared outbox. Every request to the fake waits a random 30-80 ms before it is
answered (`--latency-ms`).

1. Scale: the R reminders fall due within 2 s; deliveries per second = R / (the last
   reminder's message at the fake - the first due time). No global rate limit, and each
   process's own pacing set out of the way, so the processes are limited only by
   themselves, the database and the machine. Baseline: 1 process, measured in the same
   run; the final lines are `scale: N processes N.NNx of 1`.
2. Rate limit (full mode; `--limit-run` in quick): the R reminders fall due across one
   minute, the fake enforces Discord's global limit of 50 requests per second (429 past
   it), each process paces itself at its share (`[discord] requests_per_second`).
   Baseline: the bound the limit sets, one message a reminder: reminders / 50 s (at
   least the minute they take to fall due); any other request counts against us.

Every reminder must reach the fake exactly once: the fake counts the messages it created
per nonce (the adapter sends each delivery with a nonce made from its key), and the
outbox must end with every delivery delivered. Each run prints the CPU used over the
burst by the bot processes, their PostgreSQL backends, this process (the fake and the
driver, on the same cores) and the whole machine. Leaves out: members' commands (only
deliveries are measured), Discord's per-route limits, the network (everything is on
127.0.0.1).

Quick (`--quick`, what `make bench` runs): 500 groups, 10,000 members, 1,200 reminders,
scale only (under 5 minutes). Full (no flag): 5,000 groups, 100,000 members, 10,000
reminders, both parts (about 20 minutes on this 2-core machine when nothing else runs).

Run: `.venv/bin/python bench/scale.py --quick` (or without `--quick`).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import logging
import os
import random
import signal
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Iterator
from collections.abc import Sequence
from dataclasses import dataclass
from dataclasses import field
from datetime import UTC
from datetime import datetime
from datetime import timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from _common import Clock
from _common import Row
from _common import Skipped
from _common import fresh_postgres
from _common import note
from _common import print_table
from _common import ratio
from _common import skipped
from aiohttp import web

from bot.features.checkins.store import CheckinPrefs
from bot.features.meetings.jobs import PREPARE_AHEAD
from bot.features.meetings.store import MeetingDraft
from bot.outbox import DeliveryStatus
from storage.crypto import FieldCipher
from storage.crypto import generate_key
from storage.factory import open_storage
from tests.campaigns.recorder import write_config
from tests.fakes.discord import FakeDiscord
from tests.fakes.discord import payloads as p
from tests.fakes.discord.server import _json

REPO = Path(__file__).resolve().parents[1]
SHARDS = 6  # split 6, 3+3, 2+2+2
PROCESS_COUNTS = (1, 2, 3)
DISCORD_LIMIT = 50
SCALE_SPREAD_S = 2.0
LIMIT_SPREAD_S = 60.0
CONCURRENCY = 16  # [delivery] concurrency of each process
LEASE_SECONDS = 60
READY_LIMIT_S = 240.0


@dataclass(frozen=True)
class Size:
    """How big a run is."""

    groups: int
    members: int
    reminders: int
    lead_s: float  # from starting the processes to the first reminder's due time


# The lead leaves room for start-up: one process connects its 6 shards about 5 s apart
# (discord.py's identify pacing) and is ready after about 30 s, then loads and checks
# its servers; a burst landing on that would make the 1-process baseline unfairly low.
QUICK = Size(groups=500, members=10_000, reminders=1_200, lead_s=60.0)
FULL = Size(groups=5_000, members=100_000, reminders=10_000, lead_s=90.0)


# ---- the fake platform -------------------------------------------------------------------

class ManyServers(FakeDiscord):
    """The fake Discord with many servers (one `updates` channel each), every REST
    request answered after a random delay, and each created message counted by nonce."""

    def __init__(self, groups: int, latency_ms: tuple[int, int]) -> None:
        super().__init__()
        self.latency = (latency_ms[0] / 1000, latency_ms[1] / 1000)
        self.servers: dict[str, dict[str, Any]] = {}
        self.updates: dict[str, str] = {}  # group id -> its updates channel id
        self.created: Counter[str] = Counter()  # nonce -> messages created with it
        self.posts: Counter[str] = Counter()  # nonce -> POSTs carrying it (repeats too)
        self.created_at: list[float] = []
        self.answered: Counter[str] = Counter()  # "GET /channels/N 200" -> how many
        for n in range(groups):
            gid = p.snowflake_on_shard(n % SHARDS, SHARDS)
            cid = p.snowflake()
            self.channels[cid] = p.text_channel(cid, gid, "updates")
            everyone = p.role(gid, "@everyone", 0, 0)
            self.servers[gid] = p.guild(gid, f"Group {n}", [everyone], [self.channels[cid]],
                                        self.owner_id)
            self.updates[gid] = cid

    async def _identify(self, sock: Any, data: dict[str, Any],
                        shard: tuple[int, int]) -> None:
        await super()._identify(sock, data, shard)
        mine = [g for g in self.servers if (int(g) >> 22) % shard[1] == shard[0]]
        for gid in mine:
            await self.dispatch("GUILD_CREATE", self.servers[gid], shard=shard[0])

    async def _rest(self, request: web.Request) -> web.StreamResponse:
        started = time.monotonic()
        response = await super()._rest(request)
        route = "/".join(x if not x.isdigit() else "N" for x in request.path.split("/")[3:])
        self.answered[f"{request.method} /{route} {response.status}"] += 1
        wait = random.uniform(*self.latency) - (time.monotonic() - started)
        if wait > 0:
            await asyncio.sleep(wait)
        return response

    async def _get_guild(self, body: Any, guild_id: str) -> web.Response:
        found = self.servers.get(guild_id)
        if found is None:
            return await super()._get_guild(body, guild_id)
        return _json({k: v for k, v in found.items() if k != "channels"})

    async def _get_channels(self, body: Any, guild_id: str) -> web.Response:
        if guild_id not in self.servers:
            return await super()._get_channels(body, guild_id)
        return _json(self.servers[guild_id]["channels"])

    async def _create_message(self, body: Any, channel_id: str) -> web.Response:
        nonce = str(body.get("nonce"))
        self.posts[nonce] += 1
        seen = (channel_id, nonce) in self._nonces
        response = await super()._create_message(body, channel_id)
        if response.status == 200 and not seen:
            self.created[nonce] += 1
            self.created_at.append(time.monotonic())
        return response

    def count(self, method: str, prefix: str) -> int:
        """Requests received (answered or refused) of this method whose path starts so."""
        return sum(1 for r in self.requests if r.method == method and r.path.startswith(prefix))


# ---- seeding (not timed) -----------------------------------------------------------------

async def seed_members(url: str, key: str, fake: ManyServers, size: Size) -> None:
    """Members with weekly check-ins on a day that is neither today nor tomorrow, round
    robin over the groups, in one transaction."""
    storage = await open_storage(url, FieldCipher(key))
    try:
        await storage.migrate()
        now = datetime.now(UTC)
        groups = list(fake.servers)
        weekday = (now.weekday() + 3) % 7
        prefs = [CheckinPrefs(groups[n % len(groups)], f"{10**17 + n}", f"Member {n}",
                              enabled=True, weekday=weekday, at="12:00", timezone="UTC",
                              anchor=now) for n in range(size.members)]
        await _bulk_prefs(storage, prefs, now)
    finally:
        await storage.close()


async def seed_reminders(url: str, key: str, fake: ManyServers, size: Size,
                         first_due: datetime, spread_s: float) -> None:
    """One meeting per reminder, round robin over the groups, in one transaction."""
    storage = await open_storage(url, FieldCipher(key))
    try:
        now = datetime.now(UTC)
        groups = list(fake.servers)
        drafts = []
        for n in range(size.reminders):
            group = groups[n % len(groups)]
            due = first_due + timedelta(seconds=spread_s * n / size.reminders)
            drafts.append(MeetingDraft(
                group_id=group, title=f"Meeting {n}", starts_at=due + timedelta(minutes=1),
                zone="UTC", rrule="", location="Room 2", notes="",
                channel=f"<#{fake.updates[group]}>", reminders=(1,), created_by="bench"))
        await storage.add_meetings(drafts, now)
    finally:
        await storage.close()


async def _bulk_prefs(storage: Any, prefs: Sequence[CheckinPrefs], now: datetime) -> None:
    """The check-in store's own INSERT, for every member in one transaction (its
    `save_checkin_prefs` is one transaction per member: minutes for 100,000)."""
    from storage.checkins.sql import _SAVE_PREFS

    async with storage._transaction() as db:
        await db.executemany(_SAVE_PREFS, [storage._prefs_row(x, now) for x in prefs])


# ---- the processes -----------------------------------------------------------------------

def shares(count: int) -> list[list[int]]:
    """Each process's shard ids."""
    per = SHARDS // count
    return [list(range(i * per, (i + 1) * per)) for i in range(count)]


@contextlib.contextmanager
def processes(count: int, label: str, folder: Path, url: str, key: str, fake: ManyServers,
              requests_per_second: int, slots: int = 0,
              ) -> Iterator[list[subprocess.Popen[bytes]]]:
    """`count` real `coprod run --platform discord` processes, each with `slots` sends
    in flight (`CONCURRENCY` unless given); SIGTERM afterwards."""
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("COPROD_", "DISCORD_", "SLACK_"))}
    env.update({"PYTHONPATH": str(REPO), "PYTHONUTF8": "1", "COPROD_DATABASE_URL": url,
                "COPROD_ENCRYPTION_KEY": key, "COPROD_HEALTH": "off",
                "DISCORD_TOKEN": fake.token, "DISCORD_API_BASE": fake.api_base,
                "DISCORD_GATEWAY_URL": fake.gateway_url})
    started: list[subprocess.Popen[bytes]] = []
    try:
        for n, shard_ids in enumerate(shares(count)):
            config = write_config(folder / f"config-{label}-{n}.toml", {
                "discord": {"shard_count": SHARDS, "shard_ids": shard_ids,
                            "command_sync": "global",
                            "requests_per_second": requests_per_second},
                "delivery": {"concurrency": slots or CONCURRENCY,
                             "lease_seconds": LEASE_SECONDS},
                "meetings": {"coming_up_day": "never"},
            })
            with (folder / f"coprod-{label}-{n}.log").open("ab") as log:
                started.append(subprocess.Popen(
                    [sys.executable, "-m", "bot.cli", "run", "--platform", "discord",
                     "--config", str(config)],
                    stdin=subprocess.DEVNULL, stdout=log, stderr=log, cwd=folder, env=env))
        yield started
    finally:
        for proc in started:
            if proc.poll() is None:
                proc.send_signal(signal.SIGTERM)
        for proc in started:
            try:
                proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait(timeout=10)


# ---- one run -----------------------------------------------------------------------------

@dataclass
class Result:
    """What one run measured."""

    count: int
    reminders: int
    seconds: float  # first due time (or every process ready, if later) -> the last one
    first_to_last: float
    ready_s: float  # from start to every process ready
    ready_before_due: bool
    delivered_once: bool
    outbox: dict[str, int]
    refused: int
    load: float
    requests: dict[str, int] = field(default_factory=dict)
    repeats: int = 0  # sends the fake answered with the first message (same nonce)
    peaks: list[float] = field(default_factory=list)  # each process's peak RSS, MB
    # CPU seconds from the due time to the last reminder: the bot processes together,
    # their PostgreSQL backends, this process (the fake Discord and the driver), the
    # whole machine (every core).
    cpu: list[float] = field(default_factory=list)
    # The same from just before the reminders are prepared (`PREPARE_AHEAD` before the
    # first due time) to that time: the work done ahead, off the member's wait.
    cpu_ahead: list[float] = field(default_factory=list)

    @property
    def rate(self) -> float:
        """Reminders delivered per second."""
        return self.reminders / self.seconds if self.seconds > 0 else 0.0


def _peak_mb(pid: int) -> float:
    """A process's peak resident memory (VmHWM), in MB; 0 where /proc cannot tell."""
    for line in _text(Path(f"/proc/{pid}/status")).splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return 0.0


def _cpu(procs: Sequence[subprocess.Popen[bytes]], backends: Sequence[int]) -> list[float]:
    """CPU seconds so far: the bot processes together, their PostgreSQL backends, this
    process (the fake Discord and the driver), the whole machine (every core)."""
    mine = os.times()
    cpu = [int(x) for x in _text(Path("/proc/stat")).split("\n", 1)[0].split()[1:]]
    busy = (sum(cpu) - cpu[3] - cpu[4]) if len(cpu) > 4 else 0
    return [_ticks([p.pid for p in procs]), _ticks(backends), mine.user + mine.system,
            busy / os.sysconf("SC_CLK_TCK")]


def _ticks(pids: Sequence[int]) -> float:
    """User and system CPU seconds of these processes (0 for one that is gone)."""
    total = 0
    for pid in pids:
        fields = _text(Path(f"/proc/{pid}/stat")).rpartition(")")[2].split()
        total += int(fields[11]) + int(fields[12]) if len(fields) > 12 else 0
    return total / os.sysconf("SC_CLK_TCK")


async def _backends(url: str) -> list[int]:
    """The PostgreSQL server processes serving the bot processes' connections (on this
    machine; their CPU is read from /proc)."""
    import asyncpg

    conn = await asyncpg.connect(url)
    try:
        rows = await conn.fetch("SELECT pid FROM pg_stat_activity WHERE datname ="
                                " current_database() AND pid <> pg_backend_pid()")
    finally:
        await conn.close()
    return [int(row["pid"]) for row in rows]


def _ready(folder: Path, label: str, count: int) -> int:
    """How many of the `count` processes have logged that Discord is ready (every
    shard's servers received)."""
    return sum(1 for n in range(count)
               if "event=discord.ready" in _text(folder / f"coprod-{label}-{n}.log"))


def _text(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8", errors="replace")
    except FileNotFoundError:
        return ""


async def _wait(check: Any, limit: float, what: str,
                procs: Sequence[subprocess.Popen[bytes]], folder: Path) -> None:
    deadline = time.monotonic() + limit
    while not check():
        if any(proc.poll() is not None for proc in procs):
            raise RuntimeError(f"a coprod process ended early: see {folder}/coprod-*.log")
        if time.monotonic() > deadline:
            raise RuntimeError(f"timed out waiting for {what}: see {folder}/coprod-*.log")
        await asyncio.sleep(0.1)


async def run_once(count: int, size: Size, latency: tuple[int, int], spread_s: float,
                   limit: int, folder: Path, slots: int = 0) -> Result:
    """Seed a fresh database, start `count` processes (each with `slots` sends in
    flight, `CONCURRENCY` unless given), wait for every reminder at the fake, then check
    the outbox."""
    fake = ManyServers(size.groups, latency)
    await fake.start()
    try:
        async with fresh_postgres() as url:
            key = generate_key()
            await seed_members(url, key, fake, size)
            first_due = datetime.now(UTC) + timedelta(seconds=size.lead_s)
            await seed_reminders(url, key, fake, size, first_due, spread_s)
            if limit:
                fake.enforce_global_limit(limit)
            per_process = max(1, limit // count) if limit else 10_000
            load = os.getloadavg()[0]
            started = time.monotonic()
            due_mono = started + (first_due - datetime.now(UTC)).total_seconds()
            label = f"{'limit' if limit else 'scale'}-{count}{f'-{slots}' if slots else ''}"
            with processes(count, label, folder, url, key, fake, per_process,
                           slots) as procs:
                await _wait(lambda: _ready(folder, label, count) >= count, READY_LIMIT_S,
                            "every process to connect", procs, folder)
                ready_mono = time.monotonic()
                # The CPU is counted from before the reminders are prepared (a meeting's
                # are made `PREPARE_AHEAD` before due), so it is all the burst's work.
                counted_from = due_mono - PREPARE_AHEAD.total_seconds() - 1.0
                if counted_from > ready_mono:
                    await asyncio.sleep(counted_from - ready_mono)
                ahead_from = _cpu(procs, await _backends(url))
                if due_mono > time.monotonic():
                    await asyncio.sleep(due_mono - time.monotonic())
                backends = await _backends(url)
                before = _cpu(procs, backends)
                ahead = [b - a for a, b in zip(ahead_from, before, strict=True)]
                at_start = {pid: _ticks([pid]) for pid in backends}
                await _wait(lambda: len(fake.created) >= size.reminders,
                            size.reminders / 5 + 60, "every reminder", procs, folder)
                used = [b - a for a, b in zip(before, _cpu(procs, []), strict=True)]
                # The backends alive at the end, each from its own start reading (one
                # opened during the burst counts from 0, its start included; one closed
                # during it is left out, not counted as minus its whole life).
                used[1] = sum(_ticks([pid]) - at_start.get(pid, 0.0)
                              for pid in await _backends(url))
                await asyncio.sleep(1.0)  # anything sent twice would show now
                outbox = await _outbox(url, key)
                peaks = [_peak_mb(proc.pid) for proc in procs]
            created = sorted(fake.created_at)
            return Result(
                count, size.reminders, created[-1] - max(due_mono, ready_mono),
                created[-1] - created[0], ready_mono - started, ready_mono < due_mono,
                len(fake.created) == size.reminders and max(fake.created.values()) == 1
                and outbox.get(DeliveryStatus.DELIVERED.value) == size.reminders,
                outbox,
                fake.global_429s, load, dict(fake.answered),
                sum(fake.posts.values()) - len(fake.posts), peaks, used, ahead)
    finally:
        await fake.stop()


async def _outbox(url: str, key: str) -> dict[str, int]:
    storage = await open_storage(url, FieldCipher(key))
    try:
        counts = await storage.delivery_counts()
    finally:
        await storage.close()
    return {status.value: counts.get(status, 0) for status in DeliveryStatus}


# ---- the tables --------------------------------------------------------------------------

def _sent(r: Result) -> int:
    """Requests the processes made after start-up (messages, and fetching servers and
    channels held by another process's shards)."""
    return sum(n for k, n in r.requests.items()
               if k.startswith(("POST /channels/", "GET /channels/", "GET /guilds/")))


def _breakdown(results: Sequence[Result]) -> None:
    for r in results:
        kinds = ", ".join(f"{k} x{n:,}" for k, n in sorted(r.requests.items())
                          if k.startswith(("POST /channels/", "GET /channels/", "GET /guilds/")))
        note(f"{r.count} process{'es' if r.count > 1 else ''}: {kinds}")


def _once(r: Result) -> str:
    delivered = r.outbox.get(DeliveryStatus.DELIVERED.value, 0)
    return (f"{'yes' if r.delivered_once else 'NO'} ({delivered:,} delivered, "
            f"{r.repeats} resent)")


def ceiling(r: Result) -> tuple[float, float]:
    """The CPU milliseconds one reminder cost the bots, their PostgreSQL and the fake
    together from its due time (what was prepared ahead is left out: it is done before,
    off the member's wait), and the reminders per second this machine's cores could
    carry at that cost: the most any number of processes could send here."""
    spent = sum(r.cpu[:3]) if len(r.cpu) >= 3 else 0.0
    per = 1000 * spent / r.reminders if r.reminders else 0.0
    return per, (1000 * (os.cpu_count() or 1) / per if per else 0.0)


def _cpu_row(r: Result) -> Row:
    return Row("  CPU s, due -> last (prepared ahead): bots / PostgreSQL / fake / machine",
               " / ".join(f"{c:.1f} ({a:.1f})" for c, a in zip(r.cpu, r.cpu_ahead,
                                                            strict=True))
               + f" (of {r.seconds * (os.cpu_count() or 1):.1f})")


def _ceiling_row(r: Result) -> Row:
    per, most = ceiling(r)
    return Row("  CPU ms a reminder (all three) / the cores' ceiling at that (per s)",
               f"{per:.2f} / {most:,.0f}", f"{most:,.0f}", ratio(r.rate, most))


def scale_table(size: Size, results: Sequence[Result], latency: tuple[int, int],
                same_slots: Result | None = None) -> None:
    """Deliveries per second per process count, against 1 process; and, with
    `same_slots`, 2 processes against 1 with as many sends in flight as the two."""
    base = results[0].rate
    rows = []
    two = next((r for r in results if r.count == 2), None)
    if same_slots is not None and two is not None:
        rows.append(Row(f"1 process, concurrency {2 * CONCURRENCY}: reminders per s",
                        f"{same_slots.rate:,.1f}", f"{base:,.1f}",
                        ratio(same_slots.rate, base)))
        rows.append(Row("  2 processes against it (the same sends in flight)",
                        f"{two.rate:,.1f}", f"{same_slots.rate:,.1f}",
                        ratio(two.rate, same_slots.rate)))
        rows.append(Row("  each reminder created once at the fake", _once(same_slots)))
        rows.append(_cpu_row(same_slots))
        rows.append(_ceiling_row(same_slots))
    for r in results:
        rows += [
            Row(f"{r.count} process{'es' if r.count > 1 else ''}: reminders per s",
                f"{r.rate:,.1f}", f"{base:,.1f}", ratio(r.rate, base),
                ">= 1.50x" if r.count == 2 else "", r.rate >= 1.5 * base if r.count == 2
                else None),
            Row("  due (or all ready) -> last / first -> last (s)",
                f"{r.seconds:.1f} / {r.first_to_last:.1f}"),
            Row("  requests to Discord per reminder", f"{_sent(r) / r.reminders:.2f}"),
            Row("  each reminder created once at the fake", _once(r)),
            _cpu_row(r),
            _ceiling_row(r),
            Row("  peak RSS of each process (MB)",
                " / ".join(f"{mb:.0f}" for mb in r.peaks)),
            Row("  processes ready after (s)",
                f"{r.ready_s:.1f}{'' if r.ready_before_due else ' LATE'}"),
        ]
    print_table(f"scale: {size.reminders:,} reminders due within {SCALE_SPREAD_S:.0f} s, "
                f"{size.groups:,} groups, {size.members:,} members, PostgreSQL, fake "
                f"Discord answering in {latency[0]}-{latency[1]} ms", rows)
    note(f"baseline = 1 process in this run; each process: [delivery] concurrency "
         f"{CONCURRENCY}, its own request pacing off. The strongest one-process baseline "
         "for 2 processes is 1 process with as many sends in flight as the two (shown "
         "when 2 processes run): where it is as fast, a second process adds send slots, "
         "not capacity. Load average at each start: "
         + ", ".join(f"{r.load:.1f}" for r in results) + f"; {os.cpu_count()} cores.")
    _breakdown(results)
    note("leaves out: members' commands, Discord's per-route limits, the network "
         "(127.0.0.1); the fake Discord and PostgreSQL share the same cores.")


def limit_table(size: Size, results: Sequence[Result]) -> None:
    """Time for the one-minute burst against the bound the global limit sets: each
    reminder is one message, so reminders / 50 s (at least the minute they take to
    fall due); requests beyond one a reminder count against us, not in the bound."""
    rows = []
    for r in results:
        requests = _sent(r)
        bound = max(r.reminders / DISCORD_LIMIT, LIMIT_SPREAD_S)
        rows += [
            Row(f"{r.count} process{'es' if r.count > 1 else ''}: due -> last sent (s)",
                f"{r.seconds:.1f}", f"{bound:.1f}", ratio(r.seconds, bound), "<= 1.10x",
                r.seconds <= 1.10 * bound),
            Row(f"  vs requests / {DISCORD_LIMIT} (s)", f"{r.seconds:.1f}",
                f"{max(requests / DISCORD_LIMIT, LIMIT_SPREAD_S):.1f}",
                ratio(r.seconds, max(requests / DISCORD_LIMIT, LIMIT_SPREAD_S))),
            Row("  requests to Discord", f"{requests:,}"),
            Row("  global 429s received", f"{r.refused}"),
            Row("  each reminder created once at the fake", _once(r), "", "", "yes",
                r.delivered_once),
        ]
    print_table(f"rate limit: {size.reminders:,} reminders due across "
                f"{LIMIT_SPREAD_S:.0f} s through a fake Discord enforcing {DISCORD_LIMIT} "
                "requests/s", rows)
    note(f"baseline = the bound the limit sets: one message a reminder, reminders / "
         f"{DISCORD_LIMIT} per s (at least the {LIMIT_SPREAD_S:.0f} s they take to fall "
         f"due); each process paces itself at {DISCORD_LIMIT} / processes.")
    _breakdown(results)


# ---- main --------------------------------------------------------------------------------

def _args(argv: Sequence[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="the small run (make bench)")
    parser.add_argument("--latency-ms", default="30-80", metavar="LOW-HIGH",
                        help="the fake's delay before each answer (default 30-80)")
    parser.add_argument("--processes", default="1,2,3", help="process counts to run")
    parser.add_argument("--limit-run", default=None, metavar="COUNTS",
                        help="process counts for the rate-limit part (default: 1,2 in the "
                             "full run, none in quick)")
    parser.add_argument("--size", default="", metavar="GROUPS,MEMBERS,REMINDERS",
                        help="another size (for trying it out)")
    parser.add_argument("--concurrency", type=int, default=CONCURRENCY,
                        help=f"[delivery] concurrency of each process (default {CONCURRENCY})")
    parser.add_argument("--keep-logs", default="", metavar="FOLDER",
                        help="write the processes' logs and configs here (kept)")
    return parser.parse_args(argv)


async def main(argv: Sequence[str]) -> int:
    """The scale part, then the rate-limit part; PostgreSQL is required."""
    args = _args(argv)
    global CONCURRENCY  # one setting for the whole run
    CONCURRENCY = args.concurrency
    clock = Clock()
    size = QUICK if args.quick else FULL
    low, _, high = args.latency_ms.partition("-")
    latency = (int(low), int(high or low))
    counts = [int(c) for c in args.processes.split(",") if c]
    limit_counts = [int(c) for c in (args.limit_run if args.limit_run is not None
                                     else ("" if args.quick else "1,2")).split(",") if c]
    logging.getLogger("aiohttp").setLevel(logging.ERROR)
    if args.size:
        groups, members, reminders = (int(x) for x in args.size.split(","))
        size = Size(groups, members, reminders, size.lead_s)
    results: list[Result] = []
    limited: list[Result] = []
    same_slots: Result | None = None
    with tempfile.TemporaryDirectory(prefix="coprod-scale-") as tmp:
        folder = Path(args.keep_logs or tmp)
        folder.mkdir(parents=True, exist_ok=True)  # noqa: ASYNC240 - once, at start
        try:
            results = [await run_once(n, size, latency, SCALE_SPREAD_S, 0, folder)
                       for n in counts]
            same_slots = (await run_once(1, size, latency, SCALE_SPREAD_S, 0, folder,
                                         slots=2 * CONCURRENCY)
                          if 1 in counts and 2 in counts else None)
            if results:
                scale_table(size, results, latency, same_slots)
            limited += [await run_once(n, size, latency, LIMIT_SPREAD_S, DISCORD_LIMIT,
                                      folder) for n in limit_counts]
            if limited:
                limit_table(size, limited)
        except Skipped as exc:
            skipped("", exc)
            return 0
    note(f"(bench took {clock})")
    base = results[0].rate if results and results[0].count == 1 else 0.0
    for r in results:
        if r.count > 1 and base:
            print(f"scale: {r.count} processes {r.rate / base:.2f}x of 1")
    two = next((r for r in results if r.count == 2), None)
    if same_slots is not None and two is not None:
        print(f"scale: 2 processes {two.rate / same_slots.rate:.2f}x of 1 with the same "
              f"sends in flight ({2 * CONCURRENCY})")
        print(f"scale: 1 process with {2 * CONCURRENCY} in flight is at "
              f"{same_slots.rate / ceiling(same_slots)[1]:.0%} of what this machine's "
              f"{os.cpu_count()} cores carry at its CPU per reminder (bots, PostgreSQL "
              "and the fake Discord share them)")
    checked = [*results, *limited, *([same_slots] if same_slots else [])]
    return 0 if all(r.delivered_once for r in checked) else 1


if __name__ == "__main__":
    sys.exit(asyncio.run(main(sys.argv[1:])))
