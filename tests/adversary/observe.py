"""What an adversary holding the database sees at one moment, on either backend, in one
shape the flow tests can question.

A `Watcher` is pointed at the storage a real bot runs on. Each `look()` is one theft:

- SQLite: a byte copy of `coprod.db`, `-wal` and `-shm` (`forensics.take_copy`); the
  database after every commit the copy holds (`commit_states`, the WAL replayed commit by
  commit), every row of every table with every field the key opens decrypted; every
  Fernet token anywhere in the bytes (free pages, stale frames) decrypted too; the
  physical order of cells of the tables a flow names.
- PostgreSQL: every live row decrypted; every tuple on every heap page through
  `pageinspect`, dead versions included, with the tokens in dead ones decrypted; xmin
  and ctid of the live rows of the tables a flow names.

`places(needle)` then says everywhere a value (a member id, a name, a word) can be found:
in the plain bytes, or inside a decrypted field, and in which table, column and state.
"""

from __future__ import annotations

import contextlib
import re
import sqlite3
from collections.abc import Iterable
from collections.abc import Iterator
from collections.abc import Sequence
from dataclasses import dataclass
from dataclasses import field
from pathlib import Path
from typing import Any

from cryptography.fernet import Fernet
from cryptography.fernet import InvalidToken
from cryptography.fernet import MultiFernet

from storage.interface import Storage
from storage.sqlite import SqliteStorage
from tests.adversary.forensics import Cell
from tests.adversary.forensics import cell_layout
from tests.adversary.forensics import commit_states
from tests.adversary.forensics import decrypt_everything
from tests.adversary.forensics import frames
from tests.adversary.forensics import pg_decrypt_everything
from tests.adversary.forensics import pg_page_tuples
from tests.adversary.forensics import pg_system_columns
from tests.adversary.forensics import take_copy
from tests.adversary.forensics import token_timestamp
from tests.backends import CONNECT_TIMEOUT_SECONDS
from tests.backends import postgres_url

# A Fernet token as text: version byte 0x80 in URL-safe base64 starts "gAAAAA".
TOKEN = re.compile(rb"gAAAAA[A-Za-z0-9_\-]{60,}={0,2}")


@dataclass(frozen=True)
class Place:
    """Where a needle was found: `state` is the commit state (SQLite; -1 for the plain
    bytes or a dead PostgreSQL tuple), `decrypted` whether it was inside an encrypted
    field, `row` the row it was in (decrypted) when there is one."""

    where: str  # "bytes", "token" (a token found loose in the bytes), or a table name
    column: str
    state: int
    decrypted: bool
    row: dict[str, Any] | None = None


@dataclass
class Sight:
    """One moment's theft (see the module docstring)."""

    label: str
    backend: str
    # Per commit state (SQLite) or the live rows (PostgreSQL): table -> decrypted rows.
    states: list[dict[str, list[dict[str, Any]]]] = field(default_factory=list)
    # Every byte held: the three files (SQLite); every tuple's data, live and dead (PG).
    raw: bytes = b""
    # Plain texts of every token found loose in `raw` (SQLite) or in dead tuples (PG).
    loose: list[Any] = field(default_factory=list)
    # Dead tuples per table (PostgreSQL): how many old versions are still on the pages.
    dead: dict[str, int] = field(default_factory=dict)
    # Physical order of the named tables' rows: SQLite cells, PostgreSQL ctid.
    layout: dict[str, list[Cell]] = field(default_factory=dict)
    # PostgreSQL: table -> [(primary key, xmin)] of live rows, in ctid order.
    xmin: dict[str, list[tuple[tuple[Any, ...], int]]] = field(default_factory=dict)
    # The named tables' Fernet token time stamps (readable without the key), all states.
    stamps: dict[str, list[int]] = field(default_factory=dict)
    wal_frames: int = 0

    @property
    def last(self) -> dict[str, list[dict[str, Any]]]:
        """The newest state."""
        return self.states[-1]

    def places(self, needle: str) -> list[Place]:
        """Everywhere `needle` occurs, plain or decrypted."""
        found: list[Place] = []
        encoded = needle.encode("utf-8")
        if encoded in self.raw:
            found.append(Place("bytes", "", -1, False))
        for plain in self.loose:
            if needle in _text(plain):
                found.append(Place("token", "", -1, True,
                                   plain if isinstance(plain, dict) else None))
        for number, state in enumerate(self.states):
            for table, rows in state.items():
                for row in rows:
                    for column, value in row.items():
                        if needle in _text(value):
                            # Every field the project encrypts holds JSON: an object or
                            # a list once opened; plain columns hold text or numbers.
                            found.append(Place(table, column, number,
                                               isinstance(value, dict | list), row))
        return found


def _text(value: Any) -> str:
    if isinstance(value, bytes | bytearray | memoryview):
        return bytes(value).decode("utf-8", "replace")
    return str(value)


def _open_tokens(data: bytes, cipher: MultiFernet) -> list[Any]:
    import json

    out: list[Any] = []
    for match in TOKEN.finditer(data):
        try:
            plain = cipher.decrypt(match.group(0)).decode("utf-8")
        except (InvalidToken, UnicodeDecodeError, ValueError):
            continue
        try:
            out.append(json.loads(plain))
        except ValueError:
            out.append(plain)
    return out


