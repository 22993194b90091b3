"""A meeting saved straight into storage, and a check of the calendar file (.ics) the
bot sends for it: shared by the Discord and Slack file tests."""

from __future__ import annotations

from datetime import UTC
from datetime import datetime
from datetime import timedelta

from icalendar import Calendar

from bot.features.meetings.store import MeetingDraft
from storage.interface import Storage


async def add_meeting(storage: Storage, group_id: str, channel: str,
                      created_by: str = "someone") -> int:
    """A weekly Europe/London meeting, saved straight into storage; its id."""
    now = datetime.now(UTC)
    start = now.replace(microsecond=0) + timedelta(days=10)
    draft_id = await storage.save_meeting_draft(MeetingDraft(
        group_id=group_id, title="Coffee and plans", starts_at=start,
        zone="Europe/London", rrule="FREQ=WEEKLY", location="Room 2", notes="",
        channel=channel, reminders=(60,), created_by=created_by), now)
    saved = await storage.confirm_meeting(group_id, draft_id, now)
    assert saved is not None
    return saved.id


def assert_calendar(content: bytes) -> None:
    """The .ics parses back with its weekly rule, its zone and its title."""
    cal = Calendar.from_ical(content)
    (event,) = cal.walk("VEVENT")
    assert event["rrule"].to_ical() == b"FREQ=WEEKLY"
    assert str(event["dtstart"].params["TZID"]) == "Europe/London"
    assert [str(t["tzid"]) for t in cal.walk("VTIMEZONE")] == ["Europe/London"]
    assert str(event["summary"]) == "Coffee and plans"
