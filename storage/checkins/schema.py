"""Migration 7: the tables of check-ins, one-to-one requests, known facilitators and
buddies, written once in SQLite's SQL (PostgreSQL's is translated from it).
`storage/migrations.py` lists version 7 as owned by "checkins".

Notes and the names in one-to-one requests are Fernet tokens (TEXT on both backends).
"""

from __future__ import annotations

from storage.schema import Migration

_ANSWERS = "('good', 'okay', 'not_so_good', 'one_to_one')"
_REQUEST_STATUSES = "('requested', 'arranged', 'done')"
_CADENCES = "('weekly', 'fortnightly', 'monthly')"


def _tables(moment: str, flag: str) -> tuple[str, ...]:
    return (
        f"""CREATE TABLE checkin_prefs (
            group_id       TEXT    NOT NULL,
            user_id        TEXT    NOT NULL,
            display_name   TEXT    NOT NULL,
            enabled        {flag}  NOT NULL,
            cadence        TEXT    NOT NULL CHECK (cadence IN {_CADENCES}),
            weekday        INTEGER NOT NULL CHECK (weekday BETWEEN 0 AND 6),
            at_time        TEXT    NOT NULL,
            timezone       TEXT    NOT NULL,
            quiet_start    TEXT    NOT NULL,
            quiet_end      TEXT    NOT NULL,
            paused_until   {moment},
            pause_reason   TEXT    NOT NULL,
            misses         INTEGER NOT NULL,
            anchor         {moment},
            facilitator_id TEXT    NOT NULL,
            updated_at     {moment} NOT NULL,
            PRIMARY KEY (group_id, user_id)
        )""",
        f"""CREATE TABLE checkins (
            id               TEXT    PRIMARY KEY,
            group_id         TEXT    NOT NULL,
            user_id          TEXT    NOT NULL,
            sent_at          {moment} NOT NULL,
            delivery_key     TEXT    NOT NULL,
            answer           TEXT    CHECK (answer IN {_ANSWERS}),
            answered_at      {moment},
            note             TEXT,
            followed_up      {flag}  NOT NULL,
            unreachable_told {flag}  NOT NULL
        )""",
        "CREATE INDEX checkins_member ON checkins (group_id, user_id, sent_at)",
        "CREATE INDEX checkins_open ON checkins (answer, followed_up, sent_at)",
        f"""CREATE TABLE one_to_ones (
            id             TEXT    PRIMARY KEY,
            group_id       TEXT    NOT NULL,
            user_id        TEXT    NOT NULL,
            facilitator_id TEXT    NOT NULL,
            answer         TEXT    NOT NULL CHECK (answer IN {_ANSWERS}),
            body           TEXT    NOT NULL,
            status         TEXT    NOT NULL CHECK (status IN {_REQUEST_STATUSES}),
            stage          INTEGER NOT NULL,
            checkin_id     TEXT    NOT NULL,
            created_at     {moment} NOT NULL,
            arranged_at    {moment},
            updated_at     {moment} NOT NULL
        )""",
        "CREATE INDEX one_to_ones_open ON one_to_ones (status, group_id, created_at)",
        f"""CREATE TABLE facilitators (
            group_id     TEXT    NOT NULL,
            user_id      TEXT    NOT NULL,
            display_name TEXT    NOT NULL,
            seen_at      {moment} NOT NULL,
            PRIMARY KEY (group_id, user_id)
        )""",
        f"""CREATE TABLE buddy_members (
            group_id     TEXT    NOT NULL,
            user_id      TEXT    NOT NULL,
            display_name TEXT    NOT NULL,
            joined_at    {moment} NOT NULL,
            PRIMARY KEY (group_id, user_id)
        )""",
        """CREATE TABLE buddy_avoids (
            group_id TEXT NOT NULL,
            user_id  TEXT NOT NULL,
            other_id TEXT NOT NULL,
            PRIMARY KEY (group_id, user_id, other_id)
        )""",
        f"""CREATE TABLE buddy_rounds (
            group_id   TEXT    NOT NULL,
            number     INTEGER NOT NULL,
            made_at    {moment} NOT NULL,
            pairs_json TEXT    NOT NULL,
            PRIMARY KEY (group_id, number)
        )""",
    )


MIGRATIONS: tuple[Migration, ...] = (
    Migration(version=7, name="check-ins, one-to-ones and buddies",
              sqlite=_tables("INTEGER", "INTEGER")),
)
