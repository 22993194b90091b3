"""Copying every table of a SQLite database into an empty PostgreSQL database, checked
row for row, for `coprod copy-to-postgres`.

Why it is built this way:
- The source is read in one read-only transaction: in WAL mode that is a snapshot, so
  the copy is consistent even if something writes meanwhile, and the file is never
  changed. Whether anything did write is checked at the end (`PRAGMA data_version`): a
  bot still running on the file would go on saving what PostgreSQL will never have, so
  the copy is then refused and rolled back.
- The target gets this coprod-bot's schema through the ordinary migrations (when it had
  none, the tables they made are dropped again if the copy is refused, so a refusal
  leaves the target as it was), then every
  row is copied in ONE transaction, holding the bots' write lock in exclusive mode (each
  bot write holds it shared, so none runs beside the copy): it all commits, or nothing
  does. Rows go in with binary COPY (asyncpg `copy_records_to_table`), streamed
  in batches, so a large database is not held in memory.
- Values are converted by the PostgreSQL column's type (read from the catalog; see
  storage/copy_values.py), not by a list per table: a new feature's table needs nothing.
- Each table is checked before the commit: the same number of rows, and the same SHA-256
  over its rows in primary-key order (text compared byte by byte on both sides), each
  value written in one canonical form. Any difference rolls everything back.
- Rows are copied exactly as stored: encrypted fields stay encrypted (no key is needed,
  nothing is decrypted), and only rows are read, never the file's free pages. All copied
  rows share one transaction and lie in primary-key order, so PostgreSQL's system
  columns (`xmin`, `ctid`) say nothing about when or in what order rows were first made.
"""

from __future__ import annotations

import asyncio
import contextlib
import graphlib
import hashlib
import sqlite3
import time
from collections.abc import AsyncIterator
from collections.abc import Callable
from collections.abc import Iterable
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote

import aiosqlite

from storage.copy_values import CONVERTERS
from storage.copy_values import Convert
from storage.copy_values import row_digest
from storage.crypto import FieldCipher
from storage.crypto import generate_key
from storage.interface import DatabaseUnreachable
from storage.interface import NewerDatabaseError
from storage.interface import StorageError
from storage.migrations import KNOWN_VERSIONS
from storage.migrations import LATEST_VERSION
from storage.postgres import WRITE_LOCK
from storage.postgres import PostgresStorage
from storage.postgres import _driver
from storage.postgres import _safe
from storage.postgres import _why_unreachable

SCHEMA_TABLE = "schema_version"
BATCH_ROWS = 5000
CONNECT_TIMEOUT_SECONDS = 10.0


# ---- what can go wrong -------------------------------------------------------------------

class CopyError(StorageError):
    """The copy did not happen; nothing was kept in PostgreSQL."""


class SourceUnusable(CopyError):
    """The SQLite database cannot be read: `reason` is `missing`, `unreadable` or
    `not_coprod`; `detail` is SQLite's words."""

    def __init__(self, reason: str, detail: str = "") -> None:
        self.reason = reason
        self.detail = detail
        super().__init__(f"the SQLite database cannot be used ({reason}): {detail}")


class SchemaVersionDiffers(CopyError):
    """The SQLite database is not at this coprod-bot's schema: `missing` versions not
    applied yet, `unknown` versions from a newer coprod-bot."""

    def __init__(self, missing: Sequence[int], unknown: Sequence[int]) -> None:
        self.missing = tuple(missing)
        self.unknown = tuple(unknown)
        super().__init__(f"schema versions missing {self.missing}, unknown {self.unknown}")


class TargetNotEmpty(CopyError):
    """The PostgreSQL database already holds rows, in these tables."""

    def __init__(self, tables: Sequence[str]) -> None:
        self.tables = tuple(tables)
        super().__init__(f"the PostgreSQL database has rows in {', '.join(self.tables)}")


class SchemaDiffers(CopyError):
    """After migrating, a table or column is in one database and not the other."""

    def __init__(self, only_source: Sequence[str], only_target: Sequence[str]) -> None:
        self.only_source = tuple(only_source)
        self.only_target = tuple(only_target)
        super().__init__(f"only in SQLite: {self.only_source}; only in PostgreSQL: "
                         f"{self.only_target}")


class ValueNotCopyable(CopyError):
    """A stored value does not fit its PostgreSQL column (or PostgreSQL refused a row)."""

    def __init__(self, table: str, column: str, problem: str) -> None:
        self.table = table
        self.column = column
        self.problem = problem
        where = f"{table}.{column}" if column else table
        super().__init__(f"{where}: {problem}")


