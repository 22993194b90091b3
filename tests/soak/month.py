"""A month of a busy group on a fast clock, with the database measured every day: the
ground the soak test (`test_month_soak.py`) and its longer benchmark (`bench/soak.py`)
stand on.

The real app runs on a real SQLite file: every feature, the real dispatcher sending
through the in-memory adapter, the real scheduler firing what falls due as the fake
clock moves an hour at a time, and the retention sweep at each midnight UTC. The group:
two weekly meetings with reminders a day and an hour before (by DM to everyone who
asked), each member's weekly check-in on their own day (answered by most), anonymous
feedback every day with its digests, an anonymous poll every week, direct messages to
the bot handled once by their Slack event id (and retried by "Slack"), every button
and form claimed as a signed request first, and one member whose direct messages are
closed. After each day's sweep the file, its WAL, its free pages and the rows of the
tables that grow are recorded.
"""

from __future__ import annotations

import logging
import os
import sqlite3
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC
from datetime import datetime
from datetime import timedelta
from pathlib import Path
from typing import Any

from adapters.memory import MemoryAdapter
from adapters.memory import MemoryBot
from bot.app import App
from bot.clock import FakeClock
from bot.config import Config
from bot.errors import Forbidden
from bot.events import ButtonPress
from bot.events import DirectMessageReceived
from bot.events import Event
from bot.events import FormSubmission
from bot.features.checkins.jobs import ANSWER_ACTION
from bot.features.feedback.config import FeedbackConfig
from bot.features.meetings.store import MeetingDraft
from bot.features.meetings.texts import RSVP_ACTION
from bot.features.polls.feature import VOTE_ACTION
from bot.features.retention.config import RetentionConfig
from bot.features.retention.package import Retention
from bot.messages import Destination
from bot.messages import DestinationKind
from bot.messages import Message
from storage.crypto import FieldCipher
from storage.crypto import generate_key
from storage.members import PruneCutoffs
from storage.sqlite import SqliteStorage

# A Monday; the group's zone (Europe/London) is UTC all month.
START = datetime(2026, 2, 2, tzinfo=UTC)
WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
# The tables whose rows are counted each day: the pruned ones first.
TABLES = ("occurrences", "deliveries", "request_claims", "checkins", "feedback_items",
          "meeting_rsvps", "concern_drafts")
# The members' own records follow the group's periods; these are the shortest the
# config allows for check-ins (30 days), a week for feedback and two for meeting
# answers, so that what they keep stops growing within the month too.
PERIODS = RetentionConfig(checkin_answers_days=30, feedback_days=7, minutes_days=14)
CLOSED_DMS = "m000"
DIRECT_MESSAGES = 6  # a day


@dataclass(frozen=True, slots=True)
class Day:
    """The database after one day's sweep (day 1 is the first midnight)."""

    day: int
    file_bytes: int
    wal_bytes: int
    # The largest the WAL was at any hour of the day (the sweep empties it at midnight).
    peak_wal_bytes: int
    free_pages: int
    page_size: int
    rows: dict[str, int]
    swept: dict[str, int]

    @property
    def total_bytes(self) -> int:
        """The database file and its WAL."""
        return self.file_bytes + self.wal_bytes


@dataclass
class Tally:
    """What the month did, for the report."""

    events: int = 0
    repeats_ignored: int = 0
    requests: int = 0


class _Swept(logging.Handler):
    """Keeps the counts of the latest `retention.swept` line."""

    def __init__(self) -> None:
        super().__init__(logging.INFO)
        self.latest: dict[str, int] = {}

    def emit(self, record: logging.LogRecord) -> None:
        if record.getMessage() == "retention.swept":
            self.latest = dict(getattr(record, "fields", {}))


def wal_bytes(path: Path) -> int:
    """The size of the database's WAL file (0 when there is none)."""
    wal = Path(f"{path}-wal")
    return wal.stat().st_size if wal.exists() else 0


def measure(path: Path, day: int, swept: dict[str, int], peak_wal: int) -> Day:
    """Sizes and row counts, read through a connection of its own (read only)."""
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        rows = {t: int(conn.execute(f"SELECT COUNT(*) FROM {t}").fetchone()[0])
                for t in TABLES}
        free = int(conn.execute("PRAGMA freelist_count").fetchone()[0])
        page = int(conn.execute("PRAGMA page_size").fetchone()[0])
    finally:
        conn.close()
    return Day(day, path.stat().st_size, wal_bytes(path), peak_wal, free, page, rows, swept)


