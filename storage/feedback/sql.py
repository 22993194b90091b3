"""Anonymous feedback in SQL both databases run: whole operations, one transaction each.

Feedback text, topics, reasons and answers are encrypted, and their Fernet tokens are
stamped with the day (midnight) rather than the moment: Fernet writes its creation
time into the token unencrypted, which would otherwise record when someone wrote.

Arrival order is kept out of the database as well as authorship. A new item joins the
pending pile of its group, audience and day: one row whose sealed body lists the pile's
items sorted by their random ids, rewritten whole in the same transaction. So there is
no cell, page, row version or system column per item to place it in time. After each
submission commit the history of the change is emptied (SQLite: the WAL is checkpointed
and truncated; PostgreSQL: the pile table is vacuumed), so no earlier version of the
pile is left to compare with. Released items are written out together in id order.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from bot.features.feedback.store import Audience
from bot.features.feedback.store import FeedbackItem
from bot.features.feedback.store import FeedbackStatus
from bot.features.feedback.store import FeedbackStore
from bot.features.feedback.store import NewFeedback
from bot.logs import log_event
from bot.outbox import NewDelivery
from storage.group_commit import ANSWERS_PER_TURN
from storage.group_commit import GroupCommit
from storage.group_commit import many_values
from storage.interface import StorageError
from storage.sql import SqlBase
from storage.sql import SqlConnection
from storage.sql import from_micros
from storage.sql import to_micros

log = logging.getLogger(__name__)

_ITEM_COLUMNS = ("id, group_id, audience, body, submitted_day, status, delivered_day, "
                 "hidden_reason, answered_day, review_from")

_ITEM_INSERT = ("INSERT INTO feedback_items (id, group_id, audience, body, submitted_day, "
                "status, review_from)")
_ITEM_ROW = "(?, ?, ?, ?, ?, 'waiting', ?)"
_PILE_UPSERT = ("INSERT INTO feedback_pending (group_id, audience, day, body) "
                "VALUES (?, ?, ?, ?) ON CONFLICT (group_id, audience, day) "
                "DO UPDATE SET body = excluded.body")
_CHANGED = "the rows changed while this was being prepared; it will be tried again"


class SqlFeedback(SqlBase, FeedbackStore):
    """`FeedbackStore` for both storage backends (polls: storage/polls/sql.py)."""

    # ---- encoding ----------------------------------------------------------------------

    def _item_from(self, row: Any) -> FeedbackItem:
        (item_id, group_id, audience, body, day, status, delivered, reason, answered,
         review_from) = row
        data = self._decrypt_json(body)
        return FeedbackItem(
            item_id=item_id, group_id=group_id, audience=Audience(audience),
            text=data["text"], topic=data.get("topic", ""), day=from_micros(day),
            status=FeedbackStatus(status),
            delivered_day=None if delivered is None else from_micros(delivered),
            hidden_reason="" if reason is None else self._decrypt_json(reason)["reason"],
            answered=answered is not None,
            review_from=None if review_from is None else from_micros(review_from))

    # ---- feedback ----------------------------------------------------------------------

    async def submit_feedback(self, item: NewFeedback) -> None:
        """Add one item to its pending pile (no author: there is nowhere to put one).

        Items sent at the same moment are written together, in one transaction (group
        commit): each commit costs an fsync, so a burst is acknowledged in about the time
        of one commit instead of waiting in line for hundreds. Returns once stored and
        the history of the change emptied.
        """
        await self._feedback_writer().submit(item)

    def _feedback_writer(self) -> GroupCommit[NewFeedback, None]:
        batch: GroupCommit[NewFeedback, None] | None = getattr(self, "_feedback_batch", None)
        if batch is None:
            batch = GroupCommit(self._insert_feedback, "coprod-feedback-writer",
                                after=self._forget_feedback_history,
                                answers_per_turn=ANSWERS_PER_TURN)
            self._feedback_batch = batch
        return batch

    async def feedback_written(self) -> None:
        """Wait until every submission so far is stored and its history emptied: the
        moment an adversary test copies the files to check that no history is left."""
        await self._feedback_writer().idle()

    async def _insert_feedback(self, items: Sequence[NewFeedback]) -> list[None]:
        """Rewrite each touched pile with its new items, in one transaction.

        The history of the change is emptied right after (`_forget_feedback_history`, the
        writer's `after`), once the members are answered (their items are durable by
        then) and once per burst rather than per transaction: each emptying costs a flush
        to disk that every writer waits for. So until it is done, usually a few
        milliseconds after the answer, the WAL holds the last commits.
        """
        ids = [i.item_id for i in items]
        if len(set(ids)) != len(ids):
            raise StorageError("two new feedback items have the same id")
        piles: dict[tuple[str, str, int], list[NewFeedback]] = {}
        for item in items:
            piles.setdefault((item.group_id, item.audience.value, to_micros(item.day)),
                             []).append(item)
        async with self._transaction() as db:
            # Each pile read below is rewritten whole: its group's submissions and release
            # take turns, across processes (an item added beside would be lost).
            await self._turn(db, *(f"feedback:{group_id}" for group_id, _, _ in piles))
            among, params = self._among("id", ids)
            if list(await db.execute_fetchall(
                    f"SELECT 1 FROM feedback_items WHERE {among}", params)):
                raise StorageError("a feedback id is taken")
            for (group_id, audience, day), new in sorted(piles.items()):
                entries = await self._pile(db, group_id, audience, day)
                if {e["id"] for e in entries} & {i.item_id for i in new}:
                    raise StorageError("a feedback id is taken")
                entries += [{"id": i.item_id, "text": i.text, "topic": i.topic} for i in new]
                entries.sort(key=lambda e: str(e["id"]))
                await db.execute(_PILE_UPSERT, (group_id, audience, day, self._seal_on_day(
                    entries, from_micros(day))))
        return [None] * len(items)

    async def _pile(self, db: SqlConnection, group_id: str, audience: str, day: int,
                    ) -> list[dict[str, Any]]:
        rows = list(await db.execute_fetchall(
            "SELECT body FROM feedback_pending WHERE group_id = ? AND audience = ? "
            "AND day = ?", (group_id, audience, day)))
        return list(self._decrypt_json(rows[0][0])) if rows else []

    async def _forget_feedback_history(self) -> None:
        try:
            await self._forget_old_versions("feedback_pending")
        except StorageError as exc:
            log_event(log, logging.WARNING, "storage.feedback_history_kept",
                      error=type(exc).__name__)

    async def release_feedback(self, group_id: str, audience: Audience, ended_before: datetime,
                               minimum: int, review_from: datetime) -> int:
        """Move the pending items of ended days into review together, if enough."""
        async with self._transaction() as db:
            await self._turn(db, f"feedback:{group_id}")  # no item joins a pile being moved
            rows = list(await db.execute_fetchall(
                "SELECT day, body FROM feedback_pending WHERE group_id = ? AND audience = ? "
                "AND day < ?", (group_id, audience.value, to_micros(ended_before))))
            entries = [(str(entry["id"]), entry, int(day)) for day, body in rows
                       for entry in self._decrypt_json(body)]
            if not entries or len(entries) < minimum:
                return 0
            entries.sort(key=lambda e: e[0])
            values = [(item_id, group_id, audience.value,
                       self._seal_on_day({"text": e["text"], "topic": e.get("topic", "")},
                                         from_micros(day)),
                       day, to_micros(review_from)) for item_id, e, day in entries]
            for sql, params in many_values(_ITEM_INSERT, _ITEM_ROW, values):
                await db.execute(sql, params)
            await db.execute(
                "DELETE FROM feedback_pending WHERE group_id = ? AND audience = ? AND day < ?",
                (group_id, audience.value, to_micros(ended_before)))
        await self._forget_feedback_history()
        return len(entries)

    async def groups_with_waiting_feedback(self, audience: Audience) -> list[str]:
        """Groups with items pending or waiting for this audience."""
        rows = await self._read(
            "SELECT group_id FROM feedback_items WHERE status = 'waiting' AND audience = ? "
            "UNION SELECT group_id FROM feedback_pending WHERE audience = ? "
            "ORDER BY group_id", (audience.value, audience.value))
        return [str(r[0]) for r in rows]

    async def waiting_feedback(self, group_id: str, audience: Audience) -> list[FeedbackItem]:
        """Released items of a group waiting for an audience, in id (random) order."""
        return await self._read_all(
            self._item_from, f"SELECT {_ITEM_COLUMNS} FROM feedback_items "
            "WHERE status = 'waiting' AND audience = ? AND group_id = ? ORDER BY id",
            (audience.value, group_id))

    async def deliver_digest(self, occurrence_key: str, owner: str, group_id: str,
                             item_ids: Sequence[str], deliveries: Sequence[NewDelivery],
                             now: datetime, day: datetime) -> bool:
        """Claim, mark delivered and enqueue together, or change nothing."""
        async with self._transaction() as db:
            if not await self._claim(db, occurrence_key, owner, now):
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
        return await self._read_all(
            self._item_from, f"SELECT {_ITEM_COLUMNS} FROM feedback_items "
            "WHERE group_id = ? AND submitted_day >= ? ORDER BY submitted_day DESC, id LIMIT ?",
            (group_id, to_micros(since), limit))

    async def feedback_item(self, group_id: str, item_id: str) -> FeedbackItem | None:
        """One item of a group."""
        return await self._read_one(
            self._item_from,
            f"SELECT {_ITEM_COLUMNS} FROM feedback_items WHERE group_id = ? AND id = ?",
            (group_id, item_id))

    async def hide_feedback(self, group_id: str, item_id: str, reason: str, hidden_by: str,
                            day: datetime) -> bool:
        """Hide a waiting item, recording why and by which facilitator."""
        return await self._change_one(
            "UPDATE feedback_items SET status = 'hidden', hidden_reason = ?, hidden_by = ?, "
            "hidden_day = ? WHERE group_id = ? AND id = ? AND status = 'waiting'",
            (self._seal_on_day({"reason": reason}, day), hidden_by, to_micros(day), group_id,
             item_id))

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
