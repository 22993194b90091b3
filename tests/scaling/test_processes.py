"""Several real `coprod run` processes sharing one PostgreSQL database.

Three processes (the recording platform, each writing what it sends to its own file)
serve one group whose 200 meeting reminders fall due within two seconds. Their writes
run side by side (no global write lock: docs/decisions/postgres-concurrency.md). Every
reminder must be delivered exactly once; and when one process is killed with SIGKILL
part-way, the others take over what it had claimed once the lease runs out, still
delivering every reminder, none twice.

"Delivered" is counted as a platform counts it: the recording platform is given a nonce
ledger shared by the processes, as Discord drops a message whose nonce it has seen, so a
send repeated after a kill (the platform accepted it, the process died before storing
that) is counted apart, as a repeat the platform dropped. Without such a ledger (Slack)
that repeat would be shown twice; docs/scaling.md names the window.
"""

from __future__ import annotations

import asyncio
import time
from collections import Counter
from datetime import UTC
from datetime import datetime
from datetime import timedelta
from pathlib import Path
from typing import Any

from bot.outbox import DeliveryStatus
from storage.crypto import FieldCipher
from storage.crypto import generate_key
from storage.factory import open_storage
from tests.campaigns.recorder import RecordedProcess
from tests.campaigns.recorder import read_lines
from tests.campaigns.recorder import reminder_meeting_id
from tests.campaigns.recorder import seed_meetings
from tests.campaigns.recorder import write_config

REMINDERS = 200
PROCESSES = 3
LEASE_SECONDS = 10
# Every process is up before the first falls due (three starting at once on a busy
# 2-core machine can take over 8 s; a reminder due before any process ever ran is not
# caught up, as there is no earlier heartbeat to catch up from).
START_MARGIN = timedelta(seconds=15)
SPREAD = timedelta(seconds=2)
WAIT_SECONDS = 90.0


def _start_bots(tmp_path: Path, database: str, key: str, ledger: Path,
                latency_ms: int) -> list[RecordedProcess]:
    config = write_config(tmp_path / "config.toml", {
        "delivery": {"lease_seconds": LEASE_SECONDS, "concurrency": 4},
        "record": {"keep_running": True, "send_latency_ms": latency_ms,
                   "nonce_ledger": str(ledger)},
    })
    bots = [RecordedProcess(tmp_path, f"bot{n}", key, config=config,
                            env={"COPROD_DATABASE_URL": database})
            for n in range(1, PROCESSES + 1)]
    for bot in bots:  # started together, so that each is up before the first falls due
        bot.start(wait_ready=False)
    for bot in bots:
        bot.wait_ready()
    return bots


