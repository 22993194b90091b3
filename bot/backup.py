"""`coprod backup PATH` and `coprod restore PATH [--force]`: a copy of the SQLite database
made while the bot runs, with a manifest, and a restore that checks the copy before it
replaces anything.

Why it exists: a group's concerns, minutes and settings must survive a lost disk, and a
copy is only worth having if it can be put back, and only if what is put back is what
was copied. The copy holds the same ciphertext as the database and never the key, so it
is no easier to read than the database itself; its manifest is signed with a key
derived from the encryption key. Restoring checks, before touching the database, that
the manifest is signed by a configured key, the copy is whole (checksum and
`integrity_check`), not from a newer coprod-bot, has exactly the schema the migrations
make (no trigger or view from anywhere else), and is opened by the configured key; it
keeps the database it replaces beside it. On
PostgreSQL the server's own tools do this better (`pg_dump`, `pg_restore`): the commands
say so. The SQLite mechanics are in `storage/backup.py`; the design in
docs/decisions/backups.md.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import hmac
import json
import os
import sys
import time
from dataclasses import dataclass
from dataclasses import replace
from datetime import UTC
from datetime import datetime
from pathlib import Path
from typing import Any
from typing import TextIO

from bot import __version__
from bot.config import Config
from bot.key_path import key_path_for
from storage.backup import CopyUnreadable
from storage.backup import copy_and_hash
from storage.backup import erasures_since
from storage.backup import in_use
from storage.backup import inspect_copy
from storage.backup import keep_replaced
from storage.backup import private_temp
from storage.backup import remove_leftovers
from storage.backup import schema_differences
from storage.backup import sha256_of
from storage.backup import snapshot
from storage.backup import sync_file
from storage.backup import sync_folder
from storage.backup import take_owner
from storage.crypto import EncryptionKeyError
from storage.crypto import FieldCipher
from storage.crypto import read_key_file
from storage.factory import describe_database
from storage.factory import is_postgres
from storage.factory import sqlite_path
from storage.interface import NewerDatabaseError
from storage.interface import OtherKeyError
from storage.interface import StorageError
from storage.migrations import KNOWN_VERSIONS
from storage.migrations import LATEST_VERSION
from storage.sqlite import SqliteStorage

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2
MANIFEST_SUFFIX = ".manifest.json"
FORMAT = "coprod-backup 1"
# What the manifest's signing key is derived for (HKDF info): never used for anything else.
SIGNING_PURPOSE = b"coprod-bot backup manifest signature v1"
SIGNED_WITH = "HMAC-SHA256 under a key derived (HKDF-SHA256) from the encryption key"
UNSIGNED_FLAG = "--accept-unsigned"
_DOCS = "docs/deploying.md, \"Backups and restore drills\""


# ---- what the commands say (operator-facing, one line each) --------------------------------

def _pg_dump(database: str) -> str:
    return (f"coprod backup copies SQLite databases only; this bot uses PostgreSQL "
            f"({describe_database(database)}), so back it up with its own tool: "
            f"pg_dump -Fc -f coprod-$(date +%F).dump '{describe_database(database)}' "
            "(the password from PGPASSWORD or ~/.pgpass). Steps: " + _DOCS + ".")


def _pg_restore(database: str) -> str:
    return (f"coprod restore puts back SQLite copies only; this bot uses PostgreSQL "
            f"({describe_database(database)}), so restore a pg_dump file with: "
            f"pg_restore --clean --if-exists --no-owner -d '{describe_database(database)}' "
            "FILE.dump (stop the bot first). Steps: " + _DOCS + ".")


def _no_database(path: str) -> str:
    return (f"There is no database at {path} to back up. Check [bot] database or "
            "COPROD_DATABASE_URL.")


def _in_memory(verb: str) -> str:
    return (f"The database is in memory, so there is nothing to {verb}. Set [bot] database "
            "to a file.")


def _dest_exists(path: Path) -> str:
    return (f"{path} already exists; coprod backup never overwrites. Give a new file name, "
            "or a folder (each backup then gets a dated name).")


def _no_folder(path: Path) -> str:
    return f"There is no folder {path} to write the backup in. Make it first."


def _backup_failed(reason: str) -> str:
    return f"The backup was not made: {reason}. Nothing was written."


def _backed_up(source: str, dest: Path, rows: int, size: int, seconds: float) -> str:
    return (f"Backed up {source} to {dest} ({rows} rows, {_size(size)}, {seconds:.1f} s); "
            f"its manifest is {dest}{MANIFEST_SUFFIX}.")


KEY_NOT_IN_BACKUP = ("The encryption key is not in the backup: keep a copy of it somewhere "
                     "else (not beside the backup). Restoring needs it.")


def _no_copy(path: Path) -> str:
    return f"There is no backup at {path}. Give the path of a file made by coprod backup."


def _no_manifest(path: Path) -> str:
    return (f"{path}{MANIFEST_SUFFIX} is missing or not a coprod backup manifest, so "
            f"{path} cannot be checked. Restore a copy together with its manifest.")


def _unsigned(path: Path) -> str:
    return (f"{path}{MANIFEST_SUFFIX} carries no signature, so there is no telling whether "
            f"{path} was changed since it was made (coprod-bot now signs every backup: an "
            "older one made this, or the signature was removed). Make a new backup "
            "if the database is still there; to restore this one anyway, if only you could "
            f"write where it was kept, add {UNSIGNED_FLAG}. Nothing was changed.")


def _forged(path: Path) -> str:
    return (f"{path} or its manifest was changed after the backup was made: the manifest's "
            "signature does not match any configured key, though the key opens the copy "
            "(or the backup was signed with a key no longer configured: set it too, after "
            "the current one). Use another backup. Nothing was changed.")


def _strange_schema(path: Path, differences: list[str]) -> str:
    more = f" and {len(differences) - 1} more difference(s)" if len(differences) > 1 else ""
    return (f"{path} holds {differences[0]}{more} that this coprod-bot's migrations do not "
            "make: it was changed after the backup was made. Use another backup. Nothing "
            "was changed.")


def _checksum_differs(path: Path) -> str:
    return (f"{path} does not match its manifest (the checksum differs): it was changed or "
            "damaged after the backup. Use another backup. Nothing was changed.")


def _unreadable(path: Path, reason: str) -> str:
    return (f"{path} is not a sound database ({reason}). Use another backup. Nothing was "
            "changed.")


def _newer(path: Path, version: int) -> str:
    return (f"{path} was made by a newer coprod-bot (schema version {version}; this one "
            f"knows up to {LATEST_VERSION}). Upgrade coprod-bot, then restore. Nothing was "
            "changed.")


def _other_key(path: Path, source: str) -> str:
    return (f"{source} does not open {path}: it was made under another key. Set the key "
            "the backup was made with (COPROD_ENCRYPTION_KEY or the key file), then "
            "restore again. Nothing was changed.")


def _no_key(key_path: Path, restoring: bool) -> str:
    if restoring:
        return (f"Restoring needs the encryption key the backup was made with, and there "
                f"is none: put it in {key_path} (readable only by you) or set "
                "COPROD_ENCRYPTION_KEY, then restore again. Nothing was changed.")
    return (f"Backing up needs the encryption key (it signs the backup, so a restore can "
            f"tell it was not changed), and there is none: set COPROD_ENCRYPTION_KEY as "
            f"the bot has it, or put the key in {key_path}, then back up again. Nothing was "
            "written.")


def _bad_key(reason: str, restoring: bool) -> str:
    return (f"The encryption key cannot be used: {reason}. Nothing was "
            f"{'changed' if restoring else 'written'}.")


def _target_exists(path: Path) -> str:
    return (f"{path} already holds a database. To replace it with the backup, stop the "
            "bot, then run coprod restore again with --force. Nothing was changed.")


def _target_live(path: Path) -> str:
    return (f"{path} is open in another process (a running bot, or another coprod "
            "command). Stop it, then restore again. Nothing was changed.")


def _restore_failed(reason: str) -> str:
    return f"The restore did not finish: {reason}. The database was not changed."


def _restored(target: Path, source: Path, manifest: Manifest, rows: int) -> str:
    signed = "" if manifest.signature else ", unsigned"
    return (f"Restored {target} from {source} (made {manifest.created_at} by coprod-bot "
            f"{manifest.coprod_version}, schema version {manifest.schema_version}, "
            f"{rows} rows{signed}). Start the bot to use it.")


def _kept(kept: Path) -> str:
    return (f"The database it replaced is kept as {kept} (readable only by its owner). It "
            "holds everything that database held, erased members' data included: delete "
            "it once the bot runs well on the restored copy.")


def _will_migrate(version: int) -> str:
    return (f"The copy is at schema version {version}; the bot brings it up to "
            f"{LATEST_VERSION} when it starts.")


def _erase_again(erasures: list[tuple[str, str]]) -> str:
    commands = "; ".join(
        f"coprod erase --member {member}{f' --group {group}' if group else ''} --yes"
        for member, group in erasures)
    return (f"{len(erasures)} erasure(s) were recorded after this backup was made, so the "
            f"restored copy holds those members' data again. Run them again now: {commands}")


def _size(size: int) -> str:
    if size >= 1 << 20:
        return f"{size / (1 << 20):.1f} MB"
    return f"{max(1, round(size / 1024))} KB"


# ---- the manifest --------------------------------------------------------------------------

@dataclass(frozen=True)
class Manifest:
    """What `PATH.manifest.json` says about a copy: which coprod-bot and schema made it,
    when (UTC), its size and SHA-256, and the rows per table; and a signature over all
    of that (so, through the SHA-256, over the copy) made with a key derived from the
    encryption key. No member data, no key."""

    coprod_version: str
    schema_version: int
    migrations: tuple[int, ...]
    created_at: str
    file: str
    size: int
    sha256: str
    tables: dict[str, int]
    signature: str | None = None

    def _fields(self) -> dict[str, Any]:
        return {
            "format": FORMAT, "coprod_version": self.coprod_version,
            "schema_version": self.schema_version, "migrations": list(self.migrations),
            "created_at": self.created_at, "file": self.file, "bytes": self.size,
            "sha256": self.sha256, "tables": self.tables,
            "key": "not included: restoring needs the encryption key, kept separately",
        }

    def signed_bytes(self) -> bytes:
        """What the signature covers: every field as read, in one canonical text."""
        return json.dumps(self._fields(), sort_keys=True, separators=(",", ":"),
                          ensure_ascii=True).encode("ascii")

    def signed(self, cipher: FieldCipher) -> Manifest:
        """This manifest signed with the newest configured key."""
        key = cipher.derived_keys(SIGNING_PURPOSE)[0]
        return replace(self, signature=hmac.new(key, self.signed_bytes(),
                                                hashlib.sha256).hexdigest())

    def signed_by(self, cipher: FieldCipher) -> bool:
        """Whether the signature was made with one of the configured keys."""
        if not self.signature:
            return False
        found = self.signature.encode("ascii", "replace")
        return any(hmac.compare_digest(
            hmac.new(key, self.signed_bytes(), hashlib.sha256).hexdigest().encode("ascii"),
            found) for key in cipher.derived_keys(SIGNING_PURPOSE))

    def to_json(self) -> str:
        """The manifest file's text."""
        data = self._fields()
        if self.signature:
            data["signature"] = self.signature
            data["signed_with"] = SIGNED_WITH
        return json.dumps(data, indent=2) + "\n"

    @classmethod
    def read(cls, path: Path) -> Manifest | None:
        """The manifest at `path`, or None if it is missing or not one."""
        try:
            data: Any = json.loads(path.read_text(encoding="utf-8"))
            if not isinstance(data, dict) or data.get("format") != FORMAT:
                return None
            signature = data.get("signature")
            return cls(str(data["coprod_version"]), int(data["schema_version"]),
                       tuple(int(v) for v in data["migrations"]), str(data["created_at"]),
                       str(data["file"]), int(data["bytes"]), str(data["sha256"]),
                       {str(k): int(v) for k, v in dict(data["tables"]).items()},
                       None if signature is None else str(signature))
        except (OSError, ValueError, KeyError, TypeError):
            return None

    @property
    def created_micros(self) -> int:
        """`created_at` as microseconds since the epoch (0 if it cannot be read)."""
        try:
            moment = datetime.fromisoformat(self.created_at.replace("Z", "+00:00"))
        except ValueError:
            return 0
        return int(moment.timestamp() * 1_000_000)


