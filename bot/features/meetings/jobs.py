"""The meetings feature's timed work: reminders, the weekly "coming up" post and action
item reminders to owners.

Each schedule lives in storage (meetings, action items) and is added to the host's
scheduler at start and whenever it changes, so edits and cancellations act at once.
Every firing claims its occurrence in the same transaction as its deliveries.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable
from collections.abc import Callable
from dataclasses import dataclass
from dataclasses import field
from datetime import UTC
from datetime import date
from datetime import datetime
from datetime import time
from datetime import timedelta
from functools import partial
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from bot.dates import parse_hhmm
from bot.features.meetings import wording
from bot.features.meetings.config import MeetingsConfig
from bot.features.meetings.occurrences import Occurrences
from bot.features.meetings.occurrences import next_reminder
from bot.features.meetings.occurrences import reminded_occurrences
from bot.features.meetings.store import ActionRecord
from bot.features.meetings.store import AgendaItem
from bot.features.meetings.store import MeetingRecord
from bot.features.meetings.store import MeetingsStore
from bot.features.meetings.store import MeetingTimes
from bot.features.meetings.store import meeting_schedule_id
from bot.features.meetings.texts import action_text
from bot.features.meetings.texts import day_text
from bot.features.meetings.texts import done_button
from bot.features.meetings.texts import posts_in
from bot.features.meetings.texts import reminder_message
from bot.features.meetings.texts import when_text
from bot.i18n import speaking
from bot.messages import Destination
from bot.messages import Message
from bot.outbox import NewDelivery
from bot.text import neutralise
from scheduler import Firing
from scheduler import NextDue

if TYPE_CHECKING:
    from bot.features.host import FeatureHost
    from bot.features.meetings.config import MeetingsConfig

FEATURE = "meetings"
OWNER = "meetings"
WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
ACTION_REMINDER_AT = time(9, 0)
# Reminders are read, written and stored this long before they are due (not sent before):
# a burst of thousands due at one instant is then ready in the outbox at that instant.
PREPARE_AHEAD = timedelta(seconds=10)


def action_schedule_id(action_id: int) -> str:
    """The scheduler id of an action item's reminders."""
    return f"action:{action_id}"


def coming_up_schedule_id(group_id: str) -> str:
    """The scheduler id of a group's weekly post."""
    return f"comingup:{group_id}"


def weekly(after: datetime, zone: ZoneInfo, weekday: int, at: time) -> datetime:
    """The first `weekday` at `at` (wall clock in `zone`) strictly after `after`."""
    day = after.astimezone(zone).date()
    for step in range(15):
        candidate_day = day + timedelta(days=step)
        if candidate_day.weekday() == weekday:
            candidate = datetime.combine(candidate_day, at, tzinfo=zone).astimezone(UTC)
            if candidate > after:
                return candidate
    raise AssertionError("a weekday always comes within two weeks")


def action_reminder_times(due: datetime, zone: ZoneInfo) -> list[datetime]:
    """09:00 the day before an action item is due, and 09:00 on the day."""
    day: date = due.astimezone(zone).date()
    return [datetime.combine(d, ACTION_REMINDER_AT, tzinfo=zone).astimezone(UTC)
            for d in (day - timedelta(days=1), day)]


