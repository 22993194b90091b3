"""The group agreement's records and its store port: versions, amendments and who has
read a version. The database implements the port (storage/agreement/).

An amendment is voted on anonymously with the same design as an anonymous poll (see
docs/decisions/anonymous-polls.md): a per-amendment voter tag, yes/no counts, and the
choice sealed under a key that exists only in the running bot's memory, wiped when the
amendment is decided. The decision, the new version and the announcement commit together.
"""

from __future__ import annotations

from collections.abc import Callable
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Protocol
from typing import runtime_checkable

from bot.ballots import Ballot
from bot.ballots import VoteResult
from bot.outbox import NewDelivery


class AmendmentKind(StrEnum):
    """What an amendment does to the agreement."""

    ADD = "add"
    CHANGE = "change"
    REMOVE = "remove"


class AmendmentStatus(StrEnum):
    """Where an amendment is: open for votes, or decided."""

    OPEN = "open"
    PASSED = "passed"
    FAILED = "failed"
    STALE = "stale"  # the agreement changed while it was open; it no longer applies


@dataclass(frozen=True, slots=True)
class AgreementVersion:
    """One version of a group's agreement: its numbered points and why it changed."""

    group_id: str
    number: int
    points: tuple[str, ...]
    created_at: datetime
    change: str = ""
    reason: str = ""


@dataclass(frozen=True, slots=True)
class Amendment:
    """A proposed change to the agreement, voted on anonymously (yes or no)."""

    amendment_id: str
    group_id: str
    kind: AmendmentKind
    point: int  # 1-based point number to change or remove; 0 for an addition
    text: str
    reason: str
    base_version: int
    closes_at: datetime
    channel: str
    voter_secret: str
    status: AmendmentStatus = AmendmentStatus.OPEN
    yes: int = 0
    no: int = 0


@dataclass(frozen=True, slots=True)
class Decision:
    """What deciding an amendment does: its new status, the version it makes (if it
    passed), and the announcements to send in the same transaction."""

    status: AmendmentStatus
    version: AgreementVersion | None
    deliveries: tuple[NewDelivery, ...]


Decide = Callable[[Amendment, "AgreementVersion | None"], Decision]
"""Works out a decision from the amendment's final counts and the current version. It
runs inside the storage transaction, so it must not await or touch storage."""


@runtime_checkable
class AgreementStore(Protocol):
    """Storage operations for the group agreement."""

    async def agreement_versions(self, group_id: str) -> list[AgreementVersion]:
        """Every version of the group's agreement, oldest first."""

    async def save_first_agreement(self, version: AgreementVersion,
                                   deliveries: Sequence[NewDelivery], now: datetime) -> bool:
        """Store version 1 with its announcement, only if the group has no version yet."""

    async def start_amendment(self, amendment: Amendment, deliveries: Sequence[NewDelivery],
                              now: datetime) -> None:
        """Store an open amendment with zero counts and the post that asks for votes."""

    async def get_amendment(self, amendment_id: str) -> Amendment | None:
        """An amendment by id, with its counts."""

    async def open_amendments(self) -> list[Amendment]:
        """Every amendment still open (to schedule their closing at start)."""

    async def cast_amendment_vote(self, ballot: Ballot, now: datetime) -> VoteResult:
        """Record or change a yes (0) / no (1) vote while the amendment is open."""

    async def decide_amendment(self, amendment_id: str, occurrence_key: str, owner: str,
                               decide: Decide, now: datetime) -> Decision | None:
        """In one transaction, only while the amendment is open: record the closing
        occurrence, read the final counts and the current version, apply `decide`, record
        its status and version, wipe the sealed votes and store its deliveries. None if
        it was already decided."""

    async def mark_read(self, group_id: str, version: int, user_id: str, name: str,
                        now: datetime) -> bool:
        """Record that a member has read a version; False if they already had."""

    async def readers(self, group_id: str, version: int) -> list[str]:
        """The display names of those who have read a version (count them for a count)."""