class Month:
    """The group, its app and its clock; `run` plays the days."""

    def __init__(self, path: Path, members: int, *, prune: bool = True) -> None:
        self.path = path
        self.members = members
        self.prune = prune
        self.clock = FakeClock(START)
        self.tally = Tally()
        self.storage = SqliteStorage(path, FieldCipher(generate_key()))
        self.bot: MemoryBot | None = None
        self._swept = _Swept()
        self._level = logging.NOTSET
        self._votes: dict[str, Message] = {}
        self._looked = 0
        self._rounds = 0

    # ---- setting up ------------------------------------------------------------------

    async def open(self) -> None:
        """Migrate, add the meetings, start every feature's schedules (timers off: the
        month moves the clock and fires what is due) and the dispatcher."""
        await self.storage.open()
        await self.storage.migrate()
        first = START + timedelta(hours=18)
        await self.storage.add_meetings([MeetingDraft(
            "group-1", title, first + timedelta(days=offset), "Europe/London", "FREQ=WEEKLY",
            "Room 2", "", "updates", (1440, 60), "U-carol")
            for title, offset in (("Tuesday meeting", 1), ("Thursday meeting", 3))], START)
        config = Config().with_sections(PERIODS, FeedbackConfig(daily_limit=5))
        app = App(config, self.storage, clock=self.clock)
        await app.load()
        for feature in app.features.values():
            if feature.start is not None:
                await feature.start()
        retention = app.features["retention"].start.__self__  # type: ignore[union-attr]
        assert isinstance(retention, Retention)
        if not self.prune:
            # The baseline: the sweep as it was before it pruned the bot's bookkeeping.
            never = datetime(1970, 1, 1, tzinfo=UTC)

            def nothing(now: datetime) -> PruneCutoffs:
                return PruneCutoffs(never, never, never, never)
            retention.prune_cutoffs = nothing  # type: ignore[method-assign]
        adapter = MemoryAdapter()
        adapter.member("carol", "Facilitator")
        adapter.member("dev", "Safeguarding lead")
        adapter.fail_when = _closed_dms
        self.bot = MemoryBot(app, adapter)
        logger = logging.getLogger("bot.features.retention")
        self._level = logger.level
        logger.addHandler(self._swept)
        logger.setLevel(logging.INFO)
        for n in range(self.members):
            name = _name(n)
            await self._act(name, "/meeting remindme meeting=1")
            await self._act(name, "/meeting remindme meeting=2")
            await self._act(name, f"/checkin set cadence=weekly day={WEEKDAYS[n % 7]} "
                                  "time=09:00")
            await self._act(name, "/checkin on")
        await self._act("carol", f"/checkin assign member=U-{CLOSED_DMS} facilitator=U-carol")

    async def close(self) -> None:
        """Stop the dispatcher and close the database."""
        logger = logging.getLogger("bot.features.retention")
        logger.removeHandler(self._swept)
        logger.setLevel(self._level)
        if self.bot is not None:
            await self.bot.close()
        await self.storage.close()

    # ---- the days --------------------------------------------------------------------

    async def run(self, days: int, on_day: Callable[[Day], None] | None = None) -> list[Day]:
        """Play `days` days, an hour at a time; the database after each midnight."""
        out: list[Day] = []
        for day in range(days):
            peak = 0
            for hour in range(24):
                await self._hour(day, hour)
                peak = max(peak, wal_bytes(self.path))
            await self._tick(timedelta(hours=1))  # midnight: the sweep runs
            self._swept.latest, swept = {}, self._swept.latest
            sample = measure(self.path, day + 1, swept, peak)
            out.append(sample)
            if on_day is not None:
                on_day(sample)
        return out

    async def _hour(self, day: int, hour: int) -> None:
        if hour:
            await self._tick(timedelta(hours=1))
        weekday = (START + timedelta(days=day)).weekday()
        if hour == 11:
            await self._answer_checkins()
        elif hour == 13:
            for n in range(3):  # a few pieces of feedback, from members in turn
                await self._handle(_name((3 * day + n) % self.members), FormSubmission(
                    "group-1", self._actor(_name((3 * day + n) % self.members)),
                    "feedback.send", {"message": f"Day {day}: the room was cold " * 5,
                                      "topic": "", "audience": "group"}, "", "general"))
        elif hour == 15:
            for n in range(DIRECT_MESSAGES):  # each sent twice by "Slack"
                await self._direct_message(_name((DIRECT_MESSAGES * day + n) % self.members))
        elif hour == 17 and weekday == 0:
            await self._act("carol", '/poll question="Which day suits next month?" '
                                     'options="Tuesday|Thursday" closes=2d anonymous=yes')
        elif hour == 19:
            await self._press_latest("updates", VOTE_ACTION, 1)
            await self._press_latest("updates", f"{RSVP_ACTION}.going", 2)

    async def _tick(self, delta: timedelta) -> None:
        assert self.bot is not None
        self.clock.advance(delta)
        await self.bot.app.scheduler.run_due()
        await self.bot.settle()

    # ---- members acting --------------------------------------------------------------

    def _actor(self, name: str) -> Any:
        assert self.bot is not None
        return self.bot.adapter.member(name)

    async def _act(self, name: str, line: str) -> None:
        assert self.bot is not None
        await self._request()
        await self.bot.run(name, line)

    async def _request(self) -> None:
        """A signed request (Slack's HTTP mode) is claimed before it is handled."""
        assert self.bot is not None
        now = self.clock.now()
        assert await self.bot.app.first_request(f"v0={uuid.uuid4().hex}", now,
                                                now + timedelta(minutes=5))
        self.tally.requests += 1

    async def _handle(self, name: str, event: Event) -> None:
        assert self.bot is not None
        await self._request()
        await self.bot.app.handle(event)
        await self.bot.settle()

    async def _direct_message(self, name: str) -> None:
        """An Events API event, handled once by its id: Slack sends it again when it saw
        no acknowledgement in time, and the repeat is ignored."""
        assert self.bot is not None
        key = f"slack-event:Ev{uuid.uuid4().hex[:10].upper()}"
        event = DirectMessageReceived("group-1", self._actor(name), "hello, are you there?")
        assert await self.bot.app.handle_once(key, event) is not None
        self.tally.events += 1
        if await self.bot.app.handle_once(key, event) is None:
            self.tally.repeats_ignored += 1
        await self.bot.settle()

    async def _answer_checkins(self) -> None:
        """Four in five members answer the check-in sent to them since the last time."""
        assert self.bot is not None
        sent = self.bot.adapter.sent
        fresh, self._looked = sent[self._looked:], len(sent)
        self._rounds += 1
        for n, message in enumerate(s for s in fresh if s.key.startswith("checkin:")):
            buttons = [b for b in message.message.buttons if b.action == ANSWER_ACTION]
            # A different one in five misses each day.
            to_member = message.destination.kind is DestinationKind.DM
            if buttons and to_member and (n + self._rounds) % 5:
                user = message.destination.user.removeprefix("U-")
                await self._handle(user, ButtonPress("group-1", self._actor(user),
                                                     buttons[0].action, buttons[0].value))

    async def _press_latest(self, channel: str, action: str, voters: int) -> None:
        """Every `voters`th member presses a button on the newest post carrying it."""
        assert self.bot is not None
        for message in reversed(self.bot.adapter.sent_to_channel(channel)):
            buttons = [b for b in message.buttons if b.action == action]
            if buttons:
                if self._votes.get(action) is message:
                    return  # answered already
                self._votes[action] = message
                for n in range(0, self.members, voters):
                    name = _name(n)
                    await self._handle(name, ButtonPress("group-1", self._actor(name),
                                                         buttons[0].action, buttons[0].value,
                                                         channel=channel))
                return


def _name(n: int) -> str:
    return f"m{n:03d}"


def _closed_dms(destination: Destination) -> Forbidden | None:
    """One member's direct messages are closed: the platform refuses them for good."""
    if destination.kind is DestinationKind.DM and destination.user == f"U-{CLOSED_DMS}":
        return Forbidden("DMs closed")
    return None


async def play(path: Path, members: int, days: int, *, prune: bool = True,
               on_day: Callable[[Day], None] | None = None) -> tuple[list[Day], Tally, int]:
    """Open the month on a new file, play it, close it: the days, the tally, and how many
    messages the adapter was given."""
    month = Month(path, members, prune=prune)
    await month.open()
    try:
        days_out = await month.run(days, on_day)
        assert month.bot is not None
        sent = len(month.bot.adapter.sent)
    finally:
        await month.close()
    return days_out, month.tally, sent


def fast_folder() -> str | None:
    """A folder in memory (tmpfs) for the database, where there is one: the soak is about
    size, not durability, and each commit's flush to a disk would make it minutes long."""
    shm = "/dev/shm"
    return shm if os.path.isdir(shm) and os.access(shm, os.W_OK) else None
