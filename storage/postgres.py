"""The PostgreSQL backend: the same SQL stores as SQLite, on an asyncpg connection pool.

Why it is built this way:
- The feature stores are written once (storage/sql.py); `PgConnection` gives them the
  three calls they use, turning `?` and `:name` placeholders into `$n`.
- Writes run side by side, in READ COMMITTED, across all processes. Each check-then-write
  the stores make is protected by the narrowest thing that suffices: deliveries are
  claimed with `FOR UPDATE SKIP LOCKED`, occurrences and requests by a unique key
  (`ON CONFLICT DO NOTHING`), a state change by an UPDATE whose WHERE names the state
  it leaves, and a read-then-rewrite (a ballot box, a feedback pile, a case's notes) by a
  transaction-scoped advisory lock on that thing's key (`_turn`). What protects each
  write is listed in docs/decisions/postgres-concurrency.md.
- Every write also holds one advisory lock in shared mode; a write that must run alone
  (a migration, an erasure, a retention sweep, `coprod copy-to-postgres`) takes it in
  exclusive mode, so it waits for the running writes and holds back the next ones, on
  every process. A process that dies mid-transaction releases its locks with its
  connection.
- Reads run in a read-only REPEATABLE READ transaction, without the lock: a consistent
  view that never waits for writers.
- Round trips are what a burst waits for: a transaction's BEGIN and locks go in one
  (with its first statement's turn, if any), a connection goes back to the pool without
  a reset query, and a batch of rows or keys is sent as arrays in one fixed statement.
- Commits are durable before a person is told "saved": PostgreSQL's default
  `synchronous_commit = on` is kept, and required.
"""

from __future__ import annotations

import asyncio
import contextlib
import errno
import functools
import hashlib
import logging
import re
import socket
from collections.abc import AsyncIterator
from collections.abc import Iterable
from collections.abc import Mapping
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from bot.outbox import NewDelivery
from bot.peers import PeerLink
from storage.crypto import FieldCipher
from storage.interface import DatabaseUnreachable
from storage.interface import Storage
from storage.interface import StorageError
from storage.packages import compose_storage
from storage.peer_link import PostgresPeerLink
from storage.sql import Params
from storage.sql import SqlBase
from storage.sql import SqlConnection
from storage.sql import SqlCursor
from storage.sql_core import SqlCore
from storage.sql_members import SqlMembers

try:
    import asyncpg
except ImportError:  # pragma: no cover - asyncpg is a dependency; this is for a clear error
    asyncpg = None

# The advisory lock every writer holds until it commits ("coprod" in ASCII): shared by
# writes that may run side by side, exclusive for one that must run alone.
WRITE_LOCK = 0x636F70726F64
# How long VACUUM FULL may wait for its table's lock before a plain VACUUM is run instead.
REWRITE_LOCK_WAIT = "2s"
REWRITE_ATTEMPTS = 4
REWRITE_PAUSE_SECONDS = 0.5
# How long a VACUUM waits for the snapshots older than it to end (`_older_snapshots_ended`).
OLDER_SNAPSHOT_WAIT_SECONDS = 10.0
OLDER_SNAPSHOT_POLL_SECONDS = 0.05
# The sessions, other than the asking one, that hold back VACUUM FULL for row versions
# removed before the transaction id $1 (taken as the rewrite was asked for): one of this
# database whose snapshot began before it, or one of any database whose transaction did (a
# snapshot taken while it runs, the rewrite's own included, reaches back to it). `age`
# compares 32-bit ids across wraparound. Sessions of another role are listed without their
# ids unless the bot's role has pg_read_all_stats (docs/scaling.md).
_OLDER_SNAPSHOTS = (
    "SELECT count(*) FROM pg_stat_activity WHERE pid <> pg_backend_pid() "
    "AND ((datname = current_database() AND age(backend_xmin) > age($1::text::xid)) "
    "OR age(backend_xid) > age($1::text::xid))")
DEFAULT_POOL_SIZE = 10
# asyncpg keeps a prepared statement (and the server its plan) only up to this size; a
# claim naming a process's preferred groups (`SqlBase._groups_condition`) runs to about
# 25 characters a group, and re-planning it for each claim cost 10 to 20 ms.
CACHEABLE_STATEMENT_CHARS = 4 * 1024 * 1024

