"""Migration 8's tables: the group agreement, amendments and their anonymous votes, who
has read a version, shared resources, prompts and the group's welcome text.

Amendment votes follow the anonymous-poll design (docs/decisions/anonymous-polls.md): a
voter tag and a sealed choice (wiped when the amendment is decided), counts on the
amendment itself; no member id. Texts people wrote are Fernet tokens (`body`, `name`).
"""

from __future__ import annotations

from storage.schema import Migration

_STATUSES = "('open', 'passed', 'failed', 'stale')"


def _tables(moment: str, without_rowid: str) -> tuple[str, ...]:
    return (
        f"""CREATE TABLE agreement_versions (
            group_id   TEXT    NOT NULL,
            number     INTEGER NOT NULL,
            body       TEXT    NOT NULL,
            created_at {moment} NOT NULL,
            PRIMARY KEY (group_id, number)
        ){without_rowid}""",
        f"""CREATE TABLE amendments (
            id           TEXT    PRIMARY KEY,
            group_id     TEXT    NOT NULL,
            body         TEXT    NOT NULL,
            base_version INTEGER NOT NULL,
            closes_at    {moment} NOT NULL,
            channel      TEXT    NOT NULL,
            voter_secret TEXT    NOT NULL,
            status       TEXT    NOT NULL CHECK (status IN {_STATUSES}),
            yes_votes    INTEGER NOT NULL DEFAULT 0,
            no_votes     INTEGER NOT NULL DEFAULT 0,
            created_day  {moment} NOT NULL
        ){without_rowid}""",
        "CREATE INDEX amendments_open ON amendments (status, closes_at)",
        f"""CREATE TABLE amendment_voters (
            amendment_id TEXT NOT NULL REFERENCES amendments (id),
            voter        TEXT NOT NULL,
            sealed       TEXT,
            PRIMARY KEY (amendment_id, voter)
        ){without_rowid}""",
        f"""CREATE TABLE agreement_reads (
            group_id TEXT    NOT NULL,
            version  INTEGER NOT NULL,
            user_id  TEXT    NOT NULL,
            name     TEXT    NOT NULL,
            read_at  {moment} NOT NULL,
            PRIMARY KEY (group_id, version, user_id)
        ){without_rowid}""",
        f"""CREATE TABLE resources (
            id       TEXT    PRIMARY KEY,
            group_id TEXT    NOT NULL,
            body     TEXT    NOT NULL,
            added_by TEXT    NOT NULL,
            added_at {moment} NOT NULL
        ){without_rowid}""",
        "CREATE INDEX resources_group ON resources (group_id, added_at)",
        f"""CREATE TABLE prompts (
            id           TEXT    PRIMARY KEY,
            group_id     TEXT    NOT NULL,
            body         TEXT    NOT NULL,
            added_at     {moment} NOT NULL,
            times_used   INTEGER NOT NULL DEFAULT 0,
            last_used_at {moment}
        ){without_rowid}""",
        "CREATE INDEX prompts_group ON prompts (group_id, added_at)",
        f"""CREATE TABLE welcome_texts (
            group_id   TEXT    PRIMARY KEY,
            body       TEXT    NOT NULL,
            updated_by TEXT    NOT NULL,
            updated_at {moment} NOT NULL
        ){without_rowid}""",
    )


# SQLite: INTEGER microseconds UTC and WITHOUT ROWID (no hidden arrival order);
# PostgreSQL: TIMESTAMPTZ.
AGREEMENT_SQLITE: tuple[str, ...] = _tables("INTEGER", " WITHOUT ROWID")

MIGRATIONS: tuple[Migration, ...] = (
    Migration(version=8, name="welcome, agreement, resources and prompts",
              sqlite=AGREEMENT_SQLITE),
)
