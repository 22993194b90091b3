"""The scheduled digests and what decides when feedback is seen.

When anything is seen is decided by days, never by moments (docs/decisions/
feedback-review.md): an item stays pending, seen by nobody and counted nowhere, until
the midnight (in the group's time zone) after the day it was written; then a day's
items are released for review all together (items for the whole group only once at
least `group_min_items` have gathered). A digest shares only items that have been open
for review for at least `review_hours`, shuffled, and only once at least k are ready.
"""

from __future__ import annotations

import logging
import random
import secrets
from collections.abc import Sequence
from datetime import UTC
from datetime import datetime
from datetime import time
from datetime import timedelta
from zoneinfo import ZoneInfo

from bot.anonymity import coarse_day
from bot.features.feedback import wording
from bot.features.feedback.config import FeedbackConfig
from bot.features.feedback.store import Audience
from bot.features.feedback.store import FeedbackItem
from bot.features.feedback.store import FeedbackStore
from bot.features.feedback.wording import N_
from bot.features.host import FeatureHost
from bot.i18n import speaking
from bot.logs import log_event
from bot.messages import Button
from bot.messages import Destination
from bot.messages import Message
from bot.outbox import NewDelivery
from bot.text import neutralise
from bot.text import quote_block
from scheduler import Firing
from scheduler.core import FiringJob
from scheduler.core import NextDue

log = logging.getLogger(__name__)

ANSWER_ACTION = "feedback.answer"
FEEDBACK_CHANNEL = "feedback_channel"
"""The group setting this feature brings: where shared feedback is posted."""
_shuffle = random.SystemRandom().shuffle
# No group has this id (config and platforms never use ""), so its settings are the
# defaults every group starts from.

FeedbackHost = FeatureHost[FeedbackStore, FeedbackConfig]
"""What the feedback feature uses of the running bot."""


def daily_at(times: Sequence[time], zone: ZoneInfo) -> NextDue:
    """A schedule firing every day at these local times (first due strictly after)."""

    def next_due(after: datetime) -> datetime | None:
        local = after.astimezone(zone)
        for offset in range(3):
            day = local.date() + timedelta(days=offset)
            for at in sorted(times):
                due = datetime.combine(day, at, tzinfo=zone)
                if due > after:
                    return due.astimezone(after.tzinfo)
        return None

    return next_due


def local_day(moment: datetime, zone: ZoneInfo) -> datetime:
    """The midnight (in `zone`) that starts the local day `moment` falls on, in UTC: the
    only time stored with a piece of feedback."""
    local = moment.astimezone(zone)
    return datetime.combine(local.date(), time(0), tzinfo=zone).astimezone(UTC)


def next_local_day(day: datetime, zone: ZoneInfo) -> datetime:
    """The midnight (in `zone`) after the local day that starts at `day`."""
    local = day.astimezone(zone).date() + timedelta(days=1)
    return datetime.combine(local, time(0), tzinfo=zone).astimezone(UTC)


async def release(host: FeedbackHost, group_id: str, now: datetime) -> None:
    """Open for review every pending item of the group whose day is over, a whole
    audience's at once, once there are enough (`FeedbackStore.release_feedback`)."""
    config = host.config
    today = local_day(now, host.group(group_id).zone)
    for audience, minimum in ((Audience.GROUP, config.group_min_items),
                              (Audience.FACILITATORS, config.facilitators_min_items)):
        released = await host.store.release_feedback(group_id, audience, today, minimum,
                                                     today)
        if released:
            log_event(log, logging.INFO, "feedback.released", group=group_id,
                      audience=audience.value, items=released)


def reviewed_since(item: FeedbackItem, zone: ZoneInfo) -> datetime:
    """When facilitators could first see and hide an item."""
    return item.review_from or next_local_day(item.day, zone)


