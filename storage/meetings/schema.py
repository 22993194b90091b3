"""Migration 4: meetings, their skipped dates, RSVPs, personal reminders, members' own
time zones, agendas, minutes and action items.

`details` (title, place, notes), agenda and minutes `body` and action item `body` hold
Fernet tokens; times, statuses and member ids stay plain so reminders can be scheduled
without decrypting anything.
"""

from __future__ import annotations

from storage.schema import Migration

MEETINGS_MIGRATIONS: tuple[Migration, ...] = (
    Migration(
        version=4,
        name="meetings, agendas, minutes and action items",
        sqlite=(
            """CREATE TABLE meetings (
                id               INTEGER PRIMARY KEY AUTOINCREMENT,
                group_id         TEXT    NOT NULL,
                status           TEXT    NOT NULL
                                 CHECK (status IN ('draft', 'active', 'cancelled')),
                starts_at        INTEGER NOT NULL,
                zone             TEXT    NOT NULL,
                rrule            TEXT    NOT NULL,
                reminders        TEXT    NOT NULL,
                channel          TEXT    NOT NULL,
                duration_minutes INTEGER NOT NULL,
                details          TEXT    NOT NULL,
                created_by       TEXT    NOT NULL,
                replaces         BIGINT,
                created_at       INTEGER NOT NULL,
                updated_at       INTEGER NOT NULL
            )""",
            "CREATE INDEX meetings_group ON meetings (group_id, status)",
            """CREATE TABLE meeting_skips (
                meeting_id BIGINT  NOT NULL REFERENCES meetings (id) ON DELETE CASCADE,
                occurrence INTEGER NOT NULL,
                PRIMARY KEY (meeting_id, occurrence)
            )""",
            """CREATE TABLE meeting_rsvps (
                meeting_id BIGINT  NOT NULL REFERENCES meetings (id) ON DELETE CASCADE,
                occurrence INTEGER NOT NULL,
                user_id    TEXT    NOT NULL,
                answer     TEXT    NOT NULL CHECK (answer IN ('going', 'maybe', 'no')),
                updated_at INTEGER NOT NULL,
                PRIMARY KEY (meeting_id, occurrence, user_id)
            )""",
            """CREATE TABLE meeting_dm_optins (
                meeting_id BIGINT NOT NULL REFERENCES meetings (id) ON DELETE CASCADE,
                user_id    TEXT   NOT NULL,
                PRIMARY KEY (meeting_id, user_id)
            )""",
            """CREATE TABLE member_zones (
                group_id   TEXT    NOT NULL,
                user_id    TEXT    NOT NULL,
                zone       TEXT    NOT NULL,
                updated_at INTEGER NOT NULL,
                PRIMARY KEY (group_id, user_id)
            )""",
            """CREATE TABLE agenda_items (
                id         INTEGER PRIMARY KEY AUTOINCREMENT,
                meeting_id BIGINT  NOT NULL REFERENCES meetings (id) ON DELETE CASCADE,
                occurrence INTEGER NOT NULL,
                author_id  TEXT    NOT NULL,
                body       TEXT    NOT NULL,
                created_at INTEGER NOT NULL
            )""",
            "CREATE INDEX agenda_items_meeting ON agenda_items (meeting_id, occurrence)",
            """CREATE TABLE minutes (
                id         INTEGER PRIMARY KEY AUTOINCREMENT,
                group_id   TEXT    NOT NULL,
                meeting_id BIGINT,
                body       TEXT    NOT NULL,
                written_by TEXT    NOT NULL,
                created_at INTEGER NOT NULL
            )""",
            """CREATE TABLE action_items (
                id         INTEGER PRIMARY KEY AUTOINCREMENT,
                group_id   TEXT    NOT NULL,
                minutes_id BIGINT  NOT NULL REFERENCES minutes (id),
                owner_id   TEXT    NOT NULL,
                body       TEXT    NOT NULL,
                due        INTEGER,
                zone       TEXT    NOT NULL,
                status     TEXT    NOT NULL CHECK (status IN ('open', 'done')),
                done_by    TEXT,
                done_at    INTEGER,
                created_at INTEGER NOT NULL
            )""",
            "CREATE INDEX action_items_open ON action_items (group_id, status, owner_id)",
        ),
    ),
)
