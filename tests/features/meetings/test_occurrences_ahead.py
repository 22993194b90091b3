"""Occurrences read a few ahead and answer from them; the answers must be exactly what
asking dateutil each time gives, whatever the order of the questions."""

from __future__ import annotations

from datetime import UTC
from datetime import datetime
from datetime import timedelta

from hypothesis import given
from hypothesis import settings
from hypothesis import strategies as st

from bot.features.meetings.occurrences import Occurrences
from bot.features.meetings.occurrences import next_reminder
from bot.features.meetings.occurrences import reminded_occurrences
from bot.features.meetings.when import build_rule

START = datetime(2026, 3, 10, 18, 0, tzinfo=UTC)  # spans both UK clock changes below
RULES = ["FREQ=WEEKLY", "FREQ=WEEKLY;INTERVAL=2", "FREQ=MONTHLY",
         "FREQ=MONTHLY;BYDAY=2TU", "FREQ=WEEKLY;COUNT=6", "FREQ=DAILY;COUNT=3",
         "FREQ=WEEKLY;UNTIL=20260601T000000Z", "FREQ=WEEKLY;BYDAY=TU,TH"]
ZONES = ["Europe/London", "America/New_York", "Australia/Sydney", "UTC"]


def asked_each_time(rule: str, zone: str, skipped: frozenset[datetime],
                    moment: datetime) -> datetime | None:
    """What `Occurrences.after` gave before it read ahead: one dateutil question a step."""
    occurrences = Occurrences(START, zone, rule)
    built = build_rule(rule, occurrences.start)
    probe = moment
    for _ in range(500):
        found = built.after(probe)
        if found is None:
            return None
        found_utc = found.astimezone(UTC)
        if found_utc not in skipped:
            return found_utc
        probe = found_utc
    return None


@settings(max_examples=150, deadline=None)
@given(rule=st.sampled_from(RULES), zone=st.sampled_from(ZONES),
       skip=st.sets(st.integers(0, 12), max_size=8),
       hours=st.lists(st.integers(-48, 24 * 7 * 40), min_size=1, max_size=25))
def test_reading_ahead_answers_as_asking_each_time(rule: str, zone: str, skip: set[int],
                                                  hours: list[int]) -> None:
    plain = Occurrences(START, zone, rule)
    every = list(plain.upcoming(START - timedelta(days=2), START + timedelta(days=400)))
    skipped = frozenset(every[i] for i in skip if i < len(every))
    occurrences = Occurrences(START, zone, rule, skipped)
    for hour in hours:
        for moment in (START + timedelta(hours=hour),
                       START + timedelta(hours=hour, microseconds=-1)):
            assert occurrences.after(moment) == asked_each_time(rule, zone, skipped, moment)


def test_reminders_ask_dateutil_once_every_few_weeks() -> None:
    occurrences = Occurrences(START, "Europe/London", "FREQ=WEEKLY")
    due = next_reminder(occurrences, (60,), START - timedelta(days=1))  # at start: one read
    assert due == START - timedelta(hours=1)
    asked: list[datetime] = []
    rule = occurrences._rule
    assert rule is not None
    original = rule.xafter

    def counting(moment: datetime, count: int | None = None, inc: bool = False):  # type: ignore[no-untyped-def]
        asked.append(moment)
        return original(moment, count=count, inc=inc)

    rule.xafter = counting  # type: ignore[method-assign]
    for _ in range(4):  # each firing, then its re-arming
        assert reminded_occurrences(occurrences, (60,), due) == [due + timedelta(hours=1)]
        following = next_reminder(occurrences, (60,), due)
        assert following is not None  # a week on (an hour less across the clock change)
        assert timedelta(days=6, hours=23) <= following - due <= timedelta(days=7)
        due = following
    assert len(asked) == 1  # the first re-arming read four ahead
