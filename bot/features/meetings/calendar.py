"""Calendar files (RFC 5545) for meetings, so people can add them to their calendars.

Built with the `icalendar` library: each meeting is a VEVENT in its own zone, with its
RRULE, its skipped occurrences as EXDATE, and a VTIMEZONE for that zone.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from datetime import timedelta
from zoneinfo import ZoneInfo

from icalendar import Calendar
from icalendar import Event
from icalendar import vRecur

from bot.features.meetings.store import MeetingRecord

PRODID = "-//coprod-bot//meetings//EN"


def meetings_calendar(meetings: Sequence[MeetingRecord], now: datetime,
                      domain: str = "coprod-bot") -> bytes:
    """An .ics file holding these meetings."""
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    for meeting in meetings:
        zone = ZoneInfo(meeting.zone)
        start = meeting.starts_at.astimezone(zone)
        event = Event()
        event.add("uid", f"meeting-{meeting.group_id}-{meeting.id}@{domain}")
        event.add("dtstamp", now)
        event.add("summary", meeting.title)
        event.add("dtstart", start)
        event.add("dtend", start + timedelta(minutes=meeting.duration_minutes))
        if meeting.location:
            event.add("location", meeting.location)
        if meeting.notes:
            event.add("description", meeting.notes)
        if meeting.rrule:
            event.add("rrule", vRecur.from_ical(meeting.rrule))
            if meeting.skipped:
                event.add("exdate", sorted(s.astimezone(zone) for s in meeting.skipped))
        cal.add_component(event)
    cal.add_missing_timezones()
    return bytes(cal.to_ical())
