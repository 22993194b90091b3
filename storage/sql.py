"""What every SQL store builds on, whichever database runs it.

The feature stores (meetings, feedback, polls, concerns, check-ins, agreement) are
written once, in SQL that SQLite and PostgreSQL both accept, against the small
`SqlConnection` interface below (the aiosqlite method names). `SqliteBase` and
`PostgresBase` each give a transaction as an `SqlConnection`, so the same mixins make up
`SqliteStorage` and `PostgresStorage`; the storage test suite runs them on both.

The SQL those mixins may use: `?` or `:name` placeholders, `RETURNING`, `ON CONFLICT`,
`COALESCE`, integer microsecond timestamps (`to_micros`), no database-only functions,
and parameters of the column's own type (PostgreSQL does not convert them).
"""

from __future__ import annotations

import contextlib
import json
import logging
import re
from collections.abc import Callable
from collections.abc import Collection
from collections.abc import Sequence
from datetime import UTC
from datetime import datetime
from datetime import timedelta
from typing import Any
from typing import TypeVar

from bot.messages import Destination
from bot.messages import destination_from_dict
from bot.messages import destination_to_dict
from bot.messages import message_from_dict
from bot.messages import message_to_dict
from bot.outbox import Delivery
from bot.outbox import DeliveryStatus
from bot.outbox import Fallback
from bot.outbox import NewDelivery
from storage.connection import Params as Params
from storage.connection import SqlConnection as SqlConnection
from storage.connection import SqlCursor as SqlCursor
from storage.crypto import FieldCipher
from storage.group_commit import many_values
from storage.interface import NewerDatabaseError
from storage.interface import OtherKeyError
from storage.interface import StorageError
from storage.members import encrypted_columns
from storage.migrations import KNOWN_VERSIONS
from storage.migrations import LATEST_VERSION
from storage.migrations import pending

log = logging.getLogger(__name__)

R = TypeVar("R")

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


def iso_time(value: int | None) -> str | None:
    """A stored time (or None) as ISO 8601 UTC text, for a member's export."""
    return None if value is None else from_micros(int(value)).isoformat()


def _json(data: Any) -> str:
    return json.dumps(data, separators=(",", ":"), ensure_ascii=False)


CLAIM_OCCURRENCE = ("INSERT INTO occurrences (key, owner, claimed_at) VALUES (?, ?, ?) "
                    "ON CONFLICT (key) DO NOTHING")
"""Claim one occurrence (a firing, a sweep, an event): one row changed if this call won."""

INSERT_DELIVERY = """
    INSERT INTO deliveries (idem_key, group_id, destination_json, body, fallbacks, status,
                            attempts, next_attempt_at, created_at, updated_at)
    VALUES (?, ?, ?, ?, ?, 'pending', 0, ?, ?, ?)
    ON CONFLICT (idem_key) DO NOTHING
"""
INSERT_SEALED_DELIVERY = """
    INSERT INTO deliveries (idem_key, group_id, destination_json, body, fallbacks, status,
                            attempts, next_attempt_at, created_at, updated_at, sealed_to)
    VALUES (?, ?, ?, ?, ?, 'pending', 0, ?, ?, ?, ?)
    ON CONFLICT (idem_key) DO NOTHING
"""


def blank_destination(destination: Destination) -> str:
    """What `destination_json` holds for a sealed delivery: its kind and group, nobody."""
    return _json({"kind": destination.kind.value, "group": destination.group_id,
                  "channel": "", "user": ""})


def _refuse_unknown(applied: set[int]) -> None:
    """A database with a migration this code does not have was used by a newer
    coprod-bot (or one built with other features): it is not touched."""
    unknown = applied - KNOWN_VERSIONS
    if unknown:
        raise NewerDatabaseError(sorted(unknown), LATEST_VERSION)


# A group id that may be written into SQL text as it is (see `_groups_condition`).
_PLAIN_ID = re.compile(r"[A-Za-z0-9_.:@-]+")


