"""The SQLite connection, transactions and encodings every SQLite store builds on.

Why it is built this way:
- One aiosqlite connection runs on one thread, so operations are serialised with an
  asyncio.Lock and each is a single `BEGIN IMMEDIATE ... COMMIT`: the write lock is
  taken up front, so two processes on the same file never deadlock on lock upgrade and
  a claim can never hand the same row to two callers.
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
import json
import logging
import os
import sqlite3
from collections.abc import AsyncIterator, Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import aiosqlite

from bot.messages import (
    destination_from_dict,
    destination_to_dict,
    message_from_dict,
    message_to_dict,
)
from bot.outbox import Delivery, DeliveryStatus, Fallback, NewDelivery
from storage.crypto import FieldCipher
from storage.interface import StorageError
from storage.migrations import LATEST_VERSION, pending

log = logging.getLogger(__name__)

# UPDATE ... RETURNING arrived in SQLite 3.35.
MIN_SQLITE_VERSION = (3, 35, 0)
BUSY_TIMEOUT_MS = 5000

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_MICROSECOND = timedelta(microseconds=1)
OPEN_STATUSES = f"('{DeliveryStatus.PENDING.value}', '{DeliveryStatus.SENDING.value}')"


def to_micros(moment: datetime) -> int:
    """A timezone-aware datetime as stored: integer microseconds since the epoch, UTC."""
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError("storage needs timezone-aware datetimes (UTC), got a naive one")
    return (moment - _EPOCH) // _MICROSECOND


def from_micros(value: int) -> datetime:
    """Inverse of `to_micros`: a timezone-aware UTC datetime."""
    return _EPOCH + timedelta(microseconds=value)


def _check_can_open(path: str) -> None:
    if path != ":memory:":
        # A new file is private to its owner; SQLite gives the -wal and -shm the same mode.
        with contextlib.suppress(OSError):
            os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
    sqlite3.connect(path).close()


def _json(data: Any) -> str:
    return json.dumps(data, separators=(",", ":"), ensure_ascii=False)


INSERT_DELIVERY = """
    INSERT INTO deliveries (idem_key, group_id, destination_json, body, fallbacks, status,
                            attempts, next_attempt_at, created_at, updated_at)
    VALUES (?, ?, ?, ?, ?, 'pending', 0, ?, ?, ?)
    ON CONFLICT (idem_key) DO NOTHING
"""


class SqliteBase:
    """The connection, migrations, transactions and encodings shared by SQLite stores."""

    def __init__(self, path: str | Path, cipher: FieldCipher) -> None:
        self._path = str(path)
        self._cipher = cipher
        self._db: aiosqlite.Connection | None = None
        self._lock = asyncio.Lock()
        # Set while a transaction may be open; a cancelled operation leaves it set and
        # the next operation rolls back whatever it left behind.
        self._unfinished = False
        self._no_fallbacks: str | None = None

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
                await db.execute("PRAGMA optimize")
            except sqlite3.Error:
                log.warning("storage.close_cleanup_failed", exc_info=True)
            finally:
                self._unfinished = False
                await db.close()

    async def migrate(self, target: int | None = None) -> list[int]:
        """Apply pending migrations (up to `target`, default all), each in its own
        transaction; return the versions applied. Safe with several processes: each step
        re-checks the version under the write lock."""
        if target is not None and not 0 <= target <= LATEST_VERSION:
            raise ValueError(f"no migration {target}; the latest is {LATEST_VERSION}")
        async with self._transaction(write=False) as db:
            done = await self._applied(db)
        newest = max(done, default=0)
        if newest > LATEST_VERSION:
            raise StorageError(
                f"the database has schema version {newest}, newer than this coprod-bot "
                f"knows ({LATEST_VERSION}); upgrade coprod-bot")
        applied: list[int] = []
        for migration in pending(done, target):
            async with self._transaction() as db:
                if migration.version in await self._applied(db):
                    continue
                for statement in migration.sqlite:
                    await db.execute(statement)
                await db.execute(
                    "INSERT INTO schema_version (version, name, applied_at) VALUES (?, ?, ?)",
                    (migration.version, migration.name, to_micros(datetime.now(UTC))))
            applied.append(migration.version)
            log.info("storage.migrated version=%d name=%s", migration.version, migration.name)
        return applied

    async def schema_version(self) -> int:
        """The highest applied migration (0 for an empty database)."""
        async with self._transaction(write=False) as db:
            return max(await self._applied(db), default=0)

    @staticmethod
    async def _applied(db: aiosqlite.Connection) -> set[int]:
        found = list(await db.execute_fetchall(
            "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'schema_version'"))
        if not found:
            return set()
        rows = await db.execute_fetchall("SELECT version FROM schema_version")
        return {int(row[0]) for row in rows}

    @contextlib.asynccontextmanager
    async def _transaction(self, *, write: bool = True) -> AsyncIterator[aiosqlite.Connection]:
        """One operation: the lock, then BEGIN IMMEDIATE ... COMMIT (or a plain read)."""
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
                    await db.execute("BEGIN IMMEDIATE")
                try:
                    yield db
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

    # ---- encoding --------------------------------------------------------------------

    def _encrypt_json(self, data: Any) -> str:
        return self._cipher.encrypt(_json(data))

    def _decrypt_json(self, token: str) -> Any:
        return json.loads(self._cipher.decrypt(token))

    def _fallbacks_token(self, fallbacks: Sequence[Fallback]) -> str:
        if not fallbacks:
            # Most deliveries have none; one token for all of them saves an encryption
            # each (its length already shows it holds nothing).
            if self._no_fallbacks is None:
                self._no_fallbacks = self._encrypt_json([])
            return self._no_fallbacks
        return self._encrypt_json([
            {"destination": destination_to_dict(f.destination),
             "message": None if f.message is None else message_to_dict(f.message)}
            for f in fallbacks
        ])

    def _fallbacks_from(self, token: str) -> tuple[Fallback, ...]:
        return tuple(
            Fallback(destination_from_dict(item["destination"]),
                     None if item["message"] is None else message_from_dict(item["message"]))
            for item in self._decrypt_json(token)
        )

    def _delivery_rows(
        self, deliveries: Sequence[NewDelivery], now: datetime
    ) -> list[tuple[Any, ...]]:
        at = to_micros(now)
        return [
            (d.key, d.destination.group_id, _json(destination_to_dict(d.destination)),
             self._encrypt_json(message_to_dict(d.message)), self._fallbacks_token(d.fallbacks),
             at if d.not_before is None else to_micros(d.not_before), at, at)
            for d in deliveries
        ]

    def _delivery_from(self, row: sqlite3.Row) -> Delivery:
        delivery_id, key, destination, body, fallbacks, attempts, created_at = row[:7]
        if body is None or fallbacks is None:
            raise StorageError(f"delivery {delivery_id} has no stored message")
        return Delivery(
            id=delivery_id,
            key=key,
            destination=destination_from_dict(json.loads(destination)),
            message=message_from_dict(self._decrypt_json(body)),
            fallbacks=self._fallbacks_from(fallbacks),
            attempts=attempts,
            status=DeliveryStatus.SENDING,
            created_at=from_micros(created_at),
        )

    async def _insert_deliveries(self, db: aiosqlite.Connection,
                                 deliveries: Sequence[NewDelivery], now: datetime) -> int:
        """Insert deliveries inside the caller's transaction; return how many were new."""
        rows = self._delivery_rows(deliveries, now)
        if not rows:
            return 0
        cursor = await db.executemany(INSERT_DELIVERY, rows)
        return max(cursor.rowcount, 0)

