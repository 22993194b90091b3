"""The storage interface every feature and service uses; backends implement it.

Methods are whole operations (one transaction, few awaits), not row-by-row access: each
awaited call on aiosqlite costs a thread hop. Anything a feature stores together with
the deliveries it causes goes through one method, so the state change and the outbox
rows commit together or not at all. No SQL exists outside `storage/`.
"""

from __future__ import annotations

from abc import ABC
from abc import abstractmethod
from collections.abc import Mapping
from collections.abc import Sequence
from datetime import datetime
from datetime import timedelta
from typing import Any

from bot.errors import StorageError as StorageError
from bot.messages import Destination
from bot.messages import Message
from bot.outbox import Delivery
from bot.outbox import DeliveryStatus
from bot.outbox import Fallback
from bot.outbox import NewDelivery
from bot.outbox import Preference
from bot.peers import PeerLink
from storage.members import MemberDataStore


class NewerDatabaseError(StorageError):
    """The database has migrations this version of coprod-bot does not know (it was used
    by a newer version): nothing is changed, so the newer version can still use it."""

    def __init__(self, unknown: Sequence[int], known: int) -> None:
        self.unknown = tuple(sorted(unknown))
        self.known = known
        super().__init__(
            f"the database has schema version {max(self.unknown)}, newer than this "
            f"coprod-bot knows ({known}); upgrade coprod-bot")


class OtherKeyError(StorageError):
    """What the database holds was encrypted with a key this process was not given.

    `readable` and `unreadable` count the stored values tried (the oldest and newest of
    each encrypted column): none readable means the whole database was made with another
    key.
    """

    def __init__(self, readable: int, unreadable: int) -> None:
        self.readable = readable
        self.unreadable = unreadable
        super().__init__(f"{unreadable} of {readable + unreadable} stored values tried "
                         "cannot be decrypted with the configured key")


class DatabaseUnreachable(StorageError):
    """The database server could not be reached or refused the connection. `reason` is
    one of `refused`, `no_host`, `timeout`, `login`, `no_database` or `other`; `detail`
    is the driver's words (never a password)."""

    def __init__(self, reason: str, detail: str) -> None:
        self.reason = reason
        self.detail = detail
        super().__init__(f"cannot connect to PostgreSQL: {detail}")