class MeetingJobs:
    """Adds, replaces and removes the feature's schedules, and does their work."""

    def __init__(self, host: FeatureHost[MeetingsStore, MeetingsConfig]) -> None:
        self.host = host
        self.store = host.store
        self._coming_up: set[str] = set()
        day, clock = host.config.coming_up_day, host.config.coming_up_time
        self._weekday = WEEKDAYS.index(day) if day in WEEKDAYS else None
        self._post_at = parse_hhmm(clock)
        self._batch = ReminderBatch(self.remind_together)

    async def start(self) -> None:
        """Rebuild every schedule from storage (the feature's `start`)."""
        storage = self.store
        for times in await storage.all_meeting_times():
            self.add_meeting(times)
        for action in await storage.open_actions():
            self.add_action(action)
        groups = set(await storage.meeting_group_ids()) | set(self.host.config_group_ids())
        for group_id in groups:
            self.ensure_coming_up(group_id)

    # ---- schedules -------------------------------------------------------------------

    def add_meeting(self, meeting: MeetingTimes | MeetingRecord) -> None:
        """Add or replace a meeting's reminders (takes effect at once)."""
        occurrences = Occurrences(meeting.starts_at, meeting.zone, meeting.rrule,
                                  meeting.skipped)
        offsets = meeting.reminders
        group_id, meeting_id = meeting.group_id, meeting.id

        def next_due(after: datetime) -> datetime | None:
            return next_reminder(occurrences, offsets, after)

        async def job(firing: Firing) -> None:
            await self._remind(group_id, meeting_id, occurrences, offsets, firing)

        self.host.scheduler.add(meeting_schedule_id(meeting_id), next_due, job,
                                ahead=PREPARE_AHEAD)

    def remove_meeting(self, meeting_id: int) -> None:
        """Stop a meeting's reminders."""
        self.host.scheduler.remove(meeting_schedule_id(meeting_id))

    def add_action(self, action: ActionRecord) -> None:
        """Remind an action item's owner by DM before it is due (if it has both)."""
        if action.due is None or not action.owner_id:
            return
        times = action_reminder_times(action.due, ZoneInfo(action.zone))
        group_id, action_id = action.group_id, action.id

        def next_due(after: datetime) -> datetime | None:
            return next((t for t in times if t > after), None)

        async def job(firing: Firing) -> None:
            await self._remind_owner(group_id, action_id, firing)

        self.host.scheduler.add(action_schedule_id(action.id), next_due, job)

    def remove_action(self, action_id: int) -> None:
        """Stop an action item's reminders."""
        self.host.scheduler.remove(action_schedule_id(action_id))

    def ensure_coming_up(self, group_id: str) -> None:
        """Make sure a group has its weekly "coming up" post scheduled."""
        if self._weekday is None or group_id in self._coming_up:
            return
        self._coming_up.add(group_id)
        weekday, post_at = self._weekday, self._post_at

        def zone_of() -> ZoneInfo:
            return self.host.group(group_id).zone

        def next_due(after: datetime) -> datetime | None:
            return weekly(after, zone_of(), weekday, post_at)

        async def job(firing: Firing) -> None:
            await self._post_coming_up(group_id, firing)

        due: NextDue = next_due
        self.host.scheduler.add(coming_up_schedule_id(group_id), due, job)

    # ---- work ----------------------------------------------------------------------

    def _switched_on(self, group_id: str) -> bool:
        return FEATURE in self.host.group(group_id).features

    async def _claim(self, firing: Firing, deliveries: list[NewDelivery]) -> None:
        storage, now = self.store, self.host.clock.now()
        if await storage.claim_occurrence(firing.key, OWNER, now, deliveries) and deliveries:
            self.host.deliveries_waiting()

    async def _remind(self, group_id: str, meeting_id: int, occurrences: Occurrences,
                      offsets: tuple[int, ...], firing: Firing) -> None:
        await self._batch.submit(_Due(firing, group_id, meeting_id,
                                      reminded_occurrences(occurrences, offsets, firing.due)))

    async def remind_together(self, batch: list[_Due]) -> None:
        """Reminders due together: one read for all, then one claim for all. One prepared
        ahead is stored not to be sent before its due time; at the due time, those still
        claimed (not dropped by an edit since) cost one read."""
        storage = self.store
        taken = await storage.claimed_occurrences([d.firing.key for d in batch])
        batch = [d for d in batch if d.firing.key not in taken]
        if not batch:
            return
        contexts = await storage.reminder_contexts(
            [(d.group_id, d.meeting_id, d.occurrences) for d in batch])
        claims: list[tuple[str, list[NewDelivery]]] = []
        for due in batch:
            context = contexts.get(due.meeting_id)
            meeting = None if context is None else context.meeting
            deliveries: list[NewDelivery] = []
            if (context is not None and meeting is not None and meeting.status == "active"
                    and self._switched_on(due.group_id)):
                for occurrence in due.occurrences:
                    items = context.agenda.get(occurrence, [])
                    counts = context.counts.get(occurrence, {})
                    deliveries += await self._reminder_deliveries(
                        meeting, occurrence, due.firing,
                        partial(compose_reminder, meeting, occurrence, items, counts,
                                due.firing.late))
            claims.append((due.firing.key, deliveries))
        claimed = await storage.claim_occurrences(claims, OWNER, self.host.clock.now())
        if any(deliveries for key, deliveries in claims if key in claimed):
            self.host.deliveries_waiting()

    async def _reminder_deliveries(self, meeting: MeetingRecord, occurrence: datetime,
                                   firing: Firing, compose: Callable[[], Message],
                                   ) -> list[NewDelivery]:
        """The reminder in the channel, in the group's language, and to each member who
        asked for it by DM, in theirs (made once per language)."""
        key = f"{firing.key}:{int(occurrence.timestamp())}"
        settings = self.host.group(meeting.group_id)
        made: dict[str, Message] = {}

        def message_in(language: str) -> Message:
            if language not in made:
                with speaking(language):
                    made[language] = compose()
            return made[language]

        channel = posts_in(settings.updates_channel, meeting.channel)
        # Prepared ahead: not to be sent before it is due (at or after due: at once).
        due = firing.due if firing.early else None
        deliveries = [NewDelivery(key, Destination.to_channel(meeting.group_id, channel),
                                  message_in(settings.language), not_before=due)
                      ] if channel else []
        for user in sorted(meeting.dm_optins):
            language = await self.host.language_of(meeting.group_id, user)
            deliveries.append(NewDelivery(f"{key}:dm:{user}",
                                          Destination.to_dm(meeting.group_id, user),
                                          message_in(language), not_before=due))
        return deliveries

    async def _post_coming_up(self, group_id: str, firing: Firing) -> None:
        deliveries: list[NewDelivery] = []
        if self._switched_on(group_id):
            settings = self.host.group(group_id)
            with speaking(settings.language):  # a channel post: the group's language
                message = await coming_up_message(self.store, settings.zone, group_id,
                                                  firing.due)
            if message is not None:
                channel = self.host.group(group_id).updates_channel
                deliveries.append(NewDelivery(firing.key, Destination.to_channel(
                    group_id, channel), message))
        await self._claim(firing, deliveries)

    async def _remind_owner(self, group_id: str, action_id: int, firing: Firing) -> None:
        action = await self.store.get_action(group_id, action_id)
        deliveries: list[NewDelivery] = []
        if (action is not None and not action.done and action.due is not None
                and self._switched_on(group_id)):
            # A direct message to the owner: in their language.
            with speaking(await self.host.language_of(group_id, action.owner_id)):
                text = wording.action_reminder(neutralise(action.task),
                                               day_text(action.due, ZoneInfo(action.zone)),
                                               firing.late)
                message = Message(text, buttons=(done_button(action),))
            deliveries.append(NewDelivery(
                firing.key, Destination.to_dm(group_id, action.owner_id), message))
        await self._claim(firing, deliveries)


