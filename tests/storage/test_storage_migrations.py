"""Migrations on both databases: fresh install, upgrade from version 1, guard rails."""

from __future__ import annotations

import json
import re
import sqlite3
from collections.abc import Callable
from contextlib import closing
from datetime import datetime
from datetime import timedelta
from pathlib import Path

import pytest

from bot.outbox import NewDelivery
from storage.crypto import FieldCipher
from storage.interface import Storage
from storage.interface import StorageError
from storage.migrations import LATEST_VERSION
from storage.migrations import all_migrations
from storage.migrations import pending
from storage.schema import postgres_sql
from storage.sqlite import SqliteStorage
from storage.sqlite import to_micros
from tests.backends import another_handle
from tests.backends import opened
from tests.backends import opened_storage
from tests.backends import raw_rows
from tests.backends import table_names

ALL = [m.version for m in all_migrations()]

MakeDelivery = Callable[..., NewDelivery]



def test_migrations_are_numbered_in_order_for_both_backends() -> None:
    versions = [m.version for m in all_migrations()]
    assert versions == sorted(set(versions))  # unique, in order; numbers may be reserved
    assert versions[-1] == LATEST_VERSION
    assert len({m.name for m in all_migrations()}) == len(all_migrations())
    for m in all_migrations():
        assert m.sqlite and m.statements("postgres")
        assert not any(word in sql for sql in m.sqlite
                       for word in ("BIGSERIAL", "TIMESTAMPTZ", "JSONB"))
        for sql in m.statements("postgres"):
            assert not any(word in sql for word in ("AUTOINCREMENT", "WITHOUT ROWID"))
            assert re.search(r"\bINTEGER\b", sql) is None  # 64-bit on both


def test_postgres_translation() -> None:
    sql = """CREATE TABLE t (
        id INTEGER PRIMARY KEY AUTOINCREMENT, at INTEGER NOT NULL, name TEXT
    ) WITHOUT ROWID"""
    assert postgres_sql(sql) == """CREATE TABLE t (
        id BIGSERIAL PRIMARY KEY, at BIGINT NOT NULL, name TEXT
    )"""
    assert [m.version for m in pending({1})] == ALL[1:]
    assert [m.version for m in pending(set(), target=1)] == [1]


@pytest.mark.backends
async def test_fresh_database(backend: str, db_path: Path, cipher: FieldCipher) -> None:
    async with opened_storage(backend, db_path, cipher, migrate=False) as store:
        assert await store.schema_version() == 0
        assert await store.migrate() == ALL
        assert await store.schema_version() == LATEST_VERSION
        assert await store.migrate() == []
        assert {"schema_version", "group_settings", "deliveries", "occurrences",
                "settings_audit"} <= await table_names(store)
        names = await raw_rows(store, "SELECT version, name FROM schema_version "
                                      "ORDER BY version")
        assert [tuple(row.values()) for row in names] == [(m.version, m.name)
                                                          for m in all_migrations()]
    if backend == "sqlite":
        with closing(sqlite3.connect(db_path)) as raw:
            assert raw.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


@pytest.mark.backends
async def test_upgrade_from_version_1_keeps_data(
    backend: str, db_path: Path, cipher: FieldCipher, now: datetime,
    make_delivery: MakeDelivery
) -> None:
    async with opened_storage(backend, db_path, cipher, migrate=False) as old:
        await upgrade_from_version_1(old, cipher, now, make_delivery)


async def upgrade_from_version_1(old: Storage, cipher: FieldCipher, now: datetime,
                                 make_delivery: MakeDelivery) -> None:
    assert await old.migrate(target=1) == [1]
    assert await old.schema_version() == 1
    assert await old.enqueue([make_delivery("d1", text="kept across upgrade")], now) == 1
    assert await old.claim_occurrence("sched-1@2026-01-05T09:00", "p1", now)
    assert "settings_audit" not in await table_names(old)
    await raw_rows(old, "INSERT INTO group_settings VALUES (?, ?, ?, ?, ?)",
                   ("g1", "digest_day", cipher.encrypt(json.dumps("friday")), "u9",
                    to_micros(now)))
    await old.close()

    store = another_handle(old, cipher)
    async with opened(store):
        assert await store.migrate() == ALL[1:]
        assert await store.schema_version() == LATEST_VERSION
        assert await store.load_all_group_settings() == {"g1": {"digest_day": "friday"}}
        [delivery] = await store.claim_deliveries(now, 10, "p1", timedelta(minutes=2))
        assert delivery.message.text == "kept across upgrade"
        assert not await store.claim_occurrence("sched-1@2026-01-05T09:00", "p2", now)
        await store.save_group_settings("g1", {"digest_day": "monday"}, "u2", now)
        audit = await raw_rows(store, "SELECT group_id, key, changed_by FROM settings_audit")
    assert [tuple(row.values()) for row in audit] == [("g1", "digest_day", "u2")]


async def test_a_newer_database_is_refused(storage: Storage) -> None:
    await raw_rows(storage, "INSERT INTO schema_version VALUES (?, 'from the future', 0)",
                   (LATEST_VERSION + 1,))
    with pytest.raises(StorageError, match="newer"):
        await storage.migrate()


async def test_an_unknown_target_is_refused(storage: Storage) -> None:
    with pytest.raises(ValueError, match="no migration"):
        await storage.migrate(target=LATEST_VERSION + 1)


async def test_operations_need_an_open_storage(db_path: Path, cipher: FieldCipher) -> None:
    store = SqliteStorage(db_path, cipher)
    with pytest.raises(StorageError, match="not open"):
        await store.schema_version()
    await store.close()  # closing what was never opened is harmless


def test_a_lower_number_that_was_missed_still_runs() -> None:
    """Features built side by side reserve numbers; one that lands later still applies."""
    everything_but_one = set(ALL) - {1}
    assert [m.version for m in pending(everything_but_one)] == [1]
    assert pending(set(ALL)) == []
