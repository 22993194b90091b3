"""Slack installations and OAuth states (migration 20).

`sealed` holds the bot's details (its token, any refresh token, scopes, ids) as a Fernet
token under the at-rest key, so a copy of the database alone gives no token. An OAuth
state is kept by its SHA-256 digest, so the table alone cannot be used to finish a flow.
"""

from __future__ import annotations

from storage.schema import Migration

MIGRATIONS = (
    Migration(
        version=20,
        name="slack installations",
        sqlite=(
            """CREATE TABLE slack_installs (
                workspace    TEXT    PRIMARY KEY,
                sealed       TEXT    NOT NULL,
                installed_at INTEGER NOT NULL
            )""",
            """CREATE TABLE slack_oauth_states (
                digest     TEXT    PRIMARY KEY,
                expires_at INTEGER NOT NULL
            )""",
            "CREATE INDEX slack_oauth_states_expiry ON slack_oauth_states (expires_at)",
        ),
    ),
)
