"""Feedback's part of a member's export, erasure and the retention sweep.

Nothing stored says who wrote a piece of feedback, so the only link to a member is the
facilitator who hid an item (`hidden_by`): exported as "feedback_hidden", blanked on
erasure. The sweep deletes items older than the "feedback" cutoff that are no longer
waiting (waiting feedback is never dropped).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime

from storage.package import MemberRecords
from storage.package import MemberTx
from storage.sql import iso_time
from storage.sql import to_micros

SECTION = "feedback_hidden"
SECTIONS = (SECTION,)
"""This package's sections of a member's export."""


async def export(tx: MemberTx) -> MemberRecords:
    """The items the member hid, as a facilitator (the reference and the day; never the
    words, which are not theirs)."""
    scope, sp = tx.scope()
    hidden = [{"group": g, "reference": fid,
               "hidden_on": iso_time(day)}
              for fid, g, day in await tx.rows(
                  "SELECT id, group_id, hidden_day FROM feedback_items "
                  f"WHERE hidden_by = ?{scope} ORDER BY hidden_day, id",
                  (tx.member_id, *sp))]
    return {SECTION: hidden}


async def erase(tx: MemberTx) -> None:
    """Forget which facilitator hid an item (the item, its reason and day stay)."""
    scope, sp = tx.scope()
    tx.add(tx.anonymised, "feedback_items", await tx.run(
        f"UPDATE feedback_items SET hidden_by = '' WHERE hidden_by = ?{scope}",
        (tx.member_id, *sp)))


async def purge(tx: MemberTx, cutoffs: Mapping[str, datetime | None]) -> None:
    """Delete shared and hidden items written before the "feedback" cutoff."""
    at = cutoffs["feedback"]
    if at is None:
        return
    deleted = await tx.run("DELETE FROM feedback_items "
                           "WHERE status != 'waiting' AND submitted_day < ?", (to_micros(at),))
    # Counted even when nothing went: the sweep reports every table it looked at.
    tx.deleted["feedback_items"] = tx.deleted.get("feedback_items", 0) + deleted
