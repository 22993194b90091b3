"""`MeetingsStore` in SQL both databases run: each operation one transaction; people's
words encrypted."""

from __future__ import annotations

from collections.abc import Awaitable
from collections.abc import Callable
from collections.abc import Sequence
from datetime import UTC
from datetime import datetime
from typing import Any
from typing import NamedTuple

from bot.features.meetings.store import ACTIVE
from bot.features.meetings.store import CANCELLED
from bot.features.meetings.store import DRAFT
from bot.features.meetings.store import RSVP_ANSWERS
from bot.features.meetings.store import ActionRecord
from bot.features.meetings.store import AgendaItem
from bot.features.meetings.store import MeetingDraft
from bot.features.meetings.store import MeetingRecord
from bot.features.meetings.store import MeetingTimes
from bot.features.meetings.store import NewMinutes
from bot.features.meetings.store import ReminderContext
from bot.features.meetings.store import RsvpAnswer
from bot.features.meetings.store import meeting_schedule_id
from bot.outbox import NewDelivery
from storage.group_commit import ANSWERS_PER_TURN
from storage.group_commit import GroupCommit
from storage.group_commit import many_values
from storage.sql import SqlBase
from storage.sql import SqlConnection
from storage.sql import from_micros
from storage.sql import to_micros

_MEETING_COLUMNS = ("id, group_id, status, starts_at, zone, rrule, reminders, channel, "
                    "duration_minutes, details, created_by, replaces")

_INSERT_MEETING = """
    INSERT INTO meetings (group_id, status, starts_at, zone, rrule, reminders, channel,
                          duration_minutes, details, created_by, replaces, created_at,
                          updated_at)
    VALUES (?, 'draft', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
    RETURNING id
"""

_APPLY_DRAFT = """
    UPDATE meetings
       SET starts_at = ?, zone = ?, rrule = ?, reminders = ?, channel = ?,
           duration_minutes = ?, details = ?, updated_at = ?
     WHERE id = ? AND group_id = ? AND status = 'active'
"""

_ACTION_COLUMNS = "id, group_id, minutes_id, owner_id, body, due, zone, status"


_RSVP_INSERT = ("INSERT INTO meeting_rsvps (meeting_id, occurrence, user_id, answer, "
                "updated_at)")
_RSVP_ROW = "(?, ?, ?, ?, ?)"
_RSVP_TYPES = ("bigint", "bigint", "text", "text", "bigint")
_RSVP_CONFLICT = ("ON CONFLICT (meeting_id, occurrence, user_id) "
                  "DO UPDATE SET answer = excluded.answer, updated_at = excluded.updated_at")
_UPSERT_RSVP = f"{_RSVP_INSERT} VALUES {_RSVP_ROW} {_RSVP_CONFLICT}"
_CLAIM_CONFLICT = "ON CONFLICT (key) DO NOTHING RETURNING key"


class _Rsvp(NamedTuple):
    """One RSVP waiting to be committed with the others given at the same moment."""

    group_id: str
    meeting_id: int
    occurrence: datetime
    user_id: str
    answer: str
    now: datetime


def _due_in(key: str, start: int) -> datetime:
    """The due time in an occurrence key ("schedule@" then the time in ISO form); the
    distant past for a key that has none."""
    try:
        return datetime.fromisoformat(key[start:])
    except ValueError:
        return datetime.min.replace(tzinfo=UTC)


def _reminders_text(reminders: Sequence[int]) -> str:
    return ",".join(str(m) for m in reminders)


def _reminders_from(text: str) -> tuple[int, ...]:
    return tuple(int(m) for m in text.split(",") if m)


