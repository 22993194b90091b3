"""The adversary's toolkit: what someone holding the database files, their history and the
encryption key can read, for privacy attack tests.

Everything here reads the bytes itself (the SQLite write-ahead log, b-tree pages, Fernet
tokens) rather than trusting the storage code, because the question a privacy test asks
is what the files give away, not what the application chooses to show. On PostgreSQL the
system columns (xmin, xmax, ctid) and `pageinspect` play the same part: they show which
transaction wrote a row and the old versions of rows still on the heap pages.

See README.md beside this file for how a flow test uses these tools.
"""

from __future__ import annotations

import base64
import binascii
import contextlib
import itertools
import json
import math
import sqlite3
import statistics
import struct
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from typing import TypedDict

from cryptography.fernet import Fernet
from cryptography.fernet import InvalidToken
from cryptography.fernet import MultiFernet

__all__ = [
    "Cell",
    "DbCopy",
    "Frame",
    "PageTuple",
    "PgRowVersion",
    "WalHeader",
    "adjacent_arrivals",
    "cell_layout",
    "cell_order",
    "commit_images",
    "commit_states",
    "decrypt_everything",
    "decrypt_rows",
    "decrypt_value",
    "find_bytes",
    "frames",
    "is_token",
    "open_image",
    "page_versions",
    "pg_decrypt_everything",
    "pg_is_superuser",
    "pg_page_tuples",
    "pg_system_columns",
    "poisson_tail",
    "random_rho_threshold",
    "spearman",
    "take_copy",
    "token_timestamp",
    "wal_header",
]

WAL_MAGIC_LITTLE_ENDIAN = 0x377F0682
WAL_MAGIC_BIG_ENDIAN = 0x377F0683
WAL_FORMAT_VERSION = 3007000
WAL_HEADER_SIZE = 32
WAL_FRAME_HEADER_SIZE = 24
SQLITE_HEADER = b"SQLite format 3\x00"
DB_HEADER_SIZE = 100

_TABLE_INTERIOR = 0x05
_TABLE_LEAF = 0x0D
_INDEX_INTERIOR = 0x02
_INDEX_LEAF = 0x0A
_BTREE_TYPES = (_TABLE_INTERIOR, _TABLE_LEAF, _INDEX_INTERIOR, _INDEX_LEAF)


# ---- copies of the files ---------------------------------------------------------------


@dataclass(frozen=True)
class DbCopy:
    """The bytes of a SQLite database's three files at one moment, as a thief copying the
    folder would get them (a missing file is b"")."""

    main: bytes
    wal: bytes = b""
    shm: bytes = b""


