"""Cadence in the member's own time zone, across a clock change, with quiet hours and
pauses (pure rules, no bot)."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC
from datetime import datetime
from datetime import timedelta

from bot.features.checkins.schedule import in_quiet_hours
from bot.features.checkins.schedule import next_checkin
from bot.features.checkins.store import Cadence
from bot.features.checkins.store import CheckinPrefs

BASE = CheckinPrefs("g", "u", "Alice", enabled=True, weekday=6, at="09:00",
                    timezone="Europe/London")


def _series(prefs: CheckinPrefs, start: datetime, count: int) -> list[datetime]:
    out, after = [], start
    for _ in range(count):
        due = next_checkin(prefs, after)
        assert due is not None
        out.append(due)
        after = due
    return out


def test_weekly_stays_at_nine_on_the_members_clock_across_the_spring_clock_change() -> None:
    # The UK clocks go forward on Sunday 29 March 2026.
    dues = _series(BASE, datetime(2026, 3, 20, tzinfo=UTC), 3)
    assert dues == [datetime(2026, 3, 22, 9, 0, tzinfo=UTC),   # GMT
                    datetime(2026, 3, 29, 8, 0, tzinfo=UTC),   # BST: 09:00 local
                    datetime(2026, 4, 5, 8, 0, tzinfo=UTC)]


def test_autumn_clock_change_and_another_zone() -> None:
    dues = _series(BASE, datetime(2026, 10, 20, tzinfo=UTC), 2)
    assert dues == [datetime(2026, 10, 25, 9, 0, tzinfo=UTC),  # back to GMT that morning
                    datetime(2026, 11, 1, 9, 0, tzinfo=UTC)]
    paris = replace(BASE, timezone="America/New_York", weekday=0, at="18:30")
    due = next_checkin(paris, datetime(2026, 1, 1, tzinfo=UTC))
    assert due == datetime(2026, 1, 5, 23, 30, tzinfo=UTC)


def test_fortnightly_and_monthly() -> None:
    anchor = datetime(2026, 1, 5, 12, tzinfo=UTC)  # a Monday
    fortnightly = replace(BASE, cadence=Cadence.FORTNIGHTLY, weekday=0, anchor=anchor)
    dues = _series(fortnightly, datetime(2026, 1, 5, 10, tzinfo=UTC), 3)
    assert [d.date().isoformat() for d in dues] == ["2026-01-19", "2026-02-02", "2026-02-16"]
    monthly = replace(BASE, cadence=Cadence.MONTHLY, weekday=4)  # first Friday
    dues = _series(monthly, datetime(2026, 1, 1, tzinfo=UTC), 3)
    assert [d.date().isoformat() for d in dues] == ["2026-01-02", "2026-02-06", "2026-03-06"]


def test_quiet_hours_move_a_check_in_to_their_end() -> None:
    quiet = replace(BASE, at="07:00", quiet_start="22:00", quiet_end="08:00")
    assert next_checkin(quiet, datetime(2026, 1, 1, tzinfo=UTC)) == \
        datetime(2026, 1, 4, 8, 0, tzinfo=UTC)
    late = replace(BASE, at="23:00", quiet_start="22:00", quiet_end="08:00")
    assert next_checkin(late, datetime(2026, 1, 1, tzinfo=UTC)) == \
        datetime(2026, 1, 5, 8, 0, tzinfo=UTC)  # the next morning
    assert in_quiet_hours(quiet, datetime(2026, 1, 4, 23, 30, tzinfo=UTC))
    assert in_quiet_hours(quiet, datetime(2026, 1, 4, 7, 59, tzinfo=UTC))
    assert not in_quiet_hours(quiet, datetime(2026, 1, 4, 8, 0, tzinfo=UTC))
    daytime = replace(BASE, quiet_start="08:30", quiet_end="12:00")
    assert next_checkin(daytime, datetime(2026, 1, 1, tzinfo=UTC)) == \
        datetime(2026, 1, 4, 12, 0, tzinfo=UTC)


def test_pause_skips_until_the_date_and_off_means_never() -> None:
    until = datetime(2026, 1, 20, tzinfo=UTC)
    held = replace(BASE, paused_until=until)
    due = next_checkin(held, datetime(2026, 1, 1, tzinfo=UTC))
    assert due == datetime(2026, 1, 25, 9, 0, tzinfo=UTC)
    assert next_checkin(replace(BASE, enabled=False), datetime(2026, 1, 1, tzinfo=UTC)) is None
    # Every due time is strictly after the given moment.
    moment = datetime(2026, 1, 4, 9, 0, tzinfo=UTC)
    assert next_checkin(BASE, moment) == moment + timedelta(days=7)