def manifest_path(copy: Path) -> Path:
    """Where a copy's manifest is: beside it, `NAME.manifest.json`."""
    return copy.with_name(copy.name + MANIFEST_SUFFIX)


class _Refused(Exception):
    """A command stops with one line and an exit code."""

    def __init__(self, line: str, code: int = EXIT_USAGE) -> None:
        super().__init__(line)
        self.line = line
        self.code = code


def _sqlite_file(config: Config, verb: str) -> Path:
    try:
        path = sqlite_path(config.database_target)
    except StorageError as exc:
        raise _Refused(f"[bot] database: {exc}") from None
    if path == ":memory:":
        raise _Refused(_in_memory(verb))
    return Path(path)


def _discard(*paths: Path | None) -> None:
    for path in paths:
        if path is not None:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(path)
            remove_leftovers(path)


# ---- coprod backup -------------------------------------------------------------------------

def run_backup(config: Config, destination: str, *, stdout: TextIO = sys.stdout,
               stderr: TextIO = sys.stderr, now: datetime | None = None) -> int:
    """`coprod backup PATH`: copy the database (while the bot runs) to PATH, or to a dated
    file in the folder PATH, with its manifest beside it; returns the exit code."""
    if is_postgres(config.database_target):
        print(_pg_dump(config.database_target), file=stderr)
        return EXIT_USAGE
    try:
        source = _sqlite_file(config, "back up")
        if not source.is_file():
            raise _Refused(_no_database(str(source)))
        moment = (now or datetime.now(UTC)).astimezone(UTC).replace(microsecond=0)
        dest = Path(destination).expanduser()
        if dest.is_dir():
            dest = dest / f"coprod-{moment.strftime('%Y%m%dT%H%M%SZ')}.db"
        elif destination.endswith(("/", os.sep)):
            raise _Refused(_no_folder(dest))
        if dest.exists() or manifest_path(dest).exists():
            raise _Refused(_dest_exists(dest if dest.exists() else manifest_path(dest)))
        if not dest.parent.is_dir():
            raise _Refused(_no_folder(dest.parent))
        cipher, _ = _configured_cipher(config, restoring=False)
        started = time.monotonic()
        rows, size = _make_copy(source, dest, moment, cipher)
        seconds = time.monotonic() - started
    except _Refused as refused:
        print(refused.line, file=stderr)
        return refused.code
    except (StorageError, OSError) as exc:
        print(_backup_failed(_reason(exc)), file=stderr)
        return EXIT_FAILED
    print(_backed_up(str(source), dest, rows, size, seconds), file=stdout)
    print(KEY_NOT_IN_BACKUP, file=stdout)
    return EXIT_OK


