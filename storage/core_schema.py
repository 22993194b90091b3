"""The core's own tables (migrations 1, 2, 3, 9, 13, 16, 18 and 21): the outbox of
deliveries, group settings and their audit, occurrence claims, the scheduler's heartbeat,
the member erasure audit and platform request claims. `storage/migrations.py` lists these
versions as owned by "core", beside each feature's in its `storage/<feature>/schema.py`.

Column conventions:
- timestamps: INTEGER (BIGINT on PostgreSQL) microseconds since the Unix epoch, UTC:
  ordering and comparison in SQL are plain integer comparisons on both databases.
- flags are INTEGER 0/1; `body`, `fallbacks` and `value_json` hold Fernet tokens
  (encrypted JSON) as TEXT; `destination_json` holds ids only and is plain JSON text.
- `settings_audit.value_json` is NULL when the change removed the setting.
"""

from __future__ import annotations

from storage.schema import Migration

_DELIVERY_STATUSES = "('pending', 'sending', 'delivered', 'undeliverable')"

MIGRATIONS: tuple[Migration, ...] = (
    Migration(
        version=1,
        name="initial schema",
        sqlite=(
            """CREATE TABLE schema_version (
                version    INTEGER PRIMARY KEY,
                name       TEXT    NOT NULL,
                applied_at INTEGER NOT NULL
            )""",
            """CREATE TABLE group_settings (
                group_id   TEXT    NOT NULL,
                key        TEXT    NOT NULL,
                value_json TEXT    NOT NULL,
                changed_by TEXT    NOT NULL,
                changed_at INTEGER NOT NULL,
                PRIMARY KEY (group_id, key)
            )""",
            f"""CREATE TABLE deliveries (
                id               INTEGER PRIMARY KEY AUTOINCREMENT,
                idem_key         TEXT    NOT NULL UNIQUE,
                group_id         TEXT    NOT NULL,
                destination_json TEXT    NOT NULL,
                body             TEXT,
                fallbacks        TEXT,
                status           TEXT    NOT NULL CHECK (status IN {_DELIVERY_STATUSES}),
                attempts         INTEGER NOT NULL DEFAULT 0,
                next_attempt_at  INTEGER NOT NULL,
                lease_owner      TEXT,
                lease_until      INTEGER,
                last_error       TEXT,
                platform_ref     TEXT,
                created_at       INTEGER NOT NULL,
                updated_at       INTEGER NOT NULL,
                delivered_at     INTEGER
            )""",
            "CREATE INDEX deliveries_claim ON deliveries (status, next_attempt_at)",
            """CREATE TABLE occurrences (
                key        TEXT    PRIMARY KEY,
                owner      TEXT    NOT NULL,
                claimed_at INTEGER NOT NULL
            )""",
        ),
    ),
    Migration(
        version=2,
        name="group settings audit",
        sqlite=(
            """CREATE TABLE settings_audit (
                id         INTEGER PRIMARY KEY AUTOINCREMENT,
                group_id   TEXT    NOT NULL,
                key        TEXT    NOT NULL,
                value_json TEXT,
                changed_by TEXT    NOT NULL,
                changed_at INTEGER NOT NULL
            )""",
            "CREATE INDEX settings_audit_group ON settings_audit (group_id, changed_at)",
            "CREATE INDEX deliveries_group ON deliveries (group_id, status)",
        ),
    ),
    Migration(
        version=3,
        name="scheduler heartbeat",
        sqlite=(
            """CREATE TABLE scheduler_heartbeat (
                id      INTEGER PRIMARY KEY CHECK (id = 1),
                seen_at INTEGER NOT NULL
            )""",
        ),
    ),
    Migration(
        version=9,
        name="member erasure audit",
        # Who ran an erasure, when, and how many rows per table it touched: never what
        # was erased. `group_id` is '' when every group was covered.
        sqlite=(
            """CREATE TABLE member_erasures (
                id          INTEGER PRIMARY KEY AUTOINCREMENT,
                member_id   TEXT    NOT NULL,
                group_id    TEXT    NOT NULL,
                erased_by   TEXT    NOT NULL,
                erased_at   INTEGER NOT NULL,
                counts_json TEXT    NOT NULL
            )""",
            "CREATE INDEX member_erasures_member ON member_erasures (member_id, id)",
        ),
    ),
    Migration(
        version=13,
        name="deliveries to a private recipient",
        # A delivery whose recipient is itself private (the reporter of a concern) keeps
        # the recipient encrypted here and blanks it in destination_json; once delivered,
        # this is emptied.
        sqlite=("ALTER TABLE deliveries ADD COLUMN sealed_to TEXT",),
    ),
    Migration(
        version=16,
        name="platform request claims",
        # One row per signed platform request (or Socket Mode envelope) already taken, so
        # a replay is not handled again by any process: a SHA-256 digest of what makes
        # the request unique (never its body or who sent it), and when the claim may be
        # removed (rounded up, so it says little about when the request came).
        sqlite=(
            """CREATE TABLE request_claims (
                digest     TEXT    PRIMARY KEY,
                expires_at INTEGER NOT NULL
            ) WITHOUT ROWID""",
            "CREATE INDEX request_claims_expiry ON request_claims (expires_at)",
        ),
    ),
    Migration(
        version=18,
        name="retention of claims and deliveries",
        # The daily sweep deletes old occurrence claims and finished deliveries a batch at
        # a time, oldest first: by when each was claimed, or by outcome and when it was
        # queued, reading only what it deletes (the status comes first so that SQLite,
        # before it has statistics, still prefers this index to `deliveries_claim`).
        sqlite=(
            "CREATE INDEX occurrences_claimed ON occurrences (claimed_at)",
            "CREATE INDEX deliveries_finished ON deliveries (status, created_at)",
        ),
    ),
    Migration(
        version=21,
        name="deliveries read in claim order",
        # A claim takes the oldest due first, by (next_attempt_at, id): with the id in
        # the index too, PostgreSQL reads the due rows in that order and stops at the
        # claim's limit, where it sorted every row due at the same instant (SQLite's
        # index already ended with the rowid, which is the id).
        sqlite=(
            "CREATE INDEX deliveries_due ON deliveries (status, next_attempt_at, id)",
            "DROP INDEX deliveries_claim",
        ),
    ),
)
