"""The feedback feature's schema steps, as released (never edited: a change is a new
number in storage/migrations.py `VERSIONS`).

- 5, anonymous feedback and polls: the feedback items table, and also the polls tables
  (`polls`, `poll_tallies`, `poll_voters`), which were released in the same step.
- 12, pending piles: feedback waits in one sealed pile per group, audience and day, and
  the items table is rebuilt in id order.
"""

from __future__ import annotations

from storage.schema import Migration

_AUDIENCES = "('group', 'facilitators')"
_FEEDBACK_STATUSES = "('waiting', 'delivered', 'hidden')"
_FEEDBACK_COLUMNS = ("id, group_id, audience, body, submitted_day, status, digest_key, "
                     "delivered_day, hidden_reason, hidden_by, hidden_day, answer, "
                     "answered_day")
_DAY_MICROS = 86_400_000_000
# The items table's columns as step 5 made them; step 12 rebuilds it with one more.
_ITEM_TABLE_COLUMNS = f"""\
                id            TEXT    PRIMARY KEY,
                group_id      TEXT    NOT NULL,
                audience      TEXT    NOT NULL CHECK (audience IN {_AUDIENCES}),
                body          TEXT    NOT NULL,
                submitted_day INTEGER NOT NULL,
                status        TEXT    NOT NULL CHECK (status IN {_FEEDBACK_STATUSES}),
                digest_key    TEXT,
                delivered_day INTEGER,
                hidden_reason TEXT,
                hidden_by     TEXT,
                hidden_day    INTEGER,
                answer        TEXT,
                answered_day  INTEGER"""

MIGRATIONS: tuple[Migration, ...] = (
    Migration(
        version=5,
        name="anonymous feedback and polls",
        # No author column anywhere. Random text ids and WITHOUT ROWID (SQLite) so no
        # hidden sequence records the order items arrived in; days, not times.
        sqlite=(
            f"""CREATE TABLE feedback_items (
{_ITEM_TABLE_COLUMNS}
            ) WITHOUT ROWID""",
            "CREATE INDEX feedback_waiting ON feedback_items (status, audience, group_id)",
            "CREATE INDEX feedback_recent ON feedback_items (group_id, submitted_day)",
            """CREATE TABLE polls (
                id           TEXT    PRIMARY KEY,
                group_id     TEXT    NOT NULL,
                body         TEXT    NOT NULL,
                anonymous    INTEGER NOT NULL,
                multiple     INTEGER NOT NULL,
                closes_at    INTEGER NOT NULL,
                channel      TEXT    NOT NULL,
                voter_secret TEXT    NOT NULL,
                status       TEXT    NOT NULL CHECK (status IN ('open', 'closed')),
                created_day  INTEGER NOT NULL
            ) WITHOUT ROWID""",
            "CREATE INDEX polls_open ON polls (status, closes_at)",
            """CREATE TABLE poll_tallies (
                poll_id TEXT    NOT NULL REFERENCES polls (id),
                option  INTEGER NOT NULL,
                votes   INTEGER NOT NULL DEFAULT 0,
                PRIMARY KEY (poll_id, option)
            ) WITHOUT ROWID""",
            """CREATE TABLE poll_voters (
                poll_id TEXT NOT NULL REFERENCES polls (id),
                voter   TEXT NOT NULL,
                sealed  TEXT,
                PRIMARY KEY (poll_id, voter)
            ) WITHOUT ROWID""",
        ),
    ),
    Migration(
        version=12,
        name="feedback kept in piles until reviewed",
        # Pending feedback lives in one sealed pile per group, audience and day (its
        # items sorted by random id), so no row, cell or page records which item came
        # first. `review_from` is when facilitators could first see a released item. The
        # items table is rebuilt in id order, so rows written before this step no longer
        # sit in the order they arrived.
        sqlite=(
            f"""CREATE TABLE feedback_pending (
                group_id TEXT    NOT NULL,
                audience TEXT    NOT NULL CHECK (audience IN {_AUDIENCES}),
                day      INTEGER NOT NULL,
                body     TEXT    NOT NULL,
                PRIMARY KEY (group_id, audience, day)
            ) WITHOUT ROWID""",
            f"""CREATE TABLE feedback_items_rebuilt (
{_ITEM_TABLE_COLUMNS},
                review_from   INTEGER
            ) WITHOUT ROWID""",
            f"""INSERT INTO feedback_items_rebuilt ({_FEEDBACK_COLUMNS}, review_from)
                SELECT {_FEEDBACK_COLUMNS}, submitted_day + {_DAY_MICROS}
                  FROM feedback_items ORDER BY id""",
            "DROP TABLE feedback_items",
            "ALTER TABLE feedback_items_rebuilt RENAME TO feedback_items",
            "CREATE INDEX feedback_waiting ON feedback_items (status, audience, group_id)",
            "CREATE INDEX feedback_recent ON feedback_items (group_id, submitted_day)",
        ),
    ),
)
