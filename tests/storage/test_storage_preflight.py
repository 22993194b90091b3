"""`Storage.preflight` on both databases: the check start-up makes before it migrates.

It refuses a database a newer coprod-bot migrated, and one whose stored words this key
cannot open (all of them: made with another key; some: an old key dropped too soon),
reading only, so a refused database is left exactly as it was.
"""

from __future__ import annotations

import hashlib
from collections.abc import AsyncIterator
from datetime import datetime
from pathlib import Path

import pytest

from storage.crypto import FieldCipher
from storage.crypto import generate_key
from storage.interface import NewerDatabaseError
from storage.interface import OtherKeyError
from storage.interface import Storage
from storage.members import encrypted_columns
from storage.migrations import LATEST_VERSION
from storage.sql import SqlBase
from storage.sqlite import SqliteStorage
from tests.backends import another_handle
from tests.backends import opened
from tests.backends import opened_storage
from tests.backends import raw_rows


async def _settings(store: Storage, now: datetime, **values: str) -> None:
    await store.save_group_settings("g1", values, "u1", now)


async def _preflight_with(store: Storage, keys: str) -> None:
    other = another_handle(store, FieldCipher(keys))
    async with opened(other):
        await other.preflight()


@pytest.fixture
async def keyed(backend: str, tmp_path: Path, key: str) -> AsyncIterator[Storage]:
    """A migrated database made with `key`."""
    async with opened_storage(backend, tmp_path / "coprod.db", FieldCipher(key)) as store:
        yield store


async def test_a_new_or_empty_database_passes(backend: str, tmp_path: Path,
                                              key: str) -> None:
    async with opened_storage(backend, tmp_path / "new.db", FieldCipher(key),
                              migrate=False) as store:
        await store.preflight()  # no tables at all
        await store.migrate()
        await store.preflight()  # tables, nothing encrypted yet
        await _preflight_with(store, generate_key())  # nothing to lose: any key will do


async def test_another_key_is_refused_and_the_right_ones_pass(
        keyed: Storage, key: str, now: datetime) -> None:
    await _settings(keyed, now, timezone="Europe/Paris")
    await keyed.preflight()
    with pytest.raises(OtherKeyError) as refused:
        await _preflight_with(keyed, generate_key())
    assert refused.value.readable == 0 and refused.value.unreadable >= 2  # setting, audit
    # A new key first and the old one after it (a key change in progress) is fine.
    await _preflight_with(keyed, f"{generate_key()},{key}")


async def test_an_old_key_dropped_too_soon_is_refused(
        keyed: Storage, key: str, now: datetime) -> None:
    await _settings(keyed, now, timezone="Europe/Paris")
    new = generate_key()
    rekeyed = another_handle(keyed, FieldCipher(f"{new},{key}"))
    async with opened(rekeyed):
        # The setting itself is rewritten under the new key; its first audit row stays
        # under the old one.
        await _settings(rekeyed, now, timezone="UTC")
    with pytest.raises(OtherKeyError) as refused:
        await _preflight_with(keyed, new)
    assert refused.value.readable >= 1 and refused.value.unreadable >= 1


async def test_a_newer_database_is_refused_before_anything(keyed: Storage) -> None:
    await raw_rows(keyed, "INSERT INTO schema_version VALUES (?, 'from the future', 0)",
                   (LATEST_VERSION + 7,))
    with pytest.raises(NewerDatabaseError) as refused:
        await keyed.preflight()
    assert refused.value.unknown == (LATEST_VERSION + 7,)
    assert refused.value.known == LATEST_VERSION
    with pytest.raises(NewerDatabaseError):
        await keyed.migrate()


async def test_every_encrypted_column_is_one_the_schema_has(keyed: Storage) -> None:
    """A misspelt entry in encrypted_columns() would be skipped by the check (and by key
    rotation) without a word."""
    assert isinstance(keyed, SqlBase)
    async with keyed._transaction(write=False) as db:
        columns = await keyed._columns(db)
    assert ("group_settings", "value_json") in columns
    missing = [c.name for c in encrypted_columns() if (c.table, c.column) not in columns]
    assert missing == []


@pytest.mark.sqlite_only
async def test_a_refused_sqlite_file_is_left_byte_for_byte(tmp_path: Path, now: datetime,
                                                           key: str) -> None:
    path = tmp_path / "coprod.db"
    store = SqliteStorage(path, FieldCipher(key))
    await store.open()
    await store.migrate()
    await _settings(store, now, timezone="Europe/Paris")
    await store.close()
    before = _files(tmp_path)
    assert set(before) == {"coprod.db"}
    other = SqliteStorage(path, FieldCipher(generate_key()))
    async with opened(other):
        with pytest.raises(OtherKeyError):
            await other.preflight()
    assert _files(tmp_path) == before


def _files(folder: Path) -> dict[str, tuple[str, int]]:
    return {p.name: (hashlib.sha256(p.read_bytes()).hexdigest(), p.stat().st_mtime_ns)
            for p in folder.iterdir()}
