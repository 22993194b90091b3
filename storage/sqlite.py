"""The SQLite backend: one file, WAL, one connection, every operation one transaction.

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
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import os
import sqlite3
from collections.abc import AsyncIterator, Mapping, Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import aiosqlite

from bot.messages import (
    Destination,
    Message,
    destination_from_dict,
    destination_to_dict,
    message_from_dict,
    message_to_dict,
)
from bot.outbox import Delivery, DeliveryStatus, Fallback, NewDelivery
from storage.crypto import FieldCipher
from storage.interface import Storage, StorageError
from storage.migrations import LATEST_VERSION, pending

log = logging.getLogger(__name__)

# UPDATE ... RETURNING arrived in SQLite 3.35.
MIN_SQLITE_VERSION = (3, 35, 0)
BUSY_TIMEOUT_MS = 5000

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_MICROSECOND = timedelta(microseconds=1)
_OPEN = f"('{DeliveryStatus.PENDING.value}', '{DeliveryStatus.SENDING.value}')"


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


_INSERT_DELIVERY = """
    INSERT INTO deliveries (idem_key, group_id, destination_json, body, fallbacks, status,
                            attempts, next_attempt_at, created_at, updated_at)
    VALUES (?, ?, ?, ?, ?, 'pending', 0, ?, ?, ?)
    ON CONFLICT (idem_key) DO NOTHING
"""

_CLAIM = """
    UPDATE deliveries
       SET status = 'sending', lease_owner = :owner, lease_until = :until, updated_at = :now
     WHERE id IN (
           SELECT id FROM deliveries
            WHERE (status = 'pending' AND next_attempt_at <= :now)
               OR (status = 'sending' AND lease_until <= :now)
            ORDER BY next_attempt_at, id
            LIMIT :limit)
    RETURNING id, idem_key, destination_json, body, fallbacks, attempts, created_at,
              next_attempt_at
"""

_NEXT_DUE = """
    SELECT MIN(due) FROM (
        SELECT MIN(next_attempt_at) AS due FROM deliveries WHERE status = 'pending'
        UNION ALL
        SELECT MIN(lease_until) FROM deliveries WHERE status = 'sending')
"""

_MARK_DELIVERED = """
    UPDATE deliveries
       SET status = 'delivered', platform_ref = ?, delivered_at = ?, updated_at = ?,
           body = NULL, fallbacks = NULL, lease_owner = NULL, lease_until = NULL
     WHERE id = ?
"""

_MARK_RETRY = f"""
    UPDATE deliveries
       SET status = 'pending', next_attempt_at = ?, last_error = ?, attempts = attempts + ?,
           lease_owner = NULL, lease_until = NULL
     WHERE id = ? AND status IN {_OPEN}
"""

_REROUTE = f"""
    UPDATE deliveries
       SET status = 'pending', group_id = ?, destination_json = ?, body = ?, fallbacks = ?,
           next_attempt_at = ?, attempts = 0, last_error = ?, updated_at = ?,
           lease_owner = NULL, lease_until = NULL
     WHERE id = ? AND status IN {_OPEN}
"""

_MARK_UNDELIVERABLE = f"""
    UPDATE deliveries
       SET status = 'undeliverable', last_error = ?, updated_at = ?,
           lease_owner = NULL, lease_until = NULL
     WHERE id = ? AND status IN {_OPEN}
"""

_UPSERT_SETTING = """
    INSERT INTO group_settings (group_id, key, value_json, changed_by, changed_at)
    VALUES (?, ?, ?, ?, ?)
    ON CONFLICT (group_id, key) DO UPDATE
       SET value_json = excluded.value_json, changed_by = excluded.changed_by,
           changed_at = excluded.changed_at
"""

_AUDIT_SETTING = """
    INSERT INTO settings_audit (group_id, key, value_json, changed_by, changed_at)
    VALUES (?, ?, ?, ?, ?)
