"""Check-ins, one-to-one requests, facilitators and buddies in SQL both databases run:
whole operations, one transaction each. Check-in notes and the words of one-to-one
requests are encrypted."""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from bot.features.buddies.store import BuddyRound
from bot.features.buddies.store import BuddyStore
from bot.features.checkins.store import Answer
from bot.features.checkins.store import Cadence
from bot.features.checkins.store import Checkin
from bot.features.checkins.store import CheckinPrefs
from bot.features.checkins.store import CheckinStore
from bot.features.checkins.store import Facilitator
from bot.features.checkins.store import OneToOne
from bot.features.checkins.store import RequestStatus
from bot.outbox import NewDelivery
from storage.sql import SqlBase
from storage.sql import SqlConnection
from storage.sql import from_micros
from storage.sql import to_micros

_PREFS = ("group_id, user_id, display_name, enabled, cadence, weekday, at_time, timezone, "
          "quiet_start, quiet_end, paused_until, pause_reason, misses, anchor, facilitator_id")
_SAVE_PREFS = f"""
    INSERT INTO checkin_prefs ({_PREFS}, updated_at)
    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
    ON CONFLICT (group_id, user_id) DO UPDATE SET
        display_name = excluded.display_name, enabled = excluded.enabled,
        cadence = excluded.cadence, weekday = excluded.weekday, at_time = excluded.at_time,
        timezone = excluded.timezone, quiet_start = excluded.quiet_start,
        quiet_end = excluded.quiet_end, paused_until = excluded.paused_until,
        pause_reason = excluded.pause_reason, misses = excluded.misses,
        anchor = excluded.anchor, facilitator_id = excluded.facilitator_id,
        updated_at = excluded.updated_at
"""
_CHECKIN = ("id, group_id, user_id, sent_at, delivery_key, answer, answered_at, note, "
            "followed_up")
_REQUEST = ("id, group_id, user_id, facilitator_id, answer, body, status, stage, checkin_id, "
            "created_at, arranged_at")
_UNREACHABLE = f"""
    SELECT {", ".join("c." + c.strip() for c in _CHECKIN.split(","))},
           d.status, d.destination_json
      FROM checkins c JOIN deliveries d ON d.idem_key = c.delivery_key
     WHERE c.group_id = ? AND c.user_id = ? AND (c.unreachable_told = 0 OR ? = 1)
       AND c.sent_at = (SELECT MAX(sent_at) FROM checkins
                         WHERE group_id = c.group_id AND user_id = c.user_id)
       AND d.last_error IS NOT NULL
     ORDER BY c.sent_at DESC
"""


def _went_astray(status: str, destination_json: str, user_id: str) -> bool:
    """Whether a check-in's delivery gave up or went somewhere other than the DM."""
    destination = json.loads(destination_json)
    return (status == "undeliverable" or destination.get("user") != user_id
            or destination.get("kind") != "dm")


def _micros(moment: datetime | None) -> int | None:
    return None if moment is None else to_micros(moment)


def _moment(value: int | None) -> datetime | None:
    return None if value is None else from_micros(value)