log = logging.getLogger(__name__)

_ROW_STATEMENTS = ("SELECT", "WITH", "VALUES")

_INSERT_DELIVERIES = """
    INSERT INTO deliveries (idem_key, group_id, destination_json, body, fallbacks, status,
                            attempts, next_attempt_at, created_at, updated_at)
    SELECT k, g, d, b, f, 'pending', 0, n, c, u
      FROM unnest(?::text[], ?::text[], ?::text[], ?::text[], ?::text[], ?::bigint[],
                  ?::bigint[], ?::bigint[]) AS t (k, g, d, b, f, n, c, u)
    ON CONFLICT (idem_key) DO NOTHING
    RETURNING id
"""
_RETURNING = re.compile(r"\bRETURNING\b", re.IGNORECASE)


@functools.lru_cache(maxsize=1024)
def translate(sql: str) -> tuple[str, tuple[str, ...] | int, bool]:
    """SQL with `?` or `:name` placeholders as PostgreSQL's `$n`.

    Returns the new text, the parameter names in `$n` order (for `:name`) or the count
    (for `?`), and whether the statement returns rows. Quoted text, quoted names,
    comments and `::` casts are left alone.
    """
    out: list[str] = []
    names: list[str] = []
    count = 0
    i, size = 0, len(sql)
    while i < size:
        char = sql[i]
        if char in "'\"":
            end = i + 1
            while end < size:
                if sql[end] == char:
                    if end + 1 < size and sql[end + 1] == char:
                        end += 2
                        continue
                    break
                end += 1
            out.append(sql[i:end + 1])
            i = end + 1
        elif char == "-" and sql.startswith("--", i):
            end = sql.find("\n", i)
            end = size if end < 0 else end
            out.append(sql[i:end])
            i = end
        elif char == "?":
            count += 1
            out.append(f"${count}")
            i += 1
        elif char == ":" and sql.startswith("::", i):
            out.append("::")
            i += 2
        elif char == ":" and i + 1 < size and (sql[i + 1].isalpha() or sql[i + 1] == "_"):
            end = i + 1
            while end < size and (sql[end].isalnum() or sql[end] == "_"):
                end += 1
            name = sql[i + 1:end]
            if name not in names:
                names.append(name)
            out.append(f"${names.index(name) + 1}")
            i = end
        else:
            out.append(char)
            i += 1
    if names and count:
        raise ValueError("a statement mixes ? and :name placeholders")
    text = "".join(out)
    returns_rows = (text.lstrip().upper().startswith(_ROW_STATEMENTS)
                    or _RETURNING.search(text) is not None)
    return text, (tuple(names) if names else count), returns_rows


def _arguments(spec: tuple[str, ...] | int, parameters: Params) -> list[Any]:
    if isinstance(spec, tuple):
        if not isinstance(parameters, Mapping):
            raise TypeError("this statement takes named parameters")
        return [parameters[name] for name in spec]
    if isinstance(parameters, Mapping):
        raise TypeError("this statement takes positional parameters")
    values = list(parameters)
    if len(values) != spec:
        raise TypeError(f"the statement takes {spec} parameters, {len(values)} given")
    return values


def _rows_changed(status: str) -> int:
    last = status.rsplit(" ", 1)[-1]
    return int(last) if last.isdigit() else -1


class PgCursor:
    """What one statement gave: its rows and how many rows it changed."""

    __slots__ = ("_rowcount", "_rows")

    def __init__(self, rows: list[Any], rowcount: int) -> None:
        self._rows = rows
        self._rowcount = rowcount

    @property
    def rowcount(self) -> int:
        """Rows changed (or returned, for a statement with RETURNING)."""
        return self._rowcount

    async def fetchone(self) -> Any:
        """The first row, or None."""
        return self._rows[0] if self._rows else None

    async def fetchall(self) -> list[Any]:
        """Every row."""
        return self._rows


