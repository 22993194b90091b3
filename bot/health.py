"""Whether the bot is alive and doing its job, as seen from outside.

A safeguarding tool that stops quietly is worse than none. The health server
(`adapters/health`, `[health]` in config.toml) asks this module two things:

- `readiness`: each check of `CHECKS` passed or not: the database answers, the platform
  is connected (the adapter says so through `bot.connection`), the scheduler's timers run,
  the delivery dispatcher runs;
- `readings`: the numbers worked out when monitoring asks: deliveries owed and the
  oldest one's age, and every feature's own readings (concerns waiting for a lead).

Both give counts, ages and fixed words only, never an id, a name or anyone's words.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable
from collections.abc import Callable
from collections.abc import Mapping
from collections.abc import Sequence
from typing import Protocol

from bot.clock import Clock
from bot.connection import Connection
from bot.logs import log_event
from bot.metrics import Reading
from scheduler import Scheduler
from storage.interface import Storage

log = logging.getLogger(__name__)


class Readable(Protocol):
    """What monitoring reads of a feature: its name and its own readings, if any."""

    @property
    def name(self) -> str:
        """The feature's name, to say which part failed."""

    @property
    def readings(self) -> Callable[[], Awaitable[Sequence[Reading]]] | None:
        """Works out the feature's numbers at scrape time."""


class Watched(Protocol):
    """What the checks read of the running bot (the app, which the health server holds):
    the database, the platform connection, the timers, the clock, whether deliveries are
    sent, and the features. Declared here, so this core module imports neither the app
    nor any feature."""

    storage: Storage
    connection: Connection
    scheduler: Scheduler
    clock: Clock

    @property
    def delivering(self) -> bool:
        """Whether the delivery dispatcher runs."""

    @property
    def features(self) -> Mapping[str, Readable]:
        """The features in use, by name."""


CHECKS = ("database", "platform", "scheduler", "dispatcher")
# A check that takes longer than this has failed (a locked or unreachable database).
CHECK_SECONDS = 2.0

async def _database(app: Watched) -> bool:
    try:
        async with asyncio.timeout(CHECK_SECONDS):
            await app.storage.deliveries_waiting()
    except Exception as exc:
        log_event(log, logging.WARNING, "health.database_failed", error=type(exc).__name__)
        return False
    return True


async def readiness(app: Watched) -> dict[str, bool]:
    """Each of `CHECKS`, passed (True) or failed."""
    try:
        async with asyncio.timeout(CHECK_SECONDS):
            platform = await app.connection.connected()
    except TimeoutError:
        platform = False
    return {"database": await _database(app), "platform": platform,
            "scheduler": app.scheduler.running, "dispatcher": app.delivering}


async def readings(app: Watched) -> list[Reading]:
    """The numbers worked out at scrape time: deliveries owed and the oldest one's age,
    then each feature's readings. A part that fails is left out (and logged)."""
    out: list[Reading] = []
    try:
        async with asyncio.timeout(CHECK_SECONDS):
            count, oldest = await app.storage.deliveries_waiting()
        age = max(0.0, (app.clock.now() - oldest).total_seconds()) if oldest else 0.0
        out += [Reading("deliveries_waiting", "Deliveries owed: stored and not yet sent "
                        "(pending or being sent).", count),
                Reading("deliveries_waiting_oldest_age_seconds", "How long the oldest "
                        "delivery still owed has waited since it was stored, in seconds "
                        "(0 if none waits).", age)]
    except Exception as exc:
        log_event(log, logging.WARNING, "health.reading_failed", part="deliveries",
                  error=type(exc).__name__)
    for feature in app.features.values():
        if feature.readings is None:
            continue
        try:
            async with asyncio.timeout(CHECK_SECONDS):
                out += await feature.readings()
        except Exception as exc:
            log_event(log, logging.WARNING, "health.reading_failed", part=feature.name,
                      error=type(exc).__name__)
    return out
