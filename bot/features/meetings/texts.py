"""Building the meetings feature's messages from records: reminders with their buttons,
action item lines, times in a zone. The sentences themselves are in `wording`."""

from __future__ import annotations

from datetime import UTC
from datetime import datetime
from zoneinfo import ZoneInfo

from bot.features.meetings import wording
from bot.features.meetings.store import ActionRecord
from bot.features.meetings.store import MeetingRecord
from bot.features.meetings.when import describe_rule
from bot.features.meetings.wording import N_
from bot.features.meetings.wording import _
from bot.messages import Button
from bot.messages import Message
from bot.parsing import parse_id
from bot.text import neutralise

RSVP_ACTION = "meetings.rsvp"
DM_ACTION = "meetings.dm"
ACTION_DONE = "meetings.action_done"
RSVP_LABELS = {"going": N_("Going"), "maybe": N_("Maybe"),
               "no": N_("Can't make it")}


def posts_in(updates_channel: str, scheduled_in: str) -> str:
    """Where a meeting's announcement, reminders and cancellations are posted: the
    group's updates channel as set now (what /setup promises), or, if the group has
    none, the channel where the meeting was scheduled ("" if neither: no post)."""
    return updates_channel or scheduled_in


def when_text(moment: datetime, zone: ZoneInfo) -> str:
    """"Tuesday 1 December 2026 at 18:00 (Europe/London time, GMT)"."""
    local = moment.astimezone(zone)
    return wording.meeting_time(wording.long_moment(moment, zone), zone.key,
                                local.tzname() or "")


def day_text(moment: datetime, zone: ZoneInfo) -> str:
    """"Friday 4 December"."""
    return wording.short_day(moment, zone)


def repeat_text(meeting: MeetingRecord) -> str:
    """The meeting's repeat rule in words."""
    return describe_rule(meeting.rrule, meeting.starts_at.astimezone(ZoneInfo(meeting.zone)))


def occurrence_value(meeting_id: int, occurrence: datetime, late: bool) -> str:
    """A button value naming one occurrence: "12:1764612000:0"."""
    return f"{meeting_id}:{int(occurrence.timestamp())}:{1 if late else 0}"


def parse_occurrence_value(value: str) -> tuple[int, datetime, bool]:
    """Inverse of `occurrence_value`; ValueError if it is not one (a forged or stale
    value included)."""
    meeting_id, seconds, late = value.split(":")
    number, stamp = parse_id(meeting_id), parse_id(seconds)
    if number is None or stamp is None or stamp > _LAST_SECOND:
        raise ValueError("not an occurrence")
    return number, datetime.fromtimestamp(stamp, UTC), late == "1"


# 9999-12-31 23:59:59 UTC: the last moment a datetime can hold.
_LAST_SECOND = 253402300799


def reminder_message(meeting: MeetingRecord, occurrence: datetime, agenda: list[str],
                     counts: dict[str, int], late: bool) -> Message:
    """A reminder with RSVP buttons (whose counts are in the text, updated in place)."""
    zone = ZoneInfo(meeting.zone)
    text = wording.reminder_text(neutralise(meeting.title), when_text(occurrence, zone),
                                 neutralise(meeting.location), agenda, counts, late)
    value = occurrence_value(meeting.id, occurrence, late)
    buttons = tuple(Button(label, f"{RSVP_ACTION}.{answer}", value,
                           "primary" if answer == "going" else "secondary")
                    for answer, label in RSVP_LABELS.items())
    buttons += (Button(N_("Remind me by DM too"), DM_ACTION, str(meeting.id)),)
    return Message(text, buttons=buttons)


def action_text(action: ActionRecord) -> str:
    """One action item as a list line."""
    due = None if action.due is None else day_text(action.due, ZoneInfo(action.zone))
    return wording.action_line(action.id, neutralise(action.owner_name),
                               neutralise(action.task), due)


def done_button(action: ActionRecord) -> Button:
    """The button that marks an action item done."""
    return Button(_("Mark done ({id})").format(id=action.id), ACTION_DONE, str(action.id))
