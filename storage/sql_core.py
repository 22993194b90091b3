"""The core store (group settings, the delivery outbox, scheduled occurrences) in the
SQL both databases run; see storage/sql.py."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from collections.abc import Sequence
from datetime import datetime
from datetime import timedelta
from typing import Any

from bot.logs import log_event
from bot.messages import Destination
from bot.messages import Message
from bot.messages import destination_to_dict
from bot.messages import message_to_dict
from bot.outbox import Delivery
from bot.outbox import DeliveryStatus
from bot.outbox import Fallback
from bot.outbox import NewDelivery
from bot.outbox import Preference
from storage.delivered_marks import Mark
from storage.delivered_marks import Marked
from storage.delivered_marks import mark_many
from storage.group_commit import GroupCommit
from storage.group_commit import many_values
from storage.sql import OPEN_STATUSES
from storage.sql import SqlBase
from storage.sql import SqlConnection
from storage.sql import _json
from storage.sql import blank_destination
from storage.sql import from_micros
from storage.sql import to_micros

log = logging.getLogger(__name__)

# An unreadable delivery is set aside this long, then tried again.
UNREADABLE_RETRY = timedelta(hours=1)

# {skip}: `SqlBase.skip_locked`. On PostgreSQL each inner SELECT locks the rows it picks
# and passes over rows another process is claiming right now, so claimants never take
# the same delivery and never wait for each other; a row another claimant changed
# meanwhile is checked again against the WHERE under its lock. The due rows are read in
# two parts, pending and those whose lease ran out (a process stopped mid-send), each a
# prefix of the index `deliveries_due` (status, next_attempt_at, id): so a claim reads
# the oldest due rows in order and stops at its limit, however many are due, where one
# WHERE with an OR of the two made the database sort every due row for each claim.
# {groups}: nothing, or `AND` `SqlBase._groups_condition` (a preference's groups).
_CLAIM = """
    WITH pending AS (
           SELECT id, next_attempt_at FROM deliveries
            WHERE status = 'pending' AND next_attempt_at <= :due{groups}
            ORDER BY next_attempt_at, id
            LIMIT :limit{skip}),
         expired AS (
           SELECT id, next_attempt_at FROM deliveries
            WHERE status = 'sending' AND lease_until <= :now{groups}
            ORDER BY next_attempt_at, id
            LIMIT :limit{skip})
    UPDATE deliveries
       SET status = 'sending', lease_owner = :owner, lease_until = :until, updated_at = :now
     WHERE id IN (
           SELECT id FROM (SELECT id, next_attempt_at FROM pending
                           UNION ALL
                           SELECT id, next_attempt_at FROM expired) AS due
            ORDER BY next_attempt_at, id
            LIMIT :limit)
    RETURNING id, idem_key, destination_json, body, fallbacks, attempts, created_at,
              next_attempt_at, sealed_to
"""

# `:due` for a claim of expired leases alone: no pending delivery is due before 1970.
_NO_PENDING = 0

_NEXT_DUE = """
    SELECT MIN(due) FROM (
        SELECT MIN(next_attempt_at) AS due FROM deliveries WHERE status = 'pending'
        UNION ALL
        SELECT MIN(lease_until) FROM deliveries WHERE status = 'sending') AS due_times
"""

# The same for a caller with a preference: its groups' pending deliveries when due, the
# others `:after` later.
_NEXT_DUE_PREFERRING = """
    SELECT MIN(due) FROM (
        SELECT MIN(next_attempt_at) AS due FROM deliveries
         WHERE status = 'pending' AND {groups}
        UNION ALL
        SELECT MIN(next_attempt_at) + :after FROM deliveries WHERE status = 'pending'
        UNION ALL
        SELECT MIN(lease_until) FROM deliveries WHERE status = 'sending') AS due_times
