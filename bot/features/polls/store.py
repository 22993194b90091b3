"""Polls: records and the store port (the operations polls need from a database,
implemented in `storage/polls/`).

For an anonymous poll the store keeps, separately, who has voted (a tag made with a
per-poll secret, so no member id is stored) and how many votes each option has. The
only thing that ties a voter's tag to a choice is `sealed`: the choice encrypted under a
key that exists only in the running bot's memory, used to undo a vote when it is
changed, and wiped when the poll closes. See docs/decisions/anonymous-polls.md.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol
from typing import runtime_checkable

from bot.ballots import Ballot
from bot.ballots import VoteResult
from bot.outbox import NewDelivery


@dataclass(frozen=True, slots=True)
class _PollFields:
    """What a poll is, whether about to be stored or read back: said once for both."""

    poll_id: str
    group_id: str
    question: str
    options: tuple[str, ...]
    anonymous: bool
    multiple: bool
    closes_at: datetime
    channel: str
    voter_secret: str


@dataclass(frozen=True, slots=True)
class NewPoll(_PollFields):
    """A poll to store, with the deliveries that post it."""

    day: datetime


@dataclass(frozen=True, slots=True)
class Poll(_PollFields):
    """A stored poll."""

    open: bool


@dataclass(frozen=True, slots=True)
class PollResults:
    """A poll with its counts (and, for a named poll only, who chose what)."""

    poll: Poll
    tallies: tuple[int, ...]
    voters: int
    named: tuple[tuple[str, tuple[int, ...]], ...] = ()


@runtime_checkable
class PollStore(Protocol):
    """Storage operations for polls."""

    async def create_poll(self, poll: NewPoll, deliveries: Sequence[NewDelivery],
                          now: datetime) -> None:
        """Store a poll with zero counts and the delivery that posts it."""

    async def get_poll(self, poll_id: str) -> Poll | None:
        """A poll by id."""

    async def open_polls(self) -> list[Poll]:
        """Every poll not yet closed (to schedule their closing at start)."""

    async def cast_vote(self, ballot: Ballot, now: datetime) -> VoteResult:
        """Record or change a vote, in one transaction, while the poll is open."""

    async def poll_results(self, poll_id: str) -> PollResults | None:
        """A poll's counts (read at closing, to draw the results)."""

    async def close_poll(self, poll_id: str, occurrence_key: str, owner: str,
                         tallies: Sequence[int], deliveries: Sequence[NewDelivery],
                         now: datetime) -> bool:
        """In one transaction: record the closing occurrence, close the poll (only if it
        is open and its counts still equal `tallies`), wipe every sealed vote, and store
        the results' deliveries. True for exactly one caller per poll."""
