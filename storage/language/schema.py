"""The members' languages table (migration 17). A language code is a preference, not
words anyone wrote, so it is kept in the clear (docs/decisions/member-data.md)."""

from __future__ import annotations

from storage.schema import Migration

MIGRATIONS = (
    Migration(
        version=17,
        name="member languages",
        sqlite=(
            """CREATE TABLE member_languages (
                group_id   TEXT    NOT NULL,
                user_id    TEXT    NOT NULL,
                language   TEXT    NOT NULL,
                changed_at INTEGER NOT NULL,
                PRIMARY KEY (group_id, user_id)
            )""",
        ),
    ),
)
