"""Ballot boxes: how an anonymous poll, or a vote on a change to the group agreement,
keeps its votes while it is open, so that nothing stored, nor the database's own history,
links a member to a choice.

Why it is built this way (docs/decisions/anonymous-polls.md):
- One row per vote, `ballot_boxes(id, box)`, rewritten whole by every vote. `box` holds,
  encrypted with the at-rest key, the counts per option and, per voter tag, the voter's
  choice sealed under a key that lives only in the running process's memory (so a vote
  can be changed while that process runs). A vote's transaction writes this one row and
  nothing else, so on PostgreSQL the `xmin` a plain SELECT shows ties the transaction to
  no option, and there is no per-voter row whose place in a page shows who came first.
- Voters are written sorted by tag (an HMAC, so a random order), never in arrival order;
  the plain text is padded to a multiple of `PAD` bytes and the sealed choices to one
  length, so the box's size says little; its Fernet time is a constant (Fernet writes
  its time in the clear, which would say when the latest vote came).
- After every vote SQLite forgets earlier versions of the box (`_forget_old_versions`):
  the WAL is checkpointed and truncated, so a copy of the files holds the current box
  only. On PostgreSQL nothing per vote can do that; after a close the box table is
  rewritten (VACUUM FULL). What remains is written down plainly in
  docs/threat-model.md.
- When the vote closes, the box keeps the counts and how many voted, never the tags.

Shared by two storage packages, polls (`storage/polls/`) and the agreement's amendment
votes, so it stays a storage module of its own; the table is made by polls' migration 10
(`storage/polls/schema.py`).
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterable
from dataclasses import dataclass
from dataclasses import field
from typing import Any

from bot.ballots import Ballot
from bot.ballots import VoteResult
from storage.interface import StorageError
from storage.sql import SqlBase
from storage.sql import SqlConnection

log = logging.getLogger(__name__)

BOX_TABLE = "ballot_boxes"
PAD = 1024
# The Fernet time written (in the clear) into every box token: a constant, not the moment.
STAMP = 0


def poll_box(poll_id: str) -> str:
    """The ballot box id of an anonymous poll."""
    return f"poll:{poll_id}"


def amendment_box(amendment_id: str) -> str:
    """The ballot box id of a vote on a change to the agreement."""
    return f"amendment:{amendment_id}"


@dataclass(slots=True)
class BallotBox:
    """An anonymous vote's counts and, while it is open, each voter's sealed choice."""

    tallies: list[int]
    sealed: dict[str, str] = field(default_factory=dict)
    voters: int = 0
    open: bool = True

    def cast(self, ballot: Ballot) -> VoteResult:
        """Count a first vote, or move a changed one from its old choices to the new.
        Changes the box only for COUNTED and CHANGED."""
        if not self.open:
            return VoteResult.CLOSED
        earlier = self.sealed.get(ballot.voter)
        if earlier is None:
            self._count(ballot.choices, +1)
            self.sealed[ballot.voter] = ballot.sealed
            self.voters = len(self.sealed)
            return VoteResult.COUNTED
        old = None if ballot.unseal is None or not earlier else ballot.unseal(earlier)
        if not old:
            return VoteResult.LOCKED
        if sorted(old) == sorted(ballot.choices):
            return VoteResult.SAME
        self._count(old, -1)
        self._count(ballot.choices, +1)
        self.sealed[ballot.voter] = ballot.sealed
        return VoteResult.CHANGED

    def _count(self, choices: Iterable[int], step: int) -> None:
        for choice in choices:
            if not 0 <= choice < len(self.tallies):
                raise StorageError("a vote names an option the poll does not have")
            self.tallies[choice] += step

    def closed(self) -> BallotBox:
        """The box as kept after the close: counts and how many voted, no tags."""
        return BallotBox(list(self.tallies), {}, self.voters, False)

    def text(self) -> str:
        """The plain text that is encrypted: sorted, padded, with no arrival order."""
        data: dict[str, Any] = {"open": self.open, "tallies": list(self.tallies),
                                "voters": self.voters,
                                "sealed": [[tag, self.sealed[tag]]
                                           for tag in sorted(self.sealed)]}
        raw = json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=True)
        return raw + " " * (-len(raw) % PAD)

    @classmethod
    def from_text(cls, text: str) -> BallotBox:
        """The box from its plain text."""
        data = json.loads(text)
        sealed = {str(tag): str(token) for tag, token in data["sealed"]}
        return cls([int(t) for t in data["tallies"]], sealed, int(data["voters"]),
                   bool(data["open"]))


class SqlBallotBoxes(SqlBase):
    """Ballot boxes in SQL both databases run, shared by polls and agreement votes."""

    def _box_token(self, box: BallotBox) -> str:
        return self._cipher.encrypt_at(box.text(), STAMP)

    async def _new_box(self, db: SqlConnection, box_id: str, options: int) -> None:
        await db.execute(f"INSERT INTO {BOX_TABLE} (id, box) VALUES (?, ?)",
                         (box_id, self._box_token(BallotBox([0] * options))))

    async def _read_box(self, db: SqlConnection, box_id: str) -> BallotBox | None:
        rows = list(await db.execute_fetchall(
            f"SELECT box FROM {BOX_TABLE} WHERE id = ?", (box_id,)))
        if not rows:
            return None
        return BallotBox.from_text(self._cipher.decrypt(rows[0][0]))

    async def _write_box(self, db: SqlConnection, box_id: str, box: BallotBox) -> None:
        cursor = await db.execute(f"UPDATE {BOX_TABLE} SET box = ? WHERE id = ?",
                                  (self._box_token(box), box_id))
        if cursor.rowcount != 1:
            raise StorageError(f"ballot box {box_id} is missing")

    async def _vote_in_box(self, db: SqlConnection, box_id: str,
                           ballot: Ballot) -> VoteResult:
        """Inside the caller's write transaction: read, change and rewrite the box, the
        only row a vote writes."""
        box = await self._read_box(db, box_id)
        if box is None:
            return VoteResult.NOT_FOUND
        result = box.cast(ballot)
        if result in (VoteResult.COUNTED, VoteResult.CHANGED):
            await self._write_box(db, box_id, box)
        return result

    async def _forget_earlier_boxes(self, *, rewrite: bool = False) -> None:
        """After a vote (or, with `rewrite`, a close): have the database drop earlier
        versions of the boxes now. A failure is logged, not raised: the vote is already
        stored, and the next vote or close tries again.

        After a vote this is SQLite's WAL checkpoint only. On PostgreSQL a VACUUM per vote
        would not help: it removes no bytes from the pages (PostgreSQL's own pruning at
        the next update of the page does as much), and it waits for the table's lock, so
        votes arriving together would queue behind one another's VACUUM."""
        if not rewrite and self.dialect != "sqlite":
            return
        try:
            await self._forget_old_versions(BOX_TABLE, rewrite=rewrite)
        except StorageError as exc:
            log.warning("storage.forget_failed table=%s error=%s", BOX_TABLE,
                        type(exc).__name__)


__all__ = ["BOX_TABLE", "BallotBox", "SqlBallotBoxes", "amendment_box", "poll_box"]
