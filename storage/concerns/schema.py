"""Migration 6: safeguarding concerns, for SQLite and PostgreSQL kept in step.

Words (the concern, who it is about, the reporter, notes, outcomes, audit details, lead
names, drafts) are Fernet tokens; references, statuses, times and the ids of leads who
acted stay plain, so the concerns log can be listed without personal details. Cases and
drafts have random text ids and (SQLite) no rowid, so nothing records arrival order
beyond the stored time.
"""

from __future__ import annotations

from storage.schema import Migration

_CASE_STATUSES = "('open', 'acknowledged', 'closed', 'deleted')"

CONCERNS_SQLITE: tuple[str, ...] = (
    f"""CREATE TABLE concern_cases (
        id              TEXT    PRIMARY KEY,
        group_id        TEXT    NOT NULL,
        status          TEXT    NOT NULL CHECK (status IN {_CASE_STATUSES}),
        danger          INTEGER NOT NULL,
        body            TEXT,
        access          TEXT    NOT NULL,
        created_at      INTEGER NOT NULL,
        acknowledged_by TEXT,
        acknowledged_at INTEGER,
        assignee        TEXT,
        closed_at       INTEGER,
        outcome         TEXT,
        escalations     INTEGER NOT NULL DEFAULT 0,
        deleted_at      INTEGER
    ) WITHOUT ROWID""",
    "CREATE INDEX concern_cases_status ON concern_cases (group_id, status, created_at)",
    """CREATE TABLE concern_notes (
        id         INTEGER PRIMARY KEY AUTOINCREMENT,
        case_id    TEXT    NOT NULL REFERENCES concern_cases (id),
        kind       TEXT    NOT NULL CHECK (kind IN ('fact', 'opinion')),
        author_id  TEXT    NOT NULL,
        body       TEXT    NOT NULL,
        created_at INTEGER NOT NULL
    )""",
    "CREATE INDEX concern_notes_case ON concern_notes (case_id, id)",
    """CREATE TABLE concern_audit (
        id         INTEGER PRIMARY KEY AUTOINCREMENT,
        case_id    TEXT    NOT NULL,
        actor_id   TEXT    NOT NULL,
        action     TEXT    NOT NULL,
        detail     TEXT    NOT NULL,
        created_at INTEGER NOT NULL
    )""",
    "CREATE INDEX concern_audit_case ON concern_audit (case_id, id)",
    """CREATE TABLE concern_leads (
        group_id TEXT    NOT NULL,
        user_id  TEXT    NOT NULL,
        body     TEXT    NOT NULL,
        source   TEXT    NOT NULL,
        seen_at  INTEGER NOT NULL,
        PRIMARY KEY (group_id, user_id)
    )""",
    """CREATE TABLE concern_drafts (
        id         TEXT    PRIMARY KEY,
        group_id   TEXT    NOT NULL,
        body       TEXT    NOT NULL,
        created_at INTEGER NOT NULL
    ) WITHOUT ROWID""",
    "CREATE INDEX concern_drafts_age ON concern_drafts (created_at)",
)

MIGRATIONS: tuple[Migration, ...] = (
    Migration(version=6, name="safeguarding concerns", sqlite=CONCERNS_SQLITE),
)
