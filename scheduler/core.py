"""The scheduler: APScheduler's timers, with storage as the source of truth.

Every schedule's next due time is kept in memory, in a heap; APScheduler keeps one
in-memory date job, the next wake-up, for the earliest of them (no APScheduler job store:
storage already holds the schedules, and its SQLAlchemy store blocks the event loop).
One wake-up starts every schedule then due, each in its own task, so thousands of
schedules cost one timer, not thousands (adding a job to APScheduler costs ~150 us).
When a job fires, the feature's job function runs with a
`Firing`; it must claim `firing.key` in storage in the same transaction as whatever it
stores and sends (`Storage.claim_occurrence`, or a feature operation that does the
same), so only one process, once, ever acts on an occurrence.

Downtime: at start the scheduler reads up to when a scheduler last had everything
handled (a heartbeat in storage). Occurrences that fell due since then are fired once,
marked late, if they are within the grace period; older ones are recorded as missed and
never sent. A schedule added with `catch_up=True` (a job safe to run however late, such as
a sweep) is the exception: the latest of its missed occurrences is still fired once, late,
however late; only the ones before it are recorded as missed. Its job claims the
occurrence as any other does, so across processes it still runs once.
The heartbeat never runs ahead of work not yet done: it is written after the catch-up, and
then records the earliest occurrence still being acted on (or now), so a
process killed half-way through leaves that work to the next start.

Preparing ahead: a schedule added with `ahead` (meeting reminders) fires twice for each
occurrence. First `ahead` before it is due, with `Firing.early` set: the job does its
slow work then (reads, renders, claims the occurrence with deliveries that are not sent
before the due time), so a burst of thousands due at one instant is already in the outbox
when it falls due. Then again at the due time, as any firing: the job only checks that
its claim still stands (an edit or a cancellation in between drops a prepared claim in
storage, and this second firing then does the work afresh). The occurrence counts as
handled only after the second firing, so a restart in between still sends it, once.
"""

from __future__ import annotations

import asyncio
import heapq
import itertools
import logging
from collections.abc import Awaitable
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC
from datetime import datetime
from datetime import timedelta

from apscheduler.schedulers.asyncio import AsyncIOScheduler
from apscheduler.triggers.date import DateTrigger

from bot.clock import Clock
from bot.logs import log_event
from bot.metrics import NO_METRICS
from bot.metrics import Metrics
from storage.interface import Storage

log = logging.getLogger(__name__)

MISSED_OWNER = "missed"
# A firing this much after its due time is called late (and says so in its text).
LATE_AFTER = timedelta(minutes=1)
HEARTBEAT_EVERY = timedelta(seconds=30)
RETRY_AFTER = timedelta(seconds=30)
# Going back further than this for missed occurrences would be pointless work.
LOOKBACK_LIMIT = 1000
WAKE_JOB = "coprod-scheduler-wake"
# The shortest time between two wake-ups: schedules due closer together start together.
WAKE_GAP = timedelta(milliseconds=5)


@dataclass(frozen=True, slots=True)
class Firing:
    """One occurrence of a schedule being acted on."""

    schedule_id: str
    due: datetime
    late: bool = False
    # Fired `ahead` before `due` to prepare (see the module's docstring); `due` is unchanged.
    early: bool = False

    @property
    def key(self) -> str:
        """The occurrence's unique key, to claim in storage before acting."""
        # In UTC, so the same instant always gives the same key, whatever zone it came in.
        return f"{self.schedule_id}@{self.due.astimezone(UTC).isoformat()}"


NextDue = Callable[[datetime], datetime | None]
"""Given a time, the schedule's first due time strictly after it (None: no more)."""

FiringJob = Callable[[Firing], Awaitable[None]]
"""What to do at an occurrence; must claim `firing.key` with what it stores."""


