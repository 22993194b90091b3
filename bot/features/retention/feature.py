"""Retention: the daily sweep that deletes what is older than `[retention]` allows.

Why it exists: a group tells its members how long the bot keeps their check-ins,
feedback, minutes and closed safeguarding cases (docs/privacy.md), and this is what
makes that true. Once a day, at midnight UTC, one process claims the sweep's occurrence
and deletes, in one transaction, everything past its period (and concern drafts past
their one day, whatever the config says); closed cases go through
the concerns store, which records each deletion in the case's audit. The log gets one
line of counts per table (never ids of members, never words).
"""

from __future__ import annotations

import logging
import secrets
from datetime import UTC, datetime, timedelta

from bot.features import Feature
from bot.features.concerns.package import DRAFT_LIFETIME
from bot.features.host import FeatureHost
from bot.features.retention.config import RetentionConfig
from bot.features.retention.store import RetentionStore
from bot.logs import log_event
from scheduler import Firing
from storage.members import RetentionCutoffs

log = logging.getLogger(__name__)

NAME = "retention"
SCHEDULE = "retention-sweep"


def daily_at_midnight(after: datetime) -> datetime:
    """The next midnight UTC strictly after a time (when the sweep runs)."""
    day = after.astimezone(UTC).date() + timedelta(days=1)
    return datetime(day.year, day.month, day.day, tzinfo=UTC)


def _before(now: datetime, days: int) -> datetime | None:
    return None if days <= 0 else now - timedelta(days=days)


RetentionHost = FeatureHost[RetentionStore, RetentionConfig]
"""The sweep's host: its own small store port and `[retention]` (settled with the older
`[concerns] retention_days` by the config, whether loaded or built in code)."""


class Retention:
    """The daily sweep, on the host's scheduler."""

    def __init__(self, host: RetentionHost) -> None:
        self.host = host
        self.owner = f"retention-{secrets.token_hex(4)}"

    @property
    def closed_cases_days(self) -> int:
        """Days a closed case is kept (`[concerns] retention_days`, the older name, is
        settled into it by the config)."""
        return self.host.config.closed_cases_days

    def cutoffs(self, now: datetime) -> RetentionCutoffs:
        """What is old enough to delete at `now`."""
        config = self.host.config
        return {"checkins": _before(now, config.checkin_answers_days),
                "feedback": _before(now, config.feedback_days),
                "minutes": _before(now, config.minutes_days),
                "drafts": now - DRAFT_LIFETIME}

    async def start(self) -> None:
        """Schedule the sweep (it runs even when every period is 0: expired concern
        drafts, which live a day at most, are always deleted)."""
        self.host.scheduler.add(SCHEDULE, daily_at_midnight, self._job)

    async def _job(self, firing: Firing) -> None:
        await self.sweep(firing)

    async def sweep(self, firing: Firing) -> dict[str, int] | None:
        """Delete what is past its period; the counts per table, or None if another
        process already did this day's sweep."""
        storage = self.host.store
        now = self.host.clock.now()
        closed: list[str] = []
        days = self.closed_cases_days
        if days > 0:
            # Safe to run twice: a case already deleted is no longer "closed".
            closed = await storage.purge_closed_concerns(now - timedelta(days=days), now)
        counts = await storage.purge_expired(firing.key, self.owner, self.cutoffs(now), now)
        if counts is None and not closed:
            return None
        counts = dict(counts or {})
        counts["concern_cases"] = len(closed)
        log_event(log, logging.INFO, "retention.swept", **counts)
        return counts


def build(host: RetentionHost) -> Feature:
    """The retention feature: no commands, only the daily sweep."""
    retention = Retention(host)
    return Feature(NAME, start=retention.start)
