"""PostgreSQL transactions as the stores see them: BEGIN and the write lock sent with
the first statement, and no success reported for what the server rolled back."""

from __future__ import annotations

import contextlib
from typing import Any

import pytest

from storage.interface import Storage
from storage.interface import StorageError


def _postgres(backend: str, storage: Storage) -> Any:
    if backend != "postgres":
        pytest.skip("PostgreSQL's transactions")
    return storage


async def test_a_transaction_the_server_rolled_back_is_not_reported_committed(
        backend: str, storage: Storage) -> None:
    pg = _postgres(backend, storage)
    with pytest.raises(StorageError, match="did not commit"):
        async with pg._transaction() as db:
            with contextlib.suppress(Exception):
                await db.execute("SELECT 1 / 0")  # the transaction is now aborted


async def test_a_write_holds_the_shared_write_lock_and_its_turns_until_it_commits(
        backend: str, storage: Storage) -> None:
    pg = _postgres(backend, storage)
    from storage.postgres import WRITE_LOCK
    from storage.postgres import turn_key

    async with pg._transaction() as db:
        await pg._turn(db, "feedback:g1")
        rows = list(await db.execute_fetchall(
            "SELECT mode, objid::bigint FROM pg_locks WHERE locktype = 'advisory' "
            "AND pid = pg_backend_pid()"))
    modes = {(str(mode), int(objid)) for mode, objid in rows}
    assert ("ShareLock", WRITE_LOCK & 0xFFFFFFFF) in modes
    assert ("ExclusiveLock", turn_key("feedback:g1") & 0xFFFFFFFF) in modes
    async with pg._transaction(write=False) as db:  # nothing left held after the commit
        rows = list(await db.execute_fetchall(
            "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' "
            "AND pid = pg_backend_pid()"))
    assert rows[0][0] == 0
