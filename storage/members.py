"""One member's data across every table: subject access (export), erasure, retention
and re-encryption under a new key.

Why it exists: the data protection part of issue 9. Each feature stores what it needs
in its own tables; this store is the one place that knows, table by table, what links a
row to a member, so that `coprod export`, `coprod erase`, the daily retention sweep and
`coprod rotate-key` cover everything and agree with each other.

What links a member, table by table, and what export and erasure do with each, is
decided in `docs/decisions/member-data.md` (kept in step with the code below; a test
checks every table the migrations make is named there). In short: rows keyed by
the member's id are exported and deleted; records the group keeps (minutes, action
items, meetings, resources, settings changes, buddy rounds, named-poll votes) are
exported and lose the member's id and name; safeguarding cases, their notes and audit
are kept; the erasure itself is recorded in `member_erasures` with counts only.

Anonymous feedback and votes in anonymous polls and agreement amendments are never
exported or erased: nothing stored says whose they are.
"""

from __future__ import annotations

from abc import ABC
from abc import abstractmethod
from collections.abc import Callable
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from bot.retention_cutoffs import PruneCutoffs as PruneCutoffs
from bot.retention_cutoffs import RetentionCutoffs as RetentionCutoffs
from storage.package import EncryptedColumn as EncryptedColumn
from storage.package import MemberRecords as MemberRecords

# The name put where an erased member's name was shown to others (action items, the
# names listed by a named poll).
ERASED_NAME = "a former member"


# The core's sections; `export_sections()` adds each storage package's, in order. Every
# section is in an export even when empty: a member sees every kind of thing the bot
# could hold.
_CORE_SECTIONS: tuple[str, ...] = (
    "group_settings_changed", "messages_waiting",
)


@dataclass(frozen=True, slots=True)
class Erasure:
    """What one erasure did: rows deleted and rows anonymised per table, and the
    safeguarding records kept (counts only: never what they hold)."""

    erasure_id: int
    deleted: Mapping[str, int]
    anonymised: Mapping[str, int]
    kept: Mapping[str, int]


@dataclass(frozen=True, slots=True)
class ErasureRecord:
    """The audit of one erasure: who ran it, when, and how many rows it touched."""

    erasure_id: int
    member_id: str
    group_id: str  # "" means every group
    erased_by: str
    erased_at: datetime
    counts: Mapping[str, Any]


EVENTS_OWNER = "events"
"""The owner of the occurrence claims that mark a platform event as handled (the key of
an event the platform may send again, `App.handle_once`), so the sweep can keep them a
shorter time than the claims of timed firings."""

# Rows deleted per transaction when pruning: a backlog (the first sweep on a database
# that never pruned) is worked through in many short transactions, so nothing waits
# behind one long write.
PRUNE_BATCH = 500


# Columns the core encrypts with the at-rest key (`FieldCipher`); `encrypted_columns()`
# adds each storage package's `encrypted`. A new
# encrypted column must be declared, or `coprod rotate-key` leaves it under the old key
# (a test scans every TEXT column of a database after a workload for tokens it misses).
_CORE_COLUMNS: tuple[EncryptedColumn, ...] = (
    EncryptedColumn("group_settings", ("group_id", "key"), "value_json"),
    EncryptedColumn("settings_audit", ("id",), "value_json"),
    EncryptedColumn("deliveries", ("id",), "body"),
    EncryptedColumn("deliveries", ("id",), "fallbacks"),
    EncryptedColumn("deliveries", ("id",), "sealed_to"),
)



def encrypted_columns() -> tuple[EncryptedColumn, ...]:
    """Every column encrypted with the at-rest key: the core's and every storage
    package's."""
    from storage.packages import storage_packages

    return _CORE_COLUMNS + tuple(c for p in storage_packages() for c in p.encrypted)


def export_sections() -> tuple[str, ...]:
    """Every section of a member's export, in order."""
    from storage.packages import storage_packages

    return _CORE_SECTIONS + tuple(s for p in storage_packages() for s in p.export_sections)


