"""Before `coprod` writes anything: the checks that make a start-up or operator error
one plain line, with its fix, instead of a traceback or a half-made change.

`prepare` runs them for `coprod run`: the key is not made anew beside a database that
needs the old one; the database is not from a newer coprod-bot and opens with the key
(`Storage.preflight`, reading only); the platform answers and takes the token (each
adapter's `check_platform`). `check_config` is `coprod check-config`. `explain` turns
each of these errors, and the database's own, into the line and the exit code.
"""

from __future__ import annotations

import asyncio
import importlib
import os
import sys
from collections.abc import Awaitable
from collections.abc import Callable
from pathlib import Path
from typing import TextIO

from bot import catalog
from bot.config import EXIT_CONFIG
from bot.config import Config
from bot.config import ConfigError
from bot.errors import PlatformStartError
from bot.errors import PlatformUnreachable
from bot.errors import TokenRefused
from bot.key_path import key_path_for
from bot.listening import PortUnavailable
from bot.listening import check_ports
from bot.listening import port_problem
from bot.retention_cutoffs import RetentionDeclaredTwice
from bot.retention_cutoffs import RetentionUndeclared
from bot.runtime import LOCAL_PLATFORMS
from bot.runtime import check_key_file
from bot.runtime import make_cipher
from storage.crypto import EncryptionKeyError
from storage.crypto import FieldCipher
from storage.crypto import generate_key
from storage.crypto import read_key_file
from storage.factory import is_postgres
from storage.factory import open_storage
from storage.factory import sqlite_path
from storage.interface import DatabaseUnreachable
from storage.interface import NewerDatabaseError
from storage.interface import OtherKeyError
from storage.interface import StorageError


def check_database_path(config: Config) -> None:
    """A SQLite database path that is there but is not a file (a folder, say) is refused
    before anything is made beside it, such as a key file."""
    if is_postgres(config.database_target):
        return
    try:
        target = sqlite_path(config.database_target)
    except StorageError:
        return  # opening says what is wrong with it
    if target != ":memory:" and Path(target).exists() and not Path(target).is_file():
        raise StorageError("it is a folder or another kind of file, not a database file. "
                           "Name a file there, like coprod.db")


def database_exists(config: Config) -> bool:
    """Whether there is a database to check: a PostgreSQL server is assumed to have one
    (connecting tells); a SQLite file must be there already (checks never create it)."""
    if is_postgres(config.database_target):
        return True
    try:
        target = sqlite_path(config.database_target)
    except StorageError:
        return False
    return target != ":memory:" and Path(target).is_file()


async def check_database(config: Config, cipher: FieldCipher) -> None:
    """Open an existing database, run `Storage.preflight` with this key, and close it,
    writing nothing; raises what `preflight` or opening raises."""
    storage = await open_storage(config.database_target, cipher,
                                 pool_size=min(2, config.database_pool_size))
    try:
        await storage.preflight()
    finally:
        await storage.close()


def key_source(config: Config) -> str:
    """Where this process's key comes from, for messages: the variable or the file."""
    if config.secrets.encryption_key:
        return "COPROD_ENCRYPTION_KEY"
    return f"the key in {key_path_for(config)}"


async def key_file_that_opens(config: Config) -> str:
    """A key file beside the database, not the key in use, that opens it ("" if none):
    the usual way to get here is trying the console, then setting a new key for Discord
    or Slack on the same `coprod.db`."""
    if not config.secrets.encryption_key or is_postgres(config.database_target):
        return ""
    try:
        path = key_path_for(config)
        keys = read_key_file(path)
        await check_database(config, FieldCipher(keys))
    except (ConfigError, OSError, EncryptionKeyError, StorageError):
        return ""
    return str(path)


async def cipher_for_database(config: Config, platform: str,
                              notes: TextIO = sys.stderr) -> FieldCipher:
    """`make_cipher`, except that a key file is not made beside a database that already
    holds encrypted data (its key file was lost or moved): that raises
    `KeyFileMissing`, and nothing is made."""
    if (platform in LOCAL_PLATFORMS and not config.secrets.encryption_key
            and not key_path_for(config).exists() and database_exists(config)):
        try:
            await check_database(config, FieldCipher(generate_key()))
        except OtherKeyError:
            raise KeyFileMissing(str(key_path_for(config))) from None
    return make_cipher(config, platform, notes)


class KeyFileMissing(Exception):
    """The database holds encrypted data but the key file meant to be beside it is not
    there: making a new key would leave that data unreadable."""

    def __init__(self, path: str) -> None:
        super().__init__(path)
        self.path = path