class SqlCheckins(SqlBase, CheckinStore, BuddyStore):
    """`CheckinStore` and `BuddyStore` for both storage backends."""

    # ---- encoding ----------------------------------------------------------------------

    @staticmethod
    def _prefs_from(row: Any) -> CheckinPrefs:
        (group_id, user_id, name, enabled, cadence, weekday, at, zone, quiet_start, quiet_end,
         paused_until, reason, misses, anchor, facilitator) = row
        return CheckinPrefs(group_id, user_id, name, bool(enabled), Cadence(cadence), weekday,
                            at, zone, quiet_start, quiet_end, _moment(paused_until), reason,
                            misses, _moment(anchor), facilitator)

    @staticmethod
    def _prefs_row(p: CheckinPrefs, now: datetime) -> tuple[Any, ...]:
        return (p.group_id, p.user_id, p.display_name, int(p.enabled), p.cadence.value,
                p.weekday, p.at, p.timezone, p.quiet_start, p.quiet_end,
                _micros(p.paused_until), p.pause_reason, p.misses, _micros(p.anchor),
                p.facilitator_id, to_micros(now))

    def _checkin_from(self, row: Any) -> Checkin:
        cid, group_id, user_id, sent, key, answer, answered, note, followed = row
        return Checkin(cid, group_id, user_id, from_micros(sent), key,
                       None if answer is None else Answer(answer), _moment(answered),
                       "" if note is None else str(self._decrypt_json(note)["note"]),
                       bool(followed))

    def _request_from(self, row: Any) -> OneToOne:
        (rid, group_id, user_id, facilitator, answer, body, status, stage, checkin_id,
         created, arranged) = row
        data = self._decrypt_json(body)
        return OneToOne(rid, group_id, user_id, data["name"], facilitator, Answer(answer),
                        data["note"], RequestStatus(status), from_micros(created), stage,
                        checkin_id, _moment(arranged))

    def _request_row(self, r: OneToOne, now: datetime) -> tuple[Any, ...]:
        return (r.request_id, r.group_id, r.user_id, r.facilitator_id, r.answer.value,
                self._encrypt_json({"name": r.member_name, "note": r.note}), r.status.value,
                r.stage, r.checkin_id, to_micros(r.created_at), _micros(r.arranged_at),
                to_micros(now))

    async def _save_request(self, db: SqlConnection, r: OneToOne,
                            now: datetime) -> None:
        await db.execute(
            f"""INSERT INTO one_to_ones ({_REQUEST}, updated_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                ON CONFLICT (id) DO UPDATE SET facilitator_id = excluded.facilitator_id,
                    body = excluded.body, status = excluded.status, stage = excluded.stage,
                    arranged_at = excluded.arranged_at, updated_at = excluded.updated_at""",
            self._request_row(r, now))

    # ---- check-in settings -------------------------------------------------------------

    async def checkin_prefs(self, group_id: str, user_id: str) -> CheckinPrefs | None:
        return await self._read_one(
            self._prefs_from,
            f"SELECT {_PREFS} FROM checkin_prefs WHERE group_id = ? AND user_id = ?",
            (group_id, user_id))

    async def all_checkin_prefs(self) -> list[CheckinPrefs]:
        return await self._read_all(self._prefs_from, f"SELECT {_PREFS} FROM checkin_prefs")

    async def checkin_prefs_saved_since(self, since: datetime) -> list[CheckinPrefs]:
        return await self._read_all(
            self._prefs_from, f"SELECT {_PREFS} FROM checkin_prefs WHERE updated_at >= ?",
            (to_micros(since),))

    async def save_checkin_prefs(self, prefs: CheckinPrefs, now: datetime,
                                 deliveries: Sequence[NewDelivery] = ()) -> None:
        async with self._transaction() as db:
            await db.execute(_SAVE_PREFS, self._prefs_row(prefs, now))
            await self._insert_deliveries(db, deliveries, now)

    # ---- check-ins ---------------------------------------------------------------------

    async def open_checkin(self, group_id: str, user_id: str) -> Checkin | None:
        rows = await self._read(
            f"""SELECT {_CHECKIN} FROM checkins WHERE group_id = ? AND user_id = ?
                ORDER BY sent_at DESC LIMIT 1""", (group_id, user_id))
        if not rows or rows[0][6] is not None:
            return None
        return self._checkin_from(rows[0])

    async def checkin(self, checkin_id: str) -> Checkin | None:
        return await self._read_one(
            self._checkin_from, f"SELECT {_CHECKIN} FROM checkins WHERE id = ?", (checkin_id,))

    async def send_checkin(self, occurrence_key: str, owner: str, prefs: CheckinPrefs,
                           checkin: Checkin | None, deliveries: Sequence[NewDelivery],
                           now: datetime) -> bool:
        async with self._transaction() as db:
            if not await self._claim(db, occurrence_key, owner, now):
                return False
            await db.execute(_SAVE_PREFS, self._prefs_row(prefs, now))
            if checkin is not None:
                await db.execute(
                    f"""INSERT INTO checkins ({_CHECKIN}, unreachable_told)
                        VALUES (?, ?, ?, ?, ?, NULL, NULL, NULL, 0, 0)""",
                    (checkin.checkin_id, checkin.group_id, checkin.user_id,
                     to_micros(checkin.sent_at), checkin.delivery_key))
            await self._insert_deliveries(db, deliveries, now)
        return True

    async def answer_checkin(self, checkin_id: str, answer: Answer | None, note: str,
                             request: OneToOne | None, deliveries: Sequence[NewDelivery],
                             now: datetime) -> bool:
        sealed = self._encrypt_json({"note": note}) if note else None
        async with self._transaction() as db:
            cursor = await db.execute(
                """UPDATE checkins SET answer = COALESCE(?, answer),
                       answered_at = COALESCE(answered_at, ?), note = COALESCE(?, note)
                   WHERE id = ? RETURNING group_id, user_id""",
                (None if answer is None else answer.value, to_micros(now), sealed,
                 checkin_id))
            found = list(await cursor.fetchall())
            if not found:
                return False
            await db.execute(
                "UPDATE checkin_prefs SET misses = 0 WHERE group_id = ? AND user_id = ?",
                (found[0][0], found[0][1]))
            if request is not None:
                await self._save_request(db, request, now)
            await self._insert_deliveries(db, deliveries, now)
        return True

    async def unanswered_checkins(self, sent_before: datetime) -> list[Checkin]:
        return await self._read_all(
            self._checkin_from,
            f"""SELECT {_CHECKIN} FROM checkins
                 WHERE answered_at IS NULL AND followed_up = 0 AND sent_at < ?
                 ORDER BY sent_at""", (to_micros(sent_before),))

    async def follow_up_checkin(self, checkin_id: str, deliveries: Sequence[NewDelivery],
                                now: datetime) -> bool:
        async with self._transaction() as db:
            cursor = await db.execute(
                "UPDATE checkins SET followed_up = 1 WHERE id = ? AND followed_up = 0",
                (checkin_id,))
            if cursor.rowcount != 1:
                return False
            await self._insert_deliveries(db, deliveries, now)
        return True

    async def checkin_unreachable(self, group_id: str, user_id: str, *,
                                  untold_only: bool = True) -> Checkin | None:
        """Unreachable means the check-in's delivery was moved away from the member's DM
        (to a fallback) or refused everywhere."""
        rows = await self._read(_UNREACHABLE, (group_id, user_id, int(not untold_only)))
        for row in rows:
            if _went_astray(row[-2], row[-1], user_id):
                return self._checkin_from(tuple(row)[:-2])
        return None

    async def mark_unreachable_told(self, checkin_id: str) -> None:
        async with self._transaction() as db:
            await db.execute("UPDATE checkins SET unreachable_told = 1 WHERE id = ?",
                             (checkin_id,))

    # ---- one-to-one requests -----------------------------------------------------------

    async def one_to_one(self, request_id: str) -> OneToOne | None:
        return await self._read_one(
            self._request_from, f"SELECT {_REQUEST} FROM one_to_ones WHERE id = ?",
            (request_id,))

    async def open_one_to_ones(self, group_id: str | None = None) -> list[OneToOne]:
        where, args = ("AND group_id = ?", (group_id,)) if group_id is not None else ("", ())
        return await self._read_all(
            self._request_from,
            f"""SELECT {_REQUEST} FROM one_to_ones WHERE status != 'done' {where}
                ORDER BY created_at""", args)

    async def count_one_to_ones(self, group_id: str) -> int:
        rows = await self._read("SELECT COUNT(*) FROM one_to_ones WHERE group_id = ?",
                                (group_id,))
        return int(rows[0][0])

    async def update_one_to_one(self, request: OneToOne, deliveries: Sequence[NewDelivery],
                                now: datetime) -> None:
        async with self._transaction() as db:
            await self._save_request(db, request, now)
            await self._insert_deliveries(db, deliveries, now)

    # ---- facilitators ------------------------------------------------------------------

    async def remember_facilitator(self, facilitator: Facilitator, now: datetime) -> None:
        async with self._transaction() as db:
            await db.execute(
                """INSERT INTO facilitators (group_id, user_id, display_name, seen_at)
                   VALUES (?, ?, ?, ?) ON CONFLICT (group_id, user_id) DO UPDATE
                   SET display_name = excluded.display_name, seen_at = excluded.seen_at""",
                (facilitator.group_id, facilitator.user_id, facilitator.display_name,
                 to_micros(now)))

    async def known_facilitators(self, group_id: str) -> list[Facilitator]:
        return await self._read_all(
            lambda row: Facilitator(*row),
            """SELECT group_id, user_id, display_name FROM facilitators
                WHERE group_id = ? ORDER BY user_id""", (group_id,))

    async def forget_facilitator(self, group_id: str, user_id: str) -> bool:
        # One row at most: (group_id, user_id) is the table's key.
        return await self._change_one(
            "DELETE FROM facilitators WHERE group_id = ? AND user_id = ?", (group_id, user_id))

    # ---- summaries ---------------------------------------------------------------------

    async def checkins_between(self, group_id: str, since: datetime, until: datetime,
                               ) -> list[Checkin]:
        return await self._read_all(
            self._checkin_from,
            f"""SELECT {_CHECKIN} FROM checkins WHERE group_id = ? AND sent_at >= ?
                AND sent_at <= ? ORDER BY sent_at""",
            (group_id, to_micros(since), to_micros(until)))

    # ---- buddies -----------------------------------------------------------------------

    async def buddy_join(self, group_id: str, user_id: str, name: str, now: datetime) -> bool:
        return await self._change_one(
            """INSERT INTO buddy_members (group_id, user_id, display_name, joined_at)
               VALUES (?, ?, ?, ?) ON CONFLICT (group_id, user_id) DO NOTHING""",
            (group_id, user_id, name, to_micros(now)))

    async def buddy_leave(self, group_id: str, user_id: str) -> bool:
        return await self._change_one(
            "DELETE FROM buddy_members WHERE group_id = ? AND user_id = ?", (group_id, user_id))

    async def buddy_members(self, group_id: str) -> dict[str, str]:
        rows = await self._read(
            "SELECT user_id, display_name FROM buddy_members WHERE group_id = ?", (group_id,))
        return {r[0]: r[1] for r in rows}

    async def buddy_groups(self) -> list[str]:
        rows = await self._read("SELECT DISTINCT group_id FROM buddy_members ORDER BY group_id")
        return [r[0] for r in rows]

    async def buddy_avoid(self, group_id: str, user_id: str, other_id: str, avoid: bool,
                          ) -> None:
        async with self._transaction() as db:
            if avoid:
                await db.execute(
                    """INSERT INTO buddy_avoids (group_id, user_id, other_id) VALUES (?, ?, ?)
                       ON CONFLICT DO NOTHING""", (group_id, user_id, other_id))
            else:
                await db.execute(
                    """DELETE FROM buddy_avoids WHERE group_id = ? AND user_id = ?
                       AND other_id = ?""", (group_id, user_id, other_id))

    async def buddy_avoids(self, group_id: str) -> list[tuple[str, str]]:
        rows = await self._read("SELECT user_id, other_id FROM buddy_avoids WHERE group_id = ?",
                                (group_id,))
        return [(r[0], r[1]) for r in rows]

    async def buddy_rounds(self, group_id: str, limit: int) -> list[BuddyRound]:
        rows = await self._read(
            """SELECT group_id, number, made_at, pairs_json FROM buddy_rounds
                WHERE group_id = ? ORDER BY number DESC LIMIT ?""", (group_id, limit))
        return [BuddyRound(g, n, from_micros(at),
                           tuple(tuple(p) for p in json.loads(pairs)))
                for g, n, at, pairs in rows]

    async def save_buddy_round(self, occurrence_key: str, owner: str, round_: BuddyRound,
                               deliveries: Sequence[NewDelivery], now: datetime) -> bool:
        async with self._transaction() as db:
            if not await self._claim(db, occurrence_key, owner, now):
                return False
            await db.execute(
                """INSERT INTO buddy_rounds (group_id, number, made_at, pairs_json)
                   VALUES (?, ?, ?, ?)""",
                (round_.group_id, round_.number, to_micros(round_.made_at),
                 json.dumps([list(p) for p in round_.pairs])))
            await self._insert_deliveries(db, deliveries, now)
        return True
