"""What a feature keeps in the database, declared once in its storage package.

Each `storage/<feature>/` package ends with `STORAGE = declare(__name__, ...)` (a
`StoragePackage`): the SQL mixin implementing the feature's store port, its migrations,
its encrypted columns and its part of a member's export, erasure and the retention sweep
(its `members` module, and the retention `cutoffs` its `purge` reads). The backends, key
rotation, start-up checks, `coprod export`/`erase` and retention build their lists from
these declarations (`storage.packages.storage_packages`), so adding a feature edits none
of them. How long each cutoff keeps records is not storage's to say: the feature that
keeps them declares the period (`Feature.retention`, read from its own config), and the
retention feature turns every running feature's periods into the cutoffs.
"""

from __future__ import annotations

from collections.abc import Awaitable
from collections.abc import Callable
from collections.abc import Iterable
from collections.abc import Mapping
from collections.abc import Sequence
from dataclasses import dataclass
from dataclasses import field
from datetime import datetime
from types import ModuleType
from typing import Any

from storage.connection import SqlConnection
from storage.schema import Migration

MemberRecords = dict[str, list[dict[str, Any]]]
"""Section name -> JSON-ready records (times as ISO 8601 UTC text, words decrypted)."""


@dataclass(frozen=True, slots=True)
class EncryptedColumn:
    """A TEXT column holding Fernet tokens under the at-rest key.

    `key` is the table's primary key (for batches in key order). `only` narrows the rows
    (SQL with `?` marks, and its parameters): named-poll votes are sealed at rest, while
    anonymous ones are sealed under a key that lives only in the running bot's memory
    and must be left alone.
    """

    table: str
    key: tuple[str, ...]
    column: str
    only: str = ""
    params: tuple[Any, ...] = ()

    @property
    def name(self) -> str:
        """`table.column`, for reports."""
        return f"{self.table}.{self.column}"


@dataclass(slots=True)
class MemberTx:
    """One member-data transaction as a storage package's hooks see it: the connection,
    the store (to decrypt), the member, the group scope, and the counts an erasure or a
    sweep reports."""

    db: SqlConnection
    store: Any
    member_id: str = ""
    group_id: str | None = None
    deleted: dict[str, int] = field(default_factory=dict)
    anonymised: dict[str, int] = field(default_factory=dict)
    kept: dict[str, int] = field(default_factory=dict)
    # When the erasure happens (None outside an erasure).
    now: datetime | None = None

    def scope(self, column: str = "group_id") -> tuple[str, tuple[Any, ...]]:
        """` AND column = ?` and its parameter when one group is asked for, else nothing."""
        if self.group_id is None:
            return "", ()
        return f" AND {column} = ?", (self.group_id,)

    async def rows(self, sql: str, params: Sequence[Any] = ()) -> list[Any]:
        """Every row a query returns."""
        return list(await self.db.execute_fetchall(sql, tuple(params)))

    async def run(self, sql: str, params: Sequence[Any] = ()) -> int:
        """Run a statement; the rows it changed."""
        cursor = await self.db.execute(sql, tuple(params))
        return max(cursor.rowcount, 0)

    async def many(self, sql: str, params: Sequence[Sequence[Any]]) -> int:
        """Run a statement once per parameter set; the rows changed."""
        if not params:
            return 0
        cursor = await self.db.executemany(sql, [tuple(p) for p in params])
        return max(cursor.rowcount, 0)

    @staticmethod
    def add(counts: dict[str, int], table: str, n: int) -> None:
        """Count `n` rows against a table (nothing for zero)."""
        if n:
            counts[table] = counts.get(table, 0) + n


ExportHook = Callable[[MemberTx], Awaitable[MemberRecords]]
"""A member's records in this feature's tables, one list per export section."""
KeepHook = Callable[[MemberTx], Awaitable[None]]
"""Count the records linked to the member that an erasure keeps (safeguarding records)
into `kept`. Every package's runs before any package or the core deletes anything."""
EraseHook = Callable[[MemberTx], Awaitable[None]]
"""Delete or anonymise what the export hook lists (counting into `deleted`,
`anonymised`)."""
PurgeHook = Callable[[MemberTx, Mapping[str, "datetime | None"]], Awaitable[None]]
"""Retention: delete what is older than the named cutoffs (every one the package
declares is given), counting into `deleted`."""


@dataclass(frozen=True, slots=True)
class StoragePackage:
    """One feature's storage, as the backends and the member-data tools see it.

    `sql`: the mixin class implementing the feature's store port; it becomes part of
    both backends. `export_sections`: the sections this feature adds to a member's
    export, in order (each present even when empty); `kept_sections`: those of them an
    erasure keeps whatever happens (safeguarding records), which `coprod erase` lists
    apart. Hooks are called with the whole
    store as `MemberTx.store`, inside the one transaction of the export, erasure or sweep.
    """

    feature: str
    sql: type
    migrations: tuple[Migration, ...] = ()
    encrypted: tuple[EncryptedColumn, ...] = ()
    export_sections: tuple[str, ...] = ()
    kept_sections: tuple[str, ...] = ()
    export: ExportHook | None = None
    keep: KeepHook | None = None
    erase: EraseHook | None = None
    purge: PurgeHook | None = None
    # The retention cutoffs `purge` reads, by name. Each needs a running feature's period
    # (`Feature.retention`): the bot refuses to start without one, and a sweep given no
    # cutoff for one skips this package with an error logged (a misspelt or missing name
    # would otherwise keep that data for ever, unnoticed).
    cutoffs: tuple[str, ...] = ()
    # Delivery keys (SQL LIKE patterns) whose outcome this package's queries read after
    # the delivery finished. The sweep keeps those as long as the deliveries that had
    # trouble, and deletes them by one cutoff whatever their outcome, so that an older
    # one is never left behind as the newest (`MemberDataStore.prune`).
    reads_deliveries: tuple[str, ...] = ()


def sealed(table: str, *columns: str,
           key: tuple[str, ...] = ("id",)) -> tuple[EncryptedColumn, ...]:
    """A table's encrypted columns, declared together (keyed by `id` unless `key` says
    otherwise)."""
    return tuple(EncryptedColumn(table, key, column) for column in columns)


def declare(package: str, sql: type, migrations: tuple[Migration, ...],
            members: ModuleType | None = None, *, encrypted: Iterable[EncryptedColumn] = (),
            cutoffs: tuple[str, ...] = (), reads_deliveries: tuple[str, ...] = (),
            ) -> StoragePackage:
    """A `storage/<feature>/` package's declaration, from its own parts: `package` is its
    `__name__` (the feature is its last part), and its part of a member's data is what
    its `members` module defines of `SECTIONS` (its export sections, in order), `KEPT`
    (those an erasure keeps), `export`, `keep`, `erase` and `purge` (the hooks above; a
    feature defines those it has). The other arguments are `StoragePackage`'s."""
    return StoragePackage(
        feature=package.rsplit(".", 1)[-1], sql=sql, migrations=migrations,
        encrypted=tuple(encrypted), export_sections=tuple(getattr(members, "SECTIONS", ())),
        kept_sections=tuple(getattr(members, "KEPT", ())),
        export=getattr(members, "export", None), keep=getattr(members, "keep", None),
        erase=getattr(members, "erase", None), purge=getattr(members, "purge", None),
        cutoffs=cutoffs, reads_deliveries=reads_deliveries)
