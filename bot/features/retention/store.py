"""The retention sweep's store port: the deletions it asks of the database.

The backend implements it: `purge_expired` is the core's member-data sweep (each storage
package deletes what its cutoffs cover) and `purge_closed_concerns` the concerns
package's audited deletion of old closed cases, and `prune` the core's deletion of what
only the bot itself reads (occurrence claims, event keys, finished deliveries).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Protocol
from typing import runtime_checkable

from bot.retention_cutoffs import PruneCutoffs
from bot.retention_cutoffs import RetentionCutoffs


@runtime_checkable
class RetentionStore(Protocol):
    """What the daily sweep needs of the database."""

    def retention_cutoff_names(self) -> Mapping[str, tuple[str, ...]]:
        """The retention cutoffs each storage package's purge hook reads, by package."""

    async def purge_expired(self, occurrence_key: str, owner: str,
                            cutoffs: RetentionCutoffs, now: datetime) -> dict[str, int] | None:
        """Claim the sweep's occurrence and delete what is older than each cutoff, in one
        transaction; rows deleted per table, or None if another process already ran it.
        A package whose cutoffs are not all given is skipped, with an error logged."""

    async def purge_closed_concerns(self, closed_before: datetime, now: datetime,
                                    ) -> list[str]:
        """Delete closed cases closed before the cutoff, audited; their references."""

    async def prune(self, cutoffs: PruneCutoffs, now: datetime) -> dict[str, int]:
        """Delete occurrence claims, event keys, ended request claims and finished
        deliveries older than their cutoffs, a batch per transaction; rows per kind."""