class SqlMeetings(SqlBase):
    """Meetings, RSVPs, agendas, minutes and action items in the database: the
    meetings feature's `MeetingsStore`, a mixin of both backends."""

    # ---- meetings ----------------------------------------------------------------------

    async def save_meeting_draft(self, draft: MeetingDraft, now: datetime) -> int:
        """Store a draft and return its id."""
        at = to_micros(now)
        details = self._encrypt_json({"title": draft.title, "location": draft.location,
                                      "notes": draft.notes})
        async with self._transaction() as db:
            cursor = await db.execute(_INSERT_MEETING, (
                draft.group_id, to_micros(draft.starts_at), draft.zone, draft.rrule,
                _reminders_text(draft.reminders), draft.channel, draft.duration_minutes,
                details, draft.created_by, draft.replaces, at, at))
            return int((await cursor.fetchone())[0])

    async def add_meetings(self, drafts: Sequence[MeetingDraft], now: datetime) -> list[int]:
        """Insert confirmed meetings in one transaction; return their ids in order."""
        at = to_micros(now)
        rows = [(d.group_id, to_micros(d.starts_at), d.zone, d.rrule,
                 _reminders_text(d.reminders), d.channel, d.duration_minutes,
                 self._encrypt_json({"title": d.title, "location": d.location,
                                     "notes": d.notes}), d.created_by, None, at, at)
                for d in drafts]
        if not rows:
            return []
        insert = _INSERT_MEETING.replace("'draft'", "'active'")
        ids: list[int] = []
        async with self._transaction() as db:
            # Each row's own id, as other processes may be adding meetings beside.
            for row in rows:
                cursor = await db.execute(insert, row)
                ids.append(int((await cursor.fetchone())[0]))
        return ids

    async def confirm_meeting(self, group_id: str, draft_id: int, now: datetime,
                              deliveries: Sequence[NewDelivery] = ()) -> MeetingRecord | None:
        """Activate a draft, or copy it onto the meeting it edits and drop it."""
        at = to_micros(now)
        async with self._transaction() as db:
            # A group's meeting changes (confirm, cancel, skip) take turns: each checks a
            # meeting's status before it writes.
            await self._turn(db, f"meetings:{group_id}")
            draft = await self._meeting(db, group_id, draft_id)
            if draft is None or draft.status != DRAFT:
                return None
            target = draft.id
            if draft.replaces is None:
                await db.execute("UPDATE meetings SET status = 'active', updated_at = ? "
                                 "WHERE id = ?", (at, draft.id))
            else:
                rows = list(await db.execute_fetchall(
                    "SELECT details FROM meetings WHERE id = ?", (draft.id,)))
                cursor = await db.execute(_APPLY_DRAFT, (
                    to_micros(draft.starts_at), draft.zone, draft.rrule,
                    _reminders_text(draft.reminders), draft.channel, draft.duration_minutes,
                    rows[0][0], at, draft.replaces, group_id))
                await db.execute("DELETE FROM meetings WHERE id = ?", (draft.id,))
                if cursor.rowcount != 1:
                    return None
                target = draft.replaces
                await self._unprepare(db, target, now)
            await self._insert_deliveries(db, deliveries, now)
            return await self._meeting(db, group_id, target)

    async def discard_draft(self, group_id: str, draft_id: int) -> None:
        """Forget a draft (a saved meeting is never removed this way)."""
        async with self._transaction() as db:
            await db.execute("DELETE FROM meetings WHERE id = ? AND group_id = ? AND "
                             "status = 'draft'", (draft_id, group_id))

    async def get_meeting(self, group_id: str, meeting_id: int) -> MeetingRecord | None:
        """One meeting of a group, with its skipped occurrences and DM opt-ins."""
        async with self._transaction(write=False) as db:
            return await self._meeting(db, group_id, meeting_id)

    async def active_meetings(self, group_id: str) -> list[MeetingRecord]:
        """A group's active meetings, by first start."""
        async with self._transaction(write=False) as db:
            rows = list(await db.execute_fetchall(
                f"SELECT {_MEETING_COLUMNS} FROM meetings WHERE group_id = ? AND "
                "status = 'active' ORDER BY starts_at, id", (group_id,)))
            ids = [row[0] for row in rows]
            skips, optins = await self._extras(db, ids)
        return [self._meeting_from(row, skips.get(row[0], set()), optins.get(row[0], set()))
                for row in rows]

    async def all_meeting_times(self) -> list[MeetingTimes]:
        """Every active meeting's times (no decryption: cheap for thousands)."""
        async with self._transaction(write=False) as db:
            rows = list(await db.execute_fetchall(
                "SELECT id, group_id, starts_at, zone, rrule, reminders FROM meetings "
                "WHERE status = 'active'"))
            skip_rows = list(await db.execute_fetchall(
                "SELECT s.meeting_id, s.occurrence FROM meeting_skips s "
                "JOIN meetings m ON m.id = s.meeting_id WHERE m.status = 'active'"))
        skips: dict[int, set[datetime]] = {}
        for meeting_id, occurrence in skip_rows:
            skips.setdefault(meeting_id, set()).add(from_micros(occurrence))
        return [MeetingTimes(row[0], row[1], from_micros(row[2]), row[3], row[4],
                             _reminders_from(row[5]), frozenset(skips.get(row[0], ())))
                for row in rows]

    async def reminder_contexts(self, wanted: Sequence[tuple[str, int, Sequence[datetime]]],
                                ) -> dict[int, ReminderContext]:
        """Meetings, agendas and counts for many reminders: a few queries in all."""
        if not wanted:
            return {}
        groups = {meeting_id: group_id for group_id, meeting_id, _ in wanted}
        ids = sorted(groups)
        occurrences = sorted({to_micros(o) for _, _, occs in wanted for o in occs})
        id_in, id_values = self._among("id", ids, "bigint")
        meeting_in, _ = self._among("meeting_id", ids, "bigint")
        occurrence_in, occurrence_values = self._among("occurrence", occurrences, "bigint")
        both = [*id_values, *occurrence_values]
        async with self._transaction(write=False) as db:
            rows = list(await db.execute_fetchall(
                f"SELECT {_MEETING_COLUMNS} FROM meetings WHERE {id_in}", id_values))
            skips, optins = await self._extras(db, ids)
            agenda_rows = list(await db.execute_fetchall(
                "SELECT id, meeting_id, occurrence, author_id, body FROM agenda_items "
                f"WHERE {meeting_in} AND {occurrence_in} ORDER BY id", both))
            count_rows = list(await db.execute_fetchall(
                "SELECT meeting_id, occurrence, answer, COUNT(*) FROM meeting_rsvps "
                f"WHERE {meeting_in} AND {occurrence_in} "
                "GROUP BY meeting_id, occurrence, answer", both))
        contexts = {meeting_id: ReminderContext(None) for meeting_id in ids}
        for row in rows:
            if row[1] == groups[row[0]]:
                contexts[row[0]] = ReminderContext(self._meeting_from(
                    row, skips.get(row[0], set()), optins.get(row[0], set())))
        for item_id, meeting_id, occ, author_id, body in agenda_rows:
            data = self._decrypt_json(body)
            when = from_micros(occ)
            contexts[meeting_id].agenda.setdefault(when, []).append(AgendaItem(
                item_id, meeting_id, when, author_id, data["name"], data["text"]))
        for meeting_id, occ, answer, count in count_rows:
            counts = contexts[meeting_id].counts.setdefault(
                from_micros(occ), dict.fromkeys(RSVP_ANSWERS, 0))
            counts[answer] = count
        return contexts

    async def claim_occurrences(self, claims: Sequence[tuple[str, Sequence[NewDelivery]]],
                                owner: str, now: datetime) -> set[str]:
        """Claim the keys not claimed before, and store their deliveries, together."""
        if not claims:
            return set()
        at = to_micros(now)
        wanted = dict(claims)
        async with self._transaction() as db:
            # The unique key decides, not a read before: another process claiming the same
            # key at once waits for this commit, then finds it taken (and vice versa).
            won: set[str] = set()
            for sql, values in many_values(
                    "INSERT INTO occurrences (key, owner, claimed_at)", "(?, ?, ?)",
                    # Sorted: processes claiming overlapping keys at once wait for each
                    # other's keys in one order, so they can never deadlock.
                    [(key, owner, at) for key in sorted(wanted)], _CLAIM_CONFLICT):
                won.update(str(row[0]) for row in await db.execute_fetchall(sql, values))
            await self._insert_deliveries(
                db, [d for key, ds in wanted.items() if key in won for d in ds], now)
        return won

    async def claimed_occurrences(self, keys: Sequence[str]) -> set[str]:
        """Which of these occurrence keys are claimed (one read)."""
        if not keys:
            return set()
        among, params = self._among("key", keys)
        async with self._transaction(write=False) as db:
            return {str(row[0]) for row in await db.execute_fetchall(
                f"SELECT key FROM occurrences WHERE {among}", params)}

    async def _unprepare(self, db: SqlConnection, meeting_id: int, now: datetime) -> None:
        """Inside a change to a meeting: drop its reminders prepared ahead and not yet due
        (see `MeetingsStore.cancel_meeting`), so the firing at the due time makes them
        again from the meeting as it is now, or not at all.

        A prepared reminder is an occurrence claim whose due time (in its key, after
        "@") is still to come, with deliveries not to be sent before then. Only
        deliveries still pending and never tried are dropped; one a dispatcher already
        holds (its clock ahead of ours) is kept, and as the new ones reuse the same
        delivery keys it is still sent once, never twice. Scans the occurrences and the
        pending deliveries of this one meeting by key prefix (no index is used; changes to
        a meeting are rare, and both tables are kept short by the retention sweep)."""
        prefix = meeting_schedule_id(meeting_id) + "@"
        at = to_micros(now)
        rows = await db.execute_fetchall(
            "SELECT key FROM occurrences WHERE substr(key, 1, ?) = ?", (len(prefix), prefix))
        future = [(str(row[0]),) for row in rows
                  if _due_in(str(row[0]), len(prefix)) > now]
        if not future:
            return
        await db.executemany("DELETE FROM occurrences WHERE key = ?", future)
        await db.execute(
            "DELETE FROM deliveries WHERE status = 'pending' AND attempts = 0 "
            "AND next_attempt_at > ? AND substr(idem_key, 1, ?) = ?",
            (at, len(prefix), prefix))

    async def cancel_meeting(self, group_id: str, meeting_id: int, now: datetime,
                             deliveries: Sequence[NewDelivery] = ()) -> bool:
        """Cancel a series, with the notice that says so."""
        async def cancel(db: SqlConnection) -> bool:
            cursor = await db.execute(
                f"UPDATE meetings SET status = '{CANCELLED}', updated_at = ? WHERE id = ? "
                f"AND group_id = ? AND status = '{ACTIVE}'",
                (to_micros(now), meeting_id, group_id))
            return cursor.rowcount == 1

        return await self._change_meeting(group_id, meeting_id, cancel, deliveries, now)

    async def skip_occurrence(self, group_id: str, meeting_id: int, occurrence: datetime,
                              now: datetime, deliveries: Sequence[NewDelivery] = ()) -> bool:
        """Record a skipped occurrence, with the notice that says so."""
        async def skip(db: SqlConnection) -> bool:
            found = list(await db.execute_fetchall(  # in the turn: not cancelled meanwhile
                f"SELECT 1 FROM meetings WHERE id = ? AND group_id = ? AND status = '{ACTIVE}'",
                (meeting_id, group_id)))
            if not found:
                return False
            cursor = await db.execute(
                "INSERT INTO meeting_skips (meeting_id, occurrence) VALUES (?, ?) "
                "ON CONFLICT DO NOTHING", (meeting_id, to_micros(occurrence)))
            return cursor.rowcount == 1

        return await self._change_meeting(group_id, meeting_id, skip, deliveries, now)

    async def _change_meeting(self, group_id: str, meeting_id: int,
                              change: Callable[[SqlConnection], Awaitable[bool]],
                              deliveries: Sequence[NewDelivery], now: datetime) -> bool:
        """A change to a meeting that may find it cannot be made (`change` says whether
        it was): in the group's turn, and once made, the meeting's prepared reminders
        dropped and the notices saying so queued, all in one transaction."""
        async with self._transaction() as db:
            await self._turn(db, f"meetings:{group_id}")
            if not await change(db):
                return False
            await self._unprepare(db, meeting_id, now)
            await self._insert_deliveries(db, deliveries, now)
        return True

    # ---- RSVPs and personal reminders ----------------------------------------------------

    async def set_rsvp(self, meeting_id: int, occurrence: datetime, user_id: str,
                       answer: str, now: datetime) -> dict[str, int]:
        """Upsert the answer; return the counts after it, in the same transaction."""
        if answer not in RSVP_ANSWERS:
            raise ValueError(f"unknown answer {answer!r}")
        occ = to_micros(occurrence)
        async with self._transaction() as db:
            await db.execute(_UPSERT_RSVP, (meeting_id, occ, user_id, answer, to_micros(now)))
            return await self._counts(db, meeting_id, occ)

    async def answer_rsvp(self, group_id: str, meeting_id: int, occurrence: datetime,
                          user_id: str, answer: str, now: datetime) -> RsvpAnswer | None:
        """Record an answer and return what its reminder shows now. A reminder's buttons
        are pressed by many at once, so the answers that arrive together are committed
        together."""
        if answer not in RSVP_ANSWERS:
            raise ValueError(f"unknown answer {answer!r}")
        batch: GroupCommit[_Rsvp, RsvpAnswer | None] | None = getattr(
            self, "_rsvp_batch", None)
        if batch is None:
            batch = GroupCommit(self._answer_rsvps, "coprod-rsvp-writer",
                                answers_per_turn=ANSWERS_PER_TURN)
            self._rsvp_batch = batch
        return await batch.submit(_Rsvp(group_id, meeting_id, occurrence, user_id, answer,
                                        now))

    async def _answer_rsvps(self, wanted: Sequence[_Rsvp]) -> list[RsvpAnswer | None]:
        """Several members' answers in one transaction; what each reminder shows after."""
        async with self._transaction() as db:
            meetings: dict[tuple[str, int], MeetingRecord | None] = {}
            for r in wanted:
                if (r.group_id, r.meeting_id) not in meetings:
                    found = await self._meeting(db, r.group_id, r.meeting_id)
                    meetings[(r.group_id, r.meeting_id)] = (
                        found if found is not None and found.status == ACTIVE else None)
            stored = [r for r in wanted if meetings[(r.group_id, r.meeting_id)] is not None]
            # A member who pressed twice at once: the later answer, as if one after the
            # other (one statement may not change the same row twice).
            latest = {(r.meeting_id, r.occurrence, r.user_id): r for r in stored}
            rows = [(r.meeting_id, to_micros(r.occurrence), r.user_id, r.answer,
                     to_micros(r.now)) for r in latest.values()]
            await self._insert_many(db, _RSVP_INSERT, _RSVP_ROW, rows, _RSVP_CONFLICT,
                                    _RSVP_TYPES)
            shown: dict[tuple[int, datetime], tuple[dict[str, int], list[AgendaItem]]] = {}
            for r in stored:
                if (r.meeting_id, r.occurrence) not in shown:
                    occ = to_micros(r.occurrence)
                    shown[(r.meeting_id, r.occurrence)] = (
                        await self._counts(db, r.meeting_id, occ),
                        await self._agenda(db, r.meeting_id, r.occurrence))
        out: list[RsvpAnswer | None] = []
        for r in wanted:
            meeting = meetings[(r.group_id, r.meeting_id)]
            if meeting is None:
                out.append(None)
            else:
                counts, agenda = shown[(r.meeting_id, r.occurrence)]
                out.append(RsvpAnswer(meeting, dict(counts), list(agenda)))
        return out

    async def rsvp_counts(self, meeting_id: int, occurrence: datetime) -> dict[str, int]:
        """How many answered each way."""
        async with self._transaction(write=False) as db:
            return await self._counts(db, meeting_id, to_micros(occurrence))

    async def set_dm_optin(self, meeting_id: int, user_id: str, on: bool,
                           now: datetime | None = None) -> None:
        """Switch personal reminders on or off (with `now`: and drop prepared reminders)."""
        async with self._transaction() as db:
            if now is not None:
                await self._unprepare(db, meeting_id, now)
            if on:
                await db.execute("INSERT INTO meeting_dm_optins (meeting_id, user_id) "
                                 "VALUES (?, ?) ON CONFLICT DO NOTHING", (meeting_id, user_id))
            else:
                await db.execute("DELETE FROM meeting_dm_optins WHERE meeting_id = ? AND "
                                 "user_id = ?", (meeting_id, user_id))

    async def set_member_zone(self, group_id: str, user_id: str, zone: str | None,
                              now: datetime) -> None:
        """Store (or, for None, forget) a member's own time zone."""
        await self._put_or_drop(
            "member_zones", {"group_id": group_id, "user_id": user_id},
            None if zone is None else {"zone": zone, "updated_at": to_micros(now)})

    async def member_zone(self, group_id: str, user_id: str) -> str | None:
        """A member's own time zone, if set."""
        return await self._read_one(
            lambda row: str(row[0]),
            "SELECT zone FROM member_zones WHERE group_id = ? AND user_id = ?",
            (group_id, user_id))

    # ---- agenda ----------------------------------------------------------------------

    async def add_agenda_item(self, meeting_id: int, occurrence: datetime, author_id: str,
                              author_name: str, text: str, now: datetime) -> int:
        """Add an agenda point (encrypted: it is someone's words)."""
        body = self._encrypt_json({"name": author_name, "text": text})
        async with self._transaction() as db:
            await self._unprepare(db, meeting_id, now)
            cursor = await db.execute(
                "INSERT INTO agenda_items (meeting_id, occurrence, author_id, body, "
                "created_at) VALUES (?, ?, ?, ?, ?) RETURNING id",
                (meeting_id, to_micros(occurrence), author_id, body, to_micros(now)))
            return int((await cursor.fetchone())[0])

    async def agenda_items(self, meeting_id: int, occurrence: datetime) -> list[AgendaItem]:
        """One occurrence's agenda points, oldest first."""
        async with self._transaction(write=False) as db:
            return await self._agenda(db, meeting_id, occurrence)

    async def _agenda(self, db: SqlConnection, meeting_id: int,
                      occurrence: datetime) -> list[AgendaItem]:
        rows = list(await db.execute_fetchall(
            "SELECT id, author_id, body FROM agenda_items WHERE meeting_id = ? AND "
            "occurrence = ? ORDER BY id", (meeting_id, to_micros(occurrence))))
        items = []
        for item_id, author_id, body in rows:
            data = self._decrypt_json(body)
            items.append(AgendaItem(item_id, meeting_id, occurrence, author_id,
                                    data["name"], data["text"]))
        return items

    # ---- minutes and action items --------------------------------------------------------

    async def save_minutes(self, minutes: NewMinutes, now: datetime,
                           deliveries: Sequence[NewDelivery] = ()) -> list[ActionRecord]:
        """Store minutes, their action items and the post, together."""
        at = to_micros(now)
        body = self._encrypt_json({"summary": minutes.summary,
                                   "decisions": minutes.decisions})
        async with self._transaction() as db:
            cursor = await db.execute(
                "INSERT INTO minutes (group_id, meeting_id, body, written_by, created_at) "
                "VALUES (?, ?, ?, ?, ?) RETURNING id",
                (minutes.group_id, minutes.meeting_id, body, minutes.written_by, at))
            minutes_id = int((await cursor.fetchone())[0])
            records = []
            for action in minutes.actions:
                token = self._encrypt_json({"owner": action.owner_name, "task": action.task})
                cursor = await db.execute(
                    "INSERT INTO action_items (group_id, minutes_id, owner_id, body, due, "
                    "zone, status, created_at) VALUES (?, ?, ?, ?, ?, ?, 'open', ?) "
                    "RETURNING id",
                    (minutes.group_id, minutes_id, action.owner_id, token,
                     None if action.due is None else to_micros(action.due), action.zone, at))
                records.append(ActionRecord(int((await cursor.fetchone())[0]), minutes.group_id,
                                            minutes_id, action.owner_id, action.owner_name,
                                            action.task, action.due, action.zone))
            await self._insert_deliveries(db, deliveries, now)
        return records

    async def open_actions(self, group_id: str | None = None,
                           owner_id: str | None = None) -> list[ActionRecord]:
        """Open action items, soonest due first (undated last)."""
        where = ["status = 'open'"]
        params: list[Any] = []
        if group_id is not None:
            where.append("group_id = ?")
            params.append(group_id)
        if owner_id is not None:
            where.append("owner_id = ?")
            params.append(owner_id)
        return await self._read_all(
            self._action_from, f"SELECT {_ACTION_COLUMNS} FROM action_items "
            f"WHERE {' AND '.join(where)} ORDER BY due IS NULL, due, id", params)

    async def get_action(self, group_id: str, action_id: int) -> ActionRecord | None:
        """One action item of a group."""
        return await self._read_one(
            self._action_from,
            f"SELECT {_ACTION_COLUMNS} FROM action_items WHERE id = ? AND group_id = ?",
            (action_id, group_id))

    async def mark_action_done(self, group_id: str, action_id: int, by: str,
                               now: datetime) -> ActionRecord | None:
        """Close an open action item and return it."""
        async with self._transaction() as db:
            cursor = await db.execute(
                "UPDATE action_items SET status = 'done', done_by = ?, done_at = ? "
                "WHERE id = ? AND group_id = ? AND status = 'open'",
                (by, to_micros(now), action_id, group_id))
            if cursor.rowcount != 1:
                return None
            rows = list(await db.execute_fetchall(
                f"SELECT {_ACTION_COLUMNS} FROM action_items WHERE id = ?", (action_id,)))
        return self._action_from(rows[0])

    async def meeting_group_ids(self) -> list[str]:
        """Groups with an active meeting or an open action item."""
        rows = await self._read("SELECT group_id FROM meetings WHERE status = 'active' UNION "
                                "SELECT group_id FROM action_items WHERE status = 'open' "
                                "ORDER BY 1")
        return [str(row[0]) for row in rows]

    # ---- helpers ---------------------------------------------------------------------

    async def _meeting(self, db: SqlConnection, group_id: str,
                       meeting_id: int) -> MeetingRecord | None:
        rows = list(await db.execute_fetchall(
            f"SELECT {_MEETING_COLUMNS} FROM meetings WHERE id = ? AND group_id = ?",
            (meeting_id, group_id)))
        if not rows:
            return None
        skips, optins = await self._extras(db, [meeting_id])
        return self._meeting_from(rows[0], skips.get(meeting_id, set()),
                                  optins.get(meeting_id, set()))

    async def _extras(self, db: SqlConnection, ids: list[int],
                      ) -> tuple[dict[int, set[datetime]], dict[int, set[str]]]:
        skips: dict[int, set[datetime]] = {}
        optins: dict[int, set[str]] = {}
        if not ids:
            return skips, optins
        meeting_in, values = self._among("meeting_id", ids, "bigint")
        # Both in one statement (one round trip): skips have an occurrence, opt-ins a user.
        for meeting_id, occurrence, user_id in await db.execute_fetchall(
                f"SELECT meeting_id, occurrence, NULL FROM meeting_skips WHERE {meeting_in} "
                "UNION ALL SELECT meeting_id, NULL, user_id FROM "
                f"meeting_dm_optins WHERE {meeting_in}", [*values, *values]):
            if user_id is None:
                skips.setdefault(meeting_id, set()).add(from_micros(occurrence))
            else:
                optins.setdefault(meeting_id, set()).add(user_id)
        return skips, optins

    def _meeting_from(self, row: Any, skips: set[datetime], optins: set[str]) -> MeetingRecord:
        details = self._decrypt_json(row[9])
        return MeetingRecord(
            id=row[0], group_id=row[1], status=row[2], starts_at=from_micros(row[3]),
            zone=row[4], rrule=row[5], reminders=_reminders_from(row[6]), channel=row[7],
            duration_minutes=row[8], title=details["title"], location=details["location"],
            notes=details["notes"], created_by=row[10], replaces=row[11],
            skipped=frozenset(skips), dm_optins=frozenset(optins))

    def _action_from(self, row: Any) -> ActionRecord:
        data = self._decrypt_json(row[4])
        return ActionRecord(id=row[0], group_id=row[1], minutes_id=row[2], owner_id=row[3],
                            owner_name=data["owner"], task=data["task"],
                            due=None if row[5] is None else from_micros(row[5]),
                            zone=row[6], done=row[7] == "done")

    @staticmethod
    async def _counts(db: SqlConnection, meeting_id: int, occ: int) -> dict[str, int]:
        counts = dict.fromkeys(RSVP_ANSWERS, 0)
        for answer, count in await db.execute_fetchall(
                "SELECT answer, COUNT(*) FROM meeting_rsvps WHERE meeting_id = ? AND "
                "occurrence = ? GROUP BY answer", (meeting_id, occ)):
            counts[answer] = count
        return counts