def kept_sections() -> tuple[str, ...]:
    """The export sections an erasure keeps whatever happens (safeguarding records)."""
    from storage.packages import storage_packages

    return tuple(s for p in storage_packages() for s in p.kept_sections)


# Columns that hold Fernet tokens under a key that is never stored: not the at-rest
# key's business. None since migration 10: anonymous votes sealed in the running
# process's memory are kept inside the ballot box, itself encrypted at rest.
MEMORY_SEALED_COLUMNS: tuple[str, ...] = ()

Reseal = Callable[[str], "str | None"]
"""Given a stored token: its replacement under the new key, or None to leave it."""


@dataclass(frozen=True, slots=True)
class ResealBatch:
    """One batch of `reseal_batch`: where it stopped, rows seen and rows rewritten."""

    last: tuple[Any, ...] | None
    seen: int
    changed: int


class MemberDataStore(ABC):
    """Whole operations on one member's data, on retention and on key rotation."""

    @abstractmethod
    async def member_records(self, member_id: str, group_id: str | None) -> MemberRecords:
        """Everything stored that links to the member (in one group, or all), words
        decrypted, one section per kind (every section of `export_sections()` present)."""

    @abstractmethod
    async def erase_member(self, member_id: str, group_id: str | None, erased_by: str,
                           now: datetime) -> Erasure:
        """Delete or anonymise what `member_records` lists, keep safeguarding records,
        and record the erasure (who, when, counts per table), in one transaction.
        Running it again finds nothing more to do (and is recorded again)."""

    @abstractmethod
    async def erasures(self, member_id: str | None = None) -> list[ErasureRecord]:
        """The erasure audit, oldest first (one member's, or everyone's)."""

    @abstractmethod
    def retention_cutoff_names(self) -> Mapping[str, tuple[str, ...]]:
        """The retention cutoffs each storage package's purge hook reads, by package
        (`StoragePackage.cutoffs`): what the retention feature needs a period for."""

    @abstractmethod
    async def purge_expired(self, occurrence_key: str, owner: str,
                            cutoffs: RetentionCutoffs, now: datetime) -> dict[str, int] | None:
        """Retention: claim the sweep's occurrence and delete what is older than each
        cutoff, in one transaction. Returns rows deleted per table, or None if another
        process already ran this sweep.

        Each storage package deletes what its cutoffs cover: check-ins sent before the
        "checkins" cutoff, and done one-to-one requests made before it; feedback from
        before "feedback" that is no longer waiting (waiting feedback is never dropped);
        minutes from before "minutes" with their action items, once every one of those is
        done, and agenda points and RSVPs of occurrences before it; concern drafts older
        than "drafts"; and each other package what its own cutoffs cover. A package
        whose cutoffs are not all in `cutoffs` is skipped (a missing name must not mean
        "keep for ever" unnoticed), with an error logged naming it and the cutoff; the
        others are still swept."""

    @abstractmethod
    async def prune(self, cutoffs: PruneCutoffs, now: datetime,
                    batch: int = PRUNE_BATCH) -> dict[str, int]:
        """Retention of what only the bot itself reads: delete occurrence claims and
        event keys claimed before their cutoffs, request claims that ended by `now`, and
        finished deliveries queued before theirs, `batch` rows per transaction. Returns
        rows deleted per kind: "occurrences", "event_keys", "request_claims",
        "deliveries" (delivered ones) and "undeliverable". A delivery still waiting or
        being sent is never deleted. Safe to run twice, or in two processes at once."""

    @abstractmethod
    async def reseal_batch(self, column: EncryptedColumn, after: tuple[Any, ...] | None,
                           limit: int, reseal: Reseal) -> ResealBatch:
        """Re-encrypt up to `limit` rows of one encrypted column after key `after` (None:
        from the start), in key order, as one transaction. A row is rewritten only if it
        still holds the token that was read, so a concurrent change is never undone."""

    @abstractmethod
    async def compact(self) -> bool:
        """Rewrite the database file so no freed space still holds old bytes (after a
        key rotation). False if the database was too busy to do it now."""
