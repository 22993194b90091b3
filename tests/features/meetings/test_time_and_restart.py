"""Clock changes (both directions), downtime and restart, and the repeat rules."""

from __future__ import annotations

from datetime import UTC
from datetime import datetime
from datetime import timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from adapters.memory import MemoryAdapter
from adapters.memory import MemoryBot
from adapters.memory import reply_text
from bot.app import App
from bot.clock import FakeClock
from bot.config import Config
from bot.features.meetings.occurrences import Occurrences
from bot.features.meetings.occurrences import next_reminder
from bot.features.meetings.when import WhenError
from bot.features.meetings.when import parse_repeat
from bot.features.meetings.when import parse_when
from storage.crypto import FieldCipher
from storage.factory import open_storage
from tests.features.meetings.conftest import check
from tests.features.meetings.conftest import load_schedules
from tests.features.meetings.conftest import run_due
from tests.features.meetings.conftest import schedule


def _utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


@pytest.mark.parametrize(("first", "expected_utc"), [
    # Spring: clocks go forward on 29 March 2026; 18:00 BST is 17:00 UTC.
    ("2026-03-17 18:00", [_utc(2026, 3, 17, 18), _utc(2026, 3, 24, 18), _utc(2026, 3, 31, 17),
                          _utc(2026, 4, 7, 17)]),
    # Autumn: clocks go back on 25 October 2026; 18:00 GMT is 18:00 UTC again.
    ("2026-10-13 18:00", [_utc(2026, 10, 13, 17), _utc(2026, 10, 20, 17),
                          _utc(2026, 10, 27, 18), _utc(2026, 11, 3, 18)]),
])
def test_weekly_meeting_stays_at_local_time_across_clock_changes(
        first: str, expected_utc: list[datetime]) -> None:
    now = _utc(2026, 3, 1) if first.startswith("2026-03") else _utc(2026, 10, 1)
    zone = ZoneInfo("Europe/London")
    start = parse_when(first, zone, now)
    occ = Occurrences(start, "Europe/London", parse_repeat("weekly", start, now))
    found = list(occ.upcoming(now, expected_utc[-1]))
    assert found == expected_utc
    assert {o.astimezone(zone).strftime("%H:%M") for o in found} == {"18:00"}
    # An hour-before reminder follows the local time too.
    assert next_reminder(occ, (60,), expected_utc[1]) == expected_utc[2] - timedelta(hours=1)


@pytest.mark.parametrize(("now", "first", "before", "after"), [
    (_utc(2026, 3, 16, 9), "2026-03-24 18:00", _utc(2026, 3, 24, 17), _utc(2026, 3, 31, 16)),
    (_utc(2026, 10, 12, 9), "2026-10-20 18:00", _utc(2026, 10, 20, 16), _utc(2026, 10, 27, 17)),
])
async def test_reminders_through_the_bot_across_clock_changes(
        tmp_path: Path, cipher: FieldCipher, now: datetime, first: str,
        before: datetime, after: datetime) -> None:
    store = await open_storage(str(tmp_path / "dst.db"), cipher)
    await store.migrate()
    clock = FakeClock(now)
    app = App(Config(), store, clock=clock)
    await app.load()
    bot = MemoryBot(app, MemoryAdapter())
    try:
        await load_schedules(app)
        await schedule(bot, when=first, repeat="weekly", reminders="1 hour")
        for due in (before, after):
            clock.advance(due - clock.now())
            await run_due(bot)
            reminder = [m for m in bot.adapter.sent_to_channel("updates")
                        if m.text.startswith("Reminder")][-1]
            assert "at 18:00 (Europe/London time" in reminder.text
            assert "(sent late)" not in reminder.text
        assert len([m for m in bot.adapter.sent_to_channel("updates")
                    if m.text.startswith("Reminder")]) == 2
    finally:
        await bot.close()
        await store.close()


async def test_downtime_sends_recent_reminders_late_and_skips_old_ones(
        tmp_path: Path, cipher: FieldCipher) -> None:
    # Far enough ahead that the real timers never fire during the test.
    clock = FakeClock(_utc(2031, 1, 6, 8, 0))
    path = str(tmp_path / "restart.db")
    store = await open_storage(path, cipher)
    await store.migrate()
    app = App(Config(), store, clock=clock)
    await app.load()
    bot = MemoryBot(app, MemoryAdapter())
    await app.start_scheduler()
    await schedule(bot, when="2031-01-06 12:00", reminders="3 hours, 1 hour")
    clock.advance(timedelta(minutes=50))  # 08:50: the last heartbeat before stopping
    await app.scheduler.shutdown()
    await store.scheduler_heartbeat(clock.now())
    await bot.close()
    await store.close()

    clock.advance(timedelta(hours=2, minutes=40))  # down until 11:30
    store = await open_storage(path, cipher)
    app = App(Config(), store, clock=clock)
    await app.load()
    bot = MemoryBot(app, MemoryAdapter())
    try:
        await app.start_scheduler()  # rebuilds from storage, then catches up
        await bot.settle()
        reminders = [m.text for m in bot.adapter.sent_to_channel("updates")
                     if m.text.startswith("Reminder")]
        # 09:00 was 2.5 hours late (over the hour's grace): recorded as missed, not sent.
        # 11:00 was 30 minutes late: sent once, saying so.
        assert len(reminders) == 1 and "(sent late)" in reminders[0]
        assert not await store.claim_occurrence(
            f"meeting:1@{_utc(2031, 1, 6, 9).isoformat()}", "x", clock.now())
        await app.scheduler.run_due()
        await bot.settle()
        assert len([m for m in bot.adapter.sent_to_channel("updates")
                    if m.text.startswith("Reminder")]) == 1
    finally:
        await bot.close()
        await store.close()