def _make_copy(source: Path, dest: Path, moment: datetime,
               cipher: FieldCipher) -> tuple[int, int]:
    """Snapshot, check, checksum, sign, and put the copy and its manifest in place."""
    copy = manifest_file = None
    try:
        copy = private_temp(dest.parent, dest.name)
        snapshot(source, copy)
        facts = inspect_copy(copy)
        size = copy.stat().st_size
        manifest = Manifest(__version__, facts.schema_version, facts.migrations,
                            moment.isoformat().replace("+00:00", "Z"), dest.name, size,
                            sha256_of(copy), facts.tables).signed(cipher)
        manifest_file = private_temp(dest.parent, dest.name + MANIFEST_SUFFIX)
        manifest_file.write_text(manifest.to_json(), encoding="utf-8")
        sync_file(manifest_file)
        os.replace(copy, dest)
        copy = None
        os.replace(manifest_file, manifest_path(dest))
        manifest_file = None
        sync_folder(dest.parent)
        return facts.rows, size
    finally:
        _discard(copy, manifest_file)


def _reason(exc: BaseException) -> str:
    if isinstance(exc, OSError):
        where = f" ({exc.filename})" if exc.filename else ""
        return f"{exc.strerror or type(exc).__name__}{where}"
    return str(exc)


# ---- coprod restore ------------------------------------------------------------------------

