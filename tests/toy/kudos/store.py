"""The kudos feature's records and its store port (the database implements it)."""

from __future__ import annotations

from datetime import datetime
from typing import Protocol
from typing import runtime_checkable


@runtime_checkable
class KudosStore(Protocol):
    """What the feature needs from a database."""

    async def add_kudos(self, group_id: str, text: str, now: datetime) -> int:
        """Keep one thank-you; how many the group has now."""

    async def kudos_count(self, group_id: str) -> int:
        """How many thank-yous the group has."""
