"""The meetings feature's storage: meetings, RSVPs, personal reminders, members' own time
zones, agendas, minutes and action items, for SQLite and PostgreSQL alike."""

from __future__ import annotations

from storage.meetings import members
from storage.meetings.schema import MEETINGS_MIGRATIONS
from storage.meetings.sql import SqlMeetings
from storage.package import EncryptedColumn, StoragePackage

STORAGE = StoragePackage(
    feature="meetings",
    sql=SqlMeetings,
    migrations=MEETINGS_MIGRATIONS,
    encrypted=(
        EncryptedColumn("meetings", ("id",), "details"),
        EncryptedColumn("agenda_items", ("id",), "body"),
        EncryptedColumn("minutes", ("id",), "body"),
        EncryptedColumn("action_items", ("id",), "body"),
    ),
    export_sections=members.EXPORT_SECTIONS,
    export=members.export_member,
    erase=members.erase_member,
    purge=members.purge_expired,
    cutoffs=("minutes",),
)