def _reminders(lines: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [line for line in lines if reminder_meeting_id(str(line["key"])) is not None]


async def _wait_until_all_delivered(ledger: Path, expected: set[int]
                                    ) -> list[dict[str, Any]]:
    deadline = time.monotonic() + WAIT_SECONDS
    while True:
        accepted = _reminders(read_lines(ledger))
        if {reminder_meeting_id(str(a["key"])) for a in accepted} >= expected:
            return accepted
        if time.monotonic() > deadline:
            missing = expected - {reminder_meeting_id(str(a["key"])) for a in accepted}
            raise AssertionError(f"{len(missing)} reminders never delivered")
        await asyncio.sleep(0.1)


async def _wait_until_outbox_done(database: str, key: str) -> None:
    """Wait (bounded) until no delivery is pending or in someone's hands: what a killed
    process held has been taken over after its lease and finished."""
    storage = await open_storage(database, FieldCipher(key))
    try:
        deadline = time.monotonic() + WAIT_SECONDS
        while True:
            counts = await storage.delivery_counts()
            if counts[DeliveryStatus.PENDING] + counts[DeliveryStatus.SENDING] == 0:
                return
            if time.monotonic() > deadline:
                raise AssertionError(f"deliveries still open: {counts}")
            await asyncio.sleep(0.2)
    finally:
        await storage.close()


async def _seed(database: str, key: str) -> tuple[datetime, set[int]]:
    first = datetime.now(UTC) + START_MARGIN
    due = [first + SPREAD * i / REMINDERS for i in range(REMINDERS)]
    return first, set(await seed_meetings(database, key, due))


async def _seeded_bots(tmp_path: Path, database: str, latency_ms: int,
                       ) -> tuple[str, Path, set[int], list[RecordedProcess]]:
    """Reminders seeded on one database (the key, the platform's nonce ledger, the
    meetings expected), and `PROCESSES` bot processes started on it."""
    key = generate_key()
    ledger = tmp_path / "platform-nonces.jsonl"
    first, expected = await _seed(database, key)
    bots = _start_bots(tmp_path, database, key, ledger, latency_ms)
    late = datetime.now(UTC) - first
    if late > timedelta(0):
        for bot in bots:
            bot.terminate()
        raise AssertionError(f"the processes were up only {late.total_seconds():.1f} s after "
                             "the first reminder fell due (machine too busy to test this)")
    return key, ledger, expected, bots


def _each_reminder_reached_the_platform_once(ledger: Path, expected: set[int]) -> None:
    accepted = _reminders(read_lines(ledger))
    per_meeting = Counter(reminder_meeting_id(str(a["key"])) for a in accepted)
    assert set(per_meeting) == expected  # nothing lost
    assert max(per_meeting.values()) == 1  # the platform saw each reminder once


async def test_three_processes_deliver_every_reminder_exactly_once(
        tmp_path: Path, database: str) -> None:
    key, ledger, expected, bots = await _seeded_bots(tmp_path, database, latency_ms=5)
    try:
        await _wait_until_all_delivered(ledger, expected)
        await _wait_until_outbox_done(database, key)
        await asyncio.sleep(1.0)  # anything sent twice would show up now
    finally:
        for bot in bots:
            bot.terminate()
    sent = [_reminders(bot.deliveries()) for bot in bots]
    _each_reminder_reached_the_platform_once(ledger, expected)
    attempts = Counter(line["key"] for lines in sent for line in lines)
    assert max(attempts.values()) == 1  # and no process even tried twice
    print(f"\n{REMINDERS} reminders, {PROCESSES} processes: sent "
          f"{' + '.join(str(len(lines)) for lines in sent)}, each exactly once")
    assert all(len(lines) > 0 for lines in sent), "one process did all the work"


async def test_a_process_killed_part_way_loses_nothing_and_doubles_nothing(
        tmp_path: Path, database: str) -> None:
    # Slower sends, so that the kill lands while the first process has work in hand.
    key, ledger, expected, bots = await _seeded_bots(tmp_path, database, latency_ms=40)
    victim, *survivors = bots
    try:
        deadline = time.monotonic() + WAIT_SECONDS
        while len(_reminders(victim.deliveries())) < 10:
            assert time.monotonic() < deadline, "the first process never started sending"
            await asyncio.sleep(0.01)
        victim.kill()
        killed_at = time.monotonic()
        await _wait_until_all_delivered(ledger, expected)
        await _wait_until_outbox_done(database, key)
        took = time.monotonic() - killed_at
        await asyncio.sleep(1.0)
    finally:
        for survivor in survivors:
            if survivor.alive:
                survivor.terminate()
    _each_reminder_reached_the_platform_once(ledger, expected)
    by_victim = _reminders(read_lines(victim.current.deliveries))
    by_survivors = [line for survivor in survivors
                    for line in _reminders(survivor.deliveries())]
    attempts = Counter(line["key"] for line in [*by_victim, *by_survivors])
    repeats = [k for k, n in attempts.items() if n > 1]
    # A repeat can only be a send the victim had in hand when it died (at most its
    # delivery concurrency), tried again by a survivor after the lease.
    assert len(repeats) <= 4
    victim_keys = {line["key"] for line in by_victim}
    assert all(k in victim_keys for k in repeats)
    assert took >= LEASE_SECONDS - 1  # what the victim held waited for its lease
    print(f"\n{REMINDERS} reminders; killed one of {PROCESSES} processes after "
          f"{len(by_victim)} sends; the others finished {took:.1f} s after the kill "
          f"(lease {LEASE_SECONDS} s); repeats the platform dropped by nonce: "
          f"{len(repeats)}; delivered twice: 0")