def compose_reminder(meeting: MeetingRecord, occurrence: datetime, items: list[AgendaItem],
                     counts: dict[str, int], late: bool) -> Message:
    """A reminder from what storage returned."""
    agenda = [neutralise(line) for line in meeting.notes.splitlines() if line.strip()]
    agenda += [wording.agenda_item(neutralise(i.author_name), neutralise(i.text))
               for i in items]
    return reminder_message(meeting, occurrence, agenda, counts, late)


@dataclass
class _Due:
    """One reminder firing waiting to be done together with others due at the same time."""

    firing: Firing
    group_id: str
    meeting_id: int
    occurrences: list[datetime]
    done: asyncio.Future[None] = field(
        default_factory=lambda: asyncio.get_running_loop().create_future())


class ReminderBatch:
    """Does reminder firings that fall due together as one read and one transaction.

    Each firing still claims its own occurrence with its own deliveries; only the
    round trips to storage are shared, so thousands of reminders due in the same few
    seconds are not queued one by one behind the database. Two batches are worked on at
    once, so one is built while the other is written (the storage runs them in turn).
    A firing whose batch fails raises, so the scheduler tries it again.
    """

    MOST = 250
    AT_ONCE = 2

    def __init__(self, work: Callable[[list[_Due]], Awaitable[None]]) -> None:
        self._work = work
        self._queue: list[_Due] = []
        self._workers: set[asyncio.Task[None]] = set()

    async def submit(self, due: _Due) -> None:
        """Queue a firing and wait until its batch is done."""
        self._queue.append(due)
        # A finished worker stays in the set until its callback runs: count live ones.
        if sum(not worker.done() for worker in self._workers) < self.AT_ONCE:
            worker = asyncio.create_task(self._drain(), name="meetings-reminders")
            self._workers.add(worker)
            worker.add_done_callback(self._workers.discard)
        await due.done

    async def _drain(self) -> None:
        while True:
            await asyncio.sleep(0)  # let other timers due now join this batch
            if not self._queue:
                return
            batch = self._queue[: self.MOST]
            del self._queue[: self.MOST]
            try:
                await self._work(batch)
            except Exception as exc:
                for due in batch:
                    if not due.done.done():
                        due.done.set_exception(exc)
            else:
                for due in batch:
                    if not due.done.done():
                        due.done.set_result(None)


async def coming_up_message(store: MeetingsStore, zone: ZoneInfo, group_id: str,
                            start: datetime) -> Message | None:
    """This week's meetings and open action items, times in the group's `zone`; None if
    there is nothing to say."""
    end = start + timedelta(days=7)
    found: list[tuple[datetime, str]] = []
    for meeting in await store.active_meetings(group_id):
        occurrences = Occurrences(meeting.starts_at, meeting.zone, meeting.rrule,
                                  meeting.skipped)
        for occurrence in occurrences.upcoming(start - timedelta(microseconds=1), end):
            found.append((occurrence, wording.meeting_line(neutralise(meeting.title),
                                                           when_text(occurrence, zone))))
    actions = await store.open_actions(group_id)
    if not found and not actions:
        return None
    return Message(wording.coming_up([line for _, line in sorted(found)],
                                     [action_text(a) for a in actions]))
