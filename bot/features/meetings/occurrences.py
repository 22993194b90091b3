"""When a meeting happens and when its reminders are due.

Recurrences are expanded in the meeting's own IANA zone with dateutil, from a start in
that zone, so a weekly 18:00 Europe/London meeting stays at 18:00 local time on both
sides of a clock change (its UTC time moves instead). Results are UTC.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterator
from collections.abc import Sequence
from datetime import UTC
from datetime import date
from datetime import datetime
from datetime import timedelta
from typing import Protocol
from zoneinfo import ZoneInfo

from dateutil.rrule import rrule

from bot.features.meetings.when import build_rule

# Enough to step over a long run of skipped occurrences without looping for ever.
_MAX_STEPS = 500
# How many occurrences an expansion reads ahead after the first: a reminder's next firings
# and re-armings then ask dateutil nothing (each question costs ~40 us, more for an older
# series).
_AHEAD = 4


class Occurrences:
    """The occurrences of one meeting (skipped ones left out)."""

    __slots__ = ("_ahead", "_rule", "skipped", "start", "zone")

    def __init__(self, starts_at: datetime, zone: str, rule: str,
                 skipped: frozenset[datetime] = frozenset()) -> None:
        self.zone = ZoneInfo(zone)
        self.start = starts_at.astimezone(self.zone)
        self.skipped = skipped
        self._rule: rrule | None = build_rule(rule, self.start) if rule else None
        # The last expansion: (from, found, ended): `found` holds, in order, every
        # occurrence after `from` up to its last; `ended` says the rule has no more.
        self._ahead: tuple[datetime, list[datetime], bool] | None = None

    def after(self, moment: datetime) -> datetime | None:
        """The first occurrence strictly after `moment` (UTC), if any."""
        if self._rule is None:
            start = self.start.astimezone(UTC)
            return start if start > moment and start not in self.skipped else None
        ahead = self._ahead
        if ahead is not None and ahead[0] <= moment:
            found = ahead[1]
            index = bisect_right(found, moment)
            if index < len(found):
                return found[index]
            if ahead[2]:
                return None
        # The first question (at start, for every meeting) reads one: start stays cheap.
        found, ended = self._expand(moment, 1 if ahead is None else _AHEAD)
        self._ahead = (moment, found, ended)
        return found[0] if found else None

    def _expand(self, moment: datetime, count: int) -> tuple[list[datetime], bool]:
        """Up to `count` occurrences after `moment` (at least one unless the rule ends),
        skipped ones left out, and whether the rule ends with them."""
        assert self._rule is not None
        probe = moment
        for _ in range(_MAX_STEPS // count):
            if count == 1:  # dateutil's `after` is quicker than `xafter` for one
                one = self._rule.after(probe)
                raw = [] if one is None else [one.astimezone(UTC)]
            else:
                raw = [o.astimezone(UTC) for o in self._rule.xafter(probe, count=count)]
            found = [o for o in raw if o not in self.skipped]
            if found or len(raw) < count:
                return found, len(raw) < count
            probe = raw[-1]
        return [], False

    def upcoming(self, moment: datetime, until: datetime) -> Iterator[datetime]:
        """Occurrences after `moment` up to and including `until` (UTC)."""
        current = self.after(moment)
        while current is not None and current <= until:
            yield current
            current = self.after(current)

    def is_occurrence(self, moment: datetime) -> bool:
        """Whether a meeting happens starting at exactly this moment."""
        return self.after(moment - timedelta(microseconds=1)) == moment


def next_reminder(occurrences: Occurrences, offsets: tuple[int, ...],
                  after: datetime) -> datetime | None:
    """The first reminder time strictly after `after` over all offsets (minutes)."""
    best: datetime | None = None
    for minutes in offsets:
        offset = timedelta(minutes=minutes)
        occurrence = occurrences.after(after + offset)
        if occurrence is not None:
            due = occurrence - offset
            if best is None or due < best:
                best = due
    return best


def reminded_occurrences(occurrences: Occurrences, offsets: tuple[int, ...],
                         due: datetime) -> list[datetime]:
    """The occurrences a reminder due at `due` is for (usually one)."""
    found = {due + timedelta(minutes=m) for m in offsets}
    return sorted(o for o in found if occurrences.is_occurrence(o))


class MeetingWhen(Protocol):
    """What `meeting_on_day` reads of a meeting (`MeetingTimes` has it)."""

    @property
    def group_id(self) -> str:
        """The meeting's group."""

    @property
    def starts_at(self) -> datetime:
        """Its first occurrence."""

    @property
    def zone(self) -> str:
        """The IANA zone its repeats are expanded in."""

    @property
    def rrule(self) -> str:
        """Its repeat rule, or "" for a single meeting."""

    @property
    def skipped(self) -> frozenset[datetime]:
        """Occurrences that will not happen."""


class MeetingTimesReader(Protocol):
    """What `meeting_on_day` reads: every active meeting's times (any store that gives
    them, so another feature passes its own port, which names `MeetingWhen` through the
    meetings package)."""

    async def all_meeting_times(self) -> Sequence[MeetingWhen]:
        """Every active meeting's times."""


async def meeting_on_day(store: MeetingTimesReader, group_id: str, day: date,
                         zone: ZoneInfo) -> bool:
    """Whether an active meeting of the group takes place on `day`, a day in the group's
    `zone` (other features ask: prompts skip days with a meeting)."""
    start = datetime.combine(day, datetime.min.time(), tzinfo=zone)
    for times in await store.all_meeting_times():
        if times.group_id != group_id:
            continue
        occurrences = Occurrences(times.starts_at, times.zone, times.rrule, times.skipped)
        found = occurrences.after(start - timedelta(microseconds=1))
        if found is not None and found < start + timedelta(days=1):
            return True
    return False
