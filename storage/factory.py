"""Turn the configured database setting into an opened `Storage` backend.

`COPROD_DATABASE_URL` may be a plain file path or a `sqlite:///` URL (SQLite, the
default) or a `postgresql://` URL (PostgreSQL, for hosting). Error messages never repeat
the setting, since a PostgreSQL URL can hold a password.
"""

from __future__ import annotations

from pathlib import Path

from storage.crypto import FieldCipher
from storage.interface import Storage, StorageError
from storage.sqlite import SqliteStorage

_SQLITE_PREFIX = "sqlite:///"
_POSTGRES_SCHEMES = ("postgresql://", "postgres://")


def sqlite_path(database: str) -> str:
    """The SQLite file a database setting names (`:memory:` for an in-memory database).

    `sqlite:///relative.db` and `sqlite:////absolute/path.db` follow the SQLAlchemy
    convention; anything without `://` is a file path (`~` is expanded).
    """
    database = database.strip()
    if not database:
        raise StorageError("no database was given; set COPROD_DATABASE_URL to a file path")
    if database.lower().startswith(_SQLITE_PREFIX):
        database = database[len(_SQLITE_PREFIX):]
        if not database:
            raise StorageError("the sqlite:/// database URL names no file")
    elif database.lower() == "sqlite://":
        return ":memory:"
    elif "://" in database:
        raise StorageError(
            "the database URL is not supported; use a file path, sqlite:///path or "
            "postgresql://...")
    if database == ":memory:":
        return database
    return str(Path(database).expanduser())


def check_database_setting(database: str) -> str | None:
    """What is wrong with a database setting, in plain words, or None if it is usable.

    Checked with the rest of the config, so a bad one stops start-up before anything
    is opened.
    """
    if database.strip().lower().startswith(_POSTGRES_SCHEMES):
        return ("PostgreSQL is not supported by this version yet; use a SQLite file path "
                "like coprod.db")
    try:
        sqlite_path(database)
    except StorageError as exc:
        return str(exc)
    return None


async def open_storage(database: str, cipher: FieldCipher) -> Storage:
    """Open (not migrate) the backend the database setting names.

    Creates the parent folders of a SQLite file so a first run needs no setup.
    """
    if database.strip().lower().startswith(_POSTGRES_SCHEMES):
        raise StorageError(
            "PostgreSQL support arrives with the postgres backend; use a SQLite path for now")
    path = sqlite_path(database)
    if path != ":memory:":
        try:
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise StorageError(
                f"cannot create the folder for the database file: {exc.strerror}") from exc
    storage = SqliteStorage(path, cipher)
    await storage.open()
    return storage
