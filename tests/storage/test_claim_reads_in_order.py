"""A claim reads the oldest due deliveries in index order and stops at its limit, on
both databases: with thousands due at one instant (a burst of reminders), each claim of
a few must not read, or sort, every due row (it did, and on PostgreSQL that was most
of what a burst cost)."""

from __future__ import annotations

import contextlib
import json
import sqlite3
from collections.abc import Iterator
from datetime import datetime
from typing import Any

import pytest

from bot.outbox import NewDelivery
from storage.interface import Storage
from storage.postgres import PostgresStorage
from storage.sql import to_micros
from storage.sql_core import _CLAIM
from storage.sqlite import SqliteStorage
from tests.backends import CONNECT_TIMEOUT_SECONDS
from tests.backends import postgres_url
from tests.storage.conftest import MakeDelivery

DUE = 3_000
LIMIT = 16
GROUPS = 30
PREFERRED = frozenset(f"g{n}" for n in range(0, GROUPS, 3))


async def _burst(storage: Storage, now: datetime, make_delivery: MakeDelivery) -> None:
    deliveries: list[NewDelivery] = [
        make_delivery(f"k{n}", group=f"g{n % GROUPS}") for n in range(DUE)]
    for start in range(0, DUE, 500):
        await storage.enqueue(deliveries[start:start + 500], now)


def _claim_sql(storage: Storage, preferred: bool) -> str:
    assert isinstance(storage, PostgresStorage | SqliteStorage)
    groups = " AND " + storage._groups_condition(PREFERRED) if preferred else ""
    return _CLAIM.format(skip=storage.skip_locked, groups=groups)


def _params(now: datetime) -> dict[str, Any]:
    return {"owner": "p1", "until": to_micros(now) + 60_000_000, "now": to_micros(now),
            "due": to_micros(now), "limit": LIMIT}


def _nodes(plan: dict[str, Any]) -> Iterator[dict[str, Any]]:
    yield plan
    for child in plan.get("Plans", []):
        yield from _nodes(child)


@pytest.mark.parametrize("preferred", [False, True], ids=["any group", "preferred groups"])
async def test_a_claim_reads_only_about_its_limit_of_due_rows(
    storage: Storage, now: datetime, make_delivery: MakeDelivery, preferred: bool
) -> None:
    await _burst(storage, now, make_delivery)
    sql = _claim_sql(storage, preferred)
    if isinstance(storage, PostgresStorage):
        await _check_postgres(storage, sql, _params(now), preferred)
    else:
        assert isinstance(storage, SqliteStorage)
        _check_sqlite(storage, sql, _params(now))


async def _check_postgres(storage: PostgresStorage, sql: str, params: dict[str, Any],
                          preferred: bool) -> None:
    import asyncpg

    from storage.postgres import translate

    text, names, _ = translate(sql)
    assert isinstance(names, tuple)
    conn = await asyncpg.connect(postgres_url(), timeout=CONNECT_TIMEOUT_SECONDS,
                                 server_settings={"search_path": storage.schema or "public"})
    try:
        await conn.execute("ANALYZE deliveries")
        transaction = conn.transaction()
        await transaction.start()
        try:
            if preferred:
                await conn.execute(storage.plan_for_constants)
            [row] = await conn.fetch("EXPLAIN (ANALYZE, FORMAT JSON) " + text,
                                     *(params[name] for name in names))
        finally:
            await transaction.rollback()
    finally:
        await conn.close()
    plan = json.loads(row[0])[0]["Plan"]
    reads = [node for node in _nodes(plan) if node.get("Relation Name") == "deliveries"
             and node["Node Type"] != "ModifyTable"]
    assert reads, plan
    for node in reads:
        assert node["Node Type"] != "Seq Scan", node
        read = node["Actual Rows"] + node.get("Rows Removed by Filter", 0)
        # In order: the preferred groups are a third of the rows, so about three rows
        # are read for each one taken; every due row would be 3,000.
        assert read <= 4 * LIMIT, node
    assert not any(node["Node Type"] == "Sort" and node["Actual Rows"] > 2 * LIMIT
                   for node in _nodes(plan)), plan


def _check_sqlite(storage: SqliteStorage, sql: str, params: dict[str, Any]) -> None:
    with contextlib.closing(sqlite3.connect(storage.path)) as raw:
        raw.execute("ANALYZE")
        lines = [str(row[3]) for row in raw.execute("EXPLAIN QUERY PLAN " + sql, params)]
    scans = [line for line in lines if "deliveries" in line]
    assert scans, lines
    assert not any(line.startswith("SCAN deliveries") and "INDEX" not in line
                   for line in scans), lines
    # The two due parts are read through the index that ends in the order they are
    # taken in: no sort of the due rows before the limit.
    assert sum("INDEX deliveries_due" in line for line in scans) == 2, lines