"""

_REQUEST_INSERT = "INSERT INTO request_claims (digest, expires_at)"
_REQUEST_CONFLICT = "ON CONFLICT (digest) DO NOTHING RETURNING digest"

_SET_ASIDE = """
    UPDATE deliveries
       SET status = 'pending', next_attempt_at = ?, last_error = ?, updated_at = ?,
           lease_owner = NULL, lease_until = NULL
     WHERE id = ?
"""

# A claimant whose lease ran out must not overwrite what a later claimant did.
_OWNED = " AND (CAST(? AS TEXT) IS NULL OR lease_owner = ?)"

_MARK_RETRY = f"""
    UPDATE deliveries
       SET status = 'pending', next_attempt_at = ?, last_error = ?, attempts = attempts + ?,
           lease_owner = NULL, lease_until = NULL
     WHERE id = ? AND status IN {OPEN_STATUSES}
"""

# A sealed delivery stays sealed wherever it is rerouted.
_REROUTE = f"""
    UPDATE deliveries
       SET status = 'pending', group_id = ?,
           destination_json = CASE WHEN sealed_to IS NULL THEN ? ELSE ? END,
           sealed_to = CASE WHEN sealed_to IS NULL THEN NULL ELSE ? END,
           body = ?, fallbacks = ?,
           next_attempt_at = ?, attempts = 0, last_error = ?, updated_at = ?,
           lease_owner = NULL, lease_until = NULL
     WHERE id = ? AND status IN {OPEN_STATUSES}
"""

_MARK_UNDELIVERABLE = f"""
    UPDATE deliveries
       SET status = 'undeliverable', last_error = ?, updated_at = ?,
           lease_owner = NULL, lease_until = NULL
     WHERE id = ? AND status IN {OPEN_STATUSES}
"""

_UPSERT_SETTING = """
    INSERT INTO group_settings (group_id, key, value_json, changed_by, changed_at)
    VALUES (?, ?, ?, ?, ?)
    ON CONFLICT (group_id, key) DO UPDATE
       SET value_json = excluded.value_json, changed_by = excluded.changed_by,
           changed_at = excluded.changed_at
"""

_AUDIT_SETTING = """
    INSERT INTO settings_audit (group_id, key, value_json, changed_by, changed_at)
    VALUES (?, ?, ?, ?, ?)
