"""The kudos feature's storage: its table, its SQL, and what it declares."""

from __future__ import annotations

from datetime import datetime

from storage.package import declare
from storage.package import sealed
from storage.schema import Migration
from storage.sql import SqlBase
from storage.sql import to_micros
from tests.toy.storage.kudos import members

KUDOS_VERSION = 9001


class SqlKudos(SqlBase):
    """`KudosStore` for SQLite and PostgreSQL (the words encrypted at rest)."""

    async def add_kudos(self, group_id: str, text: str, now: datetime) -> int:
        """Keep one thank-you; how many the group has now."""
        async with self._transaction() as db:
            await db.execute("INSERT INTO kudos (group_id, body, created_at) VALUES (?, ?, ?)",
                             (group_id, self._encrypt_json({"text": text}), to_micros(now)))
            rows = list(await db.execute_fetchall(
                "SELECT COUNT(*) FROM kudos WHERE group_id = ?", (group_id,)))
        return int(rows[0][0])

    async def kudos_count(self, group_id: str) -> int:
        """How many thank-yous the group has."""
        async with self._transaction(write=False) as db:
            rows = list(await db.execute_fetchall(
                "SELECT COUNT(*) FROM kudos WHERE group_id = ?", (group_id,)))
        return int(rows[0][0])


STORAGE = declare(__name__, SqlKudos, (Migration(KUDOS_VERSION, "kudos", ("""
    CREATE TABLE kudos (
        id         INTEGER PRIMARY KEY AUTOINCREMENT,
        group_id   TEXT    NOT NULL,
        body       TEXT    NOT NULL,
        created_at INTEGER NOT NULL
    )""",)),), members, encrypted=sealed("kudos", "body"), cutoffs=("kudos",))