class Watcher:
    """Takes `Sight`s of the database a storage uses."""

    def __init__(self, storage: Storage, key: str, ordered: Sequence[str] = ()) -> None:
        self.storage = storage
        self.key = key
        self.cipher = MultiFernet([Fernet(key)])
        self.ordered = tuple(ordered)
        self.backend = "sqlite" if isinstance(storage, SqliteStorage) else "postgres"
        self.sights: list[Sight] = []

    async def look(self, label: str) -> Sight:
        """One theft of everything, now."""
        if isinstance(self.storage, SqliteStorage):
            sight = self._sqlite(label, Path(self.storage.path))
        else:
            sight = await self._postgres(label)
        self.sights.append(sight)
        return sight

    # ---- SQLite ------------------------------------------------------------------------

    def _sqlite(self, label: str, path: Path) -> Sight:
        copy = take_copy(path)
        sight = Sight(label, "sqlite", raw=copy.main + copy.wal + copy.shm)
        sight.loose = _open_tokens(sight.raw, self.cipher)
        sight.wal_frames = len(frames(copy))
        states = commit_states(copy)
        try:
            for state in states:
                sight.states.append(decrypt_everything(state, [self.key]))
                for table in self.ordered:
                    with contextlib.suppress(sqlite3.Error):
                        for row in state.execute(f"SELECT * FROM {table}"):
                            sight.stamps.setdefault(table, []).extend(
                                stamp for stamp in map(token_timestamp, row)
                                if stamp is not None)
        finally:
            for state in states:
                state.close()
        for table in self.ordered:
            with contextlib.suppress(Exception):
                sight.layout[table] = cell_layout(copy, table)
        return sight

    # ---- PostgreSQL --------------------------------------------------------------------

    async def _postgres(self, label: str) -> Sight:
        import asyncpg

        schema = getattr(self.storage, "schema", None) or "public"
        dsn = str(getattr(self.storage, "_dsn", "") or postgres_url())
        conn = await asyncpg.connect(dsn, timeout=CONNECT_TIMEOUT_SECONDS,
                                     server_settings={"search_path": schema})
        try:
            sight = Sight(label, "postgres")
            sight.states.append(await pg_decrypt_everything(conn, schema, [self.key]))
            chunks: list[bytes] = []
            for table in sight.states[0]:
                for relation in await _with_toast(conn, table):
                    tuples = await pg_page_tuples(conn, relation)
                    assert tuples is not None, "pageinspect needs a superuser"
                    dead = [t for t in tuples if _dead(t)]
                    if dead:
                        sight.dead[relation] = len(dead)
                    for one in tuples:
                        if one["t_data"] is not None:
                            chunks.append(one["t_data"])
                    for one in dead:
                        if one["t_data"] is not None:
                            sight.loose.extend(_open_tokens(one["t_data"], self.cipher))
            sight.raw = b"\n".join(chunks)
            for table in self.ordered:
                if table not in sight.states[0]:
                    continue
                for record in await conn.fetch(f"SELECT * FROM {table}"):
                    sight.stamps.setdefault(table, []).extend(
                        stamp for stamp in map(token_timestamp, record.values())
                        if stamp is not None)
                rows = await pg_system_columns(conn, table)
                keys = await _primary_key(conn, table)
                sight.layout[table] = [
                    Cell(r["ctid"][0], r["ctid"][1], tuple(r["row"][k] for k in keys))
                    for r in rows]
                sight.xmin[table] = [(tuple(r["row"][k] for k in keys), r["xmin"])
                                     for r in rows]
            return sight
        finally:
            await conn.close()


# t_infomask bits: the xmax only locked the row, or is known not to have deleted it.
_XMAX_LOCK_ONLY = 0x0080
_XMAX_INVALID = 0x0800


def _dead(one: Any) -> bool:
    """An old version still on the page: deleted or replaced by a transaction (not merely
    locked by one, as INSERT ... ON CONFLICT DO UPDATE does to the new version)."""
    mask = one["t_infomask"] or 0
    return (one["lp_flags"] == 1 and bool(one["t_xmax"])
            and not mask & (_XMAX_LOCK_ONLY | _XMAX_INVALID))


async def _with_toast(conn: Any, table: str) -> list[str]:
    """The table and, if it has one, its TOAST table (where long values live)."""
    toast = await conn.fetchval(
        "SELECT CASE WHEN reltoastrelid = 0 THEN NULL ELSE reltoastrelid::regclass::text END "
        "FROM pg_class WHERE oid = $1::regclass", table)
    return [table] if toast is None else [table, str(toast)]


async def _primary_key(conn: Any, table: str) -> list[str]:
    rows = await conn.fetch(
        "SELECT a.attname FROM pg_index i JOIN pg_attribute a ON a.attrelid = i.indrelid "
        "AND a.attnum = ANY(i.indkey) WHERE i.indrelid = $1::regclass AND i.indisprimary "
        "ORDER BY array_position(i.indkey, a.attnum)", table)
    return [str(r["attname"]) for r in rows]


def rows_of(state: dict[str, list[dict[str, Any]]], table: str) -> list[dict[str, Any]]:
    """A table's rows in a state (none if the table does not exist there)."""
    return state.get(table, [])


def each_state(sights: Iterable[Sight]) -> Iterator[tuple[Sight, int,
                                                          dict[str, list[dict[str, Any]]]]]:
    """Every state of every sight, with where it came from."""
    for sight in sights:
        for number, state in enumerate(sight.states):
            yield sight, number, state


__all__ = ["TOKEN", "Place", "Sight", "Watcher", "each_state", "rows_of"]
