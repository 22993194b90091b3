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

import contextlib
import hashlib
import os
import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from storage.interface import StorageError
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
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


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


def remove_leftovers(database: Path) -> None:
    """Delete a database's write-ahead log and shared-memory file (only once nobody has
    it open), so a file put in its place never meets the old log."""
    for suffix in ("-wal", "-shm", "-journal"):
        with contextlib.suppress(FileNotFoundError):
            os.unlink(f"{database}{suffix}")


__all__ = ["CopyFacts", "CopyUnreadable", "copy_and_hash", "erasures_since", "in_use",
           "inspect_copy", "private_temp", "remove_leftovers", "sha256_of", "snapshot",
           "sync_file", "sync_folder"]
