"""Anonymous feedback in SQL both databases run: whole operations, one transaction each.

Feedback text, topics, reasons and answers are encrypted, and their Fernet tokens are
stamped with the day (midnight UTC) rather than the moment: Fernet writes its creation
time into the token unencrypted, which would otherwise record when someone wrote.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from bot.outbox import NewDelivery
from storage.feedback import (
    Audience,
    FeedbackItem,
    FeedbackStatus,
    FeedbackStore,
    NewFeedback,
)
from storage.group_commit import GroupCommit, many_values
from storage.interface import StorageError
from storage.sql import SqlBase, _json, from_micros, to_micros

_ITEM_COLUMNS = ("id, group_id, audience, body, submitted_day, status, delivered_day, "
                 "hidden_reason, answered_day")

_ITEM_INSERT = ("INSERT INTO feedback_items (id, group_id, audience, body, submitted_day, "
                "status)")
_ITEM_ROW = "(?, ?, ?, ?, ?, 'waiting')"
_CHANGED = "the rows changed while this was being prepared; it will be tried again"
_CLAIM = ("INSERT INTO occurrences (key, owner, claimed_at) VALUES (?, ?, ?) "
          "ON CONFLICT (key) DO NOTHING")


class SqlFeedback(SqlBase, FeedbackStore):
    """`FeedbackStore` for both storage backends (polls: storage/sql_polls.py)."""

    # ---- encoding ----------------------------------------------------------------------

    def _seal_on_day(self, data: Any, day: datetime) -> str:
        return self._cipher.encrypt_at(_json(data), int(day.timestamp()))

    def _item_from(self, row: Any) -> FeedbackItem:
        item_id, group_id, audience, body, day, status, delivered, reason, answered = row
        data = self._decrypt_json(body)
        return FeedbackItem(
            item_id=item_id, group_id=group_id, audience=Audience(audience),
            text=data["text"], topic=data.get("topic", ""), day=from_micros(day),
            status=FeedbackStatus(status),
            delivered_day=None if delivered is None else from_micros(delivered),
            hidden_reason="" if reason is None else self._decrypt_json(reason)["reason"],
            answered=answered is not None)

    # ---- feedback ----------------------------------------------------------------------

    async def submit_feedback(self, item: NewFeedback) -> None:
        """Store one waiting item (no author: there is nowhere to put one).

        Items sent at the same moment are written together, in one transaction (group
        commit): each commit costs an fsync, so a burst is acknowledged in about the time
        of one commit instead of waiting in line for hundreds. Returns once stored.
        """
        row = (item.item_id, item.group_id, item.audience.value,
               self._seal_on_day({"text": item.text, "topic": item.topic}, item.day),
               to_micros(item.day))
        batch: GroupCommit[tuple[Any, ...], None] | None = getattr(
            self, "_feedback_batch", None)
        if batch is None:
            batch = GroupCommit(self._insert_feedback, "coprod-feedback-writer")
            self._feedback_batch = batch
        await batch.submit(row)

    async def _insert_feedback(self, rows: Sequence[tuple[Any, ...]]) -> list[None]:
        """Insert waiting items in one transaction, in as few statements as possible (one
        is one round trip on PostgreSQL)."""
        async with self._transaction() as db:
            for sql, values in many_values(_ITEM_INSERT, _ITEM_ROW, rows):
                await db.execute(sql, values)
        return [None] * len(rows)

    async def groups_with_waiting_feedback(self, audience: Audience) -> list[str]:
        """Groups with items waiting for this audience."""
        async with self._transaction(write=False) as db:
            rows = await db.execute_fetchall(
                "SELECT DISTINCT group_id FROM feedback_items "
                "WHERE status = 'waiting' AND audience = ? ORDER BY group_id",
                (audience.value,))
        return [str(r[0]) for r in rows]

    async def waiting_feedback(self, group_id: str, audience: Audience) -> list[FeedbackItem]:
        """Waiting items of a group for an audience, oldest day first."""
        async with self._transaction(write=False) as db:
            rows = list(await db.execute_fetchall(
                f"SELECT {_ITEM_COLUMNS} FROM feedback_items "
                "WHERE status = 'waiting' AND audience = ? AND group_id = ? "
                "ORDER BY submitted_day, id", (audience.value, group_id)))
        return [self._item_from(r) for r in rows]

    async def deliver_digest(self, occurrence_key: str, owner: str, group_id: str,
                             item_ids: Sequence[str], deliveries: Sequence[NewDelivery],
                             now: datetime, day: datetime) -> bool:
        """Claim, mark delivered and enqueue together, or change nothing."""
        async with self._transaction() as db:
            cursor = await db.execute(_CLAIM, (occurrence_key, owner, to_micros(now)))
            if cursor.rowcount != 1:
                return False
            cursor = await db.executemany(
                "UPDATE feedback_items SET status = 'delivered', digest_key = ?, "
                "delivered_day = ? WHERE id = ? AND group_id = ? AND status = 'waiting'",
                [(occurrence_key, to_micros(day), item_id, group_id) for item_id in item_ids])
            if cursor.rowcount != len(item_ids):
                # An item was hidden meanwhile: undo everything; the next firing retries.
                raise _ChangedError(_CHANGED)
            await self._insert_deliveries(db, deliveries, now)
        return True

    async def recent_feedback(self, group_id: str, since: datetime, limit: int,
                              ) -> list[FeedbackItem]:
        """A group's items from `since` on, newest day first."""
        async with self._transaction(write=False) as db:
            rows = list(await db.execute_fetchall(
                f"SELECT {_ITEM_COLUMNS} FROM feedback_items "
                "WHERE group_id = ? AND submitted_day >= ? "
                "ORDER BY submitted_day DESC, id LIMIT ?",
                (group_id, to_micros(since), limit)))
        return [self._item_from(r) for r in rows]

    async def feedback_item(self, group_id: str, item_id: str) -> FeedbackItem | None:
        """One item of a group."""
        async with self._transaction(write=False) as db:
            rows = list(await db.execute_fetchall(
                f"SELECT {_ITEM_COLUMNS} FROM feedback_items WHERE group_id = ? AND id = ?",
                (group_id, item_id)))
        return self._item_from(rows[0]) if rows else None

    async def hide_feedback(self, group_id: str, item_id: str, reason: str, hidden_by: str,
                            day: datetime) -> bool:
        """Hide a waiting item, recording why and by which facilitator."""
        async with self._transaction() as db:
            cursor = await db.execute(
                "UPDATE feedback_items SET status = 'hidden', hidden_reason = ?, "
                "hidden_by = ?, hidden_day = ? "
                "WHERE group_id = ? AND id = ? AND status = 'waiting'",
                (self._seal_on_day({"reason": reason}, day), hidden_by, to_micros(day),
                 group_id, item_id))
            return cursor.rowcount == 1

    async def answer_feedback(self, group_id: str, item_id: str, answer: str, day: datetime,
                              deliveries: Sequence[NewDelivery], now: datetime) -> bool:
        """Record the answer and enqueue its public post together."""
        async with self._transaction() as db:
            cursor = await db.execute(
                "UPDATE feedback_items SET answer = ?, answered_day = ? "
                "WHERE group_id = ? AND id = ? AND status = 'delivered'",
                (self._seal_on_day({"answer": answer}, day), to_micros(day), group_id,
                 item_id))
            if cursor.rowcount != 1:
                return False
            await self._insert_deliveries(db, deliveries, now)
        return True


class _ChangedError(StorageError):
    """Rows changed between reading and acting; the transaction is undone, to retry."""


__all__ = ["SqlFeedback"]
