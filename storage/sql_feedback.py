"""Anonymous feedback and polls in SQL both databases run: whole operations, one transaction each.

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

from bot.logs import log_event
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
from storage.polls import Ballot, NewPoll, Poll, PollResults, PollStore, VoteResult
from storage.sql import SqlBase, SqlConnection, _json, from_micros, to_micros

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
_CLAIM = ("INSERT INTO occurrences (key, owner, claimed_at) VALUES (?, ?, ?) "
          "ON CONFLICT (key) DO NOTHING")


class SqlFeedback(SqlBase, FeedbackStore, PollStore):
    """`FeedbackStore` and `PollStore` for both storage backends."""

    # ---- encoding ----------------------------------------------------------------------

    def _seal_on_day(self, data: Any, day: datetime) -> str:
        return self._cipher.encrypt_at(_json(data), int(day.timestamp()))

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
                                after=self._forget_feedback_history)
            self._feedback_batch = batch
        return batch

    async def feedback_written(self) -> None:
        """Wait until every submission so far is stored and its history emptied."""
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
            marks = ", ".join("?" for _ in ids)
            if list(await db.execute_fetchall(
                    f"SELECT 1 FROM feedback_items WHERE id IN ({marks})", ids)):
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
        async with self._transaction(write=False) as db:
            rows = await db.execute_fetchall(
                "SELECT group_id FROM feedback_items WHERE status = 'waiting' AND audience = ? "
                "UNION SELECT group_id FROM feedback_pending WHERE audience = ? "
                "ORDER BY group_id", (audience.value, audience.value))
        return [str(r[0]) for r in rows]

    async def waiting_feedback(self, group_id: str, audience: Audience) -> list[FeedbackItem]:
        """Released items of a group waiting for an audience, in id (random) order."""
        async with self._transaction(write=False) as db:
            rows = list(await db.execute_fetchall(
                f"SELECT {_ITEM_COLUMNS} FROM feedback_items "
                "WHERE status = 'waiting' AND audience = ? AND group_id = ? ORDER BY id",
                (audience.value, group_id)))
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

    # ---- polls -------------------------------------------------------------------------

    def _poll_from(self, row: tuple[Any, ...]) -> Poll:
        poll_id, group_id, body, anonymous, multiple, closes_at, channel, secret, status = row
        data = self._decrypt_json(body)
        return Poll(poll_id=poll_id, group_id=group_id, question=data["question"],
                    options=tuple(data["options"]), anonymous=bool(anonymous),
                    multiple=bool(multiple), closes_at=from_micros(closes_at),
                    channel=channel, voter_secret=self._decrypt_json(secret)["secret"],
                    open=status == "open")

    async def create_poll(self, poll: NewPoll, deliveries: Sequence[NewDelivery],
                          now: datetime) -> None:
        """Store the poll, its zero counts and its post."""
        row = (poll.poll_id, poll.group_id,
               self._seal_on_day({"question": poll.question, "options": list(poll.options)},
                                 poll.day),
               int(poll.anonymous), int(poll.multiple), to_micros(poll.closes_at),
               poll.channel, self._seal_on_day({"secret": poll.voter_secret}, poll.day),
               to_micros(poll.day))
        async with self._transaction() as db:
            await db.execute(
                "INSERT INTO polls (id, group_id, body, anonymous, multiple, closes_at, "
                "channel, voter_secret, status, created_day) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'open', ?)", row)
            await db.executemany(
                "INSERT INTO poll_tallies (poll_id, option, votes) VALUES (?, ?, 0)",
                [(poll.poll_id, i) for i in range(len(poll.options))])
            await self._insert_deliveries(db, deliveries, now)

    _POLL_COLUMNS = ("id, group_id, body, anonymous, multiple, closes_at, channel, "
                     "voter_secret, status")

    async def get_poll(self, poll_id: str) -> Poll | None:
        """A poll by id."""
        async with self._transaction(write=False) as db:
            rows = list(await db.execute_fetchall(
                f"SELECT {self._POLL_COLUMNS} FROM polls WHERE id = ?", (poll_id,)))
        return self._poll_from(tuple(rows[0])) if rows else None

    async def open_polls(self) -> list[Poll]:
        """Every open poll, soonest closing first."""
        async with self._transaction(write=False) as db:
            rows = list(await db.execute_fetchall(
                f"SELECT {self._POLL_COLUMNS} FROM polls WHERE status = 'open' "
                "ORDER BY closes_at, id"))
        return [self._poll_from(tuple(r)) for r in rows]

    async def cast_vote(self, ballot: Ballot, now: datetime) -> VoteResult:
        """Count a first vote, or move a changed one from its old choices to the new."""
        async with self._transaction() as db:
            rows = list(await db.execute_fetchall(
                "SELECT status, closes_at, anonymous FROM polls WHERE id = ?",
                (ballot.poll_id,)))
            if not rows:
                return VoteResult.NOT_FOUND
            status, closes_at, anonymous = rows[0]
            if status != "open" or to_micros(now) >= closes_at:
                return VoteResult.CLOSED
            sealed = (ballot.sealed if anonymous else
                      self._encrypt_json({"choices": list(ballot.choices),
                                          "name": ballot.name}))
            found = list(await db.execute_fetchall(
                "SELECT sealed FROM poll_voters WHERE poll_id = ? AND voter = ?",
                (ballot.poll_id, ballot.voter)))
            if not found:
                await db.execute(
                    "INSERT INTO poll_voters (poll_id, voter, sealed) VALUES (?, ?, ?)",
                    (ballot.poll_id, ballot.voter, sealed))
                await self._count(db, ballot.poll_id, ballot.choices, +1)
                return VoteResult.COUNTED
            old = self._earlier(found[0][0], bool(anonymous), ballot)
            if old is None:
                return VoteResult.LOCKED
            if sorted(old) == sorted(ballot.choices):
                return VoteResult.SAME
            await self._count(db, ballot.poll_id, old, -1)
            await self._count(db, ballot.poll_id, ballot.choices, +1)
            await db.execute("UPDATE poll_voters SET sealed = ? WHERE poll_id = ? AND voter = ?",
                             (sealed, ballot.poll_id, ballot.voter))
            return VoteResult.CHANGED

    def _earlier(self, token: str | None, anonymous: bool, ballot: Ballot,
                 ) -> tuple[int, ...] | None:
        if token is None:
            return None
        if not anonymous:
            return tuple(self._decrypt_json(token)["choices"])
        return None if ballot.unseal is None else ballot.unseal(token)

    @staticmethod
    async def _count(db: SqlConnection, poll_id: str, choices: Sequence[int],
                     step: int) -> None:
        await db.executemany(
            "UPDATE poll_tallies SET votes = votes + ? WHERE poll_id = ? AND option = ?",
            [(step, poll_id, c) for c in choices])

    async def poll_results(self, poll_id: str) -> PollResults | None:
        """Counts, the number of voters, and (named polls only) who chose what."""
        async with self._transaction(write=False) as db:
            rows = list(await db.execute_fetchall(
                f"SELECT {self._POLL_COLUMNS} FROM polls WHERE id = ?", (poll_id,)))
            if not rows:
                return None
            tallies = list(await db.execute_fetchall(
                "SELECT votes FROM poll_tallies WHERE poll_id = ? ORDER BY option",
                (poll_id,)))
            voters = list(await db.execute_fetchall(
                "SELECT sealed FROM poll_voters WHERE poll_id = ?", (poll_id,)))
        poll = self._poll_from(tuple(rows[0]))
        named: list[tuple[str, tuple[int, ...]]] = []
        if not poll.anonymous:
            for (token,) in voters:
                data = self._decrypt_json(token)
                named.append((data["name"], tuple(data["choices"])))
            named.sort()
        return PollResults(poll, tuple(int(t[0]) for t in tallies), len(voters), tuple(named))

    async def close_poll(self, poll_id: str, occurrence_key: str, owner: str,
                         tallies: Sequence[int], deliveries: Sequence[NewDelivery],
                         now: datetime) -> bool:
        """Close once, wipe sealed votes, post results; then empty the WAL."""
        async with self._transaction() as db:
            await db.execute(_CLAIM, (occurrence_key, owner, to_micros(now)))
            cursor = await db.execute(
                "UPDATE polls SET status = 'closed' WHERE id = ? AND status = 'open'",
                (poll_id,))
            if cursor.rowcount != 1:
                return False
            current = [int(r[0]) for r in await db.execute_fetchall(
                "SELECT votes FROM poll_tallies WHERE poll_id = ? ORDER BY option",
                (poll_id,))]
            if current != list(tallies):
                raise _ChangedError(_CHANGED)
            await db.execute(
                "UPDATE poll_voters SET sealed = NULL WHERE poll_id = ? AND EXISTS "
                "(SELECT 1 FROM polls WHERE id = ? AND anonymous = 1)", (poll_id, poll_id))
            await self._insert_deliveries(db, deliveries, now)
        await self._forget_old_versions("poll_tallies", "poll_voters")
        return True



class _ChangedError(StorageError):
    """Rows changed between reading and acting; the transaction is undone, to retry."""


__all__ = ["SqlFeedback"]
