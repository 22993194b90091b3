"""The SQLite side of `coprod backup` and `coprod restore`: a consistent, compact copy of
a database a running bot keeps writing, and the checks a copy must pass before it
replaces one.

Why it is built this way (docs/decisions/backups.md):
- The copy is made with `VACUUM INTO` from a separate read-only connection: one read
  transaction, so the copy is the database as one commit left it, while the bot (in
  WAL mode) keeps writing. It is rebuilt from the rows themselves, so it carries no
  free pages, no unused space inside pages and no write-ahead log: no more history than
  the live database, and less. The words stay the same ciphertext; no key is needed.
- The copy is in rollback-journal mode, a single self-contained file.
- Files are made readable by their owner only, written under a temporary name in the
  destination's folder, synced, and renamed into place, so a crash leaves either no
  copy or a whole one.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import logging
import os
import re
import shutil
import sqlite3
import tempfile
from collections.abc import Collection
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from storage.crypto import FieldCipher
from storage.crypto import generate_key
from storage.interface import StorageError
from storage.sqlite import SqliteStorage
from storage.sqlite_base import BUSY_TIMEOUT_MS

_CHUNK = 1 << 20


class CopyUnreadable(StorageError):
    """A file that should be a coprod database copy is not one SQLite can read whole."""


@dataclass(frozen=True)
class CopyFacts:
    """What a database copy holds, without opening any encrypted field: the migrations
    applied and the rows per table (table names and counts only)."""

    migrations: tuple[int, ...]
    tables: dict[str, int]

    @property
    def schema_version(self) -> int:
        """The highest migration applied (0 for an empty database)."""
        return max(self.migrations, default=0)

    @property
    def rows(self) -> int:
        """Rows in every table together."""
        return sum(self.tables.values())


def private_temp(folder: Path, stem: str) -> Path:
    """A new empty file in `folder`, readable by its owner only, with a name that says
    it is unfinished (`.STEM.partial-N`)."""
    for attempt in range(1000):
        path = folder / f".{stem}.partial-{os.getpid()}-{attempt}"
        try:
            os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
        except FileExistsError:
            continue
        return path
    raise OSError(f"cannot make a temporary file in {folder}")


def sync_file(path: Path) -> None:
    """Make sure a file's bytes are on disk."""
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def sync_folder(folder: Path) -> None:
    """Make sure a rename in `folder` is on disk (where the system allows it)."""
    with contextlib.suppress(OSError):
        sync_file(folder)


def _uri(path: Path, mode: str) -> str:
    return f"{path.resolve().as_uri()}?mode={mode}"


@contextlib.contextmanager
def _connect(path: Path, mode: str = "ro") -> Iterator[sqlite3.Connection]:
    try:
        db = sqlite3.connect(_uri(path, mode), uri=True, isolation_level=None,
                             timeout=BUSY_TIMEOUT_MS / 1000)
    except sqlite3.Error as exc:
        raise CopyUnreadable(str(exc)) from exc
    try:
        yield db
    finally:
        db.close()


def snapshot(source: Path, destination: Path) -> None:
    """Write a consistent, compact copy of the database `source` into `destination`
    (an empty file made beforehand, so it keeps its owner-only mode), then sync it.
    Safe while other processes write to `source`."""
    try:
        # Read-write, though it only reads: as the last connection to close (no bot
        # running), it removes the write-ahead log it opened, leaving the folder as it was.
        with _connect(source, "rw") as db:
            db.execute("VACUUM INTO ?", (str(destination),))
    except sqlite3.Error as exc:
        raise StorageError(f"SQLite: {exc}") from exc
    sync_file(destination)


def copy_and_hash(source: Path, destination: Path) -> str:
    """Copy a file's bytes into `destination` (existing, owner-only), sync it, and
    return the SHA-256 of exactly what was written."""
    digest = hashlib.sha256()
    with source.open("rb") as src, destination.open("wb") as dst:
        while chunk := src.read(_CHUNK):
            digest.update(chunk)
            dst.write(chunk)
        dst.flush()
        os.fsync(dst.fileno())
    return digest.hexdigest()


