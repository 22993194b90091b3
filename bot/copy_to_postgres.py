"""`coprod copy-to-postgres`: move a group's data from its SQLite file into an empty
PostgreSQL database, and say plainly what was done (the copying itself is
storage/copy.py).

Which databases: the PostgreSQL one is `--to URL`, else COPROD_DATABASE_URL when that is
a postgresql:// URL; the SQLite one is `--from PATH`, else the configured SQLite
database (COPROD_DATABASE_URL when that names a file, else `[bot] database`). A URL's
password is never printed. Every failure is one line naming the fix; nothing is kept in
PostgreSQL unless every table matched, and the SQLite file is only ever read.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from dataclasses import replace
from typing import TextIO

from bot import catalog
from bot.config import EXIT_CONFIG
from bot.config import Config
from bot.config import ConfigError
from bot.key_path import key_path_for
from storage.copy import CopyError
from storage.copy import CopyReport
from storage.copy import SchemaDiffers
from storage.copy import SchemaVersionDiffers
from storage.copy import SourceChanged
from storage.copy import SourceUnusable
from storage.copy import TableCopied
from storage.copy import TargetNotEmpty
from storage.copy import ValueNotCopyable
from storage.copy import VerifyFailed
from storage.copy import copy_to_postgres
from storage.factory import check_database_setting
from storage.factory import describe_database
from storage.factory import is_postgres
from storage.factory import sqlite_path
from storage.interface import DatabaseUnreachable
from storage.interface import NewerDatabaseError
from storage.interface import StorageError
from storage.migrations import LATEST_VERSION

COMMAND = "copy-to-postgres"
GUIDE = 'docs/deploying.md, "Moving from SQLite to PostgreSQL"'
NOTHING_KEPT = "Nothing was kept in PostgreSQL, and the SQLite database is unchanged."

# ---- wording ----------------------------------------------------------------------------

HELP = "copy every table of the SQLite database into an empty PostgreSQL database"
DESCRIPTION = (
    "Copy every table of the SQLite database into an empty PostgreSQL database, check "
    "that each table has the same rows in both (a count and a checksum), and commit only "
    "if all of them match. Stop the bot first. Encrypted fields are copied as they are, "
    "so the same encryption key reads them. The SQLite file is only read.")
TO_HELP = ("the PostgreSQL database to copy into, postgresql://user:password@host:5432/name "
           "(default: COPROD_DATABASE_URL when it is a postgresql:// URL)")
FROM_HELP = ("the SQLite database file to copy (default: the configured one, "
             "[bot] database)")

NO_TARGET = (
    "copy-to-postgres: say which PostgreSQL database to copy into, with --to "
    "postgresql://user:password@host:5432/name or by setting COPROD_DATABASE_URL to it. "
    "Nothing was copied.")
TARGET_NOT_POSTGRES = (
    "copy-to-postgres: --to must be a postgresql:// URL, like "
    "postgresql://user:password@host:5432/name. Nothing was copied.")
NO_SOURCE = (
    "copy-to-postgres: the configured database is PostgreSQL, not a SQLite file; name the "
    "SQLite file to copy with --from PATH. Nothing was copied.")



def _versions(numbers: tuple[int, ...]) -> str:
    return ", ".join(str(n) for n in numbers)


def _problem(exc: BaseException, source: str, target: str) -> str:
    """The one line for a copy that did not happen."""
    if isinstance(exc, SourceUnusable):
        if exc.reason == "missing":
            return (f"There is no SQLite database at {source}. Name the file with --from "
                    "PATH (the one [bot] database names; coprod.db by default). Nothing was "
                    "copied.")
        if exc.reason == "not_coprod":
            return (f"{source} is not a coprod-bot database (it has no schema_version "
                    "table). Name the right file with --from PATH. Nothing was copied.")
        return (f"The SQLite database {source} cannot be read ({exc.detail}). Check that it "
                "is a coprod-bot database and that you may read it and its folder. "
                "Nothing was copied.")
    if isinstance(exc, SchemaVersionDiffers):
        if exc.unknown:
            return (f"The SQLite database {source} was used by a newer coprod-bot (schema "
                    f"version {max(exc.unknown)}; this one knows up to {LATEST_VERSION}). "
                    "Copy it with that newer version. Nothing was copied.")
        versions = (f"schema version {exc.missing[0]} is" if len(exc.missing) == 1
                    else f"schema versions {_versions(exc.missing)} are")
        return (f"The SQLite database {source} is not up to date ({versions} not "
                f"applied; this coprod-bot is at "
                f"{LATEST_VERSION}). Bring it up to date first with `coprod migrate` (for "
                f"another file than the configured one: COPROD_DATABASE_URL={source} "
                "coprod migrate), then copy again. Nothing was copied.")
    if isinstance(exc, TargetNotEmpty):
        return (f"The PostgreSQL database {target} is not empty: "
                f"{', '.join(exc.tables)} already "
                f"{'holds' if len(exc.tables) == 1 else 'hold'} rows. copy-to-postgres "
                "copies only "
                "into an empty database, so that nothing is overwritten: create a new one "
                "(for example: createdb NAME) and name it with --to, or, if nothing in it "
                "matters, drop it and create it again. Nothing was changed.")
    if isinstance(exc, NewerDatabaseError):
        return (f"The PostgreSQL database {target} was used by a newer coprod-bot (schema "
                f"version {max(exc.unknown)}; this one knows up to {exc.known}). Copy "
                "into an empty database instead. Nothing was changed.")
    if isinstance(exc, DatabaseUnreachable):
        why = catalog.postgres_unreachable_why(exc.reason, exc.detail)
        return f"Could not connect to PostgreSQL at {target}: {why}. Nothing was copied."
    if isinstance(exc, SchemaDiffers):
        parts = [f"only in SQLite: {', '.join(exc.only_source)}" if exc.only_source else "",
                 f"only in PostgreSQL: {', '.join(exc.only_target)}"
                 if exc.only_target else ""]
        return (f"The two databases' tables differ ({'; '.join(p for p in parts if p)}), so "
                "a copy would leave something behind. Copy into an empty database that "
                f"holds nothing but coprod-bot's own tables. {NOTHING_KEPT}")
    if isinstance(exc, ValueNotCopyable):
        where = f"{exc.table}.{exc.column}" if exc.column else exc.table
        return (f"A value in {where} cannot go into PostgreSQL ({exc.problem}). "
                f"{NOTHING_KEPT} Please report this as a bug, with this line.")
    if isinstance(exc, VerifyFailed):
        return (f"The copy of {exc.table} did not match the SQLite database "
                f"({exc.source_rows} rows, checksum {exc.source_sum[:12]} there; "
                f"{exc.target_rows} rows, checksum {exc.target_sum[:12]} in PostgreSQL), so "
                f"everything was rolled back. {NOTHING_KEPT} Please report this as a bug, "
                "with this line.")
    if isinstance(exc, SourceChanged):
        return ("The SQLite database changed while it was being copied: a bot (or "
                "something else) is still writing to it. Everything was rolled back. "
                f"{NOTHING_KEPT} Stop the bot, then run copy-to-postgres again.")
    return f"copy-to-postgres stopped: {exc}. {NOTHING_KEPT}"


def _table_line(table: TableCopied) -> str:
    rows = "row " if table.rows == 1 else "rows"
    return f"  {table.name:<22} {table.rows:>9,} {rows}   checksum {table.checksum[:12]}  ok"


def _done(report: CopyReport, key_hint: str) -> list[str]:
    return [
        f"Done: {report.rows:,} rows in {len(report.tables)} tables, in "
        f"{report.seconds:.1f} s. Every table has the same rows in both databases (the same "
        "count and the same SHA-256 over its rows in key order); id sequences continue "
        "after the highest id SQLite gave.",
        "The SQLite database was only read: it is unchanged. It still holds everything, so "
        "keep it as safely as a backup, or delete it once the bot runs well on PostgreSQL.",
        "Next: start the bot with COPROD_DATABASE_URL set to this PostgreSQL database and "
        f"the same encryption key ({key_hint}). More: {GUIDE}.",
    ]


# ---- the command ------------------------------------------------------------------------

def add_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser],
               with_config: Callable[[argparse.ArgumentParser], argparse.ArgumentParser],
               ) -> None:
    """Declare `coprod copy-to-postgres [--config PATH] [--from PATH] [--to URL]`."""
    parser = with_config(sub.add_parser(COMMAND, help=HELP, description=DESCRIPTION))
    parser.add_argument("--to", metavar="URL", help=TO_HELP)
    parser.add_argument("--from", dest="source", metavar="PATH", help=FROM_HELP)


def target_of(config: Config, given: str | None) -> str:
    """The PostgreSQL URL to copy into; `ConfigError` with the fix when there is none."""
    target = (given or "").strip()
    if not target:
        env = config.secrets.database_url.strip()
        if not is_postgres(env):
            raise ConfigError([NO_TARGET])
        target = env
    if not is_postgres(target):
        raise ConfigError([TARGET_NOT_POSTGRES])
    problem = check_database_setting(target)
    if problem:
        raise ConfigError([f"copy-to-postgres: {problem}. Nothing was copied."])
    return target


def source_of(config: Config, given: str | None) -> str:
    """The SQLite file to copy from; `ConfigError` with the fix when there is none."""
    if given is not None:
        setting = given
    else:
        settings = [s for s in (config.secrets.database_url, config.database)
                    if s.strip() and not is_postgres(s)]
        if not settings:
            raise ConfigError([NO_SOURCE])
        setting = settings[0]
    try:
        path = sqlite_path(setting)
    except StorageError as exc:
        raise ConfigError([f"copy-to-postgres: {exc}. Nothing was copied."]) from None
    if path == ":memory:":
        raise ConfigError(["copy-to-postgres: an in-memory database has nothing to copy; "
                           "name the SQLite file with --from PATH. Nothing was copied."])
    return path


def key_hint(config: Config, source: str) -> str:
    """Where the key the copied data needs is, and how to give it to the bot."""
    if config.secrets.encryption_key:
        return "keep COPROD_ENCRYPTION_KEY as it is"
    if config.key_file:
        return f'keep [bot] key_file = "{config.key_file}"'
    try:
        key = key_path_for(replace(config, database=source,
                                   secrets=replace(config.secrets, database_url="")))
    except ConfigError:
        return "the one the SQLite database was used with"
    return (f"the console kept it in {key}: put what that file holds in "
            "COPROD_ENCRYPTION_KEY (with PostgreSQL there is no database file for the bot "
            "to find it beside), and keep the file safe")


async def run(config: Config, source_given: str | None, target_given: str | None,
              out: TextIO = sys.stdout, err: TextIO = sys.stderr) -> int:
    """`coprod copy-to-postgres`: 0 when copied and checked; else one line, and 2 when
    the command line or settings must change, 1 otherwise."""
    try:
        target = target_of(config, target_given)
        source = source_of(config, source_given)
    except ConfigError as exc:
        print(" ".join(exc.problems), file=err)
        return EXIT_CONFIG
    label = describe_database(target)
    started = False

    def progress(table: TableCopied) -> None:
        nonlocal started
        if not started:
            started = True
            print(f"Copying {source} into {label}; nothing is kept there unless every "
                  "table matches.", file=out)
        print(_table_line(table), file=out, flush=True)

    try:
        report = await copy_to_postgres(source, target, progress=progress)
    except (CopyError, StorageError) as exc:
        print(_problem(exc, source, label), file=err)
        return 1
    for line in _done(report, key_hint(config, source)):
        print(line, file=out)
    return 0
