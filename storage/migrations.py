"""Numbered schema migrations, one text for SQLite and PostgreSQL.

Each migration is applied once, in its own transaction, and recorded in
`schema_version`. Migrations are never edited once released: a change is a new number.

Each is written in SQLite's SQL and turned into PostgreSQL's by `postgres_sql`, so the
two schemas cannot drift apart: the same stores run on both (see storage/sql.py).

Column conventions:
- timestamps: INTEGER (BIGINT on PostgreSQL) microseconds since the Unix epoch, UTC:
  ordering and comparison in SQL are plain integer comparisons on both databases.
- flags are INTEGER 0/1; `body`, `fallbacks` and `value_json` hold Fernet tokens
  (encrypted JSON) as TEXT; `destination_json` holds ids only and is plain JSON text.
- `settings_audit.value_json` is NULL when the change removed the setting.
"""

from __future__ import annotations

from storage.schema import Migration as Migration
from storage.schema import postgres_sql as postgres_sql

_DELIVERY_STATUSES = "('pending', 'sending', 'delivered', 'undeliverable')"

# The core's own migrations (outbox, settings, occurrences, erasures, request claims).
_CORE: tuple[Migration, ...] = (
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

# Every version, in order, and the feature (or "core") that owns it. A feature's
# migrations live in its storage package (`storage/<feature>/`, `STORAGE.migrations`);
# this list is what says which numbers exist, so two features never take one number.
VERSIONS: tuple[tuple[int, str], ...] = (
    (1, "core"),
    (2, "core"),
    (3, "core"),
    (4, "meetings"),
    (5, "feedback"),
    (6, "concerns"),
    (7, "checkins"),
    (8, "agreement"),
    (9, "core"),
    (10, "polls"),
    (12, "feedback"),
    (13, "core"),
    (16, "core"),
    (17, "language"),
    (18, "core"),
    (20, "slack_installs"),
    (21, "core"),
)

LATEST_VERSION: int = max(version for version, _ in VERSIONS)
KNOWN_VERSIONS: frozenset[int] = frozenset(version for version, _ in VERSIONS)

_all: tuple[Migration, ...] | None = None


def all_migrations() -> tuple[Migration, ...]:
    """Every migration, in version order: the core's and each storage package's. Fails
    loudly if they do not match `VERSIONS` (a number taken twice, or not listed)."""
    global _all
    if _all is None:
        from storage.packages import storage_packages

        found = list(_CORE)
        owner = {m.version: "core" for m in _CORE}
        for package in storage_packages():
            for migration in package.migrations:
                if migration.version in owner:
                    raise RuntimeError(f"migration {migration.version} is declared twice")
                if dict(VERSIONS).get(migration.version) != package.feature:
                    raise RuntimeError(f"migration {migration.version} is listed in VERSIONS "
                                       f"for another owner than {package.feature}")
                owner[migration.version] = package.feature
                found.append(migration)
        listed = dict(VERSIONS)
        if set(owner) != set(listed):
            raise RuntimeError("storage/migrations.py VERSIONS does not match the declared "
                               f"migrations: {sorted(set(owner) ^ set(listed))}")
        _all = tuple(sorted(found, key=lambda m: m.version))
    return _all


def pending(applied: set[int], target: int | None = None) -> list[Migration]:
    """The migrations not yet applied, in order, up to and including `target`.

    Worked out from the set applied, not the highest number: features developed side by
    side reserve their own numbers, and a lower number that arrives later still runs.
    """
    last = LATEST_VERSION if target is None else target
    return sorted((m for m in all_migrations() if m.version not in applied and m.version <= last),
                  key=lambda m: m.version)