def sha256_of(path: Path) -> str:
    """The SHA-256 of a file, as hex."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def inspect_copy(path: Path) -> CopyFacts:
    """Check a copy whole (`PRAGMA integrity_check`) and say what it holds; raises
    `CopyUnreadable` if it is not a sound SQLite database."""
    try:
        with _connect(path) as db:
            result = [str(row[0]) for row in db.execute("PRAGMA integrity_check")]
            if result != ["ok"]:
                raise CopyUnreadable("; ".join(result[:3]))
            names = [str(row[0]) for row in db.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' "
                "AND name NOT LIKE 'sqlite_%' ORDER BY name")]
            tables = {name: int(db.execute(f'SELECT count(*) FROM "{name}"').fetchone()[0])
                      for name in names}
            migrations: tuple[int, ...] = ()
            if "schema_version" in tables:
                migrations = tuple(sorted(int(row[0]) for row in db.execute(
                    "SELECT version FROM schema_version")))
    except sqlite3.Error as exc:
        raise CopyUnreadable(str(exc)) from exc
    return CopyFacts(migrations, tables)


# Statistics SQLite's `ANALYZE` and `PRAGMA optimize` keep for the query planner: a live
# database may hold them and a freshly migrated one not; they change no row.
_STATISTICS = frozenset({"sqlite_stat1", "sqlite_stat2", "sqlite_stat3", "sqlite_stat4"})
_SQL_TOKENS = re.compile(r"""'(?:[^']|'')*'|"(?:[^"]|"")*"|`[^`]*`|\[[^\]]*\]|\s+|[^'"`\[\s]+|.""",
                         re.S)

SchemaObject = tuple[str, str, str, str]


_PLAIN_NAME = re.compile(r'^(?:"[A-Za-z_][A-Za-z0-9_]*"|`[A-Za-z_][A-Za-z0-9_]*`|'
                         r'\[[A-Za-z_][A-Za-z0-9_]*\])$')


def _normalised(sql: object) -> str:
    """SQL with each run of whitespace outside quotes made one space, a plain name's
    quotes dropped (SQLite quotes the names it rewrites, as in `ALTER TABLE ... RENAME`),
    and no final `;`."""
    if sql is None:
        return ""
    text = "".join(" " if token.isspace() else token[1:-1] if _PLAIN_NAME.match(token)
                   else token for token in _SQL_TOKENS.findall(str(sql)))
    return text.strip().rstrip(";").rstrip()


def schema_of(path: Path) -> tuple[SchemaObject, ...]:
    """Every table, index, trigger and view in the database at `path` as (type, name,
    table, normalised SQL), sorted; the planner's statistics tables left out."""
    try:
        with _connect(path) as db:
            rows = db.execute("SELECT type, name, tbl_name, sql FROM sqlite_master").fetchall()
    except sqlite3.Error as exc:
        raise CopyUnreadable(str(exc)) from exc
    return tuple(sorted(
        (str(kind), str(name), str(table), _normalised(sql)) for kind, name, table, sql in rows
        if not (kind == "table" and name in _STATISTICS)))


def schema_made_by(migrations: Collection[int]) -> tuple[SchemaObject, ...]:
    """The schema this coprod-bot's migrations make when exactly `migrations` are applied
    to an empty database (built in a temporary folder, then deleted)."""
    if not migrations:
        return ()
    folder = tempfile.mkdtemp(prefix="coprod-schema-")
    try:
        path = Path(folder) / "schema.db"
        asyncio.run(_migrate(path, migrations))
        return schema_of(path)
    finally:
        shutil.rmtree(folder, ignore_errors=True)


async def _migrate(path: Path, migrations: Collection[int]) -> None:
    storage = SqliteStorage(path, FieldCipher(generate_key()))
    quiet = logging.getLogger("storage")  # a scratch database: its migrations are no news
    level = quiet.level
    quiet.setLevel(logging.WARNING)
    try:
        await storage.open()
        await storage.migrate(only=frozenset(migrations))
    finally:
        await storage.close()
        quiet.setLevel(level)


