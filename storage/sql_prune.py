"""Pruning the tables that grow with every firing, event and message (`prune`), in the
SQL both databases run.

Why it is built this way: occurrence claims, event keys, request claims and finished
deliveries are read by nobody once their moment has passed, but a group that runs for
years makes millions of them. Each kind is deleted oldest first, `batch` rows per
transaction, through the indexes of migration 18, so a backlog never holds the write
lock for long (other work gets in between batches) and each batch reads only what it
deletes. Rows any process might still act on are never touched: deliveries waiting or
being sent, and claims younger than their cutoff.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from storage.members import EVENTS_OWNER
from storage.members import PRUNE_BATCH
from storage.members import PruneCutoffs
from storage.packages import storage_packages
from storage.sql import SqlBase
from storage.sql import to_micros

_OCCURRENCES = ("DELETE FROM occurrences WHERE key IN (SELECT key FROM occurrences "
                "WHERE claimed_at < ? AND owner {} ? LIMIT ?)")
_REQUEST_CLAIMS = ("DELETE FROM request_claims WHERE digest IN (SELECT digest FROM "
                   "request_claims WHERE expires_at <= ? LIMIT ?)")
_DELIVERIES = ("DELETE FROM deliveries WHERE id IN (SELECT id FROM deliveries "
               "WHERE created_at < ? AND {} LIMIT ?) RETURNING status")
_DELIVERED = "status = 'delivered' AND last_error IS NULL"
_FINISHED = "status IN ('delivered', 'undeliverable')"


def _read_by_packages() -> tuple[str, ...]:
    """The delivery key patterns storage packages read after delivery."""
    return tuple(p for package in storage_packages() for p in package.reads_deliveries)


class SqlPrune(SqlBase):
    """`MemberDataStore.prune` for both backends."""

    async def prune(self, cutoffs: PruneCutoffs, now: datetime,
                    batch: int = PRUNE_BATCH) -> dict[str, int]:
        """Each kind in turn, a batch per transaction, until a batch comes back short."""
        if batch < 1:
            raise ValueError("a prune batch must hold at least one row")
        counts = {
            "occurrences": await self._prune_rows(
                _OCCURRENCES.format("<>"), (to_micros(cutoffs.occurrences), EVENTS_OWNER),
                batch),
            "event_keys": await self._prune_rows(
                _OCCURRENCES.format("="), (to_micros(cutoffs.event_keys), EVENTS_OWNER), batch),
            "request_claims": await self._prune_rows(_REQUEST_CLAIMS, (to_micros(now),), batch),
            "deliveries": 0, "undeliverable": 0}
        kept = _read_by_packages()
        # Delivered at the first try: gone after the shorter period, unless a package
        # reads its outcome (then it goes with the rest, below, by the one cutoff).
        spared = "".join(" AND idem_key NOT LIKE ?" for _ in kept)
        clean = await self._prune_deliveries(
            _DELIVERED + spared, (to_micros(cutoffs.delivered), *kept), batch)
        rest = await self._prune_deliveries(_FINISHED, (to_micros(cutoffs.finished),), batch)
        for status, n in (*clean.items(), *rest.items()):
            counts["undeliverable" if status == "undeliverable" else "deliveries"] += n
        tables = [table for table, kinds in (
            ("occurrences", ("occurrences", "event_keys")),
            ("request_claims", ("request_claims",)),
            ("deliveries", ("deliveries", "undeliverable"))) if any(counts[k] for k in kinds)]
        if tables:
            await self._forget_old_versions(*tables)
        return counts

    async def _prune_rows(self, sql: str, params: Sequence[Any], batch: int) -> int:
        """Run a batched DELETE until it deletes fewer than `batch` rows; the total."""
        total = 0
        while True:
            async with self._transaction() as db:
                cursor = await db.execute(sql, (*params, batch))
                deleted = max(cursor.rowcount, 0)
            total += deleted
            if deleted < batch:
                return total
            await asyncio.sleep(0)  # let waiting work have the lock between batches

    async def _prune_deliveries(self, where: str, params: Sequence[Any],
                                batch: int) -> dict[str, int]:
        """Batches of finished deliveries; rows deleted by their status."""
        sql = _DELIVERIES.format(where)
        counts: dict[str, int] = {}
        while True:
            async with self._transaction() as db:
                rows = list(await db.execute_fetchall(sql, (*params, batch)))
            for (status,) in rows:
                counts[str(status)] = counts.get(str(status), 0) + 1
            if len(rows) < batch:
                return counts
            await asyncio.sleep(0)


__all__ = ["SqlPrune"]
