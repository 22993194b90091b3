"""`MemberDataStore` in SQL both databases run: one member's data (export and erasure),
the retention sweep and batched re-encryption under a new key.

Which table links a member how, and what export and erasure do with it, is decided in
`docs/decisions/member-data.md` (see `storage/members.py`). The SQL is what SQLite and
PostgreSQL both accept (`storage/sql.py`): `?` marks, `RETURNING`, `substr`, row-value
comparisons, flags as 0/1; JSON and encrypted words are read and matched in Python,
not with either database's JSON functions.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from storage.interface import StorageError
from storage.members import (
    EncryptedColumn,
    Erasure,
    ErasureRecord,
    MemberDataStore,
    MemberRecords,
    Reseal,
    ResealBatch,
    RetentionCutoffs,
    encrypted_columns,
    export_sections,
)
from storage.package import MemberTx
from storage.packages import storage_packages
from storage.sql import SqlBase, _json, from_micros, to_micros

_CLAIM = ("INSERT INTO occurrences (key, owner, claimed_at) VALUES (?, ?, ?) "
          "ON CONFLICT (key) DO NOTHING")
_HELD = "('pending', 'sending', 'undeliverable')"
_WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")

def _iso(value: int | None) -> str | None:
    return None if value is None else from_micros(int(value)).isoformat()


def _scope(group_id: str | None, column: str = "group_id") -> tuple[str, tuple[Any, ...]]:
    """An extra `AND` for one group (nothing for every group)."""
    return ("", ()) if group_id is None else (f" AND {column} = ?", (group_id,))


def _destination(raw: Any) -> dict[str, Any]:
    # SQLite keeps JSON as text; PostgreSQL's JSONB may come back decoded.
    return dict(raw) if isinstance(raw, dict) else dict(json.loads(raw))


def _recipients(destination: dict[str, Any]) -> list[str]:
    user = str(destination.get("user", ""))
    if destination.get("kind") == "group_dm":
        return [u for u in user.split(",") if u]
    return [user] if user else []


def _is_own_checkin_schedule(key: str, member_id: str, group_id: str | None) -> bool:
    schedule = key.rsplit("@", 1)[0]
    if group_id is not None:
        return schedule == f"checkin:{group_id}:{member_id}"
    return schedule.startswith("checkin:") and schedule.endswith(f":{member_id}")


class SqlMembers(SqlBase, MemberDataStore):
    """`MemberDataStore` for `SqliteStorage` and `PostgresStorage`."""

    # ---- export ----------------------------------------------------------------------

    async def member_records(self, member_id: str, group_id: str | None) -> MemberRecords:
        """The member's records in every table, core first, then each storage package's
        export hook, in one read transaction."""
        out: MemberRecords = {name: [] for name in export_sections()}
        m = member_id
        scope, sp = _scope(group_id)
        async with self._transaction(write=False) as db:
            async def rows(sql: str, params: Sequence[Any]) -> list[Any]:
                return list(await db.execute_fetchall(sql, tuple(params)))

            for r in await rows(
                    "SELECT group_id, display_name, enabled, cadence, weekday, at_time, "
                    "timezone, quiet_start, quiet_end, paused_until, pause_reason, misses, "
                    f"facilitator_id, updated_at FROM checkin_prefs WHERE user_id = ?{scope} "
                    "ORDER BY group_id", (m, *sp)):
                out["checkin_settings"].append({
                    "group": r[0], "name": r[1], "check_ins_on": bool(r[2]), "cadence": r[3],
                    "day": _WEEKDAYS[int(r[4]) % 7], "time": r[5], "time_zone": r[6],
                    "quiet_start": r[7], "quiet_end": r[8], "paused_until": _iso(r[9]),
                    "pause_reason": r[10], "unanswered_in_a_row": r[11],
                    "facilitator": r[12] or None, "changed_at": _iso(r[13])})
            for r in await rows(
                    "SELECT id, group_id, sent_at, answer, answered_at, note, followed_up "
                    f"FROM checkins WHERE user_id = ?{scope} ORDER BY sent_at, id", (m, *sp)):
                out["checkins"].append({
                    "id": r[0], "group": r[1], "sent_at": _iso(r[2]), "answer": r[3],
                    "answered_at": _iso(r[4]),
                    "note": None if r[5] is None else self._decrypt_json(r[5])["note"],
                    "follow_up_sent": bool(r[6])})
            for r in await rows(
                    "SELECT id, group_id, facilitator_id, answer, body, status, created_at, "
                    f"arranged_at FROM one_to_ones WHERE user_id = ?{scope} "
                    "ORDER BY created_at, id", (m, *sp)):
                data = self._decrypt_json(r[4])
                out["one_to_one_requests"].append({
                    "id": r[0], "group": r[1], "facilitator": r[2] or None, "answer": r[3],
                    "your_name": data.get("name"), "note": data.get("note"),
                    "status": r[5], "made_at": _iso(r[6]), "arranged_at": _iso(r[7])})
            for g, name, at in await rows(
                    "SELECT group_id, display_name, joined_at FROM buddy_members "
                    f"WHERE user_id = ?{scope} ORDER BY group_id", (m, *sp)):
                out["buddy_membership"].append({"group": g, "name": name,
                                                "joined_at": _iso(at)})
            for g, other in await rows(
                    f"SELECT group_id, other_id FROM buddy_avoids WHERE user_id = ?{scope} "
                    "ORDER BY group_id, other_id", (m, *sp)):
                out["buddy_avoids"].append({"group": g, "not_paired_with": other})
            for g, number, at, pairs in await rows(
                    f"SELECT group_id, number, made_at, pairs_json FROM buddy_rounds "
                    f"WHERE 1 = 1{scope} ORDER BY group_id, number", sp):
                for pair in json.loads(pairs):
                    if m in pair:
                        out["buddy_rounds"].append({
                            "group": g, "round": number, "made_at": _iso(at),
                            "paired_with": [p for p in pair if p != m]})
            for g, name, at in await rows(
                    "SELECT group_id, display_name, seen_at FROM facilitators "
                    f"WHERE user_id = ?{scope} ORDER BY group_id", (m, *sp)):
                out["known_facilitator"].append({"group": g, "name": name,
                                                 "last_seen": _iso(at)})
            for g, key, value, at in await rows(
                    "SELECT group_id, key, value_json, changed_at FROM settings_audit "
                    f"WHERE changed_by = ?{scope} ORDER BY id", (m, *sp)):
                out["group_settings_changed"].append({
                    "group": g, "setting": key,
                    "value": None if value is None else self._decrypt_json(value),
                    "changed_at": _iso(at)})
            for did, g, raw, status, body, at, sealed_to in await rows(
                    "SELECT id, group_id, destination_json, status, body, created_at, "
                    f"sealed_to FROM deliveries WHERE status IN {_HELD} AND body IS NOT NULL"
                    f"{scope} ORDER BY id", sp):
                if m not in _recipients(self._destination_of(raw, sealed_to)):
                    continue
                message = self._decrypt_json(body)
                out["messages_waiting"].append({"group": g, "id": did, "status": status,
                                                "queued_at": _iso(at),
                                                "text": message.get("text")})
            for package in storage_packages():
                if package.export is not None:
                    out.update(await package.export(MemberTx(db, self, m, group_id)))
        return out

    def _destination_of(self, raw: Any, sealed_to: str | None) -> dict[str, Any]:
        """A delivery's destination: the sealed one (decrypted) if it has one."""
        return (dict(self._decrypt_json(sealed_to)) if sealed_to is not None
                else _destination(raw))

    # ---- erasure ---------------------------------------------------------------------

    async def erase_member(self, member_id: str, group_id: str | None, erased_by: str,
                           now: datetime) -> Erasure:
        """Count the kept safeguarding links first, then delete or anonymise the core's
        rows and each storage package's (its erase hook), and record the erasure."""
        m = member_id
        deleted: dict[str, int] = {}
        anonymised: dict[str, int] = {}
        scope, sp = _scope(group_id)

        async with self._transaction() as db:
            async def run(sql: str, params: Sequence[Any]) -> int:
                cursor = await db.execute(sql, tuple(params))
                return max(cursor.rowcount, 0)

            async def many(sql: str, params: Sequence[Sequence[Any]]) -> int:
                if not params:
                    return 0
                cursor = await db.executemany(sql, [tuple(p) for p in params])
                return max(cursor.rowcount, 0)

            def add(counts: dict[str, int], table: str, n: int) -> None:
                if n:
                    counts[table] = counts.get(table, 0) + n

            # What is kept is counted before anything is deleted.
            kept: dict[str, int] = {}
            for package in storage_packages():
                if package.keep is not None:
                    await package.keep(MemberTx(db, self, m, group_id, kept=kept))
            for package in storage_packages():
                if package.erase is not None:
                    await package.erase(MemberTx(db, self, m, group_id, deleted, anonymised,
                                                 kept))

            for table in ("checkin_prefs", "checkins", "one_to_ones",
                          "facilitators", "buddy_members"):
                add(deleted, table, await run(
                    f"DELETE FROM {table} WHERE user_id = ?{scope}", (m, *sp)))
            add(deleted, "buddy_avoids", await run(
                f"DELETE FROM buddy_avoids WHERE (user_id = ? OR other_id = ?){scope}",
                (m, m, *sp)))

            gone, rewrites = [], []
            for did, raw, body, sealed_to in await db.execute_fetchall(
                    "SELECT id, destination_json, body, sealed_to FROM deliveries "
                    f"WHERE 1 = 1{scope}", sp):
                destination = self._destination_of(raw, sealed_to)
                users = _recipients(destination)
                if m not in users:
                    continue
                others = [u for u in users if u != m]
                if destination.get("kind") == "group_dm" and (body is None or len(others) > 1):
                    rewrites.append((_json({**destination, "user": ",".join(others)}), did))
                else:
                    gone.append((did,))
            add(deleted, "deliveries", await many("DELETE FROM deliveries WHERE id = ?", gone))
            add(anonymised, "deliveries", await many(
                "UPDATE deliveries SET destination_json = ? WHERE id = ?", rewrites))

            claims = [(key,) for (key,) in await db.execute_fetchall(
                "SELECT key FROM occurrences WHERE substr(key, 1, 8) = ?", ("checkin:",))
                if _is_own_checkin_schedule(str(key), m, group_id)]
            add(deleted, "occurrences",
                await many("DELETE FROM occurrences WHERE key = ?", claims))

            # An open request waiting for them skips the reminder (it would go to nobody):
            # the hourly sweep passes it to another facilitator when it falls due.
            add(anonymised, "one_to_ones", await run(
                "UPDATE one_to_ones SET facilitator_id = '', stage = CASE WHEN "
                "status = 'requested' AND stage = 0 THEN 1 ELSE stage END "
                f"WHERE facilitator_id = ?{scope}", (m, *sp)))
            for table, column in (("checkin_prefs", "facilitator_id"),
                                  ("group_settings", "changed_by"),
                                  ("settings_audit", "changed_by")):
                add(anonymised, table, await run(
                    f"UPDATE {table} SET {column} = '' WHERE {column} = ?{scope}", (m, *sp)))

            rounds = []
            for g, number, pairs in await db.execute_fetchall(
                    f"SELECT group_id, number, pairs_json FROM buddy_rounds WHERE 1 = 1{scope}",
                    sp):
                decoded = json.loads(pairs)
                if any(m in pair for pair in decoded):
                    cleaned = [["" if p == m else p for p in pair] for pair in decoded]
                    rounds.append((json.dumps(cleaned), g, number))
            add(anonymised, "buddy_rounds", await many(
                "UPDATE buddy_rounds SET pairs_json = ? WHERE group_id = ? AND number = ?",
                rounds))

            counts = {"deleted": deleted, "anonymised": anonymised, "kept": kept}
            cursor = await db.execute(
                "INSERT INTO member_erasures (member_id, group_id, erased_by, erased_at, "
                "counts_json) VALUES (?, ?, ?, ?, ?) RETURNING id",
                (m, group_id or "", erased_by, to_micros(now), _json(counts)))
            row = await cursor.fetchone()
            if row is None:
                raise StorageError("the erasure could not be recorded")
            erasure_id = int(row[0])
        await self._forget_old_versions(*sorted({*deleted, *anonymised}))
        return Erasure(erasure_id, deleted, anonymised, kept)

    async def erasures(self, member_id: str | None = None) -> list[ErasureRecord]:
        """The erasure audit rows, oldest first."""
        where, params = ("WHERE member_id = ?", (member_id,)) if member_id else ("", ())
        async with self._transaction(write=False) as db:
            rows = list(await db.execute_fetchall(
                "SELECT id, member_id, group_id, erased_by, erased_at, counts_json "
                f"FROM member_erasures {where} ORDER BY id", params))
        return [ErasureRecord(int(r[0]), r[1], r[2], r[3], from_micros(int(r[4])),
                              json.loads(r[5])) for r in rows]

    # ---- retention -------------------------------------------------------------------

    async def purge_expired(self, occurrence_key: str, owner: str,
                            cutoffs: RetentionCutoffs, now: datetime) -> dict[str, int] | None:
        """Claim the day's sweep, then delete the core's expired rows and call each
        storage package's purge hook with the cutoffs by name, in one transaction."""
        counts: dict[str, int] = {}
        async with self._transaction() as db:
            cursor = await db.execute(_CLAIM, (occurrence_key, owner, to_micros(now)))
            if cursor.rowcount != 1:
                return None

            async def run(table: str, sql: str, at: datetime) -> None:
                cursor = await db.execute(sql, (to_micros(at),))
                counts[table] = counts.get(table, 0) + max(cursor.rowcount, 0)

            if cutoffs.checkins_before is not None:
                at = cutoffs.checkins_before
                await run("checkins", "DELETE FROM checkins WHERE sent_at < ?", at)
                await run("one_to_ones", "DELETE FROM one_to_ones WHERE status = 'done' "
                          "AND created_at < ?", at)
            named = {"checkins": cutoffs.checkins_before,
                     "feedback": cutoffs.feedback_before,
                     "minutes": cutoffs.minutes_before, "drafts": cutoffs.drafts_before}
            for package in storage_packages():
                if package.purge is not None:
                    await package.purge(MemberTx(db, self, deleted=counts), named)
        if any(counts.values()):
            await self._forget_old_versions(*sorted(t for t, n in counts.items() if n))
        return counts

    # ---- key rotation ----------------------------------------------------------------

    async def reseal_batch(self, column: EncryptedColumn, after: tuple[Any, ...] | None,
                           limit: int, reseal: Reseal) -> ResealBatch:
        """One batch of key rotation for one column. Reads, re-encrypts outside any write
        transaction, then writes the batch in one, each row only if unchanged."""
        keys = ", ".join(column.key)
        where = [f"{column.column} IS NOT NULL"]
        params: list[Any] = []
        if column.only:
            where.append(f"({column.only})")
            params += column.params
        if after is not None:
            marks = ", ".join("?" for _ in column.key)
            where.append(f"({keys}) > ({marks})" if len(column.key) > 1 else f"{keys} > ?")
            params += after
        async with self._transaction(write=False) as db:
            rows = list(await db.execute_fetchall(
                f"SELECT {keys}, {column.column} FROM {column.table} "
                f"WHERE {' AND '.join(where)} ORDER BY {keys} LIMIT ?", (*params, limit)))
        if not rows:
            return ResealBatch(None, 0, 0)
        updates = []
        for row in rows:
            token = row[-1]
            fresh = reseal(token)
            if fresh is not None and fresh != token:
                updates.append((fresh, *row[:-1], token))
        changed = 0
        if updates:
            match = " AND ".join(f"{k} = ?" for k in column.key)
            async with self._transaction() as db:
                cursor = await db.executemany(
                    f"UPDATE {column.table} SET {column.column} = ? "
                    f"WHERE {match} AND {column.column} = ?", updates)
                changed = max(cursor.rowcount, 0)
        return ResealBatch(tuple(rows[-1][:-1]), len(rows), changed)

    async def compact(self) -> bool:
        """SQLite: VACUUM (the file is rewritten without its free pages), then the WAL is
        emptied. PostgreSQL: each table with encrypted columns is vacuumed, which drops
        dead row versions but does not overwrite the space (docs/decisions/member-data.md)."""
        try:
            if self.dialect == "sqlite":
                async with self._transaction(write=False) as db:
                    await db.execute("VACUUM")
            await self._forget_old_versions(*sorted({c.table for c in encrypted_columns()}))
        except StorageError:
            return False
        return True


__all__ = ["SqlMembers"]
