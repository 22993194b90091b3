"""The meetings tables' part of a member's export, erasure and the retention sweep.

What links a row to a member, and what export and erasure do with it, is decided in
`docs/decisions/member-data.md`: a member's own time zone, RSVPs, personal reminder
opt-ins and agenda points are exported and deleted; meetings, minutes and action items
are records the group keeps, so they are exported and lose the member's id (and, on an
action item they own, their name). Each hook runs inside the core's one transaction.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from storage.members import ERASED_NAME
from storage.package import MemberRecords
from storage.package import MemberTx
from storage.sql import iso_time
from storage.sql import to_micros

SECTIONS = ("time_zones", "meeting_rsvps", "meeting_reminder_optins", "agenda_items",
            "action_items", "minutes_written", "meetings_created")
"""This package's sections of a member's export, in order."""




def _meeting_scope(tx: MemberTx) -> tuple[str, tuple[Any, ...]]:
    """An extra `AND` keeping rows of meetings in the group asked for (nothing for all)."""
    return ("", ()) if tx.group_id is None else (
        " AND meeting_id IN (SELECT id FROM meetings WHERE group_id = ?)", (tx.group_id,))


async def export(tx: MemberTx) -> MemberRecords:
    """Everything in the meetings tables that links to the member, words decrypted."""
    out: MemberRecords = {name: [] for name in SECTIONS}
    m, store = tx.member_id, tx.store
    scope, sp = tx.scope()
    joined = tx.scope("m.group_id")[0]
    for g, zone, at in await tx.rows(
            f"SELECT group_id, zone, updated_at FROM member_zones WHERE user_id = ?"
            f"{scope} ORDER BY group_id", (m, *sp)):
        out["time_zones"].append({"group": g, "time_zone": zone, "changed_at": iso_time(at)})
    for r in await tx.rows(
            "SELECT m.group_id, r.meeting_id, r.occurrence, r.answer, r.updated_at "
            "FROM meeting_rsvps r JOIN meetings m ON m.id = r.meeting_id "
            f"WHERE r.user_id = ?{joined} "
            "ORDER BY r.occurrence, r.meeting_id", (m, *sp)):
        out["meeting_rsvps"].append({"group": r[0], "meeting": r[1],
                                     "meeting_starts": iso_time(r[2]), "answer": r[3],
                                     "answered_at": iso_time(r[4])})
    for g, meeting in await tx.rows(
            "SELECT m.group_id, o.meeting_id FROM meeting_dm_optins o "
            "JOIN meetings m ON m.id = o.meeting_id "
            f"WHERE o.user_id = ?{joined} "
            "ORDER BY o.meeting_id", (m, *sp)):
        out["meeting_reminder_optins"].append({"group": g, "meeting": meeting})
    for r in await tx.rows(
            "SELECT m.group_id, a.id, a.meeting_id, a.occurrence, a.body, a.created_at "
            "FROM agenda_items a JOIN meetings m ON m.id = a.meeting_id "
            f"WHERE a.author_id = ?{joined} "
            "ORDER BY a.id", (m, *sp)):
        data = store._decrypt_json(r[4])
        out["agenda_items"].append({
            "group": r[0], "id": r[1], "meeting": r[2], "meeting_starts": iso_time(r[3]),
            "text": data.get("text"), "added_at": iso_time(r[5])})
    for r in await tx.rows(
            "SELECT id, group_id, minutes_id, owner_id, body, due, status, done_by, "
            f"done_at, created_at FROM action_items WHERE (owner_id = ? OR "
            f"done_by = ?){scope} ORDER BY id", (m, m, *sp)):
        record: dict[str, Any] = {"group": r[1], "id": r[0], "minutes": r[2],
                                  "status": r[6], "created_at": iso_time(r[9])}
        if r[3] == m:
            data = store._decrypt_json(r[4])
            record.update(yours=True, task=data.get("task"), due=iso_time(r[5]))
        if r[7] == m:
            record.update(you_marked_it_done_at=iso_time(r[8]))
        out["action_items"].append(record)
    for r in await tx.rows(
            "SELECT id, group_id, meeting_id, created_at FROM minutes "
            f"WHERE written_by = ?{scope} ORDER BY id", (m, *sp)):
        out["minutes_written"].append({"group": r[1], "id": r[0], "meeting": r[2],
                                       "written_at": iso_time(r[3])})
    for r in await tx.rows(
            "SELECT id, group_id, status, starts_at, details FROM meetings "
            f"WHERE created_by = ?{scope} ORDER BY id", (m, *sp)):
        data = store._decrypt_json(r[4])
        out["meetings_created"].append({"group": r[1], "id": r[0], "status": r[2],
                                        "title": data.get("title"),
                                        "first_starts": iso_time(r[3])})
    return out


async def erase(tx: MemberTx) -> None:
    """Delete the member's own rows; take their id off the meetings, minutes and action
    items the group keeps, and their name off the action items they own."""
    m = tx.member_id
    scope, sp = tx.scope()
    mscope, msp = _meeting_scope(tx)
    tx.add(tx.deleted, "member_zones", await tx.run(
        f"DELETE FROM member_zones WHERE user_id = ?{scope}", (m, *sp)))
    # A reminder prepared ahead may quote their agenda points: dropped, to be made again
    # at its due time without them (`MeetingsStore.cancel_meeting` says how).
    quoted = await tx.rows(
        f"SELECT DISTINCT meeting_id FROM agenda_items WHERE author_id = ?{mscope}", (m, *msp))
    if tx.now is not None:
        for (meeting_id,) in quoted:
            await tx.store._unprepare(tx.db, int(meeting_id), tx.now)
    for table, column in (("meeting_rsvps", "user_id"),
                          ("meeting_dm_optins", "user_id"),
                          ("agenda_items", "author_id")):
        tx.add(tx.deleted, table, await tx.run(
            f"DELETE FROM {table} WHERE {column} = ?{mscope}", (m, *msp)))
    for table, column in (("meetings", "created_by"), ("minutes", "written_by"),
                          ("action_items", "done_by")):
        tx.add(tx.anonymised, table, await tx.run(
            f"UPDATE {table} SET {column} = '' WHERE {column} = ?{scope}", (m, *sp)))
    owned = []
    for aid, body in await tx.rows(
            f"SELECT id, body FROM action_items WHERE owner_id = ?{scope}", (m, *sp)):
        data = dict(tx.store._decrypt_json(body))
        data["owner"] = ERASED_NAME
        owned.append((tx.store._encrypt_json(data), aid))
    tx.add(tx.anonymised, "action_items", await tx.many(
        "UPDATE action_items SET owner_id = '', body = ? WHERE id = ?", owned))


async def purge(tx: MemberTx, cutoffs: Mapping[str, datetime | None]) -> None:
    """Retention, by the "minutes" cutoff: minutes older than it with their action items,
    once every one of those is done, and agenda points and RSVPs of occurrences before
    it. Each table is counted, even when nothing went."""
    at = cutoffs["minutes"]
    if at is None:
        return
    for table, sql in (
            ("action_items", """
                DELETE FROM action_items WHERE minutes_id IN (
                    SELECT m.id FROM minutes m WHERE m.created_at < ? AND NOT EXISTS (
                        SELECT 1 FROM action_items a
                         WHERE a.minutes_id = m.id AND a.status = 'open'))"""),
            ("minutes", """
                DELETE FROM minutes WHERE created_at < ? AND NOT EXISTS (
                    SELECT 1 FROM action_items a WHERE a.minutes_id = minutes.id)"""),
            ("agenda_items", "DELETE FROM agenda_items WHERE occurrence < ?"),
            ("meeting_rsvps", "DELETE FROM meeting_rsvps WHERE occurrence < ?")):
        n = await tx.run(sql, (to_micros(at),))
        tx.deleted[table] = tx.deleted.get(table, 0) + n
