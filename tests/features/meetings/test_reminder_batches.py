"""Reminders due together are claimed in batches: every firing in exactly one batch, a
failed batch fails only its own firings, and two bots on one database still claim each
occurrence once."""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import Sequence
from datetime import UTC
from datetime import datetime
from datetime import timedelta
from pathlib import Path

from bot.app import App
from bot.clock import SystemClock
from bot.config import Config
from bot.features.meetings import package as meetings
from bot.features.meetings.config import MeetingsConfig
from bot.features.meetings.jobs import ReminderBatch
from bot.features.meetings.jobs import _Due
from bot.features.meetings.store import MeetingDraft
from bot.outbox import DeliveryStatus
from bot.outbox import NewDelivery
from scheduler import Firing
from storage.crypto import FieldCipher
from storage.factory import open_storage

T0 = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)


def _due(number: int) -> _Due:
    return _Due(Firing(f"meeting:{number}", T0), "g", number, [T0 + timedelta(hours=1)])


async def test_each_firing_is_in_exactly_one_batch_with_few_at_once() -> None:
    batches: list[list[int]] = []
    running = 0
    most_running = 0

    async def work(batch: list[_Due]) -> None:
        nonlocal running, most_running
        running += 1
        most_running = max(most_running, running)
        batches.append([due.meeting_id for due in batch])
        await asyncio.sleep(0.01)
        running -= 1

    batch = ReminderBatch(work)
    count = ReminderBatch.MOST * 3 + 7
    async with asyncio.timeout(10):
        await asyncio.gather(*(batch.submit(_due(i)) for i in range(count)))
    assert sorted(i for b in batches for i in b) == list(range(count))
    assert all(len(b) <= ReminderBatch.MOST for b in batches)
    assert len(batches) < count / 10  # batched, not one by one
    assert 1 < most_running <= ReminderBatch.AT_ONCE


async def test_a_failed_batch_fails_only_its_own_firings() -> None:
    batches: list[set[int]] = []

    async def work(batch: list[_Due]) -> None:
        numbers = {due.meeting_id for due in batch}
        batches.append(numbers)
        await asyncio.sleep(0)
        if 0 in numbers:
            raise RuntimeError("database locked")

    batch = ReminderBatch(work)
    count = ReminderBatch.MOST + 5
    async with asyncio.timeout(10):
        results = await asyncio.gather(*(batch.submit(_due(i)) for i in range(count)),
                                       return_exceptions=True)
    failed = next(b for b in batches if 0 in b)
    assert len(failed) < count
    for number, result in enumerate(results):
        assert isinstance(result, RuntimeError) if number in failed else result is None


class _Recorder:
    """Counts, across bots, how often each occurrence key was claimed."""

    def __init__(self) -> None:
        self.claimed: Counter[str] = Counter()


def _record_claims(app: App, recorder: _Recorder) -> None:
    storage = app.storage
    claim = storage.claim_occurrences

    async def recorded(claims: Sequence[tuple[str, Sequence[NewDelivery]]], owner: str,
                       now: datetime) -> set[str]:
        keys = await claim(claims, owner, now)
        recorder.claimed.update(keys)
        return keys

    storage.claim_occurrences = recorded  # type: ignore[method-assign]


async def test_two_bots_on_one_database_claim_each_reminder_once(
        tmp_path: Path, cipher: FieldCipher) -> None:
    count = 300
    path = str(tmp_path / "shared.db")
    stores = [await open_storage(path, cipher) for _ in range(2)]
    await stores[0].migrate()
    clock = SystemClock()
    # Due a second or two from now, 60 at each of five instants, so both bots fire the
    # same occurrences at the same moments, in batches.
    first = clock.now().replace(microsecond=0) + timedelta(seconds=2)
    drafts = [MeetingDraft(f"g{i % 7}", f"Meeting {i}",
                           first + timedelta(hours=1, milliseconds=(i % 5) * 100),
                           "Europe/London", "", "Room 2", "", "updates", (60,), "test")
              for i in range(count)]
    await stores[0].add_meetings(drafts, clock.now())
    recorder = _Recorder()
    apps = [App(Config().with_sections(MeetingsConfig(coming_up_day="never")), store,
                clock=clock, features=[meetings.PACKAGE]) for store in stores]
    try:
        for app in apps:
            await app.load()
            _record_claims(app, recorder)
            await app.start_scheduler()
        async with asyncio.timeout(15):
            while sum(recorder.claimed.values()) < count:  # noqa: ASYNC110
                await asyncio.sleep(0.05)
        await asyncio.sleep(0.3)  # anything claimed twice would have shown by now
        counts = await stores[0].delivery_counts()
    finally:
        for app in apps:
            await app.stop()
        for store in stores:
            await store.close()
    assert len(recorder.claimed) == count
    assert set(recorder.claimed.values()) == {1}
    assert counts[DeliveryStatus.PENDING] == count


async def test_a_firing_after_the_workers_finished_still_gets_one() -> None:
    done: list[int] = []

    async def work(batch: list[_Due]) -> None:
        done.extend(due.meeting_id for due in batch)

    class OneAtOnce(ReminderBatch):
        AT_ONCE = 1

    batch = OneAtOnce(work)
    async with asyncio.timeout(5):
        for number in range(20):
            await batch.submit(_due(number))
            for _ in range(number % 4):  # meet the worker at each point of its ending
                await asyncio.sleep(0)
    assert done == list(range(20))