"""


class SqliteStorage(Storage):
    """`Storage` on a single SQLite file through aiosqlite (the default backend)."""

    def __init__(self, path: str | Path, cipher: FieldCipher) -> None:
        self._path = str(path)
        self._cipher = cipher
        self._db: aiosqlite.Connection | None = None
        self._lock = asyncio.Lock()
        # Set while a transaction may be open; a cancelled operation leaves it set and
        # the next operation rolls back whatever it left behind.
        self._unfinished = False

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
        current = await self.schema_version()
        if current > LATEST_VERSION:
            raise StorageError(
                f"the database has schema version {current}, newer than this coprod-bot "
                f"knows ({LATEST_VERSION}); upgrade coprod-bot")
        applied: list[int] = []
        for migration in pending(current, target):
            async with self._transaction() as db:
                if await self._version(db) >= migration.version:
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
            return await self._version(db)

    @staticmethod
    async def _version(db: aiosqlite.Connection) -> int:
        found = list(await db.execute_fetchall(
            "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'schema_version'"))
        if not found:
            return 0
        rows = list(await db.execute_fetchall(
            "SELECT COALESCE(MAX(version), 0) FROM schema_version"))
        return int(rows[0][0])

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

    # ---- group settings --------------------------------------------------------------

    async def load_all_group_settings(self) -> dict[str, dict[str, Any]]:
        """Every group's chat-made settings (group id -> key -> JSON value)."""
        async with self._transaction(write=False) as db:
            rows = list(await db.execute_fetchall(
                "SELECT group_id, key, value_json FROM group_settings ORDER BY group_id, key"))
        settings: dict[str, dict[str, Any]] = {}
        for group_id, key, token in rows:
            settings.setdefault(group_id, {})[key] = self._decrypt_json(token)
        return settings

    async def save_group_settings(
        self,
        group_id: str,
        changes: Mapping[str, Any],
        changed_by: str,
        now: datetime,
        deliveries: Sequence[NewDelivery] = (),
    ) -> None:
        """Upsert or (for None) remove settings, audit each change, and enqueue the
        deliveries the change causes, all in one transaction."""
        at = to_micros(now)
        tokens = {key: None if value is None else self._encrypt_json(value)
                  for key, value in changes.items()}
        upserts = [(group_id, key, token, changed_by, at)
                   for key, token in tokens.items() if token is not None]
        removals = [(group_id, key) for key, token in tokens.items() if token is None]
        audit = [(group_id, key, token, changed_by, at) for key, token in tokens.items()]
        rows = self._delivery_rows(deliveries, now)
        if not audit and not rows:
            return
        async with self._transaction() as db:
            if upserts:
                await db.executemany(_UPSERT_SETTING, upserts)
            if removals:
                await db.executemany(
                    "DELETE FROM group_settings WHERE group_id = ? AND key = ?", removals)
            if audit:
                await db.executemany(_AUDIT_SETTING, audit)
            if rows:
                await db.executemany(_INSERT_DELIVERY, rows)

    # ---- delivery outbox -------------------------------------------------------------

    async def enqueue(self, deliveries: Sequence[NewDelivery], now: datetime) -> int:
        """Store deliveries, ignoring keys already stored; return how many were new."""
        rows = self._delivery_rows(deliveries, now)
        if not rows:
            return 0
        async with self._transaction() as db:
            cursor = await db.executemany(_INSERT_DELIVERY, rows)
            return max(cursor.rowcount, 0)

    async def claim_deliveries(
        self, now: datetime, limit: int, owner: str, lease: timedelta
    ) -> list[Delivery]:
        """Claim up to `limit` due deliveries (pending and due, or with an expired lease)
        for `owner` until `now + lease`, oldest due first."""
        if limit <= 0:
            return []
        params = {"owner": owner, "until": to_micros(now + lease), "now": to_micros(now),
                  "limit": limit}
        async with self._transaction() as db:
            rows = list(await db.execute_fetchall(_CLAIM, params))
            rows.sort(key=lambda row: (row[7], row[0]))  # RETURNING order is unspecified
            # Decoded inside the transaction: rows that cannot be read stay unclaimed.
            return [self._delivery_from(row) for row in rows]

    async def next_delivery_due(self) -> datetime | None:
        """The earliest pending `next_attempt_at` or sending `lease_until`, if any."""
        async with self._transaction(write=False) as db:
            rows = list(await db.execute_fetchall(_NEXT_DUE))
        value = rows[0][0] if rows else None
        return None if value is None else from_micros(value)

    async def mark_delivered(self, delivery_id: int, platform_ref: str, now: datetime) -> None:
        """Delivered: keep the platform reference, drop the message body and fallbacks."""
        at = to_micros(now)
        await self._update_one("delivered", _MARK_DELIVERED, (platform_ref, at, at, delivery_id),
                               delivery_id)

    async def mark_retry(
        self, delivery_id: int, next_attempt_at: datetime, error: str, count_attempt: bool
    ) -> None:
        """Back to pending until `next_attempt_at`; no effect once delivered or given up."""
        await self._update_one(
            "retry", _MARK_RETRY,
            (to_micros(next_attempt_at), error, 1 if count_attempt else 0, delivery_id),
            delivery_id)

    async def reroute(
        self,
        delivery_id: int,
        destination: Destination,
        message: Message,
        remaining: Sequence[Fallback],
        error: str,
        now: datetime,
    ) -> None:
        """Send to a new destination now, with a fresh attempt count."""
        at = to_micros(now)
        params = (destination.group_id, _json(destination_to_dict(destination)),
                  self._encrypt_json(message_to_dict(message)), self._fallbacks_token(remaining),
                  at, error, at, delivery_id)
        await self._update_one("reroute", _REROUTE, params, delivery_id)

    async def mark_undeliverable(self, delivery_id: int, error: str, now: datetime) -> None:
        """Refused everywhere: kept (body still encrypted) for people to look into."""
        await self._update_one("undeliverable", _MARK_UNDELIVERABLE,
                               (error, to_micros(now), delivery_id), delivery_id)

    async def _update_one(
        self, change: str, sql: str, params: tuple[Any, ...], delivery_id: int
    ) -> None:
        async with self._transaction() as db:
            cursor = await db.execute(sql, params)
            changed = cursor.rowcount
        if changed != 1:
            log.warning("storage.delivery_update_ignored id=%d change=%s "
                        "(unknown, or already delivered or undeliverable)", delivery_id, change)

    async def delivery_status(self, key: str) -> DeliveryStatus | None:
        """The status of the delivery with this idempotency key, if it exists."""
        async with self._transaction(write=False) as db:
            rows = list(await db.execute_fetchall(
                "SELECT status FROM deliveries WHERE idem_key = ?", (key,)))
        return DeliveryStatus(rows[0][0]) if rows else None

    async def delivery_counts(self) -> dict[DeliveryStatus, int]:
        """How many deliveries are in each status (every status present, zero if none)."""
        async with self._transaction(write=False) as db:
            rows = list(await db.execute_fetchall(
                "SELECT status, COUNT(*) FROM deliveries GROUP BY status"))
        counts = dict.fromkeys(DeliveryStatus, 0)
        for status, count in rows:
            counts[DeliveryStatus(status)] = count
        return counts

    async def delivery_ref(self, key: str) -> str | None:
        """The platform reference of a delivered message, if it was delivered."""
        async with self._transaction(write=False) as db:
            rows = list(await db.execute_fetchall(
                "SELECT platform_ref FROM deliveries WHERE idem_key = ?", (key,)))
        return rows[0][0] if rows else None

    # ---- scheduled occurrences -------------------------------------------------------

    async def claim_occurrence(
        self, key: str, owner: str, now: datetime, deliveries: Sequence[NewDelivery] = ()
    ) -> bool:
        """Record the occurrence and enqueue its deliveries, once ever per key."""
        rows = self._delivery_rows(deliveries, now)
        async with self._transaction() as db:
            cursor = await db.execute(
                "INSERT INTO occurrences (key, owner, claimed_at) VALUES (?, ?, ?) "
                "ON CONFLICT (key) DO NOTHING", (key, owner, to_micros(now)))
            claimed = cursor.rowcount == 1
            if claimed and rows:
                await db.executemany(_INSERT_DELIVERY, rows)
        return claimed

