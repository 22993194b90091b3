"""The SQLite backend: `Storage` on one file, built from `SqliteBase` (the connection)
and the shared SQL stores, one mixin per feature (each operation one transaction)."""

from __future__ import annotations

from storage.interface import Storage
from storage.packages import compose_storage
from storage.sql import from_micros
from storage.sql import to_micros
from storage.sql_core import SqlCore
from storage.sql_members import SqlMembers
from storage.sqlite_base import MIN_SQLITE_VERSION
from storage.sqlite_base import SqliteBase


class _SqliteStorage(SqlMembers, SqlCore, SqliteBase, Storage):
    """`Storage` on a single SQLite file through aiosqlite (the default backend)."""


SqliteStorage = compose_storage("SqliteStorage", _SqliteStorage)

__all__ = ["MIN_SQLITE_VERSION", "SqliteStorage", "from_micros", "to_micros"]