class VerifyFailed(CopyError):
    """A table's copy differs from its source: counts or checksums."""

    def __init__(self, table: str, source_rows: int, target_rows: int,
                 source_sum: str, target_sum: str) -> None:
        self.table = table
        self.source_rows = source_rows
        self.target_rows = target_rows
        self.source_sum = source_sum
        self.target_sum = target_sum
        super().__init__(f"{table}: {source_rows} rows ({source_sum[:12]}) in SQLite, "
                         f"{target_rows} rows ({target_sum[:12]}) in PostgreSQL")


class SourceChanged(CopyError):
    """Something wrote to the SQLite database while it was being copied."""

    def __init__(self) -> None:
        super().__init__("the SQLite database changed during the copy")


# ---- what it did -------------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class TableCopied:
    """One table, copied and checked: its rows and the checksum both sides gave."""

    name: str
    rows: int
    checksum: str


@dataclass(frozen=True, slots=True)
class CopyReport:
    """The whole copy: every table (in the order copied), the schema version, the next
    value of each id sequence, and how long it took."""

    tables: tuple[TableCopied, ...]
    schema_version: int
    sequences: tuple[tuple[str, int], ...]
    seconds: float

    @property
    def rows(self) -> int:
        """Rows copied, over every table."""
        return sum(t.rows for t in self.tables)


# ---- the tables -------------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class Column:
    """A target column: its name, PostgreSQL type name and whether it sorts as text."""

    name: str
    type_name: str

    @property
    def text(self) -> bool:
        return self.type_name in ("text", "varchar", "bpchar", "name")


@dataclass(frozen=True, slots=True)
class Table:
    """A table to copy: its columns (target order) and the columns that order it."""

    name: str
    columns: tuple[Column, ...]
    order: tuple[str, ...]

    def source_query(self) -> str:
        cols = ", ".join(_ident(c.name) for c in self.columns)
        keys = ", ".join(_ident(k) for k in self.order)
        return f"SELECT {cols} FROM {_ident(self.name)} ORDER BY {keys}"

    def target_query(self) -> str:
        by_name = {c.name: c for c in self.columns}
        cols = ", ".join(_ident(c.name) for c in self.columns)
        keys = ", ".join(
            _ident(k) + (' COLLATE "C"' if by_name[k].text else "") + " NULLS FIRST"
            for k in self.order)
        return f"SELECT {cols} FROM {_ident(self.name)} ORDER BY {keys}"