class Storage(MemberDataStore, ABC):
    """What the core needs from a database."""

    # ---- life cycle ------------------------------------------------------------------

    def peer_link(self) -> PeerLink | None:
        """How this process reaches the others sharing the database (`bot.peers`);
        None when the database is one process's alone (SQLite)."""
        return None

    @abstractmethod
    async def occurrence_claimed(self, key: str) -> bool:
        """Whether an occurrence with this key was claimed (by any process, ever)."""

    @abstractmethod
    async def open(self) -> None:
        """Connect. Does not migrate: call `migrate` (start-up does both)."""

    @abstractmethod
    async def close(self) -> None:
        """Finish pending writes and disconnect."""

    @abstractmethod
    async def migrate(self) -> list[int]:
        """Apply every migration not yet applied, in order; return the versions applied."""

    @abstractmethod
    async def schema_version(self) -> int:
        """The highest migration version applied (0 for an empty database)."""

    @abstractmethod
    async def preflight(self) -> None:
        """Check, reading only, that this process may use the database: raise
        `NewerDatabaseError` if a newer coprod-bot has migrated it, `OtherKeyError` if
        what it holds was encrypted with a key this process was not given. Start-up
        calls it before `migrate`, so a refused database is left exactly as it was."""

    # ---- group settings --------------------------------------------------------------

    @abstractmethod
    async def load_all_group_settings(self) -> dict[str, dict[str, Any]]:
        """Every group's chat-made settings (group id -> key -> JSON value)."""

    @abstractmethod
    async def settings_version(self) -> int:
        """A number that grows with every settings change, so a process can tell that
        another one changed settings since it last loaded them."""

    @abstractmethod
    async def save_group_settings(
        self,
        group_id: str,
        changes: Mapping[str, Any],
        changed_by: str,
        now: datetime,
        deliveries: Sequence[NewDelivery] = (),
    ) -> None:
        """Store chat-made settings for a group (values are JSON-serialisable).

        A value of None removes the chat-made setting so the config default applies.
        """

    # ---- delivery outbox -------------------------------------------------------------

    @abstractmethod
    async def enqueue(self, deliveries: Sequence[NewDelivery], now: datetime) -> int:
        """Store deliveries; those whose key already exists are ignored. Returns how many
        were new."""

    @abstractmethod
    async def claim_deliveries(
        self, now: datetime, limit: int, owner: str, lease: timedelta,
        prefer: Preference | None = None,
    ) -> list[Delivery]:
        """Claim up to `limit` deliveries that are due: pending with `next_attempt_at <=
        now`, or sending whose lease has expired (their dispatcher died). Claimed rows
        become `sending` under `owner` until `now + lease`; no other caller gets them.
        With `prefer`, pending deliveries of other groups count as due only
        `prefer.others_after` later, and the order is: every expired lease (a stopped
        process's sends in flight, any group's), the preferred groups' due ones, then
        the others'."""

    @abstractmethod
    async def next_delivery_due(self, prefer: Preference | None = None) -> datetime | None:
        """When the earliest pending or leased delivery becomes claimable, if any (by
        a caller claiming with `prefer`)."""

    @abstractmethod
    async def mark_delivered(self, delivery_id: int, platform_ref: str, now: datetime,
                             owner: str | None = None) -> None:
        """The platform accepted it. The stored message body is dropped (kept no longer
        than needed); the platform's reference is kept to update it in place later."""

    @abstractmethod
    async def mark_retry(
        self, delivery_id: int, next_attempt_at: datetime, error: str, count_attempt: bool,
        owner: str | None = None,
    ) -> None:
        """Put it back to pending, to be tried again at `next_attempt_at`.

        With `owner`, each of these outcome methods changes the row only while that
        dispatcher still holds its claim: one whose lease ran out (and whose delivery
        was claimed again by another) must not overwrite what the other did."""

    @abstractmethod
    async def reroute(
        self,
        delivery_id: int,
        destination: Destination,
        message: Message,
        remaining: Sequence[Fallback],
        error: str,
        now: datetime,
        owner: str | None = None,
    ) -> None:
        """The destination refused for good: send to the next fallback instead, now."""

    @abstractmethod
    async def mark_undeliverable(self, delivery_id: int, error: str, now: datetime,
                                 owner: str | None = None) -> None:
        """Refused everywhere it could go. Kept for people to look into (the retention
        sweep deletes it after a while: `MemberDataStore.prune`)."""

    @abstractmethod
    async def delivery_status(self, key: str) -> DeliveryStatus | None:
        """The status of the delivery with this idempotency key, if it exists."""

    @abstractmethod
    async def delivery_counts(self) -> dict[DeliveryStatus, int]:
        """How many deliveries are in each status (for health checks and tests)."""

    @abstractmethod
    async def deliveries_waiting(self) -> tuple[int, datetime | None]:
        """How many deliveries are owed (pending or being sent), and when the oldest of
        them was stored (None if none): for monitoring, and a cheap check that the
        database answers."""

    @abstractmethod
    async def delivery_ref(self, key: str) -> str | None:
        """The platform reference of a delivered message (to edit it in place)."""

    # ---- scheduled occurrences -------------------------------------------------------

    @abstractmethod
    async def claim_occurrence(
        self, key: str, owner: str, now: datetime, deliveries: Sequence[NewDelivery] = ()
    ) -> bool:
        """Claim one firing of a schedule (key: schedule id + due time) together with
        the deliveries it causes. True for exactly one caller, ever, per key."""

    @abstractmethod
    async def claim_request(self, digest: str, now: datetime, until: datetime) -> bool:
        """Claim one platform request, by a digest of what makes it unique, until `until`
        (after which the platform's own check refuses it anyway). True for exactly one
        caller per digest while its claim lasts, in any process sharing the database.
        Claims that ended by `now` are removed."""

    @abstractmethod
    async def scheduler_heartbeat(self, now: datetime) -> datetime | None:
        """Record that a scheduler has handled everything due up to `now`; return the
        previous record. The record only moves forward."""

    @abstractmethod
    async def scheduler_last_seen(self) -> datetime | None:
        """Up to when a scheduler last recorded everything due as handled (None: never),
        so that firings missed while the bot was down can be found. Only reads."""
