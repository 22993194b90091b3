"""Members' languages in SQL both databases run (one statement per operation)."""

from __future__ import annotations

from datetime import datetime

from storage.sql import SqlBase, to_micros


class SqlLanguages(SqlBase):
    """`bot.languages.LanguageStore` for both storage backends."""

    async def member_language(self, group_id: str, user_id: str) -> str | None:
        """The language a member chose in a group, or None."""
        async with self._transaction(write=False) as db:
            rows = list(await db.execute_fetchall(
                "SELECT language FROM member_languages WHERE group_id = ? AND user_id = ?",
                (group_id, user_id)))
        return str(rows[0][0]) if rows else None

    async def set_member_language(self, group_id: str, user_id: str, language: str | None,
                                  now: datetime) -> None:
        """Record a member's choice, or forget it (None)."""
        async with self._transaction() as db:
            if language is None:
                await db.execute("DELETE FROM member_languages WHERE group_id = ? "
                                 "AND user_id = ?", (group_id, user_id))
                return
            await db.execute(
                "INSERT INTO member_languages (group_id, user_id, language, changed_at) "
                "VALUES (?, ?, ?, ?) ON CONFLICT (group_id, user_id) DO UPDATE SET "
                "language = excluded.language, changed_at = excluded.changed_at",
                (group_id, user_id, language, to_micros(now)))
