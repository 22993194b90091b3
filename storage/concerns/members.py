"""Safeguarding concerns in a member's data: their part of an export, what an erasure
keeps and deletes, and the retention sweep of expired drafts.

Cases, their notes and their audit are the group's safeguarding records: an erasure
keeps them and only counts those that involve the member (`keep`, run before anything
is deleted). What the member raised is exported in their words; a lead's own entry in
the known leads is exported and deleted. Drafts hold no member id (only a tag the
member's own copy of the offer can recreate), so nothing links one to them: they go
with the retention sweep, within a day.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from storage.package import MemberRecords
from storage.package import MemberTx
from storage.sql import iso_time
from storage.sql import to_micros

SECTIONS = ("concerns_raised", "known_safeguarding_lead")
# What an erasure keeps whatever happens (safeguarding records), as `coprod erase` says.
KEPT = ("concerns_raised",)
# Why, for whoever runs `coprod erase` (English: the command line's words).
KEPT_WHY = ("cases they raised, cases about them, and cases, notes and audit entries they "
            "worked on as a lead. Safeguarding procedures require these to be kept even "
            "when someone asks to be forgotten, so that a concern can be followed up and how "
            "it was handled can be shown. Only the safeguarding leads can see them. They "
            "are deleted with the case: by a lead (/case delete), or by [retention] "
            "closed_cases_days once the case is closed.")




async def export(tx: MemberTx) -> MemberRecords:
    """The concerns the member raised (their words, never anyone else's) and their entry
    as a known lead."""
    m = tx.member_id
    scope, sp = tx.scope()
    out: MemberRecords = {name: [] for name in SECTIONS}
    for r in await tx.rows(
            "SELECT id, group_id, status, created_at, body, danger FROM concern_cases "
            f"WHERE body IS NOT NULL{scope} ORDER BY created_at, id", sp):
        data = tx.store._decrypt_json(r[4])
        if data.get("reporter") != m:
            continue
        out["concerns_raised"].append({
            "group": r[1], "reference": r[0], "raised_at": iso_time(r[3]),
            "status": r[2], "what_you_wrote": data.get("text"),
            "who_it_is_about": data.get("about") or None,
            "link": data.get("link") or None,
            "immediate_danger": bool(r[5]),
            "may_contact_you": bool(data.get("may_contact", False)),
            "name_left_off": bool(data.get("anonymous", False))})
    for g, body, source, at in await tx.rows(
            "SELECT group_id, body, source, seen_at FROM concern_leads "
            f"WHERE user_id = ?{scope} ORDER BY group_id", (m, *sp)):
        out["known_safeguarding_lead"].append({
            "group": g, "name": tx.store._decrypt_json(body).get("name"),
            "how": source, "last_seen": iso_time(at)})
    return out


async def keep(tx: MemberTx) -> None:
    """Count the safeguarding records that involve the member into `kept`: cases they
    raised, acknowledged, hold, are named in or excluded from, and those cases' notes and
    audit, with the notes they wrote and the audit of what they did on others."""
    member_id = tx.member_id
    scope, sp = tx.scope()
    cases: set[str] = set()
    in_scope: set[str] = set()
    for cid, body, access, ack_by, assignee in await tx.rows(
            "SELECT id, body, access, acknowledged_by, assignee FROM concern_cases "
            f"WHERE 1 = 1{scope}", sp):
        in_scope.add(cid)
        data: dict[str, Any] = {} if body is None else tx.store._decrypt_json(body)
        excluded = tx.store._decrypt_json(access).get("excluded", [])
        if (member_id in (data.get("reporter"), ack_by, assignee)
                or member_id in data.get("subjects", ()) or member_id in excluded):
            cases.add(cid)
    notes = sum(1 for cid, author in await tx.rows(
        "SELECT case_id, author_id FROM concern_notes") if cid in in_scope
        and (cid in cases or author == member_id))
    audit = sum(1 for cid, actor in await tx.rows(
        "SELECT case_id, actor_id FROM concern_audit") if cid in in_scope
        and (cid in cases or actor == member_id))
    tx.add(tx.kept, "concern_cases", len(cases))
    tx.add(tx.kept, "concern_notes", notes)
    tx.add(tx.kept, "concern_audit", audit)


async def erase(tx: MemberTx) -> None:
    """Delete the member's entry as a known lead (the cases are kept: see `keep`)."""
    scope, sp = tx.scope()
    tx.add(tx.deleted, "concern_leads", await tx.run(
        f"DELETE FROM concern_leads WHERE user_id = ?{scope}", (tx.member_id, *sp)))


async def purge(tx: MemberTx, cutoffs: Mapping[str, datetime | None]) -> None:
    """Delete concern drafts created before the "drafts" cutoff (counted even when none
    are, as the sweep reports every table it looked at)."""
    before = cutoffs["drafts"]
    if before is None:
        return
    n = await tx.run("DELETE FROM concern_drafts WHERE created_at < ?", (to_micros(before),))
    tx.deleted["concern_drafts"] = tx.deleted.get("concern_drafts", 0) + n
