"""One vote and what happened to it: the records an anonymous poll and a vote on a change
to the group agreement share, and the ballot box that keeps both (storage/ballot_box.py).

Records only, in the core, so the polls and agreement features' store ports and the
storage both use them without either feature importing the other.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum


class VoteResult(StrEnum):
    """What happened to a vote."""

    COUNTED = "counted"
    CHANGED = "changed"
    SAME = "same"
    LOCKED = "locked"  # an earlier vote exists but can no longer be read to undo it
    CLOSED = "closed"
    NOT_FOUND = "not_found"


@dataclass(frozen=True, slots=True)
class Ballot:
    """One vote to record.

    Anonymous: `voter` is the poll-secret tag, `sealed` the choices under the in-memory
    key, and `unseal` reads an earlier sealed vote (None when it cannot). Named: `voter`
    is the member id and `name` their display name; the store encrypts both at rest.
    """

    poll_id: str
    voter: str
    choices: tuple[int, ...]
    sealed: str = ""
    unseal: Callable[[str], tuple[int, ...] | None] | None = None
    name: str = ""