class PgConnection:
    """One asyncpg connection inside a transaction, as the `SqlConnection` stores use.

    The transaction's BEGIN (with the write lock) is sent with its first statement's
    round trip where it can be: with a turn's locks (`opened`), else just before the
    first statement."""

    __slots__ = ("_begin", "_conn")

    def __init__(self, conn: Any, begin: str = "") -> None:
        self._conn = conn
        self._begin = begin

    @property
    def unopened(self) -> bool:
        """Whether nothing was sent to the server yet, not even the BEGIN."""
        return bool(self._begin)

    async def opened(self, also: str = "") -> None:
        """Send the BEGIN if it is still to be sent, and `also` (statements without
        parameters, `;`-separated) after it, in the same round trip."""
        begin, self._begin = self._begin, ""
        text = "; ".join(part for part in (begin, also) if part)
        if text:
            await self._conn.execute(text)

    async def execute(self, sql: str, parameters: Params = ()) -> SqlCursor:
        """Run one statement; its cursor gives the rows and the rows changed."""
        if self._begin:
            await self.opened()
        text, spec, returns_rows = translate(sql)
        arguments = _arguments(spec, parameters)
        if returns_rows:
            rows = list(await self._conn.fetch(text, *arguments))
            return PgCursor(rows, len(rows))
        status = await self._conn.execute(text, *arguments)
        return PgCursor([], _rows_changed(str(status)))

    async def execute_fetchall(self, sql: str, parameters: Params = ()) -> Iterable[Any]:
        """Run one statement and return all its rows."""
        return await (await self.execute(sql, parameters)).fetchall()

    async def executemany(self, sql: str, parameters: Iterable[Params]) -> SqlCursor:
        """Run one statement once per parameter set; rowcount is the total changed."""
        total = 0
        for one in parameters:
            total += max((await self.execute(sql, one)).rowcount, 0)
        return PgCursor([], total)


def _driver() -> Any:
    if asyncpg is None:
        raise StorageError("PostgreSQL needs the asyncpg package; install coprod-bot with "
                           "its PostgreSQL extra: pip install -e '.[postgres]'")
    return asyncpg


def turn_key(key: str) -> int:
    """An advisory lock number for a `_turn` key: the same in every process (Python's
    own `hash` is salted per process), 64 bits, signed as PostgreSQL's bigint."""
    digest = hashlib.blake2b(key.encode(), digest_size=8, person=b"coprod-turn").digest()
    return int.from_bytes(digest, "big", signed=True)