def _ident(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


# ---- the source -------------------------------------------------------------------------

class SqliteSnapshot:
    """A SQLite database opened read-only, in one read transaction (a snapshot)."""

    def __init__(self, db: aiosqlite.Connection) -> None:
        self._db = db
        self._version_at_start = 0

    @classmethod
    @contextlib.asynccontextmanager
    async def opened(cls, path: str) -> AsyncIterator[SqliteSnapshot]:
        """Open `path` read-only and begin the snapshot; closed at the end."""
        uri = await asyncio.to_thread(_read_only_uri, path)
        try:
            db = await aiosqlite.connect(uri, uri=True, isolation_level=None)
        except Exception as exc:  # sqlite3.Error, OSError: the file cannot be opened
            raise SourceUnusable("unreadable", str(exc)) from None
        try:
            snapshot = cls(db)
            try:
                await db.execute("BEGIN")
                names = await snapshot._all(
                    "SELECT name FROM sqlite_master WHERE type = 'table'")
                snapshot._version_at_start = int((await snapshot._all(
                    "PRAGMA data_version"))[0][0])
            except Exception as exc:
                raise SourceUnusable("unreadable", str(exc)) from None
            if (SCHEMA_TABLE,) not in [tuple(n) for n in names]:
                raise SourceUnusable("not_coprod", "it has no schema_version table")
            yield snapshot
        finally:
            await db.close()

    async def _all(self, sql: str, params: Sequence[Any] = ()) -> list[Any]:
        return list(await self._db.execute_fetchall(sql, tuple(params)))

    async def applied(self) -> set[int]:
        """The schema versions applied."""
        return {int(r[0]) for r in await self._all(f"SELECT version FROM {SCHEMA_TABLE}")}

    async def tables(self) -> dict[str, tuple[list[str], list[str]]]:
        """Each table coprod made (SQLite's own `sqlite_*` left out): its columns and
        its primary-key columns, in key order."""
        found: dict[str, tuple[list[str], list[str]]] = {}
        for (name,) in await self._all(
                "SELECT name FROM sqlite_master WHERE type = 'table' "
                "AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' ORDER BY name"):
            info = await self._all("SELECT name, pk FROM pragma_table_info(?)", (name,))
            columns = [str(r[0]) for r in info]
            keys = [str(r[0]) for r in sorted((r for r in info if r[1]), key=lambda r: r[1])]
            found[str(name)] = (columns, keys)
        return found

    async def sequences(self) -> dict[str, int]:
        """The highest id each AUTOINCREMENT table ever gave (`sqlite_sequence`), so the
        target never gives an id again that SQLite already used."""
        if not await self._all(
                "SELECT 1 FROM sqlite_master WHERE type = 'table' "
                "AND name = 'sqlite_sequence'"):
            return {}
        return {str(n): int(s) for n, s in await self._all(
            "SELECT name, seq FROM sqlite_sequence")}

    async def rows(self, table: Table) -> AsyncIterator[Sequence[Any]]:
        """The table's rows in key order, a batch at a time."""
        cursor = await self._db.execute(table.source_query())
        try:
            while True:
                batch = await cursor.fetchmany(BATCH_ROWS)
                if not batch:
                    return
                for row in batch:
                    yield row
        finally:
            await cursor.close()

    async def changed_since_start(self) -> bool:
        """End the snapshot, and say whether another connection committed meanwhile."""
        await self._db.execute("COMMIT")
        now = int((await self._all("PRAGMA data_version"))[0][0])
        return now != self._version_at_start


def _read_only_uri(path: str) -> str:
    file = Path(path)
    if not file.is_file():
        raise SourceUnusable("missing", path)
    return f"file:{quote(str(file.resolve()))}?mode=ro"


# ---- the target -------------------------------------------------------------------------

async def _connect(dsn: str) -> Any:
    driver = _driver()
    try:
        return await driver.connect(dsn, timeout=CONNECT_TIMEOUT_SECONDS,
                                    server_settings={"application_name": "coprod-copy"})
    except (OSError, driver.PostgresError, driver.InterfaceError) as exc:
        raise DatabaseUnreachable(_why_unreachable(driver, exc), _safe(exc)) from None


async def _target_tables(conn: Any) -> dict[str, tuple[Column, ...]]:
    rows = await conn.fetch(
        "SELECT c.table_name, c.column_name, c.udt_name FROM information_schema.columns c "
        "JOIN information_schema.tables t ON t.table_schema = c.table_schema "
        "AND t.table_name = c.table_name AND t.table_type = 'BASE TABLE' "
        "WHERE c.table_schema = current_schema() ORDER BY c.table_name, c.ordinal_position")
    found: dict[str, list[Column]] = {}
    for row in rows:
        found.setdefault(str(row[0]), []).append(Column(str(row[1]), str(row[2])))
    return {name: tuple(columns) for name, columns in found.items()}


async def _tables_with_rows(conn: Any, *, skip: Iterable[str] = ()) -> list[str]:
    skipped = set(skip)
    names = await conn.fetch(
        "SELECT tablename FROM pg_tables WHERE schemaname = current_schema() "
        "ORDER BY tablename")
    busy = []
    for (name,) in names:
        if name not in skipped and await conn.fetchval(
                f"SELECT EXISTS (SELECT 1 FROM {_ident(name)})"):
            busy.append(str(name))
    return busy


async def _dependency_order(conn: Any, names: Iterable[str]) -> list[str]:
    """The tables, each after every table its foreign keys point to."""
    wanted = set(names)
    graph: dict[str, set[str]] = {name: set() for name in wanted}
    for child, parent in await conn.fetch(
            "SELECT c.relname, p.relname FROM pg_constraint k "
            "JOIN pg_class c ON c.oid = k.conrelid JOIN pg_class p ON p.oid = k.confrelid "
            "JOIN pg_namespace n ON n.oid = c.relnamespace "
            "WHERE k.contype = 'f' AND n.nspname = current_schema()"):
        if child in wanted and parent in wanted and child != parent:
            graph[str(child)].add(str(parent))
    sorter = graphlib.TopologicalSorter(graph)
    sorter.prepare()
    order: list[str] = []
    while sorter.is_active():
        ready = sorted(sorter.get_ready())
        order.extend(ready)
        sorter.done(*ready)
    return order


async def _serial_columns(conn: Any, table: Table) -> list[tuple[str, str]]:
    found = []
    for column in table.columns:
        sequence = await conn.fetchval("SELECT pg_get_serial_sequence($1, $2)",
                                       _ident(table.name), column.name)
        if sequence:
            found.append((column.name, str(sequence)))
    return found


async def _migrate(dsn: str) -> None:
    """Give the (empty) target this coprod-bot's schema, through the ordinary migrations.
    A throwaway key: a data step on empty tables encrypts nothing, and anything it did
    make would be found by the emptiness check that follows, under the write lock."""
    target = PostgresStorage(dsn, FieldCipher(generate_key()), pool_size=1)
    await target.open()
    try:
        await target.migrate()
    finally:
        await target.close()


# ---- the copy ---------------------------------------------------------------------------

Progress = Callable[[TableCopied], None]


async def copy_to_postgres(source: str, target: str, *,
                           progress: Progress | None = None) -> CopyReport:
    """Copy the SQLite database at `source` into the empty PostgreSQL database at the
    URL `target`, check every table, and commit only if all of it matches.

    Raises a `CopyError` (nothing kept in PostgreSQL), `DatabaseUnreachable` or
    `NewerDatabaseError` (the target was made by a newer coprod-bot)."""
    driver = _driver()
    try:
        return await _copy(source, target, progress)
    except (driver.PostgresError, driver.InterfaceError) as exc:
        raise CopyError(f"PostgreSQL: {_safe(exc)}") from None
    except sqlite3.Error as exc:
        raise SourceUnusable("unreadable", str(exc)) from None
    except OSError as exc:
        raise CopyError(f"the connection was lost ({exc.strerror or exc})") from None


async def _copy(source: str, target: str, progress: Progress | None) -> CopyReport:
    started = time.monotonic()
    async with SqliteSnapshot.opened(source) as snapshot:
        applied = await snapshot.applied()
        if applied != set(KNOWN_VERSIONS):
            raise SchemaVersionDiffers(sorted(KNOWN_VERSIONS - applied),
                                       sorted(applied - KNOWN_VERSIONS))
        source_tables = await snapshot.tables()
        conn = await _connect(target)
        try:
            busy = await _tables_with_rows(conn, skip=(SCHEMA_TABLE,))
            if busy:
                raise TargetNotEmpty(busy)
            await _newer_target(conn)
            had_schema, before = await _schema_and_tables(conn)
            await _migrate(target)
            try:
                return await _fill(conn, snapshot, source_tables, progress, started)
            except Exception:
                if not had_schema:
                    # Best effort: with PostgreSQL gone, the first error is what to say.
                    with contextlib.suppress(Exception):
                        await _drop_made(target, before)
                raise
        finally:
            await conn.close()


async def _fill(conn: Any, snapshot: SqliteSnapshot,
                source_tables: dict[str, tuple[list[str], list[str]]],
                progress: Progress | None, started: float) -> CopyReport:
    """Copy every table into the migrated target, in one transaction, and check it."""
    applied = await snapshot.applied()
    tables = _match(source_tables, await _target_tables(conn))
    order = await _dependency_order(conn, tables)
    done: list[TableCopied] = []
    sequences: list[tuple[str, int]] = []
    used = await snapshot.sequences()
    async with conn.transaction():
        await conn.execute("SELECT pg_advisory_xact_lock($1)", WRITE_LOCK)
        busy = await _tables_with_rows(conn, skip=(SCHEMA_TABLE,))
        if busy:
            raise TargetNotEmpty(busy)
        await conn.execute(f"DELETE FROM {SCHEMA_TABLE}")
        for name in order:
            copied = await _copy_table(conn, snapshot, tables[name])
            done.append(copied)
            if progress is not None:
                progress(copied)
            for column, sequence in await _serial_columns(conn, tables[name]):
                sequences.append((name, await _set_sequence(
                    conn, tables[name], column, sequence, used.get(name, 0))))
        if await snapshot.changed_since_start():
            raise SourceChanged()
    return CopyReport(tuple(done), max(applied), tuple(sequences),
                      time.monotonic() - started)


async def _schema_and_tables(conn: Any) -> tuple[bool, set[str]]:
    """Whether the target has a coprod schema already, and the tables it holds."""
    names = {str(r[0]) for r in await conn.fetch(
        "SELECT tablename FROM pg_tables WHERE schemaname = current_schema()")}
    return SCHEMA_TABLE in names, names


async def _drop_made(dsn: str, before: set[str]) -> None:
    """Drop the tables the migrations made in a target that had no coprod schema, so a
    refused copy leaves it as it was (their indexes and id sequences go with them)."""
    conn = await _connect(dsn)
    try:
        async with conn.transaction():
            await conn.execute("SELECT pg_advisory_xact_lock($1)", WRITE_LOCK)
            names = sorted((await _schema_and_tables(conn))[1] - before)
            if names:
                await conn.execute(f"DROP TABLE {', '.join(_ident(n) for n in names)}")
    finally:
        await conn.close()


async def _newer_target(conn: Any) -> None:
    if not await conn.fetchval(f"SELECT to_regclass('{SCHEMA_TABLE}') IS NOT NULL"):
        return
    applied = {int(r[0]) for r in await conn.fetch(f"SELECT version FROM {SCHEMA_TABLE}")}
    unknown = applied - KNOWN_VERSIONS
    if unknown:
        raise NewerDatabaseError(sorted(unknown), LATEST_VERSION)


def _match(source: dict[str, tuple[list[str], list[str]]],
           target: dict[str, tuple[Column, ...]]) -> dict[str, Table]:
    """The tables to copy, with the target's column types and the source's key; refuses
    a table or column that only one side has."""
    only_source = [t for t in source if t not in target]
    only_target = [t for t in target if t not in source]
    for name in set(source) & set(target):
        have = set(source[name][0])
        want = {c.name for c in target[name]}
        only_source += [f"{name}.{c}" for c in sorted(have - want)]
        only_target += [f"{name}.{c}" for c in sorted(want - have)]
    if only_source or only_target:
        raise SchemaDiffers(sorted(only_source), sorted(only_target))
    tables = {}
    for name, columns in target.items():
        unknown = [c for c in columns if c.type_name not in CONVERTERS]
        if unknown:
            raise ValueNotCopyable(name, unknown[0].name,
                                   f"its PostgreSQL type {unknown[0].type_name} is not one "
                                   "copy-to-postgres knows how to fill")
        keys = source[name][1] or [c.name for c in columns]
        tables[name] = Table(name, columns, tuple(keys))
    return tables


async def _copy_table(conn: Any, snapshot: SqliteSnapshot, table: Table) -> TableCopied:
    """Stream one table in with COPY, then read it back and compare."""
    driver = _driver()
    converters = [CONVERTERS[c.type_name] for c in table.columns]
    digest = hashlib.sha256()
    count = 0

    async def records() -> AsyncIterator[tuple[Any, ...]]:
        nonlocal count
        async for raw in snapshot.rows(table):
            try:
                row = tuple([None if value is None else convert(value)
                             for convert, value in zip(converters, raw, strict=True)])
            except (TypeError, ValueError):
                _explain_value(table, converters, raw)
                raise
            row_digest(digest, row)
            count += 1
            yield row

    try:
        await conn.copy_records_to_table(table.name, records=records(),
                                         columns=[c.name for c in table.columns])
    except driver.PostgresError as exc:
        raise ValueNotCopyable(table.name, "", _safe(exc)) from None
    back = hashlib.sha256()
    back_count = 0
    async for record in conn.cursor(table.target_query(), prefetch=BATCH_ROWS):
        row_digest(back, tuple(record))
        back_count += 1
    source_sum, target_sum = digest.hexdigest(), back.hexdigest()
    if count != back_count or source_sum != target_sum:
        raise VerifyFailed(table.name, count, back_count, source_sum, target_sum)
    return TableCopied(table.name, count, source_sum)


def _explain_value(table: Table, converters: Sequence[Convert], raw: Sequence[Any]) -> None:
    """Raise `ValueNotCopyable` naming the first value of `raw` that does not convert."""
    for column, convert, value in zip(table.columns, converters, raw, strict=True):
        try:
            None if value is None else convert(value)
        except (TypeError, ValueError) as exc:
            raise ValueNotCopyable(table.name, column.name, str(exc)) from None


async def _set_sequence(conn: Any, table: Table, column: str, sequence: str,
                        used: int) -> int:
    """Set an id sequence so its next value is past every id SQLite gave; that value."""
    highest = await conn.fetchval(
        f"SELECT max({_ident(column)}) FROM {_ident(table.name)}")
    last = max(int(highest or 0), used)
    if last > 0:
        await conn.execute("SELECT setval($1, $2, true)", sequence, last)
    else:
        await conn.execute("SELECT setval($1, 1, false)", sequence)
    return last + 1


__all__ = ["CopyError", "CopyReport", "SchemaDiffers", "SchemaVersionDiffers", "SourceChanged",
           "SourceUnusable", "TableCopied", "TargetNotEmpty", "ValueNotCopyable",
           "VerifyFailed", "copy_to_postgres"]