@pytest.mark.parametrize(("repeat", "rule"), [
    ("", ""), ("none", ""), ("weekly", "FREQ=WEEKLY"),
    ("fortnightly", "FREQ=WEEKLY;INTERVAL=2"), ("monthly", "FREQ=MONTHLY;BYMONTHDAY=13"),
    ("monthly by weekday", "FREQ=MONTHLY;BYDAY=+2TU"),
    ("second Tuesday", "FREQ=MONTHLY;BYDAY=+2TU"),
    ("RRULE:FREQ=WEEKLY;BYDAY=TU,TH", "FREQ=WEEKLY;BYDAY=TU,TH"),
    ("FREQ=DAILY;COUNT=5", "FREQ=DAILY;COUNT=5"),
])
def test_repeat_choices(repeat: str, rule: str) -> None:
    assert _repeat_from_tuesday_13(repeat) == rule


def _repeat_from_tuesday_13(repeat: str) -> str:
    """The rule `repeat` gives a meeting on Tuesday 13 January 2026, 18:00 in London."""
    now = _utc(2026, 1, 5, 9)
    start = parse_when("2026-01-13 18:00", ZoneInfo("Europe/London"), now)
    return parse_repeat(repeat, start, now)


@pytest.mark.parametrize(("repeat", "words"), [
    ("RRULE:FREQ=HOURLY", "more than once a day"),
    ("RRULE:FREQ=DAILY;BYHOUR=9,17", "more than once a day"),
    ("RRULE:FREQ=WEEKLY;UNTIL=20250101T000000Z", "never gives a meeting"),
    ("RRULE:FREQ=WEEKLY;BYMONTH=2;BYMONTHDAY=30", "never gives a meeting"),
    ("RRULE:FREQ=WEEKLY;COUNT=2;UNTIL=20270101T000000Z", "can't be used"),
    ("RRULE:NONSENSE", "can't be used"),
    ("RRULE:FREQ=WEEKLY;INTERVAL=0", "INTERVAL must be"),
    ("first Tuesday", "change the date"),
    ("every blue moon", "don't know the repeat"),
])
def test_bad_repeat_rules_are_refused_kindly(repeat: str, words: str) -> None:
    with pytest.raises(WhenError) as caught:
        _repeat_from_tuesday_13(repeat)
    assert words in str(caught.value)


@pytest.mark.parametrize(("phrase", "expected"), [
    ("next Tuesday 6pm", _utc(2026, 1, 6, 18)),
    ("tomorrow 10:30", _utc(2026, 1, 6, 10, 30)),
    ("in 2 hours", _utc(2026, 1, 5, 11)),
    ("2026-01-20 18:00", _utc(2026, 1, 20, 18)),
    ("2026-01-20T18:00", _utc(2026, 1, 20, 18)),
])
def test_natural_when_phrases_in_a_zone(phrase: str, expected: datetime) -> None:
    now = _utc(2026, 1, 5, 9)
    assert parse_when(phrase, ZoneInfo("Europe/London"), now) == expected
    # The same words in New York mean five hours later (except "in 2 hours").
    ny = parse_when(phrase, ZoneInfo("America/New_York"), now)
    assert ny == expected or phrase.startswith("in ") or ny - expected == timedelta(hours=5)


def test_a_time_the_clocks_skip_is_refused() -> None:
    with pytest.raises(WhenError) as caught:
        parse_when("2026-03-29 01:30", ZoneInfo("Europe/London"), _utc(2026, 3, 1))
    assert "clocks go forward" in str(caught.value)


async def test_bad_when_gets_the_phrases_that_work_and_nothing_is_saved(
        bot: MemoryBot) -> None:
    for when, words in (("whenever suits", "These work"), ("2020-01-01 10:00", "passed"),
                        ("in 0 minutes", "passed"), ("2031-01-01 10:00", "two years"),
                        ("Tuesday", "needs a time of day")):
        reply = await check(bot, when=when)
        assert words in reply.field_errors["when"], when
    reply = await check(bot, repeat="RRULE:FREQ=HOURLY")
    assert "more than once a day" in reply.field_errors["repeat"]
    reply = await check(bot, title="x" * 101)
    assert "title" in reply.field_errors
    assert await bot.app.storage.active_meetings(bot.group_id) == []
    bad = await bot.run("alice", '/meeting schedule reminders="soonish"')
    assert "1 day, 1 hour" in reply_text(bad)
