"""The kudos feature's part of the retention sweep (`declare` finds `purge` here)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime

from storage.package import MemberTx
from storage.sql import to_micros


async def purge(tx: MemberTx, cutoffs: Mapping[str, datetime | None]) -> None:
    """Delete thank-yous made before the "kudos" cutoff (None: keep them all)."""
    before = cutoffs["kudos"]
    if before is not None:
        tx.add(tx.deleted, "kudos", await tx.run("DELETE FROM kudos WHERE created_at < ?",
                                                 (to_micros(before),)))
