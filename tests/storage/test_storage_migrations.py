"""Migrations on a real file: fresh install, upgrade from version 1, guard rails."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable
from contextlib import closing
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from bot.outbox import NewDelivery
from storage.crypto import FieldCipher
from storage.interface import StorageError
from storage.migrations import LATEST_VERSION, MIGRATIONS, pending
from storage.sqlite import SqliteStorage, to_micros

ALL = [m.version for m in MIGRATIONS]

MakeDelivery = Callable[..., NewDelivery]


def tables(path: Path) -> set[str]:
    with closing(sqlite3.connect(path)) as raw:
        rows = raw.execute("SELECT name FROM sqlite_master WHERE type = 'table'").fetchall()
    return {row[0] for row in rows}


def test_migrations_are_numbered_in_order_for_both_backends() -> None:
    versions = [m.version for m in MIGRATIONS]
    assert versions == sorted(set(versions))  # unique, in order; numbers may be reserved
    assert versions[-1] == LATEST_VERSION
    assert len({m.name for m in MIGRATIONS}) == len(MIGRATIONS)
    for m in MIGRATIONS:
        assert m.sqlite and m.postgres
        assert not any(word in sql for sql in m.sqlite
                       for word in ("BIGSERIAL", "TIMESTAMPTZ", "JSONB"))
        assert not any("AUTOINCREMENT" in sql for sql in m.postgres)
    assert [m.version for m in pending({1})] == ALL[1:]
    assert [m.version for m in pending(set(), target=1)] == [1]


async def test_fresh_file(db_path: Path, cipher: FieldCipher) -> None:
    db_path.parent.mkdir(parents=True)
    store = SqliteStorage(db_path, cipher)
    await store.open()
    try:
        assert await store.schema_version() == 0
        assert await store.migrate() == ALL
        assert await store.schema_version() == LATEST_VERSION
        assert await store.migrate() == []
    finally:
        await store.close()
    assert {"schema_version", "group_settings", "deliveries", "occurrences",
            "settings_audit"} <= tables(db_path)
    with closing(sqlite3.connect(db_path)) as raw:
        assert raw.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        names = raw.execute("SELECT version, name FROM schema_version ORDER BY version")
        assert [tuple(row) for row in names] == [(m.version, m.name) for m in MIGRATIONS]


async def test_upgrade_from_version_1_keeps_data(
    db_path: Path, cipher: FieldCipher, now: datetime, make_delivery: MakeDelivery
) -> None:
    db_path.parent.mkdir(parents=True)
    old = SqliteStorage(db_path, cipher)
    await old.open()
    try:
        assert await old.migrate(target=1) == [1]
        assert await old.schema_version() == 1
        assert await old.enqueue([make_delivery("d1", text="kept across upgrade")], now) == 1
        assert await old.claim_occurrence("sched-1@2026-01-05T09:00", "p1", now)
    finally:
        await old.close()
    assert "settings_audit" not in tables(db_path)
    with closing(sqlite3.connect(db_path)) as raw, raw:
        raw.execute(
            "INSERT INTO group_settings VALUES (?, ?, ?, ?, ?)",
            ("g1", "digest_day", cipher.encrypt(json.dumps("friday")), "u9", to_micros(now)))

    store = SqliteStorage(db_path, cipher)
    await store.open()
    try:
        assert await store.migrate() == ALL[1:]
        assert await store.schema_version() == LATEST_VERSION
        assert await store.load_all_group_settings() == {"g1": {"digest_day": "friday"}}
        [delivery] = await store.claim_deliveries(now, 10, "p1", timedelta(minutes=2))
        assert delivery.message.text == "kept across upgrade"
        assert not await store.claim_occurrence("sched-1@2026-01-05T09:00", "p2", now)
        await store.save_group_settings("g1", {"digest_day": "monday"}, "u2", now)
    finally:
        await store.close()
    with closing(sqlite3.connect(db_path)) as raw:
        audit = raw.execute("SELECT group_id, key, changed_by FROM settings_audit").fetchall()
    assert audit == [("g1", "digest_day", "u2")]


async def test_a_newer_database_is_refused(storage: SqliteStorage, db_path: Path) -> None:
    with closing(sqlite3.connect(db_path)) as raw, raw:
        raw.execute("INSERT INTO schema_version VALUES (?, 'from the future', 0)",
                    (LATEST_VERSION + 1,))
    with pytest.raises(StorageError, match="newer"):
        await storage.migrate()


async def test_an_unknown_target_is_refused(storage: SqliteStorage) -> None:
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
