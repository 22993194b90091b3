"""open_storage: which backend a database setting names."""

from __future__ import annotations

import stat
import sys
from pathlib import Path

import pytest

from storage.crypto import FieldCipher
from storage.factory import check_database_setting
from storage.factory import open_storage
from storage.factory import sqlite_path
from storage.interface import StorageError
from storage.sqlite import SqliteStorage


@pytest.mark.parametrize("as_url", [False, True])
async def test_a_sqlite_path_is_opened_not_migrated(
    tmp_path: Path, cipher: FieldCipher, as_url: bool
) -> None:
    path = tmp_path / "nested" / "deeper" / "coprod.db"
    store = await open_storage(f"sqlite:///{path}" if as_url else str(path), cipher)
    try:
        assert isinstance(store, SqliteStorage)
        assert Path(store.path) == path
        assert await store.schema_version() == 0
    finally:
        await store.close()
    assert path.exists()
    if sys.platform != "win32":
        assert stat.S_IMODE(path.stat().st_mode) == 0o600


def test_sqlite_settings() -> None:
    assert sqlite_path("sqlite:///data/coprod.db") == "data/coprod.db"
    assert sqlite_path("sqlite:////srv/coprod.db") == "/srv/coprod.db"
    assert sqlite_path("  coprod.db ") == "coprod.db"
    assert sqlite_path("sqlite://") == ":memory:"
    assert sqlite_path("sqlite:///:memory:") == ":memory:"
    assert not sqlite_path("~/coprod.db").startswith("~")


@pytest.mark.parametrize("url", ["postgresql://bot:hunter2@db/coprod",
                                 "postgres://bot:hunter2@db/coprod"])
async def test_an_unreachable_postgres_is_a_clear_error(cipher: FieldCipher, url: str) -> None:
    with pytest.raises(StorageError, match="cannot connect to PostgreSQL") as caught:
        await open_storage(url.replace("@db/", "@127.0.0.1:1/"), cipher)
    assert "hunter2" not in str(caught.value)
    assert check_database_setting(url) is None


@pytest.mark.parametrize("bad", ["", "mysql://bot:hunter2@db/x", "sqlite:///"])
async def test_unsupported_settings(cipher: FieldCipher, bad: str) -> None:
    with pytest.raises(StorageError) as caught:
        await open_storage(bad, cipher)
    assert "hunter2" not in str(caught.value)


async def test_an_in_memory_database(cipher: FieldCipher) -> None:
    store = await open_storage("sqlite://", cipher)
    try:
        assert await store.migrate()
    finally:
        await store.close()


async def test_a_folder_that_cannot_be_made(tmp_path: Path, cipher: FieldCipher) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("")
    with pytest.raises(StorageError, match="cannot create the folder"):
        await open_storage(str(blocker / "coprod.db"), cipher)


async def test_a_file_that_cannot_be_opened(tmp_path: Path, cipher: FieldCipher) -> None:
    store = SqliteStorage(tmp_path / "missing-folder" / "coprod.db", cipher)
    with pytest.raises(StorageError, match="cannot open"):
        await store.open()