class SqlBase:
    """Migrations, encodings and outbox rows shared by every SQL store, on either database."""

    _cipher: FieldCipher
    # Which statements of each `Migration` this database runs: "sqlite" or "postgres".
    dialect = "sqlite"

    # Appended to a claim's inner SELECT: PostgreSQL's `FOR UPDATE SKIP LOCKED`, so
    # processes claiming at once each lock different rows instead of queueing for the
    # same ones. SQLite needs none (its writers take turns on the file).
    skip_locked = ""
    # A transaction's first step where a statement names many constants (see
    # `_groups_condition`), if the database would otherwise plan it anew each time.
    plan_for_constants = ""

    def _groups_condition(self, groups: frozenset[str]) -> str:
        """`group_id IN ('a', 'b', ...)`: a condition on a row's group, for claiming a
        preference's deliveries first. The groups are written into the text, not passed
        as a parameter, so the database plans for the very list once (a hashed lookup
        while it reads the due index in order) and reuses that plan while the list is
        the same; made once per list. A group id that is not plain (letters, digits and
        `_.:@-` only) is left out: never written into SQL, it is served as any other
        group's, `others_after` later."""
        cached: tuple[frozenset[str], str] | None = getattr(self, "_groups_sql", None)
        if cached is not None and (cached[0] is groups or cached[0] == groups):
            self._groups_sql = (groups, cached[1])  # the next call's is this same set
            return cached[1]
        plain = sorted(group for group in groups if _PLAIN_ID.fullmatch(group))
        condition = ("group_id IN (" + ", ".join(f"'{group}'" for group in plain) + ")"
                     if plain else "1 = 0")
        self._groups_sql = (groups, condition)
        return condition

    async def _plan_for_constants(self, db: SqlConnection) -> None:
        """Run `plan_for_constants`, if this database needs it, first in `db`'s
        transaction."""
        if self.plan_for_constants:
            await db.execute(self.plan_for_constants)

    def _transaction(
        self, *, write: bool = True, alone: bool = False
    ) -> contextlib.AbstractAsyncContextManager[SqlConnection]:
        """One operation: all of it commits, or none of it.

        On PostgreSQL writes run side by side: each is kept safe by its rows' own locks
        and unique constraints, or by `_turn` where it checks something before it
        writes. `alone`: a write that no other write may run beside (migrations,
        erasure, retention sweeps); it waits for the running writes and holds the next
        ones back until it commits. On SQLite every write runs alone anyway.
        (docs/decisions/postgres-concurrency.md lists what protects each write.)"""
        raise NotImplementedError

    # ---- one-statement operations -------------------------------------------------------

    async def _read(self, sql: str, params: Params = ()) -> list[Any]:
        """Every row one query returns, read in a transaction of its own."""
        async with self._transaction(write=False) as db:
            return list(await db.execute_fetchall(sql, params))

    async def _read_one(self, record: Callable[[Any], R], sql: str,
                        params: Params = ()) -> R | None:
        """The first row one query returns, made a record by `record` (None if no row)."""
        rows = await self._read(sql, params)
        return record(rows[0]) if rows else None

    async def _read_all(self, record: Callable[[Any], R], sql: str,
                        params: Params = ()) -> list[R]:
        """Every row one query returns, each made a record by `record`."""
        return [record(row) for row in await self._read(sql, params)]

    async def _change_one(self, sql: str, params: Params = ()) -> bool:
        """Run one statement in a transaction of its own: whether it changed exactly one
        row (found the row it updates or deletes, or inserted one not there yet)."""
        async with self._transaction() as db:
            cursor = await db.execute(sql, params)
            return cursor.rowcount == 1

    async def _put_or_drop(self, table: str, key: dict[str, Any],
                           values: dict[str, Any] | None) -> None:
        """Keep one row by its key with these values (inserted or updated), or, with
        None, delete it: a member's or a group's one setting (a zone, a language, a
        text)."""
        match = " AND ".join(f"{column} = ?" for column in key)
        async with self._transaction() as db:
            if values is None:
                await db.execute(f"DELETE FROM {table} WHERE {match}", tuple(key.values()))
                return
            columns = [*key, *values]
            await db.execute(
                f"INSERT INTO {table} ({', '.join(columns)}) "
                f"VALUES ({', '.join('?' for _ in columns)}) "
                f"ON CONFLICT ({', '.join(key)}) DO UPDATE SET "
                + ", ".join(f"{column} = excluded.{column}" for column in values),
                (*key.values(), *values.values()))

    @staticmethod
    async def _claim(db: SqlConnection, key: str, owner: str, now: datetime) -> bool:
        """Inside the caller's transaction: claim one occurrence (`CLAIM_OCCURRENCE`);
        whether this call won it."""
        cursor = await db.execute(CLAIM_OCCURRENCE, (key, owner, to_micros(now)))
        return cursor.rowcount == 1

    async def _turn(self, db: SqlConnection, *keys: str) -> None:
        """Inside a write transaction: wait until no other write holding any of these
        keys (say `poll:<id>`) is running, and hold them until this one commits, so a
        check made next still holds when the write that depends on it commits. Keys
        are taken in sorted order; a transaction calling this twice must always do so
        in the same order (docs/decisions/postgres-concurrency.md). Never a member's
        id: a key is visible to the database's administrators while it is held.
        SQLite: nothing to do."""
        return None

    def _among(self, column: str, values: Sequence[Any], kind: str = "text",
               ) -> tuple[str, list[Any]]:
        """A condition that `column` is one of these values, and its parameters: `IN (?,
        ...)` here; PostgreSQL sends them as one array of `kind` (a column type such as
        "bigint"), so the statement is the same whatever their number (prepared once per
        connection, not once per size)."""
        return f"{column} IN ({', '.join('?' * len(values))})", list(values)

    async def _insert_many(self, db: SqlConnection, insert: str, row: str,
                           rows: Sequence[tuple[Any, ...]], rest: str = "",
                           types: Sequence[str] = ()) -> None:
        """Insert many rows in as few statements as the database allows: `insert` is
        `INSERT INTO t (columns)`, `row` one row's `?` placeholders, `rest` what
        follows the values (`ON CONFLICT ...`). SQLite: `many_values` statements.
        PostgreSQL uses `types` (each column's type, such as "bigint") to send each
        column as one array, so every batch is the same single statement, prepared
        once per connection whatever the number of rows."""
        for sql, values in many_values(insert, row, rows, rest):
            await db.execute(sql, values)

    async def _forget_old_versions(self, *tables: str, rewrite: bool = False) -> None:
        """Make the database drop earlier versions of these tables' rows now (words
        deleted, a count that moved), rather than keep them until it tidies up.
        `rewrite`: where the database can, rewrite the tables' files too, so that not
        even the bytes of those versions stay in them (PostgreSQL's VACUUM FULL)."""
        raise NotImplementedError

    async def _applied(self, db: SqlConnection) -> set[int]:
        """The migration versions already applied (none if there is no schema yet)."""
        raise NotImplementedError

    async def _columns(self, db: SqlConnection) -> set[tuple[str, str]]:
        """Every (table, column) the database has now (whatever its schema version)."""
        raise NotImplementedError

    async def preflight(self) -> None:
        """Try the oldest and the newest stored value of each encrypted column, in one
        read, after refusing a newer schema: enough to tell a database made with
        another key, or one whose old key was dropped before `coprod rotate-key`
        finished, and cheap at start (each is one step along the primary key)."""
        async with self._transaction(write=False) as db:
            _refuse_unknown(await self._applied(db))
            columns = await self._columns(db)
            readable = unreadable = 0
            for column in encrypted_columns():
                if (column.table, column.column) not in columns:
                    continue
                only = f" AND ({column.only})" if column.only else ""
                for order in ("ASC", "DESC"):
                    keys = ", ".join(f"{key} {order}" for key in column.key)
                    rows = list(await db.execute_fetchall(
                        f"SELECT {column.column} FROM {column.table} WHERE {column.column} "
                        f"IS NOT NULL AND {column.column} <> ''{only} ORDER BY {keys} "
                        "LIMIT 1", column.params))
                    if not rows:
                        break
                    if self._cipher.opens(str(rows[0][0])):
                        readable += 1
                    else:
                        unreadable += 1
        if unreadable:
            raise OtherKeyError(readable, unreadable)

    async def migrate(self, target: int | None = None, *,
                      only: Collection[int] | None = None) -> list[int]:
        """Apply pending migrations (up to `target`, default all; of those, only the
        versions in `only` if given), each in its own transaction; return the versions
        applied. Safe with several processes: each step runs alone (no other write
        beside it, on any process) and re-checks the version first. (`only` rebuilds
        the schema a given set of migrations makes, which `coprod restore` compares a
        copy's with.)"""
        if target is not None and not 0 <= target <= LATEST_VERSION:
            raise ValueError(f"no migration {target}; the latest is {LATEST_VERSION}")
        async with self._transaction(write=False) as db:
            done = await self._applied(db)
        _refuse_unknown(done)
        applied: list[int] = []
        for migration in pending(done, target):
            if only is not None and migration.version not in only:
                continue
            forget: tuple[str, ...] = ()
            async with self._transaction(alone=True) as db:
                if migration.version in await self._applied(db):
                    continue
                for statement in migration.statements(self.dialect):
                    await db.execute(statement)
                if migration.then:
                    forget = await getattr(self, migration.then)(db)
                await db.execute(
                    "INSERT INTO schema_version (version, name, applied_at) VALUES (?, ?, ?)",
                    (migration.version, migration.name, to_micros(datetime.now(UTC))))
            if forget:
                await self._forget_old_versions(*forget, rewrite=True)
            applied.append(migration.version)
            log.info("storage.migrated version=%d name=%s", migration.version, migration.name)
        return applied

    async def schema_version(self) -> int:
        """The highest applied migration (0 for an empty database)."""
        async with self._transaction(write=False) as db:
            return max(await self._applied(db), default=0)

    # ---- encoding --------------------------------------------------------------------

    def _encrypt_json(self, data: Any) -> str:
        return self._cipher.encrypt(_json(data))

    def _seal_on_day(self, data: Any, day: datetime) -> str:
        """`data` encrypted with the token's clear time stamp set to `day` (a midnight),
        not the moment: anonymous records must not say when they were written."""
        return self._cipher.encrypt_at(_json(data), int(day.timestamp()))

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
        """The values of `INSERT_DELIVERY` for each delivery that is not sealed."""
        at = to_micros(now)
        return [
            (d.key, d.destination.group_id, _json(destination_to_dict(d.destination)),
             self._encrypt_json(message_to_dict(d.message)), self._fallbacks_token(d.fallbacks),
             at if d.not_before is None else to_micros(d.not_before), at, at)
            for d in deliveries if not d.sealed
        ]

    def _sealed_rows(
        self, deliveries: Sequence[NewDelivery], now: datetime
    ) -> list[tuple[Any, ...]]:
        """The values of `INSERT_SEALED_DELIVERY` for each sealed delivery: nobody in
        destination_json, the recipient encrypted in sealed_to."""
        at = to_micros(now)
        return [
            (d.key, d.destination.group_id, blank_destination(d.destination),
             self._encrypt_json(message_to_dict(d.message)), self._fallbacks_token(d.fallbacks),
             at if d.not_before is None else to_micros(d.not_before), at, at,
             self._encrypt_json(destination_to_dict(d.destination)))
            for d in deliveries if d.sealed
        ]

    def _delivery_from(self, row: Any) -> Delivery:
        """A claimed row: id, idem_key, destination_json, body, fallbacks, attempts,
        created_at, next_attempt_at, sealed_to."""
        (delivery_id, key, destination, body, fallbacks, attempts, created_at, _,
         sealed_to) = tuple(row)[:9]
        if body is None or fallbacks is None:
            raise StorageError(f"delivery {delivery_id} has no stored message")
        where = (self._decrypt_json(sealed_to) if sealed_to is not None
                 else json.loads(destination))
        return Delivery(
            id=delivery_id,
            key=key,
            destination=destination_from_dict(where),
            message=message_from_dict(self._decrypt_json(body)),
            fallbacks=self._fallbacks_from(fallbacks),
            attempts=attempts,
            status=DeliveryStatus.SENDING,
            created_at=from_micros(created_at),
            sealed=sealed_to is not None,
        )

    async def _insert_deliveries(self, db: SqlConnection,
                                 deliveries: Sequence[NewDelivery], now: datetime) -> int:
        """Insert deliveries inside the caller's transaction; return how many were new."""
        new = 0
        for sql, rows in ((INSERT_DELIVERY, self._delivery_rows(deliveries, now)),
                          (INSERT_SEALED_DELIVERY, self._sealed_rows(deliveries, now))):
            if rows:
                cursor = await db.executemany(sql, rows)
                new += max(cursor.rowcount, 0)
        return new
