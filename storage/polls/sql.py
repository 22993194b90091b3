"""Polls in SQL both databases run: whole operations, one transaction each.

An anonymous poll keeps its votes in a ballot box (storage/ballot_box.py): one row,
rewritten whole by each vote, the only row a vote writes; after each vote the database
forgets the box's earlier versions. A named poll (`anonymous=no`) keeps a row per voter
with their id, and their name and choices encrypted, and a count per option: its results
show who chose what anyway. See docs/decisions/anonymous-polls.md.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from bot.ballots import Ballot
from bot.ballots import VoteResult
from bot.features.polls.store import NewPoll
from bot.features.polls.store import Poll
from bot.features.polls.store import PollResults
from bot.outbox import NewDelivery
from storage.ballot_box import SqlBallotBoxes
from storage.ballot_box import poll_box
from storage.interface import StorageError
from storage.polls.schema import fill_ballot_boxes
from storage.sql import SqlConnection
from storage.sql import from_micros
from storage.sql import to_micros

_CHANGED = "the rows changed while this was being prepared; it will be tried again"
_POLL_COLUMNS = ("id, group_id, body, anonymous, multiple, closes_at, channel, "
                 "voter_secret, status")


class SqlPolls(SqlBallotBoxes):
    """`bot.features.polls.store.PollStore` for both storage backends."""

    def _poll_from(self, row: Sequence[Any]) -> Poll:
        poll_id, group_id, body, anonymous, multiple, closes_at, channel, secret, status = row
        data = self._decrypt_json(body)
        return Poll(poll_id=poll_id, group_id=group_id, question=data["question"],
                    options=tuple(data["options"]), anonymous=bool(anonymous),
                    multiple=bool(multiple), closes_at=from_micros(closes_at),
                    channel=channel, voter_secret=self._decrypt_json(secret)["secret"],
                    open=status == "open")

    async def create_poll(self, poll: NewPoll, deliveries: Sequence[NewDelivery],
                          now: datetime) -> None:
        """Store the poll, its empty ballot box (or zero counts) and its post."""
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
            if poll.anonymous:
                await self._new_box(db, poll_box(poll.poll_id), len(poll.options))
            else:
                await db.executemany(
                    "INSERT INTO poll_tallies (poll_id, option, votes) VALUES (?, ?, 0)",
                    [(poll.poll_id, i) for i in range(len(poll.options))])
            await self._insert_deliveries(db, deliveries, now)

    async def get_poll(self, poll_id: str) -> Poll | None:
        """A poll by id."""
        return await self._read_one(
            self._poll_from, f"SELECT {_POLL_COLUMNS} FROM polls WHERE id = ?", (poll_id,))

    async def open_polls(self) -> list[Poll]:
        """Every open poll, soonest closing first."""
        return await self._read_all(
            self._poll_from,
            f"SELECT {_POLL_COLUMNS} FROM polls WHERE status = 'open' ORDER BY closes_at, id")

    async def cast_vote(self, ballot: Ballot, now: datetime) -> VoteResult:
        """Count a first vote, or move a changed one from its old choices to the new.

        Anonymous: the ballot box is the only row written; once committed (durably), the
        database is told to forget the box's earlier versions, then the vote is answered.
        """
        async with self._transaction() as db:
            # Votes and the close of one poll take turns: the box (or the voter's row)
            # read below is the one rewritten, and the poll is still open when it is.
            await self._turn(db, poll_box(ballot.poll_id))
            rows = list(await db.execute_fetchall(
                "SELECT status, closes_at, anonymous FROM polls WHERE id = ?",
                (ballot.poll_id,)))
            if not rows:
                return VoteResult.NOT_FOUND
            status, closes_at, anonymous = rows[0]
            if status != "open" or to_micros(now) >= closes_at:
                return VoteResult.CLOSED
            if anonymous:
                result = await self._vote_in_box(db, poll_box(ballot.poll_id), ballot)
            else:
                result = await self._named_vote(db, ballot)
        if anonymous and result in (VoteResult.COUNTED, VoteResult.CHANGED):
            await self._forget_earlier_boxes()
        return result

    async def _named_vote(self, db: SqlConnection, ballot: Ballot) -> VoteResult:
        sealed = self._encrypt_json({"choices": list(ballot.choices), "name": ballot.name})
        found = list(await db.execute_fetchall(
            "SELECT sealed FROM poll_voters WHERE poll_id = ? AND voter = ?",
            (ballot.poll_id, ballot.voter)))
        if not found:
            await db.execute(
                "INSERT INTO poll_voters (poll_id, voter, sealed) VALUES (?, ?, ?)",
                (ballot.poll_id, ballot.voter, sealed))
            await self._count(db, ballot.poll_id, ballot.choices, +1)
            return VoteResult.COUNTED
        token = found[0][0]
        if token is None:
            return VoteResult.LOCKED
        old = tuple(self._decrypt_json(token)["choices"])
        if sorted(old) == sorted(ballot.choices):
            return VoteResult.SAME
        await self._count(db, ballot.poll_id, old, -1)
        await self._count(db, ballot.poll_id, ballot.choices, +1)
        await db.execute("UPDATE poll_voters SET sealed = ? WHERE poll_id = ? AND voter = ?",
                         (sealed, ballot.poll_id, ballot.voter))
        return VoteResult.CHANGED

    @staticmethod
    async def _count(db: SqlConnection, poll_id: str, choices: Sequence[int],
                     step: int) -> None:
        await db.executemany(
            "UPDATE poll_tallies SET votes = votes + ? WHERE poll_id = ? AND option = ?",
            [(step, poll_id, c) for c in choices])

    async def _poll_counts(self, db: SqlConnection, poll: Poll,
                      ) -> tuple[list[int], int, list[tuple[str, tuple[int, ...]]]]:
        """Counts, number of voters and (named polls) who chose what, read in `db`."""
        if poll.anonymous:
            box = await self._read_box(db, poll_box(poll.poll_id))
            if box is None:
                raise StorageError(f"poll {poll.poll_id} has no ballot box")
            return list(box.tallies), box.voters, []
        tallies = [int(r[0]) for r in await db.execute_fetchall(
            "SELECT votes FROM poll_tallies WHERE poll_id = ? ORDER BY option",
            (poll.poll_id,))]
        named: list[tuple[str, tuple[int, ...]]] = []
        for (token,) in await db.execute_fetchall(
                "SELECT sealed FROM poll_voters WHERE poll_id = ?", (poll.poll_id,)):
            data = self._decrypt_json(token)
            named.append((data["name"], tuple(data["choices"])))
        return tallies, len(named), sorted(named)

    async def poll_results(self, poll_id: str) -> PollResults | None:
        """Counts, the number of voters, and (named polls only) who chose what."""
        async with self._transaction(write=False) as db:
            rows = list(await db.execute_fetchall(
                f"SELECT {_POLL_COLUMNS} FROM polls WHERE id = ?", (poll_id,)))
            if not rows:
                return None
            poll = self._poll_from(tuple(rows[0]))
            tallies, voters, named = await self._poll_counts(db, poll)
        return PollResults(poll, tuple(tallies), voters, tuple(named))

    async def close_poll(self, poll_id: str, occurrence_key: str, owner: str,
                         tallies: Sequence[int], deliveries: Sequence[NewDelivery],
                         now: datetime) -> bool:
        """Close once, drop the voter tags and sealed choices, post results; then have
        the database forget every earlier version of the boxes."""
        async with self._transaction() as db:
            await self._turn(db, poll_box(poll_id))  # no vote lands between count and close
            await self._claim(db, occurrence_key, owner, now)
            rows = list(await db.execute_fetchall(
                f"SELECT {_POLL_COLUMNS} FROM polls WHERE id = ?", (poll_id,)))
            cursor = await db.execute(
                "UPDATE polls SET status = 'closed' WHERE id = ? AND status = 'open'",
                (poll_id,))
            if cursor.rowcount != 1 or not rows:
                return False
            poll = self._poll_from(tuple(rows[0]))
            current, _, _ = await self._poll_counts(db, poll)
            if current != list(tallies):
                raise _ChangedError(_CHANGED)
            if poll.anonymous:
                box = await self._read_box(db, poll_box(poll_id))
                assert box is not None  # _poll_counts found it
                await self._write_box(db, poll_box(poll_id), box.closed())
            await self._insert_deliveries(db, deliveries, now)
        if poll.anonymous:
            await self._forget_earlier_boxes(rewrite=True)
        return True

    async def _fill_ballot_boxes(self, db: SqlConnection) -> tuple[str, ...]:
        """Migration 10's data step (`Migration.then` names it), in the migration's
        transaction: the frozen copy in `storage/polls/schema.py`."""
        return await fill_ballot_boxes(db, self._cipher)


class _ChangedError(StorageError):
    """Rows changed between reading and acting; the transaction is undone, to retry."""


__all__ = ["SqlPolls"]