"""


class SqlCore(SqlBase):
    """Settings, outbox and occurrence claims: the part of `Storage` every feature uses."""

    # ---- group settings --------------------------------------------------------------

    async def load_all_group_settings(self) -> dict[str, dict[str, Any]]:
        """Every group's chat-made settings (group id -> key -> JSON value)."""
        async with self._transaction(write=False) as db:
            rows = list(await db.execute_fetchall(
                "SELECT group_id, key, value_json FROM group_settings ORDER BY group_id, key"))
        settings: dict[str, dict[str, Any]] = {}
        for group_id, key, token in rows:
            settings.setdefault(group_id, {})[key] = self._decrypt_json(token)
        return settings

    async def settings_version(self) -> int:
        """The newest settings audit row's id (every change writes one); 0 if none."""
        async with self._transaction(write=False) as db:
            rows = list(await db.execute_fetchall(
                "SELECT COALESCE(MAX(id), 0) FROM settings_audit"))
        return int(rows[0][0]) if rows else 0

    async def save_group_settings(
        self,
        group_id: str,
        changes: Mapping[str, Any],
        changed_by: str,
        now: datetime,
        deliveries: Sequence[NewDelivery] = (),
    ) -> None:
        """Upsert or (for None) remove settings, audit each change, and enqueue the
        deliveries the change causes, all in one transaction."""
        at = to_micros(now)
        tokens = {key: None if value is None else self._encrypt_json(value)
                  for key, value in changes.items()}
        upserts = [(group_id, key, token, changed_by, at)
                   for key, token in tokens.items() if token is not None]
        removals = [(group_id, key) for key, token in tokens.items() if token is None]
        audit = [(group_id, key, token, changed_by, at) for key, token in tokens.items()]
        if not audit and not deliveries:
            return
        async with self._transaction() as db:
            # Settings changes take turns (all groups): other processes reload when the
            # newest audit id grows (`settings_version`), so ids must commit in order.
            await self._turn(db, "settings")
            if upserts:
                await db.executemany(_UPSERT_SETTING, upserts)
            if removals:
                await db.executemany(
                    "DELETE FROM group_settings WHERE group_id = ? AND key = ?", removals)
            if audit:
                await db.executemany(_AUDIT_SETTING, audit)
            await self._insert_deliveries(db, deliveries, now)

    # ---- delivery outbox -------------------------------------------------------------

    async def enqueue(self, deliveries: Sequence[NewDelivery], now: datetime) -> int:
        """Store deliveries, ignoring keys already stored; return how many were new."""
        if not deliveries:
            return 0
        async with self._transaction() as db:
            return await self._insert_deliveries(db, deliveries, now)

    async def claim_deliveries(
        self, now: datetime, limit: int, owner: str, lease: timedelta,
        prefer: Preference | None = None,
    ) -> list[Delivery]:
        """Claim up to `limit` due deliveries (pending and due, or with an expired lease)
        for `owner` until `now + lease`, oldest due first. With `prefer`: first every
        expired lease (a stopped process's sends in flight, any group's), then its
        groups' due ones, then the others that have waited `prefer.others_after` past
        due (so two busy processes each keep to their own groups)."""
        if limit <= 0:
            return []
        params: dict[str, Any] = {"owner": owner, "until": to_micros(now + lease),
                                  "now": to_micros(now), "due": to_micros(now)}
        if prefer is None:
            steps = [(params, "")]
        else:
            steps = [({**params, "due": _NO_PENDING}, ""),
                     (params, " AND " + self._groups_condition(prefer.groups)),
                     ({**params, "due": to_micros(now - prefer.others_after)}, "")]
        claimed: list[Delivery] = []
        async with self._transaction() as db:
            if prefer is not None:
                await self._plan_for_constants(db)
            for values, groups in steps:
                if len(claimed) < limit:
                    claimed += await self._claim_some(
                        db, {**values, "limit": limit - len(claimed)}, groups, now)
        return claimed

    async def _claim_some(self, db: SqlConnection, params: Mapping[str, Any], groups: str,
                          now: datetime) -> list[Delivery]:
        rows = list(await db.execute_fetchall(
            _CLAIM.format(skip=self.skip_locked, groups=groups), params))
        rows.sort(key=lambda row: (row[7], row[0]))  # RETURNING order is unspecified
        claimed: list[Delivery] = []
        for row in rows:
            try:
                claimed.append(self._delivery_from(row))
            except Exception as exc:
                # One unreadable row (a wrong key, say) must not block the others. It
                # is kept and tried again later, so restoring the key still sends it.
                await db.execute(_SET_ASIDE, (to_micros(now + UNREADABLE_RETRY),
                                              f"cannot read: {type(exc).__name__}",
                                              to_micros(now), row[0]))
                log_event(log, logging.ERROR, "storage.delivery_unreadable", id=row[0],
                          error=type(exc).__name__)
        return claimed

    async def next_delivery_due(self, prefer: Preference | None = None) -> datetime | None:
        """The earliest pending `next_attempt_at` or sending `lease_until`, if any (with
        `prefer`, other groups' pending ones `prefer.others_after` later)."""
        async with self._transaction(write=False) as db:
            if prefer is None:
                rows = list(await db.execute_fetchall(_NEXT_DUE))
            else:
                await self._plan_for_constants(db)
                rows = list(await db.execute_fetchall(
                    _NEXT_DUE_PREFERRING.format(groups=self._groups_condition(prefer.groups)),
                    {"after": int(prefer.others_after.total_seconds() * 1_000_000)}))
        value = rows[0][0] if rows else None
        return None if value is None else from_micros(value)

    async def mark_delivered(self, delivery_id: int, platform_ref: str, now: datetime,
                             owner: str | None = None) -> None:
        """Delivered: keep the platform reference, drop the message body and fallbacks;
        for a sealed delivery drop the recipient too, and the history of the change.
        Marks that arrive together are committed together (a burst of sends waits for
        one flush to disk, not one each); each returns once its own is committed."""
        batch: GroupCommit[Mark, Marked] | None = getattr(self, "_delivered_batch", None)
        if batch is None:
            batch = GroupCommit(self._mark_delivered_many, "coprod-delivered-marks")
            self._delivered_batch = batch
        marked = await batch.submit(Mark(delivery_id, platform_ref, to_micros(now), owner))
        if not marked.changed:
            log_event(log, logging.WARNING, "storage.delivery_update_ignored", id=delivery_id,
                      change="delivered")
        elif marked.sealed:
            # By this caller, not in the group: the others' marks need not wait for it.
            await self._forget_old_versions("deliveries")

    async def _mark_delivered_many(self, marks: Sequence[Mark]) -> list[Marked]:
        """Mark them delivered in one transaction."""
        async with self._transaction() as db:
            return await mark_many(db, marks)

    async def mark_retry(
        self, delivery_id: int, next_attempt_at: datetime, error: str, count_attempt: bool,
        owner: str | None = None,
    ) -> None:
        """Back to pending until `next_attempt_at`; no effect once delivered or given up."""
        await self._update_one(
            "retry", _MARK_RETRY + _OWNED,
            (to_micros(next_attempt_at), error, 1 if count_attempt else 0, delivery_id,
             owner, owner),
            delivery_id)

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
        """Send to a new destination now, with a fresh attempt count."""
        at = to_micros(now)
        params = (destination.group_id, _json(destination_to_dict(destination)),
                  blank_destination(destination),
                  self._encrypt_json(destination_to_dict(destination)),
                  self._encrypt_json(message_to_dict(message)), self._fallbacks_token(remaining),
                  at, error, at, delivery_id, owner, owner)
        await self._update_one("reroute", _REROUTE + _OWNED, params, delivery_id)

    async def mark_undeliverable(self, delivery_id: int, error: str, now: datetime,
                                 owner: str | None = None) -> None:
        """Refused everywhere: kept (body still encrypted) for people to look into."""
        await self._update_one("undeliverable", _MARK_UNDELIVERABLE + _OWNED,
                               (error, to_micros(now), delivery_id, owner, owner), delivery_id)

    async def _update_one(
        self, change: str, sql: str, params: tuple[Any, ...], delivery_id: int
    ) -> None:
        async with self._transaction() as db:
            cursor = await db.execute(sql, params)
            changed = cursor.rowcount
        if changed != 1:
            # Unknown, already finished, or claimed since by another dispatcher.
            log_event(log, logging.WARNING, "storage.delivery_update_ignored", id=delivery_id,
                      change=change)

    async def delivery_status(self, key: str) -> DeliveryStatus | None:
        """The status of the delivery with this idempotency key, if it exists."""
        async with self._transaction(write=False) as db:
            rows = list(await db.execute_fetchall(
                "SELECT status FROM deliveries WHERE idem_key = ?", (key,)))
        return DeliveryStatus(rows[0][0]) if rows else None

    async def delivery_counts(self) -> dict[DeliveryStatus, int]:
        """How many deliveries are in each status (every status present, zero if none)."""
        async with self._transaction(write=False) as db:
            rows = list(await db.execute_fetchall(
                "SELECT status, COUNT(*) FROM deliveries GROUP BY status"))
        counts = dict.fromkeys(DeliveryStatus, 0)
        for status, count in rows:
            counts[DeliveryStatus(status)] = count
        return counts

    async def deliveries_waiting(self) -> tuple[int, datetime | None]:
        """How many deliveries are pending or being sent, and the oldest one's creation
        (through the claim index on status: delivered rows are not read)."""
        async with self._transaction(write=False) as db:
            rows = list(await db.execute_fetchall(
                f"SELECT COUNT(*), MIN(created_at) FROM deliveries WHERE status IN "
                f"{OPEN_STATUSES}"))
        count, oldest = rows[0] if rows else (0, None)
        return int(count or 0), None if oldest is None else from_micros(oldest)

    async def delivery_ref(self, key: str) -> str | None:
        """The platform reference of a delivered message, if it was delivered."""
        async with self._transaction(write=False) as db:
            rows = list(await db.execute_fetchall(
                "SELECT platform_ref FROM deliveries WHERE idem_key = ?", (key,)))
        return rows[0][0] if rows else None

    # ---- scheduled occurrences -------------------------------------------------------

    async def occurrence_claimed(self, key: str) -> bool:
        """Whether an occurrence with this key was claimed (by any process, ever)."""
        async with self._transaction(write=False) as db:
            rows = list(await db.execute_fetchall(
                "SELECT 1 FROM occurrences WHERE key = ?", (key,)))
        return bool(rows)

    async def claim_occurrence(
        self, key: str, owner: str, now: datetime, deliveries: Sequence[NewDelivery] = ()
    ) -> bool:
        """Record the occurrence and enqueue its deliveries, once ever per key."""
        async with self._transaction() as db:
            claimed = await self._claim(db, key, owner, now)
            if claimed:
                await self._insert_deliveries(db, deliveries, now)
        return claimed

    # ---- platform request claims -----------------------------------------------------

    async def claim_request(self, digest: str, now: datetime, until: datetime) -> bool:
        """Claim a request's digest for exactly one caller, batching the requests that
        arrive together into one transaction (a burst of button presses waits for one
        commit, not one each)."""
        batch: GroupCommit[tuple[str, int, int], bool] | None = getattr(
            self, "_request_batch", None)
        if batch is None:
            batch = GroupCommit(self._claim_requests, "coprod-request-claims")
            self._request_batch = batch
        return await batch.submit((digest, to_micros(now), to_micros(until)))

    async def _claim_requests(self, wanted: Sequence[tuple[str, int, int]]) -> list[bool]:
        """Remove ended claims, then insert the new ones; the first of several asking for
        one digest at once gets it."""
        first: dict[str, tuple[str, int]] = {}
        for digest, _, until in wanted:
            first.setdefault(digest, (digest, until))
        # Sorted: processes claiming overlapping digests wait in one order (no deadlock).
        ordered = sorted(first.values())
        async with self._transaction() as db:
            await db.execute("DELETE FROM request_claims WHERE expires_at <= ?",
                             (min(now for _, now, _ in wanted),))
            taken: set[str] = set()
            for sql, values in many_values(_REQUEST_INSERT, "(?, ?)", ordered,
                                           _REQUEST_CONFLICT):
                taken.update(str(row[0]) for row in await db.execute_fetchall(sql, values))
        out: list[bool] = []
        for digest, _, _ in wanted:
            out.append(digest in taken)
            taken.discard(digest)
        return out

    async def scheduler_heartbeat(self, now: datetime) -> datetime | None:
        """Record that everything due up to `now` was handled; return the previous record.
        Never moves the record back."""
        at = to_micros(now)
        async with self._transaction() as db:
            await self._turn(db, "heartbeat")  # the record read is the one replaced
            rows = list(await db.execute_fetchall(
                "SELECT seen_at FROM scheduler_heartbeat WHERE id = 1"))
            await db.execute(
                "INSERT INTO scheduler_heartbeat (id, seen_at) VALUES (1, ?) "
                "ON CONFLICT (id) DO UPDATE SET seen_at = excluded.seen_at "
                "WHERE excluded.seen_at > scheduler_heartbeat.seen_at", (at,))
        return from_micros(int(rows[0][0])) if rows else None

    async def scheduler_last_seen(self) -> datetime | None:
        """The recorded heartbeat, if any (read only)."""
        async with self._transaction(write=False) as db:
            rows = list(await db.execute_fetchall(
                "SELECT seen_at FROM scheduler_heartbeat WHERE id = 1"))
        return from_micros(int(rows[0][0])) if rows else None