def log_path_for(config: Config) -> Path:
    """Where the console writes its log lines when they would otherwise land in the chat:
    beside the database file (`coprod.db` -> `coprod.log`), else `./coprod.log`."""
    try:
        target = "" if is_postgres(config.database_target) else sqlite_path(
            config.database_target)
    except StorageError:
        target = ""
    if not target or target == ":memory:":
        return Path("coprod.log")
    path = Path(target)
    return path.with_suffix(".log") if path.suffix else path.parent / f"{path.name}.log"


def shares_terminal(out: TextIO, err: TextIO) -> bool:
    """Whether two streams are the same terminal (so stderr would print in the chat)."""
    try:
        if not (out.isatty() and err.isatty()):
            return False
        return os.path.samestat(os.fstat(out.fileno()), os.fstat(err.fileno()))
    except (OSError, ValueError, AttributeError):
        return False


PlatformCheck = Callable[[Config], Awaitable[None]]


def platform_check(name: str) -> PlatformCheck | None:
    """The adapter's start-up check (`check_platform(config)`: reach the platform and
    have the token accepted, raising `PlatformStartError`), if it has one."""
    check: PlatformCheck | None = getattr(importlib.import_module(f"adapters.{name}"),
                                          "check_platform", None)
    return check


async def prepare(config: Config, platform: str) -> FieldCipher:
    """Everything `coprod run` checks before it writes: returns the key to open the
    database with (made, on the console, only where nothing needs an old one). The
    ports it will listen on come first: a key file is a write too."""
    check_ports(config, platform)
    check_database_path(config)
    cipher = await cipher_for_database(config, platform)
    check = platform_check(platform)
    if check is not None:
        if database_exists(config):
            await check_database(config, cipher)
        await check(config)
    return cipher


async def check_config(config: Config, platform: str) -> str:
    """`coprod check-config` past the config itself: the key (made nowhere), then, if
    the database is there, whether the key opens it (reading only). Returns what to
    say about the database."""
    cipher: FieldCipher | None = None
    if (config.secrets.encryption_key or platform not in LOCAL_PLATFORMS
            or check_key_file(config).exists()):
        cipher = make_cipher(config, platform)  # makes nothing in these cases
    if not database_exists(config):
        return catalog.database_not_made_yet(config.database_label)
    if cipher is None:  # a database but no key file yet: would a new key do?
        try:
            await check_database(config, FieldCipher(generate_key()))
        except OtherKeyError:
            raise KeyFileMissing(str(key_path_for(config))) from None
    else:
        await check_database(config, cipher)
    return catalog.database_fine(config.database_label)


# What `explain` turns into one line.
STARTUP_ERRORS = (StorageError, KeyFileMissing, EncryptionKeyError, PlatformStartError,
                  PortUnavailable, RetentionUndeclared, RetentionDeclaredTwice)


def explain(exc: BaseException, config: Config) -> tuple[str, int]:
    """The one line (and exit code: 2 for what the configuration or secrets must fix,
    1 otherwise) for one of `STARTUP_ERRORS`."""
    label = config.database_label
    if isinstance(exc, PortUnavailable):
        return port_problem(exc), 1
    if isinstance(exc, RetentionUndeclared):
        return catalog.retention_undeclared(exc.package, exc.cutoff), 1
    if isinstance(exc, RetentionDeclaredTwice):
        return catalog.retention_declared_twice(exc.cutoff, exc.one, exc.other), 1
    if isinstance(exc, OtherKeyError):
        if exc.readable:
            return catalog.database_partly_other_key(label, key_source(config)), EXIT_CONFIG
        opening = asyncio.run(key_file_that_opens(config))
        return catalog.database_other_key(label, key_source(config), opening), EXIT_CONFIG
    if isinstance(exc, NewerDatabaseError):
        return catalog.database_newer(label, max(exc.unknown), exc.known), 1
    if isinstance(exc, DatabaseUnreachable):
        where = "COPROD_DATABASE_URL" if config.secrets.database_url else "[bot] database"
        return catalog.database_unreachable(where, label, exc.reason, exc.detail), 1
    if isinstance(exc, StorageError):
        return catalog.database_unusable(label, str(exc)), 1
    if isinstance(exc, KeyFileMissing):
        return catalog.database_key_file_missing(label, exc.path), EXIT_CONFIG
    if isinstance(exc, TokenRefused):
        return catalog.token_refused(exc.platform, exc.setting, exc.detail), EXIT_CONFIG
    if isinstance(exc, PlatformUnreachable):
        return catalog.platform_unreachable(exc.platform, exc.host, exc.reason,
                                            exc.detail), 1
    return catalog.database_unreadable(key_source(config)), EXIT_CONFIG

