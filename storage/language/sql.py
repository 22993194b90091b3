"""Members' languages in SQL both databases run (one statement per operation).

The language is asked on every event, so a burst of members acting at once asks for
hundreds at the same moment: those asked together are read together, in one statement
(on PostgreSQL a read per member would cost a pooled connection and three round trips
each, and the members would queue for the pool)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from storage.group_commit import ROWS_PER_STATEMENT
from storage.group_commit import GroupCommit
from storage.sql import SqlBase
from storage.sql import to_micros

_Who = tuple[str, str]
_SELECT = "SELECT group_id, user_id, language FROM member_languages"
_PAIRS_PG = (f"{_SELECT} WHERE (group_id, user_id) IN "
             "(SELECT * FROM unnest(?::text[], ?::text[]))")


class SqlLanguages(SqlBase):
    """`bot.languages.LanguageStore` for both storage backends."""

    async def member_language(self, group_id: str, user_id: str) -> str | None:
        """The language a member chose in a group, or None. Read at once when no other
        read of languages is under way (as any read: nothing waits for a batch to
        form); otherwise with the others asked meanwhile."""
        batch: GroupCommit[_Who, str | None] | None = getattr(self, "_language_reads", None)
        if batch is None:
            batch = GroupCommit(self._member_languages, "coprod-language-reads")
            self._language_reads = batch
        if batch.busy or getattr(self, "_language_reading", False):
            return await batch.submit((group_id, user_id))
        self._language_reading = True
        try:
            return (await self._member_languages([(group_id, user_id)]))[0]
        finally:
            self._language_reading = False

    async def _member_languages(self, wanted: Sequence[_Who]) -> list[str | None]:
        """The languages of everyone asked for at once, read in one snapshot (on
        PostgreSQL in one statement, the pairs sent as two arrays: the same statement
        for any number, prepared once, and no transaction around it)."""
        unique = sorted(set(wanted))
        if self.dialect == "postgres":
            rows = await self._read(_PAIRS_PG, ([g for g, _ in unique], [u for _, u in unique]))
        else:
            rows = []
            async with self._transaction(write=False) as db:
                for start in range(0, len(unique), ROWS_PER_STATEMENT):
                    chunk = unique[start:start + ROWS_PER_STATEMENT]
                    rows += await db.execute_fetchall(
                        f"{_SELECT} WHERE (group_id, user_id) IN "
                        f"(VALUES {', '.join(['(?, ?)'] * len(chunk))})",
                        [value for who in chunk for value in who])
        found = {(str(r[0]), str(r[1])): str(r[2]) for r in rows}
        return [found.get(who) for who in wanted]

    async def set_member_language(self, group_id: str, user_id: str, language: str | None,
                                  now: datetime) -> None:
        """Record a member's choice, or forget it (None)."""
        await self._put_or_drop(
            "member_languages", {"group_id": group_id, "user_id": user_id},
            None if language is None else {"language": language,
                                           "changed_at": to_micros(now)})
