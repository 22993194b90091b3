"""The SQLite connection, transactions and encodings every SQLite store builds on.

Why it is built this way:
- One aiosqlite connection runs on one thread, so operations are serialised with an
  asyncio.Lock and each is a single `BEGIN IMMEDIATE ... COMMIT`: the write lock is
  taken up front, so two processes on the same file never deadlock on lock upgrade and
  a claim can never hand the same row to two callers.
- `secure_delete=ON`: what is deleted (an erased member, a purged case) or replaced (a
  value re-encrypted under a new key) is overwritten with zeros, not left in free pages.
- `synchronous=FULL`: a feature acknowledges a person only once its rows are stored, so
  a commit must survive an OS crash or power cut, not just a crash of this process
  (WAL with NORMAL could lose the last commits then). The price is one fsync of the
  WAL per commit, which one process serving many groups easily affords.
- Timestamps are INTEGER microseconds since the Unix epoch, UTC: exact, compact, and
  compared correctly by SQL as plain integers.
- What people wrote (message bodies, fallbacks, setting values) is stored encrypted
  with the `FieldCipher`; destinations hold ids only and stay readable for queries.
  A new database file is created readable by its owner only.

Each feature's SQLite store is a mixin on `SqliteBase` (see `storage/sqlite.py`), so a
feature's whole operation (its rows and the deliveries they cause) is one transaction.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import sqlite3
from collections.abc import AsyncIterator
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import aiosqlite

from storage.crypto import FieldCipher
from storage.interface import StorageError
from storage.sql import INSERT_DELIVERY
from storage.sql import OPEN_STATUSES
from storage.sql import Params
from storage.sql import SqlBase
from storage.sql import SqlConnection
from storage.sql import SqlCursor
from storage.sql import _json
from storage.sql import from_micros
from storage.sql import to_micros

log = logging.getLogger(__name__)

# UPDATE ... RETURNING arrived in SQLite 3.35.
MIN_SQLITE_VERSION = (3, 35, 0)
BUSY_TIMEOUT_MS = 5000

__all__ = ["INSERT_DELIVERY", "OPEN_STATUSES", "SqliteBase", "SqliteConnection", "_json",
           "from_micros", "to_micros"]


def _check_can_open(path: str) -> None:
    if path != ":memory:":
        # A new file is private to its owner; SQLite gives the -wal and -shm the same mode.
        with contextlib.suppress(OSError):
            os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
    sqlite3.connect(path).close()


class SqliteConnection:
    """An open aiosqlite transaction as the `SqlConnection` the stores use."""

    __slots__ = ("_db",)

    def __init__(self, db: aiosqlite.Connection) -> None:
        self._db = db

    async def execute(self, sql: str, parameters: Params = ()) -> SqlCursor:
        """Run one statement; its cursor gives the rows and the rows changed."""
        return await self._db.execute(sql, parameters)

    async def execute_fetchall(self, sql: str, parameters: Params = ()) -> Iterable[Any]:
        """Run one statement and return all its rows."""
        return await self._db.execute_fetchall(sql, parameters)

    async def executemany(self, sql: str, parameters: Iterable[Params]) -> SqlCursor:
        """Run one statement once per parameter set; rowcount is the total changed."""
        return await self._db.executemany(sql, parameters)


class SqliteBase(SqlBase):
    """The SQLite connection, migrations and transactions under the shared SQL stores."""

    def __init__(self, path: str | Path, cipher: FieldCipher) -> None:
        self._path = str(path)
        self._cipher = cipher
        self._db: aiosqlite.Connection | None = None
        self._lock = asyncio.Lock()
        # Set while a transaction may be open; a cancelled operation leaves it set and
        # the next operation rolls back whatever it left behind.
        self._unfinished = False
        # Whether anything was written: a database only read (a refused start-up, a
        # check) is closed without `PRAGMA optimize`, which may write statistics.
        self._wrote = False

    @property
    def path(self) -> str:
        """The database file this storage uses."""
        return self._path

    # ---- life cycle ------------------------------------------------------------------

    async def open(self) -> None:
        """Connect and set the connection up (WAL, FULL sync, busy timeout, foreign keys)."""
        if self._db is not None:
            return
        if sqlite3.sqlite_version_info < MIN_SQLITE_VERSION:
            raise StorageError(
                f"SQLite {sqlite3.sqlite_version} is too old; coprod-bot needs "
                f"{'.'.join(map(str, MIN_SQLITE_VERSION))} or newer (use a newer Python).")
        try:
            # Opened once without aiosqlite first: a failed aiosqlite.connect leaves its
            # worker thread to finish on its own, which breaks if the loop ends first.
            await asyncio.to_thread(_check_can_open, self._path)
            db = await aiosqlite.connect(self._path, isolation_level=None)
        except sqlite3.Error as exc:
            raise StorageError(f"cannot open the SQLite database: {exc}") from exc
        try:
            await db.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
            rows = list(await db.execute_fetchall("PRAGMA journal_mode = WAL"))
            mode = str(rows[0][0]).lower() if rows else ""
            if mode != "wal" and not (self._path == ":memory:" and mode == "memory"):
                raise StorageError(
                    "the SQLite database could not switch to WAL mode (is it on a network "
                    "drive?); put it on a local disk")
            await db.execute("PRAGMA synchronous = FULL")
            await db.execute("PRAGMA foreign_keys = ON")
            # Deleted and overwritten rows are zeroed in the file, not left in free space
            # (erasure, retention and key rotation rely on it).
            await db.execute("PRAGMA secure_delete = ON")
        except BaseException as exc:
            await db.close()
            if isinstance(exc, sqlite3.Error):
                raise StorageError(f"cannot set up the SQLite database: {exc}") from exc
            raise
        self._db = db
        self._unfinished = False

    async def close(self) -> None:
        """Wait for the running operation, then close (SQLite checkpoints the WAL)."""
        if self._db is None:
            return
        async with self._lock:
            db, self._db = self._db, None
            if db is None:
                return
            try:
                if self._unfinished:
                    await db.rollback()
                if self._wrote:
                    await db.execute("PRAGMA optimize")
            except sqlite3.Error:
                log.warning("storage.close_cleanup_failed", exc_info=True)
            finally:
                self._unfinished = False
                await db.close()

    async def _forget_old_versions(self, *tables: str, rewrite: bool = False) -> None:
        """Copy the WAL into the file and empty it, so earlier page versions (which could
        be compared to see how a count moved, or hold deleted words) do not linger; with
        secure_delete the file itself keeps no freed bytes, so `rewrite` adds nothing.
        While another connection (a second process) still reads an older snapshot the
        WAL cannot be emptied: that is logged, and the next call tries again."""
        async with self._transaction(write=False) as db:
            rows = list(await db.execute_fetchall("PRAGMA wal_checkpoint(TRUNCATE)"))
        if rows and int(rows[0][0]) != 0:
            log.warning("storage.wal_not_emptied tables=%s", ",".join(tables))

    async def _applied(self, db: SqlConnection) -> set[int]:
        found = list(await db.execute_fetchall(
            "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'schema_version'"))
        if not found:
            return set()
        rows = await db.execute_fetchall("SELECT version FROM schema_version")
        return {int(row[0]) for row in rows}

    async def _columns(self, db: SqlConnection) -> set[tuple[str, str]]:
        rows = await db.execute_fetchall(
            "SELECT m.name, p.name FROM sqlite_master AS m, pragma_table_info(m.name) AS p "
            "WHERE m.type = 'table'")
        return {(str(row[0]), str(row[1])) for row in rows}

    @contextlib.asynccontextmanager
    async def _transaction(
        self, *, write: bool = True, alone: bool = False
    ) -> AsyncIterator[SqlConnection]:
        """One operation: the lock, then BEGIN IMMEDIATE ... COMMIT (or a plain read).
        Every write runs alone on SQLite, so `alone` changes nothing."""
        async with self._lock:
            db = self._db
            if db is None:
                raise StorageError("storage is not open")
            try:
                if self._unfinished:
                    await db.rollback()
                    self._unfinished = False
                if write:
                    self._unfinished = True
                    self._wrote = True
                    await db.execute("BEGIN IMMEDIATE")
                try:
                    yield SqliteConnection(db)
                except Exception:
                    if write:
                        await db.rollback()
                        self._unfinished = False
                    raise
                if write:
                    await db.execute("COMMIT")
                    self._unfinished = False
            except sqlite3.Error as exc:
                raise StorageError(f"SQLite: {exc}") from exc
