"""When a member's next check-in is due: their cadence, day and time in their own time
zone, moved out of their quiet hours, and never while paused.

Pure functions on `CheckinPrefs`, so the rules are tested without a bot. Local times are
turned into UTC per date, so a check-in at 09:00 stays at 09:00 on the member's clock
across a clock change.
"""

from __future__ import annotations

from datetime import UTC
from datetime import date
from datetime import datetime
from datetime import timedelta
from zoneinfo import ZoneInfo

from bot.dates import parse_hhmm
from bot.features.checkins.store import Cadence
from bot.features.checkins.store import CheckinPrefs

# The furthest ahead a next check-in is looked for (a monthly cadence after a pause).
LOOK_AHEAD_DAYS = 800
_EPOCH_MONDAY = date(2024, 1, 1)


def in_quiet_hours(prefs: CheckinPrefs, moment: datetime) -> bool:
    """Whether a moment falls inside the member's quiet hours (their own clock)."""
    if not prefs.quiet_start or not prefs.quiet_end:
        return False
    local = moment.astimezone(ZoneInfo(prefs.timezone)).time().replace(tzinfo=None)
    start, end = parse_hhmm(prefs.quiet_start), parse_hhmm(prefs.quiet_end)
    if start == end:
        return False
    if start < end:
        return start <= local < end
    return local >= start or local < end


def _out_of_quiet(prefs: CheckinPrefs, local: datetime) -> datetime:
    """The local moment, or the end of the quiet hours it falls in."""
    if not in_quiet_hours(prefs, local):
        return local
    start, end = parse_hhmm(prefs.quiet_start), parse_hhmm(prefs.quiet_end)
    day = local.date()
    if start > end and local.time() >= start:
        day += timedelta(days=1)
    return datetime.combine(day, end, tzinfo=local.tzinfo)


def _anchor_monday(prefs: CheckinPrefs, zone: ZoneInfo) -> date:
    if prefs.anchor is None:
        return _EPOCH_MONDAY
    day = prefs.anchor.astimezone(zone).date()
    return day - timedelta(days=day.weekday())


def cadence_day(prefs: CheckinPrefs, day: date, zone: ZoneInfo) -> bool:
    """Whether the member's cadence has a check-in on this (local) date."""
    if day.weekday() != prefs.weekday:
        return False
    if prefs.cadence is Cadence.WEEKLY:
        return True
    if prefs.cadence is Cadence.FORTNIGHTLY:
        return ((day - _anchor_monday(prefs, zone)).days // 7) % 2 == 0
    return day.day <= 7  # monthly: the first of that weekday in each month


def next_checkin(prefs: CheckinPrefs, after: datetime) -> datetime | None:
    """The first check-in strictly after `after` (UTC), or None if switched off."""
    if not prefs.enabled:
        return None
    zone = ZoneInfo(prefs.timezone)
    at = parse_hhmm(prefs.at)
    start = after.astimezone(zone).date() - timedelta(days=1)
    if prefs.paused_until is not None:
        start = max(start, prefs.paused_until.astimezone(zone).date() - timedelta(days=1))
    for offset in range(LOOK_AHEAD_DAYS):
        day = start + timedelta(days=offset)
        if not cadence_day(prefs, day, zone):
            continue
        due = _out_of_quiet(prefs, datetime.combine(day, at, tzinfo=zone)).astimezone(UTC)
        if prefs.paused_until is not None and due < prefs.paused_until:
            continue
        if due > after:
            return due
    return None


def paused(prefs: CheckinPrefs, now: datetime) -> bool:
    """Whether the member's check-ins are paused for a holiday right now."""
    return prefs.paused_until is not None and now < prefs.paused_until