class PostgresBase(SqlBase):
    """The asyncpg pool, migrations and transactions under the shared SQL stores."""

    dialect = "postgres"
    skip_locked = " FOR UPDATE SKIP LOCKED"
    # One plan per connection for a claim naming a preference's groups (made for the
    # very list: a hashed lookup while the due index is read in order), not a plan per
    # claim: planning for 2,500 named groups takes 7 to 11 ms here, the claim 0.1 ms.
    plan_for_constants = "SET LOCAL plan_cache_mode = force_generic_plan"

    async def _plan_for_constants(self, db: SqlConnection) -> None:
        """Run `plan_for_constants` with the BEGIN, in its round trip, when nothing was sent
        yet (else on its own)."""
        assert isinstance(db, PgConnection)  # what `_transaction` gives the stores
        if db.unopened:
            await db.opened(self.plan_for_constants)
        else:
            await db.execute(self.plan_for_constants)

    def __init__(self, dsn: str, cipher: FieldCipher, *, pool_size: int = DEFAULT_POOL_SIZE,
                 schema: str | None = None) -> None:
        self._dsn = dsn
        self._cipher = cipher
        self._pool_size = pool_size
        self._schema = schema
        self._pool: Any = None
        # Server process ids of pooled connections whose session a `SET` changed: reset
        # in full when handed back (`_reset_session`).
        self._changed_sessions: set[int] = set()

    @property
    def schema(self) -> str | None:
        """The schema this storage works in, when not the server's default."""
        return self._schema

    async def open(self) -> None:
        """Connect the pool (and check the server keeps commits durable)."""
        if self._pool is not None:
            return
        driver = _driver()
        settings = {"application_name": "coprod-bot"}
        if self._schema:
            settings["search_path"] = self._schema
        try:
            pool = await driver.create_pool(
                self._dsn, min_size=1, max_size=self._pool_size, server_settings=settings,
                init=_know_array_types, reset=self._reset_session,
                max_cacheable_statement_size=CACHEABLE_STATEMENT_CHARS)
        except (OSError, driver.PostgresError, driver.InterfaceError) as exc:
            raise DatabaseUnreachable(_why_unreachable(driver, exc), _safe(exc)) from None
        try:
            async with pool.acquire() as conn:
                durable = await conn.fetchval("SHOW synchronous_commit")
        except driver.PostgresError as exc:
            await pool.close()
            raise StorageError(f"cannot set up PostgreSQL: {_safe(exc)}") from None
        if str(durable).lower() in ("off", "local"):
            await pool.close()
            raise StorageError(
                "PostgreSQL has synchronous_commit turned off, so a saved submission could "
                "be lost in a crash; turn it on for this database")
        self._pool = pool

    async def _reset_session(self, conn: Any) -> None:
        """What the pool does to a connection handed back, after asyncpg has rolled back
        any transaction left open: nothing more, unless the session was changed
        (`_changed_sessions`: a `SET`), which then gets asyncpg's whole reset. The
        stores' transactions leave nothing behind in the session (their advisory locks
        end with the transaction, they LISTEN and DECLARE nothing), so asyncpg's reset
        query after each of them would be one more round trip for every operation,
        before its caller could be answered."""
        pid = conn.get_server_pid()
        if pid in self._changed_sessions:
            self._changed_sessions.discard(pid)
            await conn.execute(conn.get_reset_query())

    async def close(self) -> None:
        """Wait for the running operations, then close the pool."""
        pool, self._pool = self._pool, None
        if pool is not None:
            await pool.close()

    async def _forget_old_versions(self, *tables: str, rewrite: bool = False) -> None:
        """VACUUM the tables, so dead row versions (deleted words, a count before it moved)
        are removed from them now. PostgreSQL's own WAL and backups still hold them until
        they are recycled: see docs/scaling.md.

        VACUUM leaves the bytes of removed versions in the pages' free space; `rewrite`
        runs VACUUM FULL, which writes the tables to new files and drops the old ones. It
        locks each table while it runs (a small table takes milliseconds); if the lock is
        not had within `REWRITE_LOCK_WAIT`, it is tried again (`REWRITE_ATTEMPTS` in all:
        a reader's short transaction or autovacuum can hold the lock for a moment), and
        only then is a plain VACUUM run instead, and logged.

        Neither removes a version that some open snapshot may still see (a transaction
        that began before the change committed, autovacuum's ANALYZE), so both first wait,
        for a bounded time, until the snapshots older than this call end."""
        async with self._connection() as conn:
            if rewrite:
                self._changed_sessions.add(conn.get_server_pid())
            await _older_snapshots_ended(conn)
            for table in tables:
                if rewrite and await _vacuum_full_soon(conn, table):
                    continue
                await conn.execute(f"VACUUM {table}")

    async def _insert_deliveries(self, db: SqlConnection,
                                 deliveries: Sequence[NewDelivery], now: datetime) -> int:
        """Insert deliveries in one statement (a reminder to 1,000 members is one round
        trip, not 1,000); return how many were new."""
        rows = self._delivery_rows(deliveries, now)
        if len(rows) <= 1 or any(d.sealed for d in deliveries):
            return await super()._insert_deliveries(db, deliveries, now)
        columns = [list(column) for column in zip(*rows, strict=True)]
        cursor = await db.execute(_INSERT_DELIVERIES, columns)
        return cursor.rowcount

    def _among(self, column: str, values: Sequence[Any], kind: str = "text",
               ) -> tuple[str, list[Any]]:
        """PostgreSQL's condition: `column = ANY(array)`, one parameter whatever the count."""
        return f"{column} = ANY(?::{kind}[])", [list(values)]

    async def _insert_many(self, db: SqlConnection, insert: str, row: str,
                           rows: Sequence[tuple[Any, ...]], rest: str = "",
                           types: Sequence[str] = ()) -> None:
        """Insert the rows in one `INSERT ... SELECT * FROM unnest(arrays)` when `types`
        names every column (else as `SqlBase._insert_many` does)."""
        if not rows:
            return
        if len(types) != len(rows[0]) or row.count("?") != len(types):
            return await super()._insert_many(db, insert, row, rows, rest, types)
        arrays = ", ".join(f"?::{kind}[]" for kind in types)
        columns = [list(column) for column in zip(*rows, strict=True)]
        await db.execute(f"{insert} SELECT * FROM unnest({arrays}) {rest}", columns)

    async def _applied(self, db: SqlConnection) -> set[int]:
        found = list(await db.execute_fetchall(
            "SELECT to_regclass('schema_version') IS NOT NULL"))
        if not found or not found[0][0]:
            return set()
        rows = await db.execute_fetchall("SELECT version FROM schema_version")
        return {int(row[0]) for row in rows}

    async def _columns(self, db: SqlConnection) -> set[tuple[str, str]]:
        rows = await db.execute_fetchall(
            "SELECT table_name, column_name FROM information_schema.columns "
            "WHERE table_schema = current_schema()")
        return {(str(row[0]), str(row[1])) for row in rows}

    async def _turn(self, db: SqlConnection, *keys: str) -> None:
        """Take one transaction-scoped advisory lock per key, in order (with the BEGIN, when
        nothing was sent yet: one round trip for both)."""
        numbers = sorted({turn_key(key) for key in keys})
        if not numbers:
            return
        assert isinstance(db, PgConnection)  # what `_transaction` gives the stores
        await db.opened("; ".join(f"SELECT pg_advisory_xact_lock({number})"
                                  for number in numbers))

    @contextlib.asynccontextmanager
    async def _transaction(self, *, write: bool = True,
                           alone: bool = False) -> AsyncIterator[SqlConnection]:
        """One operation: a write holds the write lock (shared, or exclusive when it must
        run `alone`) until it commits; a read sees one consistent snapshot.

        The BEGIN and the write lock go to the server together, and with the locks of
        a turn taken first (`_turn`), in one round trip (the simple query protocol
        takes several statements at once), sent when the store first needs the
        server: a burst's batches wait for the network as little as they can. The
        COMMIT's answer is checked, so nothing is reported stored that the server
        rolled back."""
        async with self._connection() as conn:
            if alone or write:
                lock = "pg_advisory_xact_lock" if alone else "pg_advisory_xact_lock_shared"
                begin = f"BEGIN ISOLATION LEVEL READ COMMITTED; SELECT {lock}({WRITE_LOCK})"
            else:
                begin = "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY"
            db = PgConnection(conn, begin)
            try:
                yield db
                if not write and not alone and db.unopened:
                    return  # a read that read nothing: nothing to end
                await db.opened()  # a write that wrote nothing still waits for its lock
            except BaseException:
                await _roll_back(conn)
                raise
            status = await conn.execute("COMMIT")
            if status != "COMMIT":
                raise StorageError(f"PostgreSQL did not commit ({status})")

    async def _read(self, sql: str, parameters: Params = ()) -> list[Any]:
        """Read with one statement, which sees one snapshot by itself, so no BEGIN and
        COMMIT around it (one round trip instead of three)."""
        text, spec, _ = translate(sql)
        async with self._connection() as conn:
            return list(await conn.fetch(text, *_arguments(spec, parameters)))

    @contextlib.asynccontextmanager
    async def _connection(self) -> AsyncIterator[Any]:
        """A connection from the open pool, for as long as the block runs; whatever the
        driver or the network raises meanwhile comes out as a `StorageError`."""
        pool = self._pool
        if pool is None:
            raise StorageError("storage is not open")
        driver = _driver()
        try:
            async with pool.acquire() as conn:
                yield conn
        except (driver.PostgresError, driver.InterfaceError) as exc:
            raise StorageError(f"PostgreSQL: {_safe(exc)}") from exc
        except OSError as exc:
            raise StorageError(f"PostgreSQL connection lost: {exc.strerror}") from exc


