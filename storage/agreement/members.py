"""The agreement's, resources' and welcome's part of a member's data: what export lists
and what erasure does (docs/decisions/member-data.md).

Who read which version of the agreement is the member's own and goes; the resources
they added and the welcome text they last changed are the group's and keep their words,
losing only the member's id. Amendment votes hold no member id: nothing to export.
"""

from __future__ import annotations

from storage.package import MemberRecords
from storage.package import MemberTx
from storage.sql import iso_time

SECTIONS = ("agreement_reads", "resources_added", "welcome_text_changed")
"""This package's sections of a member's export, in order."""


async def export(tx: MemberTx) -> MemberRecords:
    """The member's agreement reads, the resources they added and the welcome texts they
    last changed."""
    scope, sp = tx.scope()
    m = tx.member_id
    reads = [{"group": g, "version": version, "accepted_at": iso_time(at)}
             for g, version, at in await tx.rows(
                 "SELECT group_id, version, read_at FROM agreement_reads "
                 f"WHERE user_id = ?{scope} ORDER BY group_id, version", (m, *sp))]
    added = [{"group": g, "id": rid, "title": tx.store._decrypt_json(body).get("title"),
              "added_at": iso_time(at)}
             for rid, g, body, at in await tx.rows(
                 "SELECT id, group_id, body, added_at FROM resources "
                 f"WHERE added_by = ?{scope} ORDER BY added_at, id", (m, *sp))]
    welcomes = [{"group": g, "changed_at": iso_time(at)}
                for g, at in await tx.rows(
                    "SELECT group_id, updated_at FROM welcome_texts "
                    f"WHERE updated_by = ?{scope} ORDER BY group_id", (m, *sp))]
    return {"agreement_reads": reads, "resources_added": added,
            "welcome_text_changed": welcomes}


async def erase(tx: MemberTx) -> None:
    """Delete the member's agreement reads; take their id off the resources they added and
    the welcome text they last changed."""
    scope, sp = tx.scope()
    m = tx.member_id
    tx.add(tx.deleted, "agreement_reads", await tx.run(
        f"DELETE FROM agreement_reads WHERE user_id = ?{scope}", (m, *sp)))
    for table, column in (("resources", "added_by"), ("welcome_texts", "updated_by")):
        tx.add(tx.anonymised, table, await tx.run(
            f"UPDATE {table} SET {column} = '' WHERE {column} = ?{scope}", (m, *sp)))
