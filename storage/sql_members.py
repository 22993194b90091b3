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
import logging
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from bot.logs import log_event
from storage.interface import StorageError
from storage.members import EncryptedColumn
from storage.members import Erasure
from storage.members import ErasureRecord
from storage.members import MemberDataStore
from storage.members import MemberRecords
from storage.members import Reseal
from storage.members import ResealBatch
from storage.members import RetentionCutoffs
from storage.members import encrypted_columns
from storage.members import export_sections
from storage.package import MemberTx
from storage.packages import storage_packages
from storage.sql import SqlBase
from storage.sql import _json
from storage.sql import from_micros
from storage.sql import iso_time
from storage.sql import to_micros
from storage.sql_prune import SqlPrune

log = logging.getLogger(__name__)

_HELD = "('pending', 'sending', 'undeliverable')"



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


class SqlMembers(SqlPrune, SqlBase, MemberDataStore):
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

            for g, key, value, at in await rows(
                    "SELECT group_id, key, value_json, changed_at FROM settings_audit "
                    f"WHERE changed_by = ?{scope} ORDER BY id", (m, *sp)):
                out["group_settings_changed"].append({
                    "group": g, "setting": key,
                    "value": None if value is None else self._decrypt_json(value),
                    "changed_at": iso_time(at)})
            for did, g, raw, status, body, at, sealed_to in await rows(
                    "SELECT id, group_id, destination_json, status, body, created_at, "
                    f"sealed_to FROM deliveries WHERE status IN {_HELD} AND body IS NOT NULL"
                    f"{scope} ORDER BY id", sp):
                if m not in _recipients(self._destination_of(raw, sealed_to)):
                    continue
                message = self._decrypt_json(body)
                out["messages_waiting"].append({"group": g, "id": did, "status": status,
                                                "queued_at": iso_time(at),
                                                "text": message.get("text")})
            for package in storage_packages():
                if package.export is not None:
                    got = await package.export(MemberTx(db, self, m, group_id))
                    stray = set(got) - set(package.export_sections)
                    if stray:  # an undeclared section would silently miss the export
                        raise StorageError(f"{package.feature} exported undeclared "
                                           f"sections: {', '.join(sorted(stray))}")
                    out.update(got)
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

        async with self._transaction(alone=True) as db:  # every table, at one moment
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
                                                 kept, now=now))


            gone, rewrites, resealed = [], [], []
            for did, raw, body, sealed_to in await db.execute_fetchall(
                    "SELECT id, destination_json, body, sealed_to FROM deliveries "
                    f"WHERE 1 = 1{scope}", sp):
                destination = self._destination_of(raw, sealed_to)
                users = _recipients(destination)
                if m not in users:
                    continue
                others = [u for u in users if u != m]
                if destination.get("kind") == "group_dm" and (body is None or len(others) > 1):
                    kept_for = {**destination, "user": ",".join(others)}
                    # A sealed delivery keeps its recipients sealed: never written in clear.
                    if sealed_to is not None:
                        resealed.append((self._encrypt_json(kept_for), did))
                    else:
                        rewrites.append((_json(kept_for), did))
                else:
                    gone.append((did,))
            add(deleted, "deliveries", await many("DELETE FROM deliveries WHERE id = ?", gone))
            add(anonymised, "deliveries", await many(
                "UPDATE deliveries SET destination_json = ? WHERE id = ?", rewrites))
            add(anonymised, "deliveries", await many(
                "UPDATE deliveries SET sealed_to = ? WHERE id = ?", resealed))

            for table, column in (("group_settings", "changed_by"),
                                  ("settings_audit", "changed_by")):
                add(anonymised, table, await run(
                    f"UPDATE {table} SET {column} = '' WHERE {column} = ?{scope}", (m, *sp)))

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
        return await self._read_all(
            lambda r: ErasureRecord(int(r[0]), r[1], r[2], r[3], from_micros(int(r[4])),
                                    json.loads(r[5])),
            "SELECT id, member_id, group_id, erased_by, erased_at, counts_json "
            f"FROM member_erasures {where} ORDER BY id", params)

    # ---- retention -------------------------------------------------------------------

    def retention_cutoff_names(self) -> dict[str, tuple[str, ...]]:
        """Each storage package's retention cutoffs, by package."""
        return {p.feature: p.cutoffs for p in storage_packages() if p.cutoffs}

    async def purge_expired(self, occurrence_key: str, owner: str,
                            cutoffs: RetentionCutoffs, now: datetime) -> dict[str, int] | None:
        """Claim the day's sweep, then call each storage package's purge hook with the
        cutoffs by name (the core keeps nothing that expires), in one transaction; a
        package missing a cutoff is skipped, and logged."""
        swept = []
        for package in storage_packages():
            missing = [n for n in package.cutoffs if n not in cutoffs]
            for name in missing:
                log_event(log, logging.ERROR, "retention.cutoff_missing",
                          package=package.feature, cutoff=name)
            if package.purge is not None and not missing:
                swept.append((package.feature, package.purge))
        counts: dict[str, int] = {}
        async with self._transaction(alone=True) as db:  # a sweep over every group
            if not await self._claim(db, occurrence_key, owner, now):
                return None

            for feature, purge in swept:
                # Each package in a savepoint: one that fails is undone and logged, and
                # every other package is still swept.
                before = dict(counts)
                await db.execute("SAVEPOINT retention_package")
                try:
                    await purge(MemberTx(db, self, deleted=counts), cutoffs)
                except Exception as exc:
                    await db.execute("ROLLBACK TO SAVEPOINT retention_package")
                    counts.clear()
                    counts.update(before)
                    log_event(log, logging.ERROR, "retention.purge_failed", package=feature,
                              error=type(exc).__name__)
                await db.execute("RELEASE SAVEPOINT retention_package")
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