async def _know_array_types(conn: Any) -> None:
    """Run on each new pooled connection: have asyncpg learn the array types the stores
    send batches in (`_insert_many`, deliveries, language reads). It looks a type up
    in the server's catalog the first time a connection meets it, some 15 ms; without
    this, the first batch on each connection (a burst's) would wait for it."""
    await conn.fetchval("SELECT cardinality($1::bigint[]) + cardinality($2::text[])", [], [])


async def _roll_back(conn: Any) -> None:
    """Undo an unfinished transaction; a connection that cannot even do that is closed
    (the pool opens a new one), never handed back mid-transaction."""
    try:
        await conn.execute("ROLLBACK")
    except Exception:
        conn.terminate()  # what went wrong first is what the caller hears of
    except BaseException:
        conn.terminate()
        raise


def _why_unreachable(driver: Any, exc: BaseException) -> str:
    """What kept us from connecting, as a `DatabaseUnreachable.reason`."""
    if isinstance(exc, socket.gaierror):
        return "no_host"
    if isinstance(exc, ConnectionRefusedError):
        return "refused"
    if isinstance(exc, TimeoutError):
        return "timeout"
    if isinstance(exc, driver.InvalidCatalogNameError):
        return "no_database"
    if isinstance(exc, driver.InvalidPasswordError | driver.InvalidAuthorizationSpecificationError):
        return "login"
    if isinstance(exc, OSError):
        return "refused" if exc.errno in (errno.ECONNREFUSED, errno.EHOSTUNREACH,
                                          errno.ENETUNREACH) else "other"
    return "other"


