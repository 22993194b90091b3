"""The SQLite backend: `Storage` on one file, built from `SqliteBase` (the connection)
and the shared SQL stores, one mixin per feature (each operation one transaction)."""

from __future__ import annotations

from storage.interface import Storage
from storage.sql import from_micros, to_micros
from storage.sql_core import SqlCore
from storage.sqlite_agreement import SqliteAgreement
from storage.sqlite_base import MIN_SQLITE_VERSION, SqliteBase
from storage.sqlite_checkins import SqliteCheckins
from storage.sqlite_concerns import SqliteConcerns
from storage.sqlite_feedback import SqliteFeedback
from storage.sqlite_meetings import SqliteMeetings


class SqliteStorage(SqliteMeetings, SqliteFeedback, SqliteCheckins, SqliteAgreement,
                    SqliteConcerns, SqlCore, SqliteBase, Storage):
    """`Storage` on a single SQLite file through aiosqlite (the default backend)."""


__all__ = ["MIN_SQLITE_VERSION", "SqliteStorage", "from_micros", "to_micros"]