class DigestJobs:
    """The scheduled digests: one schedule per audience, due at each configured time of
    day in every time zone a group uses; a firing serves the groups whose own local time
    is a digest time."""

    def __init__(self, host: FeedbackHost) -> None:
        self.host = host
        self.config = host.config
        self.owner = f"feedback-{secrets.token_hex(4)}"

    async def start(self) -> None:
        """Add the digest schedules."""
        for audience in Audience:
            self.host.scheduler.add(f"feedback-digest:{audience.value}",
                                    self.next_due(audience), self._job(audience))

    def times(self, audience: Audience) -> tuple[str, ...]:
        """The configured digest times ("HH:MM") for an audience."""
        if audience is Audience.GROUP:
            return self.config.group_digest_times
        return self.config.facilitators_digest_times

    def zones(self) -> set[str]:
        """Every time zone a known group uses (worked out again at each re-arm, so a
        group that changes its zone in chat is served from its next digest on)."""
        names = {self.host.defaults().timezone}
        for group_id in self.host.known_group_ids():
            names.add(self.host.group(group_id).timezone)
        return names

    def next_due(self, audience: Audience) -> NextDue:
        """The schedule: the soonest digest time in any group's zone."""
        at = [FeedbackConfig.clock_time(t) for t in self.times(audience)]

        def next_due(after: datetime) -> datetime | None:
            dues = [daily_at(at, ZoneInfo(zone))(after) for zone in sorted(self.zones())]
            found = [d for d in dues if d is not None]
            return min(found) if found else None

        return next_due

    def _job(self, audience: Audience) -> FiringJob:
        async def job(firing: Firing) -> None:
            await self.run(audience, firing)
        return job

    def minimum(self, audience: Audience) -> int:
        """k: how many items must be waiting for a digest to go out."""
        if audience is Audience.GROUP:
            return self.config.group_min_items
        return self.config.facilitators_min_items

    async def run(self, audience: Audience, firing: Firing) -> int:
        """Deliver a digest to every group with at least k items that have been open for
        review long enough; how many went."""
        storage = self.host.store
        sent = 0
        review = timedelta(hours=self.config.review_hours)
        for group_id in await storage.groups_with_waiting_feedback(audience):
            settings = self.host.group(group_id)
            local = firing.due.astimezone(settings.zone)
            if "feedback" not in settings.features or f"{local:%H:%M}" not in \
                    self.times(audience):
                continue
            now = self.host.clock.now()
            await release(self.host, group_id, now)
            items = [i for i in await storage.waiting_feedback(group_id, audience)
                     if reviewed_since(i, settings.zone) + review <= now]
            if len(items) < self.minimum(audience):
                continue
            _shuffle(items)
            channel = (settings.channel(FEEDBACK_CHANNEL) if audience is Audience.GROUP
                       else self.config.facilitators_channel)
            key = f"{firing.key}#{group_id}"
            with speaking(settings.language):  # a channel post: the group's language
                deliveries = self.messages(key, group_id, channel, audience, items, now)
            if await storage.deliver_digest(key, self.owner, group_id,
                                            [i.item_id for i in items], deliveries, now,
                                            coarse_day(now)):
                sent += 1
                self.host.deliveries_waiting()
                log_event(log, logging.INFO, "feedback.digest", group=group_id,
                          audience=audience.value, items=len(items))
        return sent

    def messages(self, key: str, group_id: str, channel: str, audience: Audience,
                 items: Sequence[FeedbackItem], now: datetime) -> list[NewDelivery]:
        """One message per item (each with its answer button), the first with the header."""
        count = len(items)
        wait = timedelta(days=self.config.max_wait_days)
        destination = Destination.to_channel(group_id, channel)
        out = []
        for number, item in enumerate(items, start=1):
            waited = self.config.max_wait_days if now - item.day > wait else None
            text = wording.feedback_digest_item(number, count, item.item_id,
                                                neutralise(item.topic),
                                                quote_block(item.text), waited)
            if number == 1:
                text = wording.feedback_digest_header(count, audience is Audience.GROUP) \
                    + "\n\n" + text
            buttons = ((Button(N_("You said, we did"), ANSWER_ACTION, item.item_id),)
                       if audience is Audience.GROUP else ())
            out.append(NewDelivery(f"feedback-digest:{key}:{number}", destination,
                                   Message(text, buttons=buttons)))
        return out