async def _older_snapshots_ended(conn: Any) -> bool:
    """Wait, at most `OLDER_SNAPSHOT_WAIT_SECONDS`, until no other session of this
    database holds a snapshot or transaction that began before this call; False (and
    logged) when one still does, so the VACUUM may keep versions it could see: the next
    one of the table removes them."""
    mark = await conn.fetchval("SELECT pg_snapshot_xmax(pg_current_snapshot())::text")
    xid = str(int(mark) % 2**32)
    deadline = asyncio.get_running_loop().time() + OLDER_SNAPSHOT_WAIT_SECONDS
    while await conn.fetchval(_OLDER_SNAPSHOTS, xid):
        if asyncio.get_running_loop().time() >= deadline:
            log.warning("storage.old_versions_kept_by_older_snapshot")
            return False
        await asyncio.sleep(OLDER_SNAPSHOT_POLL_SECONDS)
    return True


async def _vacuum_full_soon(conn: Any, table: str) -> bool:
    """`_vacuum_full`, tried up to `REWRITE_ATTEMPTS` times a short pause apart."""
    for attempt in range(REWRITE_ATTEMPTS):
        if attempt:
            await asyncio.sleep(REWRITE_PAUSE_SECONDS)
        if await _vacuum_full(conn, table):
            return True
    log.warning("storage.rewrite_skipped table=%s", table)
    return False


async def _vacuum_full(conn: Any, table: str) -> bool:
    """VACUUM FULL one table, waiting at most `REWRITE_LOCK_WAIT` for its lock; False
    when the lock was not had in time."""
    driver = _driver()
    await conn.execute(f"SET lock_timeout = '{REWRITE_LOCK_WAIT}'")
    try:
        await conn.execute(f"VACUUM FULL {table}")
    except driver.LockNotAvailableError:
        return False
    finally:
        await conn.execute("RESET lock_timeout")
    return True


def _safe(exc: BaseException) -> str:
    """An error's text without anything that could be a password from the URL."""
    text = str(exc) or type(exc).__name__
    return re.sub(r"://[^@\s]*@", "://…@", text)


class _PostgresStorage(SqlMembers, SqlCore, PostgresBase, Storage):
    """`Storage` on PostgreSQL through asyncpg, for hosting and several processes."""

    def peer_link(self) -> PeerLink:
        """LISTEN/NOTIFY between the processes on this database (`storage.peer_link`)."""
        return PostgresPeerLink(self._dsn, self._cipher, self._schema)


PostgresStorage = compose_storage("PostgresStorage", _PostgresStorage)



__all__ = ["DEFAULT_POOL_SIZE", "PostgresStorage", "translate"]
