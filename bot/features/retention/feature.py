"""Retention: the daily sweep that deletes what is older than `[retention]` allows.

Why it exists: a group tells its members how long the bot keeps their check-ins,
feedback, minutes and closed safeguarding cases (docs/privacy.md), and this is what
makes that true. Once a day, at midnight UTC (or at start, if the bot was down then),
one process claims the sweep's occurrence
and deletes, in one transaction, everything past its period: check-ins, feedback and
minutes by `[retention]`, concern drafts past their one day whatever the config says, and
any other feature's records by the period it declares (`Feature.retention`, from its own
config); closed cases go through
the concerns store, which records each deletion in the case's audit. Then it prunes
what grows with every firing, event and message and that only the bot itself reads
(occurrence claims, event keys, finished deliveries), a batch per transaction, after
the fixed periods below. The log gets one line of counts per kind (never ids of
members, never words).
"""

from __future__ import annotations

import logging
import secrets
from datetime import UTC
from datetime import datetime
from datetime import timedelta

from bot.errors import StorageError
from bot.features import Feature
from bot.features.concerns.package import DRAFT_LIFETIME
from bot.features.host import CoreHost
from bot.features.retention.config import RetentionConfig
from bot.features.retention.store import RetentionStore
from bot.logs import log_event
from bot.retention_cutoffs import PruneCutoffs
from bot.retention_cutoffs import RetentionCutoffs
from bot.retention_cutoffs import RetentionDeclaredTwice
from bot.retention_cutoffs import RetentionPeriod
from bot.retention_cutoffs import RetentionUndeclared
from bot.retention_cutoffs import days_kept
from scheduler import Firing

log = logging.getLogger(__name__)

NAME = "retention"
SCHEDULE = "retention-sweep"

# How long the bot's own bookkeeping is kept. Fixed, not in `[retention]`: none of it is
# anything a member wrote or a group reads, and each period is what the bot's own checks
# need, with room to spare.
#
# A timed firing's claim ("sent once") must outlive any chance of the same firing being
# tried again. A firing is only tried until `[scheduler] grace_minutes` after it was due
# (later, after downtime, it is recorded as missed and never sent), so a claim kept
# longer than the grace can never be needed again. The grace may be set up to a week:
# eight days covers every process sharing the database, whatever grace each was given
# (and the grace and a day, should a longer one ever be allowed). The sweep itself runs
# however late (a catch-up schedule), but only its latest missed day: never more than a
# day late, well within the eight.
OCCURRENCE_KEEP = timedelta(days=8)
OCCURRENCE_MARGIN = timedelta(days=1)
# A platform event handled once (Slack sends an event again when it saw no
# acknowledgement: within minutes, three times at most): a day is ample.
EVENT_KEY_KEEP = timedelta(days=1)
# A delivery delivered at the first try, to where it was meant to go: its words are gone
# already; the row says only that it was sent. Its key stops a feature step that is
# retried from sending it twice (seconds or minutes later); a week also leaves the
# people running the bot a week of what was sent, by id.
DELIVERED_KEEP = timedelta(days=7)
# A delivery that had trouble (refused everywhere, rerouted to a fallback, or retried on
# its way) is kept longer: the people running the bot may need to look into it, and
# check-ins read whether a member's latest check-in reached them, which must outlive the
# longest check-in cadence (monthly). The lead direct messages concerns read to know
# whether a lead can be reached are kept this long too, whatever their outcome.
TROUBLE_KEEP = timedelta(days=60)


def daily_at_midnight(after: datetime) -> datetime:
    """The next midnight UTC strictly after a time (when the sweep runs)."""
    day = after.astimezone(UTC).date() + timedelta(days=1)
    return datetime(day.year, day.month, day.day, tzinfo=UTC)


RetentionHost = CoreHost[RetentionStore, RetentionConfig]
"""The sweep's host: its own small store port and `[retention]` (settled with the older
`[concerns] retention_days` by the config, whether loaded or built in code). A core host,
because the sweep reads every running feature's retention periods (`Feature.retention`)."""


