"""Buddy pairing: the record of a round, and the store port the buddies feature is
written against (implemented by `storage/checkins/`, beside the check-ins it shares a
migration with)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol
from typing import runtime_checkable

from bot.outbox import NewDelivery


@dataclass(frozen=True, slots=True)
class BuddyRound:
    """One pairing round of a group: its number and the groups of two or three."""

    group_id: str
    number: int
    made_at: datetime
    pairs: tuple[tuple[str, ...], ...]


@runtime_checkable
class BuddyStore(Protocol):
    """Storage operations for buddy pairing."""

    async def buddy_join(self, group_id: str, user_id: str, name: str, now: datetime) -> bool:
        """Opt in; False if already in."""

    async def buddy_leave(self, group_id: str, user_id: str) -> bool:
        """Opt out; False if not in."""

    async def buddy_members(self, group_id: str) -> dict[str, str]:
        """Opted-in members of a group: id -> display name."""

    async def buddy_groups(self) -> list[str]:
        """Groups with anyone opted in."""

    async def buddy_avoid(self, group_id: str, user_id: str, other_id: str, avoid: bool,
                          ) -> None:
        """Add (or remove) someone from a member's private avoid list."""

    async def buddy_avoids(self, group_id: str) -> list[tuple[str, str]]:
        """Every (member, avoided) pair of a group."""

    async def buddy_rounds(self, group_id: str, limit: int) -> list[BuddyRound]:
        """The latest rounds, newest first."""

    async def save_buddy_round(self, occurrence_key: str, owner: str, round_: BuddyRound,
                               deliveries: Sequence[NewDelivery], now: datetime) -> bool:
        """Claim the occurrence and store the round with its introductions, in one
        transaction. False if already claimed."""
