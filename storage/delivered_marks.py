"""Marking deliveries delivered, many in one statement.

A burst of reminders is sent within moments, and each send must be recorded before the
dispatcher lets its delivery go. Recorded one transaction each, the last of a thousand
waits for a thousand flushes to disk; `SqlCore.mark_delivered` therefore hands the
marks that arrive together to a `GroupCommit`, which calls `mark_many` on all of them in
one transaction. Each mark still changes its row only while its dispatcher holds the
claim (`owner`), exactly as one alone would.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from storage.connection import SqlConnection
from storage.group_commit import ROWS_PER_STATEMENT

# Every value cast, so that PostgreSQL knows each parameter's type in every row.
_ROW = "(CAST(? AS BIGINT), CAST(? AS TEXT), CAST(? AS TEXT), CAST(? AS BIGINT))"

# A sealed delivery's recipient (and the platform's reference to the message, which on
# a DM points at the recipient too) is forgotten once delivered. SET reads the row as it
# was, so `sealed_to` there is the value before it is emptied.
_MARK = """
    WITH marks (id, ref, owner, at) AS (VALUES {rows})
    UPDATE deliveries
       SET status = 'delivered',
           platform_ref = CASE WHEN deliveries.sealed_to IS NULL THEN marks.ref ELSE NULL END,
           delivered_at = marks.at, updated_at = marks.at, body = NULL, fallbacks = NULL,
           sealed_to = NULL, lease_owner = NULL, lease_until = NULL
      FROM marks
     WHERE deliveries.id = marks.id
       AND (marks.owner IS NULL OR deliveries.lease_owner = marks.owner)
    RETURNING deliveries.id, deliveries.platform_ref IS NULL
"""


@dataclass(frozen=True, slots=True)
class Mark:
    """One delivery to mark delivered: its id, the platform's reference, when (stored
    microseconds), and the dispatcher that must still hold its claim (None: any)."""

    delivery_id: int
    platform_ref: str
    at: int
    owner: str | None


@dataclass(frozen=True, slots=True)
class Marked:
    """What marking did to one delivery: whether its row changed (it was not, if
    unknown or claimed since by another dispatcher), and whether it was sealed."""

    changed: bool
    sealed: bool


async def mark_many(db: SqlConnection, marks: Sequence[Mark]) -> list[Marked]:
    """Mark every one delivered inside the open transaction; one result per mark, in
    order. A delivery marked twice in one call is marked in turn, as two calls would."""
    results: list[Marked | None] = [None] * len(marks)
    waiting = list(enumerate(marks))
    while waiting:
        round_: list[tuple[int, Mark]] = []
        later: list[tuple[int, Mark]] = []
        ids: set[int] = set()
        for index, mark in waiting:
            (later if mark.delivery_id in ids else round_).append((index, mark))
            ids.add(mark.delivery_id)
        for start in range(0, len(round_), ROWS_PER_STATEMENT):
            chunk = round_[start:start + ROWS_PER_STATEMENT]
            sql = _MARK.format(rows=", ".join([_ROW] * len(chunk)))
            values = [value for _, m in chunk
                      for value in (m.delivery_id, m.platform_ref, m.owner, m.at)]
            changed = {int(row[0]): bool(row[1])
                       for row in await db.execute_fetchall(sql, values)}
            for index, mark in chunk:
                sealed = changed.get(mark.delivery_id)
                results[index] = Marked(sealed is not None, bool(sealed))
        waiting = later
    return [result or Marked(False, False) for result in results]
