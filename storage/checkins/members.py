"""A member's check-in, one-to-one, facilitator and buddy records: their part of an
export, of an erasure and of the retention sweep (`storage.package.MemberTx` hooks).

What each table keeps or loses is decided in `docs/decisions/member-data.md`: rows keyed
by the member are exported and deleted; where they are someone else's facilitator the
id is blanked (an open request they held is passed on by the hourly sweep); buddy rounds
are the group's record and lose only the member's id.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import datetime

from storage.package import MemberRecords
from storage.package import MemberTx
from storage.sql import iso_time
from storage.sql import to_micros

SECTIONS: tuple[str, ...] = (
    "checkin_settings", "checkins", "one_to_one_requests", "buddy_membership",
    "buddy_avoids", "buddy_rounds", "known_facilitator",
)
"""This package's sections of a member's export, in order."""

_WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")




def _is_own_checkin_schedule(key: str, member_id: str, group_id: str | None) -> bool:
    schedule = key.rsplit("@", 1)[0]
    if group_id is not None:
        return schedule == f"checkin:{group_id}:{member_id}"
    return schedule.startswith("checkin:") and schedule.endswith(f":{member_id}")


async def export(tx: MemberTx) -> MemberRecords:
    """The member's check-in settings, check-ins (notes decrypted), one-to-one requests,
    buddy membership, avoid list and rounds, and being known as a facilitator."""
    out: MemberRecords = {name: [] for name in SECTIONS}
    m = tx.member_id
    scope, sp = tx.scope()
    decrypt = tx.store._decrypt_json
    for r in await tx.rows(
            "SELECT group_id, display_name, enabled, cadence, weekday, at_time, "
            "timezone, quiet_start, quiet_end, paused_until, pause_reason, misses, "
            f"facilitator_id, updated_at FROM checkin_prefs WHERE user_id = ?{scope} "
            "ORDER BY group_id", (m, *sp)):
        out["checkin_settings"].append({
            "group": r[0], "name": r[1], "check_ins_on": bool(r[2]), "cadence": r[3],
            "day": _WEEKDAYS[int(r[4]) % 7], "time": r[5], "time_zone": r[6],
            "quiet_start": r[7], "quiet_end": r[8], "paused_until": iso_time(r[9]),
            "pause_reason": r[10], "unanswered_in_a_row": r[11],
            "facilitator": r[12] or None, "changed_at": iso_time(r[13])})
    for r in await tx.rows(
            "SELECT id, group_id, sent_at, answer, answered_at, note, followed_up "
            f"FROM checkins WHERE user_id = ?{scope} ORDER BY sent_at, id", (m, *sp)):
        out["checkins"].append({
            "id": r[0], "group": r[1], "sent_at": iso_time(r[2]), "answer": r[3],
            "answered_at": iso_time(r[4]),
            "note": None if r[5] is None else decrypt(r[5])["note"],
            "follow_up_sent": bool(r[6])})
    for r in await tx.rows(
            "SELECT id, group_id, facilitator_id, answer, body, status, created_at, "
            f"arranged_at FROM one_to_ones WHERE user_id = ?{scope} "
            "ORDER BY created_at, id", (m, *sp)):
        data = decrypt(r[4])
        out["one_to_one_requests"].append({
            "id": r[0], "group": r[1], "facilitator": r[2] or None, "answer": r[3],
            "your_name": data.get("name"), "note": data.get("note"),
            "status": r[5], "made_at": iso_time(r[6]), "arranged_at": iso_time(r[7])})
    for g, name, at in await tx.rows(
            "SELECT group_id, display_name, joined_at FROM buddy_members "
            f"WHERE user_id = ?{scope} ORDER BY group_id", (m, *sp)):
        out["buddy_membership"].append({"group": g, "name": name, "joined_at": iso_time(at)})
    for g, other in await tx.rows(
            f"SELECT group_id, other_id FROM buddy_avoids WHERE user_id = ?{scope} "
            "ORDER BY group_id, other_id", (m, *sp)):
        out["buddy_avoids"].append({"group": g, "not_paired_with": other})
    for g, number, at, pairs in await tx.rows(
            f"SELECT group_id, number, made_at, pairs_json FROM buddy_rounds "
            f"WHERE 1 = 1{scope} ORDER BY group_id, number", sp):
        for pair in json.loads(pairs):
            if m in pair:
                out["buddy_rounds"].append({
                    "group": g, "round": number, "made_at": iso_time(at),
                    "paired_with": [p for p in pair if p != m]})
    for g, name, at in await tx.rows(
            "SELECT group_id, display_name, seen_at FROM facilitators "
            f"WHERE user_id = ?{scope} ORDER BY group_id", (m, *sp)):
        out["known_facilitator"].append({"group": g, "name": name, "last_seen": iso_time(at)})
    return out


async def erase(tx: MemberTx) -> None:
    """Delete the member's own rows and their check-in schedule's claims; blank them as
    anyone's facilitator; take them out of past buddy rounds."""
    m = tx.member_id
    scope, sp = tx.scope()
    for table in ("checkin_prefs", "checkins", "one_to_ones", "facilitators",
                  "buddy_members"):
        tx.add(tx.deleted, table, await tx.run(
            f"DELETE FROM {table} WHERE user_id = ?{scope}", (m, *sp)))
    tx.add(tx.deleted, "buddy_avoids", await tx.run(
        f"DELETE FROM buddy_avoids WHERE (user_id = ? OR other_id = ?){scope}",
        (m, m, *sp)))

    claims = [(key,) for (key,) in await tx.rows(
        "SELECT key FROM occurrences WHERE substr(key, 1, 8) = ?", ("checkin:",))
        if _is_own_checkin_schedule(str(key), m, tx.group_id)]
    tx.add(tx.deleted, "occurrences",
           await tx.many("DELETE FROM occurrences WHERE key = ?", claims))

    # An open request waiting for them skips the reminder (it would go to nobody):
    # the hourly sweep passes it to another facilitator when it falls due.
    tx.add(tx.anonymised, "one_to_ones", await tx.run(
        "UPDATE one_to_ones SET facilitator_id = '', stage = CASE WHEN "
        "status = 'requested' AND stage = 0 THEN 1 ELSE stage END "
        f"WHERE facilitator_id = ?{scope}", (m, *sp)))
    tx.add(tx.anonymised, "checkin_prefs", await tx.run(
        f"UPDATE checkin_prefs SET facilitator_id = '' WHERE facilitator_id = ?{scope}",
        (m, *sp)))

    rounds = []
    for g, number, pairs in await tx.rows(
            f"SELECT group_id, number, pairs_json FROM buddy_rounds WHERE 1 = 1{scope}", sp):
        decoded = json.loads(pairs)
        if any(m in pair for pair in decoded):
            cleaned = [["" if p == m else p for p in pair] for pair in decoded]
            rounds.append((json.dumps(cleaned), g, number))
    tx.add(tx.anonymised, "buddy_rounds", await tx.many(
        "UPDATE buddy_rounds SET pairs_json = ? WHERE group_id = ? AND number = ?", rounds))


async def purge(tx: MemberTx, cutoffs: Mapping[str, datetime | None]) -> None:
    """Retention ("checkins" cutoff): check-ins sent before it, and done one-to-one
    requests made before it (open ones stay until they are done)."""
    at = cutoffs["checkins"]
    if at is None:
        return
    for table, sql in (
            ("checkins", "DELETE FROM checkins WHERE sent_at < ?"),
            ("one_to_ones", "DELETE FROM one_to_ones WHERE status = 'done' "
                            "AND created_at < ?")):
        # Counted even when nothing went: the sweep reports every table it looked at.
        tx.deleted[table] = tx.deleted.get(table, 0) + await tx.run(sql, (to_micros(at),))


__all__ = ["SECTIONS", "erase", "export", "purge"]
