"""Turn the configured database setting into an opened `Storage` backend.

`COPROD_DATABASE_URL` may be a plain file path or a `sqlite:///` URL (SQLite, the
default) or a `postgresql://` URL (PostgreSQL, for hosting). Error messages never repeat
the setting, since a PostgreSQL URL can hold a password.
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlsplit

from storage.crypto import FieldCipher
from storage.interface import Storage
from storage.interface import StorageError
from storage.postgres import DEFAULT_POOL_SIZE
from storage.postgres import PostgresStorage
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


def is_postgres(database: str) -> bool:
    """Whether a database setting names PostgreSQL (a postgresql:// URL)."""
    return database.strip().lower().startswith(_POSTGRES_SCHEMES)


def describe_database(database: str) -> str:
    """A database setting as it may be shown or logged: a PostgreSQL URL without its
    password (and without anything after `?`, which may carry one too)."""
    if not is_postgres(database):
        return database
    scheme, rest = database.strip().split("://", 1)
    rest = rest.split("?", 1)[0]
    if "@" in rest:
        credentials, host = rest.rsplit("@", 1)
        user = credentials.split(":", 1)[0]
        return f"{scheme}://{user}@{host}"
    return f"{scheme}://{rest}"


def check_database_setting(database: str) -> str | None:
    """What is wrong with a database setting, in plain words, or None if it is usable.

    Checked with the rest of the config, so a bad one stops start-up before anything
    is opened.
    """
    if is_postgres(database):
        rest = database.strip().split("://", 1)[1]
        host = rest.rsplit("@", 1)[-1]
        if not host or host.startswith(("/", "?")):
            return ("the PostgreSQL URL names no server; write it like "
                    "postgresql://user:password@host:5432/database")
        try:
            parsed = urlsplit(database.strip())
            port = parsed.port
        except ValueError:
            port = -1
        if port == -1 or port == 0:
            return ("the PostgreSQL URL's port is not a number from 1 to 65535; write it "
                    "like postgresql://user:password@host:5432/database")
        return None
    try:
        sqlite_path(database)
    except StorageError as exc:
        return str(exc)
    return None


async def open_storage(database: str, cipher: FieldCipher, *,
                       pool_size: int = DEFAULT_POOL_SIZE) -> Storage:
    """Open (not migrate) the backend the database setting names.

    Creates the parent folders of a SQLite file so a first run needs no setup.
    `pool_size` is the most PostgreSQL connections this process holds.
    """
    if is_postgres(database):
        postgres = PostgresStorage(database.strip(), cipher, pool_size=pool_size)
        await postgres.open()
        return postgres
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
