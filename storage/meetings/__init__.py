"""The meetings feature's storage: meetings, RSVPs, personal reminders, members' own time
zones, agendas, minutes and action items, for SQLite and PostgreSQL alike."""

from __future__ import annotations

from storage.meetings import members
from storage.meetings.schema import MEETINGS_MIGRATIONS
from storage.meetings.sql import SqlMeetings
from storage.package import declare
from storage.package import sealed

STORAGE = declare(
    __name__, SqlMeetings, MEETINGS_MIGRATIONS, members,
    encrypted=(*sealed("meetings", "details"), *sealed("agenda_items", "body"),
               *sealed("minutes", "body"), *sealed("action_items", "body")),
    cutoffs=("minutes",),
)