class Retention:
    """The daily sweep, on the host's scheduler."""

    def __init__(self, host: RetentionHost) -> None:
        self.host = host
        self.owner = f"retention-{secrets.token_hex(4)}"
        # The periods `[retention]` sets, by history, for other features' records, and
        # concern drafts' fixed day.
        self.own: dict[str, RetentionPeriod] = {
            "checkins": lambda: days_kept(host.config.checkin_answers_days),
            "feedback": lambda: days_kept(host.config.feedback_days),
            "minutes": lambda: days_kept(host.config.minutes_days),
            "drafts": lambda: DRAFT_LIFETIME}

    @property
    def closed_cases_days(self) -> int:
        """Days a closed case is kept (`[concerns] retention_days`, the older name, is
        settled into it by the config)."""
        return self.host.config.closed_cases_days

    def periods(self) -> dict[str, RetentionPeriod]:
        """Every retention period by cutoff name: every running feature's declaration,
        and the sweep's own."""
        periods: dict[str, RetentionPeriod] = {}
        for feature in self.host.features.values():
            periods.update(feature.retention)
        return {**periods, **self.own}

    def cutoffs(self, now: datetime) -> RetentionCutoffs:
        """What is old enough to delete at `now`."""
        ages = {name: period() for name, period in self.periods().items()}
        return {name: None if age is None else now - age for name, age in ages.items()}

    def check_declared(self) -> None:
        """Refuse (`RetentionUndeclared`) a storage package's cutoff that no running
        feature gives a period for: its records would never be swept. Two features
        giving one cutoff a period is a mistake in the code (one would be ignored):
        `RetentionDeclaredTwice`."""
        owner = dict.fromkeys(self.own, "retention")
        for feature in self.host.features.values():
            for name in feature.retention:
                if name in owner and owner[name] != feature.name:
                    raise RetentionDeclaredTwice(name, owner[name], feature.name)
                owner[name] = feature.name
        periods = self.periods()
        for package, names in self.host.store.retention_cutoff_names().items():
            for name in names:
                if name not in periods:
                    raise RetentionUndeclared(package, name)

    def prune_cutoffs(self, now: datetime) -> PruneCutoffs:
        """What of the bot's own bookkeeping is old enough to delete at `now`."""
        grace = self.host.scheduler.grace
        return PruneCutoffs(
            occurrences=now - max(OCCURRENCE_KEEP, grace + OCCURRENCE_MARGIN),
            event_keys=now - EVENT_KEY_KEEP,
            delivered=now - DELIVERED_KEEP,
            finished=now - TROUBLE_KEEP)

    async def start(self) -> None:
        """Schedule the sweep (it runs even when every period is 0: expired concern
        drafts, which live a day at most, are always deleted). It is safe to run however
        late, so a sweep missed while the bot was down runs at start, whatever the grace.
        First, every storage package's cutoffs must have a period (`check_declared`)."""
        self.check_declared()
        self.host.scheduler.add(SCHEDULE, daily_at_midnight, self._job, catch_up=True)

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
        purged = await storage.purge_expired(firing.key, self.owner, self.cutoffs(now), now)
        if purged is None and not closed:
            return None
        counts = dict(purged or {})
        counts["concern_cases"] = len(closed)
        if purged is not None:
            # Only the process that claimed the day's sweep: one is enough. What it
            # misses (the database was unreachable half-way) goes the next day.
            try:
                counts.update(await storage.prune(self.prune_cutoffs(now), now))
            except StorageError as exc:
                log_event(log, logging.WARNING, "retention.prune_failed",
                          error=type(exc).__name__)
        log_event(log, logging.INFO, "retention.swept", **counts)
        return counts


def build(host: RetentionHost) -> Feature:
    """The retention feature: no commands, only the daily sweep."""
    retention = Retention(host)
    return Feature(NAME, start=retention.start, retention=retention.own)