@dataclass
class _Entry:
    next_due: NextDue
    job: FiringJob
    due: datetime | None
    # Safe to run however late: the latest missed occurrence runs, whatever the grace.
    catch_up: bool = False
    # The heap item that is this entry's live timer (older items for it are stale).
    timer: int = 0
    # Fire this long before each due time too, to prepare (zero: no early firing).
    ahead: timedelta = timedelta(0)
    # The due time whose early firing has been done.
    prepared: datetime | None = None

    def wake_at(self) -> datetime | None:
        """When this entry's timer should go off next: its early firing, if it has one
        still to do, else its due time."""
        if self.due is None or not self.ahead or self.prepared == self.due:
            return self.due
        return self.due - self.ahead


class Scheduler:
    """Runs features' schedules; every occurrence acted on at most once across processes."""

    def __init__(self, storage: Storage, clock: Clock, *, owner: str,
                 grace: timedelta = timedelta(hours=1)) -> None:
        self._storage = storage
        self._clock = clock
        self._owner = owner
        self._grace = grace
        self._entries: dict[str, _Entry] = {}
        self._aps: AsyncIOScheduler | None = None
        self._since: datetime | None = None
        self._heartbeat: asyncio.Task[None] | None = None
        self._running: set[asyncio.Task[None]] = set()
        self._heap: list[tuple[datetime, int, str]] = []
        self._counter = itertools.count(1)
        self._wake_at: datetime | None = None
        self._wake_id = WAKE_JOB
        self._last_wake: datetime | None = None
        # Lateness of each firing, for the operator's monitoring (`bot.metrics`).
        self.metrics: Metrics = NO_METRICS

    @property
    def running(self) -> bool:
        """Whether the timers run and the heartbeat is kept (for the readiness check)."""
        return (self._aps is not None and bool(self._aps.running)
                and self._heartbeat is not None and not self._heartbeat.done())

    @property
    def grace(self) -> timedelta:
        """How late an occurrence may still be sent after downtime."""
        return self._grace

    def add(self, schedule_id: str, next_due: NextDue, job: FiringJob, *,
            catch_up: bool = False, ahead: timedelta = timedelta(0)) -> None:
        """Add or replace a schedule. Takes effect at once: a replaced schedule's pending
        timer is dropped (so an edit or a cancellation stops what was scheduled).
        `catch_up`: the job is safe to run however late (idempotent, nothing a member
        would find stale), so after downtime longer than the grace its latest missed
        occurrence still runs once, late, instead of being recorded as missed.
        `ahead`: also fire each occurrence this long before it is due, marked early, to
        prepare it (see the module's docstring)."""
        self._entries[schedule_id] = _Entry(next_due, job, None, catch_up, ahead=ahead)
        self._arm(schedule_id, self._clock.now())

    def remove(self, schedule_id: str) -> None:
        """Stop a schedule; nothing more fires for it."""
        self._entries.pop(schedule_id, None)  # its heap items are now stale

    def next_due(self, schedule_id: str) -> datetime | None:
        """When a schedule fires next, if it is known."""
        entry = self._entries.get(schedule_id)
        return None if entry is None else entry.due

    async def start(self) -> None:
        """Catch up on what was missed while down, then start the timers."""
        now = self._clock.now()
        self._since = await self._storage.scheduler_last_seen()
        failed: set[str] = set()
        if self._since is not None:
            failed = await self.catch_up(self._since, now)
        self._aps = AsyncIOScheduler(timezone="UTC")
        self._aps.start()
        self._heap = []
        for schedule_id, entry in list(self._entries.items()):
            # `add` already worked out the next due time; only stale ones are redone.
            if schedule_id in failed:
                self._arm(schedule_id, now, keep=True, at=now + RETRY_AFTER, fresh=True)
                continue
            self._arm(schedule_id, now, keep=entry.due is not None and entry.due > now,
                      fresh=True)
        heapq.heapify(self._heap)
        self._rewake()
        # Only now: a process killed during the catch-up leaves it to the next start.
        await self._storage.scheduler_heartbeat(self.handled_until(now))
        self._heartbeat = asyncio.create_task(self._beat(), name="coprod-heartbeat")

    async def shutdown(self) -> None:
        """Stop the timers (occurrences not yet due stay for the next start)."""
        if self._heartbeat is not None:
            self._heartbeat.cancel()
            self._heartbeat = None
        if self._aps is not None:
            self._aps.shutdown(wait=False)
            self._aps = None
            self._wake_at = None
        for task in list(self._running):
            task.cancel()

    async def catch_up(self, since: datetime, now: datetime) -> set[str]:
        """Fire, once and marked late, what fell due in (since, now] within the grace;
        record older ones as missed (but a catch-up schedule's latest one is fired,
        however late). Returns the schedules whose catch-up job failed:
        each keeps that occurrence as its next due, to be tried again shortly."""
        failed: set[str] = set()
        log_event(log, logging.INFO, "schedule.catch_up", since=since.isoformat())
        for schedule_id, entry in list(self._entries.items()):
            due = entry.next_due(since)
            for _ in range(LOOKBACK_LIMIT):
                if due is None or due > now:
                    break
                following = entry.next_due(due)
                if now - due <= self._grace or self._caught_up(entry, following, now):
                    if not await self._run(schedule_id, entry,
                                           Firing(schedule_id, due, late=True)):
                        entry.due = due
                        failed.add(schedule_id)
                        break
                else:
                    claimed = await self._storage.claim_occurrence(
                        Firing(schedule_id, due).key, MISSED_OWNER, now)
                    if claimed:
                        log_event(log, logging.WARNING, "schedule.missed",
                                  schedule=schedule_id, due=due.isoformat())
                due = following
        return failed

    async def run_due(self, now: datetime | None = None) -> int:
        """Fire every occurrence due up to `now` (the timers call this; tests and the
        console may too, with a fake clock). Returns how many were acted on."""
        now = now or self._clock.now()
        count = 0
        for schedule_id, entry in list(self._entries.items()):
            count += await self._run_entry(schedule_id, entry, now)
        return count

    async def _run_entry(self, schedule_id: str, entry: _Entry, now: datetime) -> int:
        """Fire one schedule's occurrences due up to `now`, then re-arm its timer."""
        count = 0
        for _ in range(LOOKBACK_LIMIT):
            due = entry.due
            if due is not None and due > now:
                await self._prepare(schedule_id, entry, due, now)
                if self._entries.get(schedule_id) is not entry:
                    return count
            if due is None or due > now:
                break
            late = now - due > LATE_AFTER
            if (late and now - due > self._grace
                    and not self._caught_up(entry, entry.next_due(due), now)):
                await self._storage.claim_occurrence(
                    Firing(schedule_id, due).key, MISSED_OWNER, now)
            elif not await self._run(schedule_id, entry, Firing(schedule_id, due, late)):
                # Not lost: the occurrence stays due and is tried again shortly.
                self._arm(schedule_id, now, keep=True, at=now + RETRY_AFTER)
                return count
            else:
                count += 1
            if self._entries.get(schedule_id) is not entry:
                return count  # the job replaced or removed its own schedule
            entry.due = entry.next_due(due)
        if entry.due is None or entry.due > now:
            self._arm(schedule_id, now, keep=True)
        return count

    async def _prepare(self, schedule_id: str, entry: _Entry, due: datetime,
                       now: datetime) -> None:
        """The early firing of `due`, once, if it is time. Done even if the job fails: the
        firing at the due time does the work then."""
        if not entry.ahead or entry.prepared == due or due - entry.ahead > now:
            return
        entry.prepared = due
        await self._run(schedule_id, entry, Firing(schedule_id, due, early=True))

    def handled_until(self, now: datetime) -> datetime:
        """The latest moment up to which every occurrence has been acted on: `now`, or
        just before the earliest one still due and not yet done (running, or failed and
        waiting to be tried again)."""
        waiting = [e.due for e in self._entries.values() if e.due is not None and e.due <= now]
        if not waiting:
            return now
        return min(waiting) - timedelta(microseconds=1)

    # ---- internals ---------------------------------------------------------------------

    @staticmethod
    def _caught_up(entry: _Entry, following: datetime | None, now: datetime) -> bool:
        """Whether an occurrence past the grace still runs: a catch-up schedule's latest
        one due by `now` (the one after it, `following`, is not yet due)."""
        return entry.catch_up and (following is None or following > now)

    def _arm(self, schedule_id: str, now: datetime, keep: bool = False,
             at: datetime | None = None, fresh: bool = False) -> None:
        entry = self._entries.get(schedule_id)
        if entry is None:
            return
        if not keep:
            entry.due = entry.next_due(now - timedelta(microseconds=1))
        when = at or entry.wake_at()
        entry.timer = next(self._counter)
        if when is None or self._aps is None:
            return
        item = (when, entry.timer, schedule_id)
        if fresh:
            self._heap.append(item)  # `start` heapifies once
            return
        heapq.heappush(self._heap, item)
        if len(self._heap) > 2 * len(self._entries) + 1000:
            self._compact()
        if self._wake_at is None or when < self._wake_at:
            self._rewake()

    def _live(self, item: tuple[datetime, int, str]) -> bool:
        entry = self._entries.get(item[2])
        return entry is not None and entry.timer == item[1]

    def _compact(self) -> None:
        self._heap = [item for item in self._heap if self._live(item)]
        heapq.heapify(self._heap)

    def _rewake(self) -> None:
        """Point APScheduler's one timer at the earliest live due time."""
        while self._heap and not self._live(self._heap[0]):
            heapq.heappop(self._heap)
        if self._aps is None:
            return
        when = self._heap[0][0] if self._heap else None
        if when is not None and self._last_wake is not None:
            # In a burst, wake at most every WAKE_GAP and start all then due together.
            when = max(when, self._last_wake + WAKE_GAP)
        if when == self._wake_at:
            return
        if self._wake_at is not None and self._aps.get_job(self._wake_id) is not None:
            self._aps.remove_job(self._wake_id)
        self._wake_at = when
        if when is not None:
            # A new id each time: a wake-up may arm the next while it is still running.
            self._wake_id = f"{WAKE_JOB}-{next(self._counter)}"
            self._aps.add_job(self._wake, DateTrigger(run_date=when), id=self._wake_id,
                              misfire_grace_time=None)

    async def _wake(self) -> None:
        """Start every schedule that is due now, each in its own task."""
        self._wake_at = None
        now = self._clock.now()
        self._last_wake = now
        while self._heap and self._heap[0][0] <= now:
            item = heapq.heappop(self._heap)
            if not self._live(item):
                continue
            entry = self._entries[item[2]]
            entry.timer = 0  # its timer is used up; the run re-arms it
            task = asyncio.create_task(self._timer(item[2], item[0]), name="coprod-firing")
            self._running.add(task)
            task.add_done_callback(self._running.discard)
        self._rewake()

    async def _timer(self, schedule_id: str, when: datetime) -> None:
        try:
            entry = self._entries.get(schedule_id)
            if entry is None or entry.due is None:
                return
            # Only this schedule: a timer never walks every schedule (there may be many).
            # Never before the time it was set for (a timer may go off a little early).
            await self._run_entry(schedule_id, entry,
                                  max(self._clock.now(), entry.wake_at() or when, when))
        except Exception:
            log.exception("schedule.timer_failed")

    async def _run(self, schedule_id: str, entry: _Entry, firing: Firing) -> bool:
        if not firing.early:
            self.metrics.schedule_fired(
                max(0.0, (self._clock.now() - firing.due).total_seconds()))
        try:
            await entry.job(firing)
        except Exception as exc:
            log_event(log, logging.ERROR, "schedule.job_failed", schedule=schedule_id,
                      due=firing.due.isoformat(), error=type(exc).__name__)
            return False
        return True

    async def _beat(self) -> None:
        while True:
            await asyncio.sleep(HEARTBEAT_EVERY.total_seconds())
            try:
                await self._storage.scheduler_heartbeat(self.handled_until(self._clock.now()))
            except Exception as exc:
                log_event(log, logging.WARNING, "schedule.heartbeat_failed",
                          error=type(exc).__name__)