def schema_differences(path: Path, migrations: Collection[int]) -> list[str]:
    """What in the schema of the copy at `path` this coprod-bot's migrations (the ones
    the copy records) would not have made: extra, changed or missing objects, each as
    "an extra trigger "NAME"" and so on. Empty when the schema is exactly theirs."""
    actual = schema_of(path)
    found = {(kind, name): entry for kind, name, *entry in actual}
    expected = {(kind, name): entry for kind, name, *entry in schema_made_by(migrations)}
    names = [(kind, name) for kind, name, *_ in actual]
    differences = [f'a second {_printable(kind)} "{_printable(name)}"'
                   for kind, name in sorted(set(names)) if names.count((kind, name)) > 1]
    for kind, name in sorted(found.keys() | expected.keys()):
        if (kind, name) not in expected:
            differences.append(f'an extra {_printable(kind)} "{_printable(name)}"')
        elif (kind, name) not in found:
            differences.append(f'no {kind} "{name}"')
        elif found[(kind, name)] != expected[(kind, name)]:
            differences.append(f'a changed {kind} "{name}"')
    return differences


def _printable(text: str) -> str:
    return "".join(c if c.isprintable() else "?" for c in text)[:60]


def in_use(path: Path) -> bool:
    """Whether another connection (a running bot, another `coprod` command) has the
    database open: it then holds a lock that an exclusive one cannot pass. Changes
    nothing the database holds (SQLite may fold a log left by a crash into the file)."""
    try:
        db = sqlite3.connect(_uri(path, "rw"), uri=True, isolation_level=None, timeout=0)
    except sqlite3.Error:
        return False
    try:
        db.execute("PRAGMA locking_mode = EXCLUSIVE")
        db.execute("BEGIN EXCLUSIVE")
        db.execute("ROLLBACK")
    except sqlite3.OperationalError as exc:
        return "locked" in str(exc) or "busy" in str(exc)
    except sqlite3.Error:
        return False
    finally:
        db.close()
    return False


def erasures_since(path: Path, since_micros: int) -> list[tuple[str, str]]:
    """The (member id, group id) of each erasure recorded in the database at `path`
    after `since_micros` (group '' meaning every group); none if it cannot be read."""
    try:
        with _connect(path) as db:
            rows = db.execute(
                "SELECT member_id, group_id FROM member_erasures WHERE erased_at > ? "
                "ORDER BY id", (since_micros,)).fetchall()
    except (sqlite3.Error, StorageError):
        return []
    seen: dict[tuple[str, str], None] = {}
    for member, group in rows:
        seen[(str(member), str(group))] = None
    return list(seen)


def running_as_root() -> bool:
    """Whether this process runs as root (which must then hand what it makes over)."""
    return os.name == "posix" and os.geteuid() == 0


def take_owner(path: Path, like: Path) -> None:
    """When running as root, give `path` the owner and group of `like`, so the service
    user (not root) can open what a root `coprod restore` put in place."""
    if running_as_root():
        found = like.stat()
        os.chown(path, found.st_uid, found.st_gid)


def keep_replaced(database: Path, stamp: str) -> Path:
    """Keep the database about to be replaced beside it, as `NAME.replaced-STAMP`, with
    its owner, readable by that owner only: a second name for the same file (instant,
    whatever its size), or a copy where the file system has no such names."""
    for attempt in range(100):
        kept = database.with_name(
            f"{database.name}.replaced-{stamp}{f'-{attempt}' if attempt else ''}")
        try:
            os.link(database, kept)
        except FileExistsError:
            continue
        except OSError:
            if kept.exists():
                continue
            partial = private_temp(database.parent, kept.name)
            try:
                copy_and_hash(database, partial)
                take_owner(partial, database)
                os.replace(partial, kept)
            except BaseException:
                with contextlib.suppress(OSError):
                    os.unlink(partial)
                raise
        os.chmod(kept, 0o600)
        return kept
    raise OSError(f"cannot find a free name for the replaced database beside {database}")


def remove_leftovers(database: Path) -> None:
    """Delete a database's write-ahead log and shared-memory file (only once nobody has
    it open), so a file put in its place never meets the old log."""
    for suffix in ("-wal", "-shm", "-journal"):
        with contextlib.suppress(FileNotFoundError):
            os.unlink(f"{database}{suffix}")


__all__ = ["CopyFacts", "CopyUnreadable", "SchemaObject", "copy_and_hash", "erasures_since",
           "in_use", "inspect_copy", "keep_replaced", "private_temp", "remove_leftovers",
           "running_as_root", "schema_differences", "schema_made_by", "schema_of",
           "sha256_of", "snapshot", "sync_file", "sync_folder", "take_owner"]
