"""What a SQL store sees of one open transaction, whichever database runs it: the small
interface (the aiosqlite method names) that `SqliteBase` and `PostgresBase` each give.

Kept apart from `storage/sql.py`, so the storage packages' declarations can name it
without importing the stores' shared code (and no import cycle runs through it).
"""

from __future__ import annotations

from collections.abc import Iterable
from collections.abc import Mapping
from collections.abc import Sequence
from typing import Any
from typing import Protocol

Params = Sequence[Any] | Mapping[str, Any]
"""A statement's parameters: `?` marks in order, or `:name` marks by name."""


class SqlCursor(Protocol):
    """The result of one statement: rows (for SELECT or RETURNING) and rows changed."""

    @property
    def rowcount(self) -> int: ...

    async def fetchone(self) -> Any: ...

    async def fetchall(self) -> Iterable[Any]: ...


class SqlConnection(Protocol):
    """One open transaction, as the feature stores use it."""

    async def execute(self, sql: str, parameters: Params = ()) -> SqlCursor: ...

    async def execute_fetchall(self, sql: str, parameters: Params = ()) -> Iterable[Any]: ...

    async def executemany(self, sql: str, parameters: Iterable[Params]) -> SqlCursor: ...