def _read_or_empty(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except FileNotFoundError:
        return b""


def take_copy(db_path: Path) -> DbCopy:
    """The bytes of `db_path` and its `-wal` and `-shm` files right now, read as plain
    files (never opened through SQLite, which could checkpoint or recover them).

    The three reads are not one atomic snapshot: take copies while the flow under test is
    between steps, not while it writes.
    """
    db_path = Path(db_path)
    wal = _read_or_empty(Path(f"{db_path}-wal"))
    shm = _read_or_empty(Path(f"{db_path}-shm"))
    main = _read_or_empty(db_path)
    return DbCopy(main=main, wal=wal, shm=shm)


def find_bytes(copy: DbCopy, needle: bytes) -> list[str]:
    """Which of the files ("main", "wal", "shm") hold `needle` anywhere, in any page
    version, free page or stale frame."""
    if not needle:
        raise ValueError("an empty needle is found everywhere")
    return [name for name, data in (("main", copy.main), ("wal", copy.wal), ("shm", copy.shm))
            if needle in data]


# ---- the write-ahead log ---------------------------------------------------------------


@dataclass(frozen=True)
class WalHeader:
    """The 32-byte header of a WAL file (`valid` is False when the magic, version or
    checksum is wrong: SQLite then ignores every frame)."""

    big_endian: bool
    page_size: int
    checkpoint_sequence: int
    salt1: int
    salt2: int
    checksum: tuple[int, int]
    valid: bool


@dataclass(frozen=True)
class Frame:
    """One frame slot of the WAL.

    `commit` is True when the frame ends a transaction (its "database size after commit"
    field, `db_size`, is non-zero). `valid` is True when SQLite would honour the frame:
    its salts match the header and the running checksum holds for it and every frame
    before it. Frames after the first invalid one are stale (an older WAL generation, or
    a torn write) but their bytes are still in the file.
    """

    index: int
    offset: int
    page: int
    db_size: int
    commit: bool
    valid: bool
    data: bytes


def _checksum(data: bytes, big_endian: bool, seed: tuple[int, int]) -> tuple[int, int]:
    if len(data) % 8:
        raise ValueError("WAL checksums cover a multiple of 8 bytes")
    s0, s1 = seed
    words = struct.unpack(f"{'>' if big_endian else '<'}{len(data) // 4}I", data)
    mask = 0xFFFFFFFF
    for i in range(0, len(words), 2):
        s0 = (s0 + words[i] + s1) & mask
        s1 = (s1 + words[i + 1] + s0) & mask
    return s0, s1


def wal_header(copy: DbCopy) -> WalHeader | None:
    """The WAL header, or None when there is no WAL (or it is shorter than a header)."""
    wal = copy.wal
    if len(wal) < WAL_HEADER_SIZE:
        return None
    magic, version, page_size, sequence, salt1, salt2, c1, c2 = struct.unpack(
        ">8I", wal[:WAL_HEADER_SIZE])
    big_endian = magic == WAL_MAGIC_BIG_ENDIAN
    valid = (magic in (WAL_MAGIC_LITTLE_ENDIAN, WAL_MAGIC_BIG_ENDIAN)
             and version == WAL_FORMAT_VERSION
             and page_size >= 512 and page_size & (page_size - 1) == 0
             and _checksum(wal[:24], big_endian, (0, 0)) == (c1, c2))
    return WalHeader(big_endian, page_size, sequence, salt1, salt2, (c1, c2), valid)


def frames(copy: DbCopy) -> list[Frame]:
    """Every frame slot in the WAL, in file order, each marked valid or stale.

    Parsing follows SQLite's recovery: frames are honoured from the start while their
    salts equal the header's and the cumulative checksum (seeded by the header's) matches;
    the first frame that fails ends the honoured chain. Frames honoured but after the last
    commit frame belong to a transaction that never committed (`commit_states` drops
    them).
    """
    header = wal_header(copy)
    if header is None:
        return []
    size = header.page_size
    step = WAL_FRAME_HEADER_SIZE + size
    wal = copy.wal
    found: list[Frame] = []
    chain_ok = header.valid
    running = header.checksum
    offset = WAL_HEADER_SIZE
    index = 0
    while offset + step <= len(wal):
        fh = wal[offset:offset + WAL_FRAME_HEADER_SIZE]
        page, db_size, salt1, salt2, c1, c2 = struct.unpack(">6I", fh)
        data = wal[offset + WAL_FRAME_HEADER_SIZE:offset + step]
        if chain_ok:
            if page == 0 or (salt1, salt2) != (header.salt1, header.salt2):
                chain_ok = False
            else:
                running = _checksum(fh[:8], header.big_endian, running)
                running = _checksum(data, header.big_endian, running)
                chain_ok = running == (c1, c2)
        found.append(Frame(index, offset, page, db_size, db_size != 0, chain_ok, data))
        offset += step
        index += 1
    return found


def _page_size_of_main(main: bytes) -> int | None:
    if len(main) < DB_HEADER_SIZE or not main.startswith(SQLITE_HEADER):
        return None
    raw = struct.unpack(">H", main[16:18])[0]
    return 65536 if raw == 1 else raw


def _split_pages(data: bytes, page_size: int) -> list[bytes]:
    return [data[i:i + page_size] for i in range(0, len(data), page_size)]


def _without_wal_flag(image: bytes) -> bytes:
    # Bytes 18 and 19 of the header say "WAL mode" (2); set to legacy (1) so SQLite reads
    # the image as a whole database and never looks for a WAL beside it.
    if len(image) >= DB_HEADER_SIZE and image.startswith(SQLITE_HEADER):
        return image[:18] + b"\x01\x01" + image[20:]
    return image


def commit_images(copy: DbCopy) -> list[bytes]:
    """The database file's bytes after each commit: [main file alone, after commit 1, ...].

    Each image is the main file with the honoured WAL frames up to that commit written
    over it, sized to the commit's "database size" (in pages), and marked as a legacy
    (non-WAL) database so it opens on its own.
    """
    images = [_without_wal_flag(copy.main)]
    header = wal_header(copy)
    if header is None or not header.valid:
        return images
    page_size = header.page_size
    main_size = _page_size_of_main(copy.main)
    if main_size is not None and main_size != page_size:
        raise ValueError(f"the WAL's page size ({page_size}) is not the database's "
                         f"({main_size})")
    pages = _split_pages(copy.main, page_size)
    pending: dict[int, bytes] = {}
    for frame in frames(copy):
        if not frame.valid:
            break
        pending[frame.page] = frame.data
        if not frame.commit:
            continue
        for number, data in pending.items():
            while len(pages) < number:
                pages.append(bytes(page_size))
            pages[number - 1] = data
        pending.clear()
        del pages[frame.db_size:]
        while len(pages) < frame.db_size:
            pages.append(bytes(page_size))
        images.append(_without_wal_flag(b"".join(pages)))
    return images


def open_image(image: bytes) -> sqlite3.Connection:
    """A read-only in-memory SQLite connection on a database image (bytes)."""
    conn = sqlite3.connect(":memory:")
    if image:
        conn.deserialize(_without_wal_flag(image))
    conn.execute("PRAGMA query_only = ON")
    return conn


def commit_states(copy: DbCopy) -> list[sqlite3.Connection]:
    """The database as it was after each commit the copy holds, each a read-only
    in-memory connection: state 0 is the main file alone, state k the main file with the
    WAL replayed up to its k-th commit. The caller closes them."""
    return [open_image(image) for image in commit_images(copy)]


def page_versions(copy: DbCopy) -> dict[int, list[bytes]]:
    """Every version of every page the files hold: the main file's page first (when it
    has one), then each WAL frame for that page in file order, stale frames included
    (SQLite ignores them, an adversary does not)."""
    header = wal_header(copy)
    page_size = _page_size_of_main(copy.main) or (header.page_size if header else None)
    versions: dict[int, list[bytes]] = {}
    if page_size is None:
        return versions
    for number, data in enumerate(_split_pages(copy.main, page_size), start=1):
        versions.setdefault(number, []).append(data)
    for frame in frames(copy):
        if frame.page:
            versions.setdefault(frame.page, []).append(frame.data)
    return versions


# ---- b-tree pages: physical order of cells ---------------------------------------------


@dataclass(frozen=True)
class Cell:
    """One b-tree cell: on which page, at what content offset, and its key (a rowid
    table's (rowid,); an index's or WITHOUT ROWID table's record values)."""

    page: int
    offset: int
    key: tuple[object, ...]


class _Image:
    """A database image read page by page, with the header facts b-tree parsing needs."""

    def __init__(self, data: bytes) -> None:
        page_size = _page_size_of_main(data)
        if page_size is None:
            raise ValueError("not a SQLite database image")
        self.data = data
        self.page_size = page_size
        self.usable = page_size - data[20]
        self.encoding = {1: "utf-8", 2: "utf-16-le", 3: "utf-16-be"}.get(
            struct.unpack(">I", data[56:60])[0], "utf-8")

    def page(self, number: int) -> bytes:
        start = (number - 1) * self.page_size
        if number < 1 or start + self.page_size > len(self.data):
            raise ValueError(f"page {number} is outside the image")
        return self.data[start:start + self.page_size]

    def payload(self, page: bytes, start: int, total: int, index: bool) -> tuple[bytes, int]:
        """The full payload of a cell whose payload starts at `start` (following overflow
        pages), and where the local part ends."""
        usable = self.usable
        most = usable - 35 if not index else ((usable - 12) * 64 // 255) - 23
        least = ((usable - 12) * 32 // 255) - 23
        if total <= most:
            return page[start:start + total], start + total
        local = least + (total - least) % (usable - 4)
        if local > most:
            local = least
        parts = [page[start:start + local]]
        remaining = total - local
        (overflow,) = struct.unpack(">I", page[start + local:start + local + 4])
        seen: set[int] = set()
        while remaining > 0 and overflow and overflow not in seen:
            seen.add(overflow)
            data = self.page(overflow)
            chunk = data[4:4 + min(remaining, usable - 4)]
            parts.append(chunk)
            remaining -= len(chunk)
            (overflow,) = struct.unpack(">I", data[:4])
        return b"".join(parts), start + local + 4


def _varint(buf: bytes, pos: int) -> tuple[int, int]:
    value = 0
    for i in range(8):
        byte = buf[pos + i]
        value = (value << 7) | (byte & 0x7F)
        if byte < 0x80:
            return value, pos + i + 1
    value = (value << 8) | buf[pos + 8]
    return value, pos + 9


def _signed64(value: int) -> int:
    return value - (1 << 64) if value >= 1 << 63 else value


def _record(payload: bytes, encoding: str) -> tuple[object, ...]:
    header_size, pos = _varint(payload, 0)
    types: list[int] = []
    while pos < header_size:
        serial, pos = _varint(payload, pos)
        types.append(serial)
    body = header_size
    values: list[object] = []
    for serial in types:
        if serial == 0:
            values.append(None)
        elif 1 <= serial <= 6:
            width = (0, 1, 2, 3, 4, 6, 8)[serial]
            values.append(int.from_bytes(payload[body:body + width], "big", signed=True))
            body += width
        elif serial == 7:
            values.append(struct.unpack(">d", payload[body:body + 8])[0])
            body += 8
        elif serial in (8, 9):
            values.append(serial - 8)
        elif serial >= 12:
            length = (serial - 12) // 2 if serial % 2 == 0 else (serial - 13) // 2
            raw = payload[body:body + length]
            values.append(raw if serial % 2 == 0 else raw.decode(encoding, errors="replace"))
            body += length
        else:
            raise ValueError(f"reserved serial type {serial} in a record")
    return tuple(values)


def _page_header_start(number: int) -> int:
    return DB_HEADER_SIZE if number == 1 else 0


def _cell_offsets(page: bytes, number: int) -> tuple[int, list[int], int | None]:
    start = _page_header_start(number)
    kind = page[start]
    if kind not in _BTREE_TYPES:
        raise ValueError(f"page {number} is not a b-tree page (type {kind})")
    (count,) = struct.unpack(">H", page[start + 3:start + 5])
    interior = kind in (_TABLE_INTERIOR, _INDEX_INTERIOR)
    right = struct.unpack(">I", page[start + 8:start + 12])[0] if interior else None
    pointers = start + (12 if interior else 8)
    offsets = [struct.unpack(">H", page[pointers + 2 * i:pointers + 2 * i + 2])[0]
               for i in range(count)]
    return kind, offsets, right


def _btree_pages(image: _Image, root: int) -> list[int]:
    found: list[int] = []
    seen: set[int] = set()
    stack = [root]
    while stack:
        number = stack.pop()
        if number in seen:
            continue
        seen.add(number)
        found.append(number)
        page = image.page(number)
        kind, offsets, right = _cell_offsets(page, number)
        if kind in (_TABLE_INTERIOR, _INDEX_INTERIOR):
            stack.extend(struct.unpack(">I", page[off:off + 4])[0] for off in offsets)
            if right:
                stack.append(right)
    return found


def _page_cells(image: _Image, number: int, key_columns: int | None) -> list[Cell]:
    page = image.page(number)
    kind, offsets, _ = _cell_offsets(page, number)
    cells: list[Cell] = []
    for offset in offsets:
        if kind == _TABLE_INTERIOR:
            continue  # only a divider key, not a row
        if kind == _TABLE_LEAF:
            _, pos = _varint(page, offset)
            rowid, _ = _varint(page, pos)
            cells.append(Cell(number, offset, (_signed64(rowid),)))
            continue
        pos = offset + 4 if kind == _INDEX_INTERIOR else offset
        total, pos = _varint(page, pos)
        payload, _ = image.payload(page, pos, total, index=True)
        values = _record(payload, image.encoding)
        cells.append(Cell(number, offset,
                          values if key_columns is None else values[:key_columns]))
    return cells


def _image_of(source: sqlite3.Connection | bytes | DbCopy) -> bytes:
    if isinstance(source, DbCopy):
        return commit_images(source)[-1]
    if isinstance(source, bytes | bytearray | memoryview):
        return bytes(source)
    return source.serialize()


def _btree_of(conn: sqlite3.Connection, name: str) -> tuple[int, str, int | None]:
    """(root page, "table"/"index", how many leading record values form the key)."""
    row = conn.execute("SELECT type, rootpage, tbl_name FROM sqlite_master "
                       "WHERE name = ? AND type IN ('table', 'index')", (name,)).fetchone()
    if row is None:
        raise ValueError(f"no table or index named {name!r}")
    kind, root, _ = row
    if kind == "index":
        return int(root), "index", None
    pk = conn.execute("SELECT count(*) FROM pragma_table_info(?) WHERE pk > 0",
                      (name,)).fetchone()[0]
    return int(root), "table", int(pk) or None


def cell_layout(source: sqlite3.Connection | bytes | DbCopy, table: str) -> list[Cell]:
    """Every row (or index entry) of `table` (a table or index name) with the page and
    content offset of its cell, in physical order: pages in file order, and within a page
    from the highest content offset to the lowest.

    SQLite fills a fresh page's content area from the end towards the start, so within a
    page that has not been rebuilt the highest offset was written first: this order is
    arrival order as the file keeps it. `source` is a connection (its serialized image),
    a database image, or a DbCopy (its last committed state).
    """
    data = _image_of(source)
    image = _Image(data)
    with contextlib.closing(open_image(data)) as conn:
        root, _, key_columns = _btree_of(conn, table)
    cells: list[Cell] = []
    for number in sorted(_btree_pages(image, root)):
        page_cells = _page_cells(image, number, key_columns)
        cells.extend(sorted(page_cells, key=lambda cell: -cell.offset))
    return cells


def cell_order(source: sqlite3.Connection | bytes | DbCopy, table: str
               ) -> list[tuple[object, ...]]:
    """The keys of `table`'s rows (rowid tables: (rowid,); WITHOUT ROWID tables: the
    primary key columns; an index: its record) in the physical order of their cells (see
    `cell_layout`): what an adversary reads as arrival order when keys are random."""
    return [cell.key for cell in cell_layout(source, table)]


# ---- field encryption ------------------------------------------------------------------

_FERNET_VERSION = 0x80
_FERNET_MIN_BYTES = 1 + 8 + 16 + 16 + 32  # version, time, IV, one AES block, HMAC


def _token_bytes(value: object) -> bytes | None:
    if isinstance(value, str):
        try:
            raw = value.encode("ascii")
        except UnicodeEncodeError:
            return None
    elif isinstance(value, bytes | bytearray | memoryview):
        raw = bytes(value)
    else:
        return None
    try:
        decoded = base64.urlsafe_b64decode(raw)
    except (binascii.Error, ValueError):
        return None
    if len(decoded) < _FERNET_MIN_BYTES or decoded[0] != _FERNET_VERSION:
        return None
    return raw


def is_token(value: object) -> bool:
    """Whether a stored value has the shape of the project's field encryption (a Fernet
    token as `storage.crypto.FieldCipher` stores it, URL-safe base64 text, no prefix)."""
    return _token_bytes(value) is not None


def token_timestamp(value: object) -> int | None:
    """The creation time (Unix seconds) a Fernet token carries in the clear, readable
    without any key; None for a value that is not a token."""
    raw = _token_bytes(value)
    if raw is None:
        return None
    return int(struct.unpack(">Q", base64.urlsafe_b64decode(raw)[1:9])[0])


def _cipher(keys: Sequence[str | bytes] | str | bytes | MultiFernet) -> MultiFernet:
    if isinstance(keys, MultiFernet):
        return keys
    if isinstance(keys, str | bytes):
        text = keys.decode("ascii") if isinstance(keys, bytes) else keys
        found: list[str | bytes] = [k.strip() for k in text.split(",") if k.strip()]
    else:
        found = list(keys)
    if not found:
        raise ValueError("no key given")
    return MultiFernet([Fernet(key) for key in found])


def decrypt_value(value: object, keys: Sequence[str | bytes] | str | bytes | MultiFernet
                  ) -> object:
    """`value` decrypted if it is a token one of `keys` opens, then JSON-decoded where the
    plain text parses as JSON; anything else is returned unchanged."""
    raw = _token_bytes(value)
    if raw is None:
        return value
    try:
        plain = _cipher(keys).decrypt(raw).decode("utf-8")
    except (InvalidToken, UnicodeDecodeError):
        return value
    try:
        decoded: object = json.loads(plain)
    except ValueError:
        return plain
    return decoded


def decrypt_rows(rows: Sequence[dict[str, object]],
                 keys: Sequence[str | bytes] | str | bytes | MultiFernet
                 ) -> list[dict[str, object]]:
    """Rows with every token value decrypted (see `decrypt_value`)."""
    cipher = _cipher(keys)
    return [{column: decrypt_value(value, cipher) for column, value in row.items()}
            for row in rows]


def _user_tables(conn: sqlite3.Connection) -> list[str]:
    return [str(row[0]) for row in conn.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' "
        "ORDER BY name")]


def _quote(name: str) -> str:
    return ".".join('"' + part.replace('"', '""') + '"' for part in name.split("."))


def decrypt_everything(conn: sqlite3.Connection,
                       keys: Sequence[str | bytes] | str | bytes | MultiFernet
                       ) -> dict[str, list[dict[str, object]]]:
    """Every row of every user table (table -> rows as column -> value), with every value
    that is a token of the project's field encryption opened by whichever of `keys` opens
    it and JSON-decoded where it parses. Values that are not tokens, or that no key opens,
    stay as stored."""
    cipher = _cipher(keys)
    everything: dict[str, list[dict[str, object]]] = {}
    for table in _user_tables(conn):
        cursor = conn.execute(f"SELECT * FROM {_quote(table)}")
        columns = [d[0] for d in cursor.description]
        rows = [dict(zip(columns, row, strict=True)) for row in cursor.fetchall()]
        everything[table] = decrypt_rows(rows, cipher)
    return everything


# ---- PostgreSQL ------------------------------------------------------------------------


class PgRowVersion(TypedDict):
    """A live row with its system columns (`pg_system_columns`)."""

    xmin: int
    xmax: int
    ctid: tuple[int, int]
    row: dict[str, Any]


class PageTuple(TypedDict):
    """One line pointer of a heap page and the tuple it holds, live or dead
    (`pg_page_tuples`). `t_attrs` are the raw attribute bytes (varlena headers kept)."""

    block: int
    lp: int
    lp_flags: int
    t_xmin: int | None
    t_xmax: int | None
    t_ctid: tuple[int, int] | None
    t_infomask: int | None
    t_data: bytes | None
    t_attrs: list[bytes | None] | None


def _parse_tid(text: str) -> tuple[int, int]:
    block, offset = text.strip("()").split(",")
    return int(block), int(offset)


async def pg_system_columns(conn: Any, table: str) -> list[PgRowVersion]:
    """Every live row of `table` (resolved on the connection's search_path, or
    "schema.table") with its system columns: {"xmin": int, "xmax": int,
    "ctid": (block, offset), "row": {column: value}}, in physical (ctid) order.

    xmin is the id of the transaction that wrote the row version: rows written in one
    transaction share it, and its order is the order transactions began.
    """
    rows = await conn.fetch(
        f"SELECT xmin::text AS forensic_xmin, xmax::text AS forensic_xmax, "
        f"ctid::text AS forensic_ctid, t.* FROM {_quote(table)} t ORDER BY ctid")
    found: list[PgRowVersion] = []
    for row in rows:
        values = dict(row)
        found.append({
            "xmin": int(values.pop("forensic_xmin")),
            "xmax": int(values.pop("forensic_xmax")),
            "ctid": _parse_tid(str(values.pop("forensic_ctid"))),
            "row": values,
        })
    return found


async def pg_is_superuser(conn: Any) -> bool:
    """Whether the connection's role is a superuser (needed for `pageinspect`)."""
    return bool(await conn.fetchval(
        "SELECT rolsuper FROM pg_roles WHERE rolname = current_user"))


async def _pageinspect_schema(conn: Any) -> str:
    schema = await conn.fetchval(
        "SELECT n.nspname FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace"
        " WHERE e.extname = 'pageinspect'")
    if schema is None:
        # In `public`, not the test's own schema: dropping a test schema must not drop
        # the extension from under another test. Two tests may race to create it.
        with contextlib.suppress(Exception):
            await conn.execute("CREATE EXTENSION IF NOT EXISTS pageinspect SCHEMA public")
        schema = await conn.fetchval(
            "SELECT n.nspname FROM pg_extension e JOIN pg_namespace n "
            "ON n.oid = e.extnamespace WHERE e.extname = 'pageinspect'")
    if schema is None:
        raise RuntimeError("the pageinspect extension could not be created")
    return str(schema)


async def pg_page_tuples(conn: Any, table: str) -> list[PageTuple] | None:
    """Every tuple on every heap page of `table`, dead ones included, read with the
    `pageinspect` extension: {"block", "lp", "lp_flags", "t_xmin", "t_xmax",
    "t_ctid": (block, offset), "t_infomask", "t_data": bytes | None,
    "t_attrs": list[bytes | None] | None}.

    An old row version (updated or deleted, not yet vacuumed) stays here with its bytes
    and its t_xmax set. Values TOASTed out of line (long or compressed text) are not in
    t_data. Returns None when the role is not a superuser (pageinspect needs one); the
    local test server's `postgres` role is.
    """
    if not await pg_is_superuser(conn):
        return None
    extension = _quote(await _pageinspect_schema(conn))
    qualified = await conn.fetchval(
        "SELECT quote_ident(n.nspname) || '.' || quote_ident(c.relname) FROM pg_class c "
        "JOIN pg_namespace n ON n.oid = c.relnamespace WHERE c.oid = $1::regclass", table)
    found: list[PageTuple] = []
    # pageinspect's own SQL calls its functions unqualified: put its schema on the path.
    async with conn.transaction():
        await conn.execute(f"SET LOCAL search_path = {extension}, pg_catalog")
        blocks = await conn.fetchval(
            "SELECT pg_relation_size($1::regclass) / current_setting('block_size')::int",
            qualified)
        for block in range(int(blocks)):
            rows = await conn.fetch(
                "SELECT i.lp, i.lp_flags, i.t_xmin::text AS t_xmin, i.t_xmax::text AS t_xmax,"
                " i.t_ctid::text AS t_ctid, i.t_infomask, i.t_data, a.t_attrs "
                "FROM heap_page_items(get_raw_page($1, $2)) i "
                "LEFT JOIN heap_page_item_attrs(get_raw_page($1, $2), $1::regclass, false) a"
                " ON a.lp = i.lp ORDER BY i.lp", qualified, block)
            for row in rows:
                attrs = row["t_attrs"]
                found.append({
                    "block": block,
                    "lp": int(row["lp"]),
                    "lp_flags": int(row["lp_flags"]),
                    "t_xmin": None if row["t_xmin"] is None else int(row["t_xmin"]),
                    "t_xmax": None if row["t_xmax"] is None else int(row["t_xmax"]),
                    "t_ctid": None if row["t_ctid"] is None else _parse_tid(row["t_ctid"]),
                    "t_infomask": row["t_infomask"],
                    "t_data": None if row["t_data"] is None else bytes(row["t_data"]),
                    "t_attrs": None if attrs is None
                    else [None if a is None else bytes(a) for a in attrs],
                })
    return found


async def pg_decrypt_everything(conn: Any, schema: str,
                                keys: Sequence[str | bytes] | str | bytes | MultiFernet
                                ) -> dict[str, list[dict[str, object]]]:
    """`decrypt_everything` for a PostgreSQL schema: every row of every table in it."""
    cipher = _cipher(keys)
    tables = await conn.fetch("SELECT tablename FROM pg_tables WHERE schemaname = $1 "
                              "ORDER BY tablename", schema)
    everything: dict[str, list[dict[str, object]]] = {}
    for record in tables:
        name = str(record["tablename"])
        rows = await conn.fetch(f"SELECT * FROM {_quote(schema)}.{_quote(name)}")
        everything[name] = decrypt_rows([dict(row) for row in rows], cipher)
    return everything


# ---- statistics ------------------------------------------------------------------------


def _ranks(values: Sequence[Any]) -> list[float]:
    order = sorted(range(len(values)), key=lambda i: values[i])
    ranks = [0.0] * len(values)
    i = 0
    while i < len(order):
        j = i
        while j + 1 < len(order) and values[order[j + 1]] == values[order[i]]:
            j += 1
        for k in range(i, j + 1):
            ranks[order[k]] = (i + j) / 2 + 1
        i = j + 1
    return ranks


def spearman(a: Sequence[Any], b: Sequence[Any]) -> float:
    """Spearman's rank correlation of two equally long sequences (ties get average
    ranks): near 1 when `b` follows `a`'s order, near 0 when unrelated."""
    if len(a) != len(b):
        raise ValueError("spearman needs two sequences of the same length")
    if len(a) < 2:
        raise ValueError("spearman needs at least two values")
    ra, rb = _ranks(a), _ranks(b)
    ma, mb = statistics.fmean(ra), statistics.fmean(rb)
    cov = sum((x - ma) * (y - mb) for x, y in zip(ra, rb, strict=True))
    va = sum((x - ma) ** 2 for x in ra)
    vb = sum((y - mb) ** 2 for y in rb)
    if va == 0 or vb == 0:
        return 0.0
    return cov / math.sqrt(va * vb)


def random_rho_threshold(n: int, false_alarm: float = 1e-6) -> float:
    """The |rho| that a truly random order of `n` items exceeds with probability at most
    about `false_alarm` (two-sided; rho * sqrt(n - 1) is close to standard normal under
    independence). A test asserting "physical order does not follow arrival order" checks
    abs(spearman(...)) < this. Use n >= 100 so the normal approximation holds and a
    partial leak is still caught (n=200: about 0.35; n=500: about 0.22)."""
    if n < 30:
        raise ValueError("use at least 30 items (100 or more is better) for an order test")
    z = statistics.NormalDist().inv_cdf(1 - false_alarm / 2)
    return min(1.0, z / math.sqrt(n - 1))



def adjacent_arrivals(layout: Sequence[Cell], arrival: Sequence[tuple[object, ...]]
                      ) -> tuple[int, float]:
    """How many physically neighbouring cells (same page, next in `cell_layout` order)
    hold rows that arrived one right after the other, and how many that would be on
    average if arrival order left no trace: (observed, expected).

    Spearman over the whole table misses what survives page splits: SQLite rebuilds
    pages in key order and reuses freed slots, but rows written one after another often
    still sit side by side. `poisson_tail(observed, expected)` says how surprising the
    count is. `arrival` lists the keys (as `cell_order` gives them) in arrival order;
    cells whose key is not in it are ignored.
    """
    rank = {key: n for n, key in enumerate(arrival)}
    placed = [cell for cell in layout if cell.key in rank]
    observed = 0
    pairs = 0
    for first, second in itertools.pairwise(placed):
        if first.page != second.page:
            continue
        pairs += 1
        if abs(rank[first.key] - rank[second.key]) == 1:
            observed += 1
    expected = 2 * pairs / len(rank) if rank else 0.0
    return observed, expected


def poisson_tail(observed: int, expected: float) -> float:
    """P(X >= observed) for X ~ Poisson(expected): the chance of seeing at least this
    many adjacent arrivals if arrival order left no trace. A leak test asserts it is
    tiny (say < 1e-6); a "no leak" test asserts it is not."""
    if observed <= 0:
        return 1.0
    term = math.exp(-expected)
    below = 0.0
    for k in range(observed):
        below += term
        term *= expected / (k + 1)
    return max(0.0, 1.0 - below)