def _configured_cipher(config: Config, *, restoring: bool) -> tuple[FieldCipher, str]:
    """The configured key (never made anew: a new key opens no backup, and signs none a
    restore would accept) and where it is."""
    try:
        if config.secrets.encryption_key:
            return FieldCipher(config.secrets.encryption_key), "COPROD_ENCRYPTION_KEY"
        path = key_path_for(config)
        if not path.is_file():
            raise _Refused(_no_key(path, restoring))
        return FieldCipher(read_key_file(path)), f"the key in {path}"
    except EncryptionKeyError as exc:
        raise _Refused(_bad_key(str(exc), restoring)) from None
    except OSError as exc:
        raise _Refused(_bad_key(_reason(exc), restoring)) from None


def run_restore(config: Config, source: str, force: bool, *,
                accept_unsigned: bool = False,
                stdout: TextIO = sys.stdout, stderr: TextIO = sys.stderr,
                now: datetime | None = None) -> int:
    """`coprod restore PATH [--force] [--accept-unsigned]`: check the copy at PATH and put
    it in place of the configured database, keeping the one it replaces beside it;
    returns the exit code. On any failure nothing is changed."""
    if is_postgres(config.database_target):
        print(_pg_restore(config.database_target), file=stderr)
        return EXIT_USAGE
    try:
        target = _sqlite_file(config, "restore")
        copy = Path(source).expanduser()
        if not copy.is_file():
            raise _Refused(_no_copy(copy))
        manifest = Manifest.read(manifest_path(copy))
        if manifest is None:
            raise _Refused(_no_manifest(copy))
        if target.exists():
            if in_use(target):
                raise _Refused(_target_live(target))
            if not force:
                raise _Refused(_target_exists(target))
        cipher, key_source = _configured_cipher(config, restoring=True)
        if manifest.signature is None and not accept_unsigned:
            raise _Refused(_unsigned(copy))
        stamp = (now or datetime.now(UTC)).astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")
        made = _make_folders(target.parent)
        try:
            rows, version, erasures, kept = _put_in_place(
                copy, manifest, target, _Check(cipher, key_source, stamp))
        except BaseException:
            for folder in made:  # left as it was: the folders made for it go too
                with contextlib.suppress(OSError):
                    folder.rmdir()
            raise
    except _Refused as refused:
        print(refused.line, file=stderr)
        return refused.code
    except (StorageError, OSError) as exc:
        print(_restore_failed(_reason(exc)), file=stderr)
        return EXIT_FAILED
    print(_restored(target, copy, manifest, rows), file=stdout)
    if kept is not None:
        print(_kept(kept), file=stdout)
    if version < LATEST_VERSION:
        print(_will_migrate(version), file=stdout)
    if erasures:
        print(_erase_again(erasures), file=stdout)
    return EXIT_OK


def _make_folders(folder: Path) -> list[Path]:
    """Make `folder` and its missing parents; returns those made, innermost first."""
    missing: list[Path] = []
    while not folder.exists() and folder != folder.parent:
        missing.append(folder)
        folder = folder.parent
    made: list[Path] = []
    try:
        for path in reversed(missing):
            path.mkdir()
            made.insert(0, path)
    except OSError as exc:
        for path in made:
            with contextlib.suppress(OSError):
                path.rmdir()
        raise _Refused(_restore_failed(_reason(exc)), EXIT_FAILED) from None
    return made


@dataclass(frozen=True)
class _Check:
    """What a restore checks a copy with, and the stamp of the replaced database's name."""

    cipher: FieldCipher
    key_source: str
    stamp: str


def _put_in_place(copy: Path, manifest: Manifest, target: Path, check: _Check,
                  ) -> tuple[int, int, list[tuple[str, str]], Path | None]:
    """Copy to a temporary file beside the target, check it there (signature, checksum,
    integrity, schema, key), then keep the target beside it and rename the copy over it.
    Returns rows, schema version, the erasures the replaced database recorded after the
    backup was made, and where the replaced database is kept."""
    staged: Path | None = private_temp(target.parent, target.name)
    assert staged is not None
    try:
        digest = copy_and_hash(copy, staged)
        if manifest.signature is not None and not manifest.signed_by(check.cipher):
            _refuse_forged(copy, staged, check)
        if digest != manifest.sha256:
            raise _Refused(_checksum_differs(copy), EXIT_FAILED)
        try:
            facts = inspect_copy(staged)
        except CopyUnreadable as exc:
            raise _Refused(_unreadable(copy, str(exc)), EXIT_FAILED) from None
        unknown = set(facts.migrations) - KNOWN_VERSIONS
        if unknown:
            raise _Refused(_newer(copy, max(unknown)), EXIT_FAILED)
        differences = schema_differences(staged, facts.migrations)
        if differences:
            raise _Refused(_strange_schema(copy, differences), EXIT_FAILED)
        try:
            asyncio.run(_preflight(staged, check.cipher))
        except OtherKeyError:
            raise _Refused(_other_key(copy, check.key_source)) from None
        except NewerDatabaseError:
            raise _Refused(_newer(copy, facts.schema_version), EXIT_FAILED) from None
        erasures: list[tuple[str, str]] = []
        kept: Path | None = None
        take_owner(staged, target if target.exists() else target.parent)
        if target.exists():
            erasures = erasures_since(target, manifest.created_micros)
            if in_use(target):
                raise _Refused(_target_live(target))
            remove_leftovers(target)
            kept = keep_replaced(target, check.stamp)
        remove_leftovers(staged)
        try:
            os.replace(staged, target)
        except BaseException:
            if kept is not None:
                with contextlib.suppress(OSError):
                    os.unlink(kept)
            raise
        staged = None
        sync_folder(target.parent)
        return facts.rows, facts.schema_version, erasures, kept
    finally:
        _discard(staged)


def _refuse_forged(copy: Path, staged: Path, check: _Check) -> None:
    """The signature matches no configured key: say "another key" if the key does not
    open the copy either, else that it was changed. Always raises."""
    with contextlib.suppress(CopyUnreadable, StorageError):
        facts = inspect_copy(staged)
        if set(facts.migrations) - KNOWN_VERSIONS or schema_differences(staged,
                                                                       facts.migrations):
            raise _Refused(_forged(copy), EXIT_FAILED)
        try:
            asyncio.run(_preflight(staged, check.cipher))
        except OtherKeyError:
            raise _Refused(_other_key(copy, check.key_source)) from None
    raise _Refused(_forged(copy), EXIT_FAILED)


async def _preflight(path: Path, cipher: FieldCipher) -> None:
    """The check `coprod run` makes before it writes: not newer, and this key opens it."""
    storage = SqliteStorage(path, cipher)
    try:
        await storage.open()
        await storage.preflight()
    finally:
        await storage.close()


__all__ = ["MANIFEST_SUFFIX", "Manifest", "manifest_path", "run_backup", "run_restore"]
