"""The polls' migrations.

The polls tables themselves were created by migration 5, with feedback's (owned by
feedback, `storage/feedback/`). Migration 10 adds the ballot boxes that anonymous polls
and votes on agreement amendments keep their votes in (storage/ballot_box.py,
docs/decisions/anonymous-polls.md), and moves the votes already stored into them.

A released migration never changes, so its data step is a frozen copy of what it needs
here (the box's plain-text layout, its padding and its constant Fernet time as they were
in release 10), not calls into the live ballot-box code, which may change later.
"""

from __future__ import annotations

import json
from typing import Any

from storage.crypto import FieldCipher
from storage.schema import Migration
from storage.sql import SqlConnection

# As in release 10: the box table, the padding of a box's plain text, and the time
# written (in the clear) into every box token.
_BOX_TABLE = "ballot_boxes"
_PAD = 1024
_STAMP = 0


def _box_token(cipher: FieldCipher, tallies: list[int], sealed: dict[str, str],
               voters: int, is_open: bool) -> str:
    """A ballot box as release 10 wrote it: sorted by voter tag, padded, encrypted."""
    data: dict[str, Any] = {"open": is_open, "tallies": list(tallies), "voters": voters,
                            "sealed": [[tag, sealed[tag]] for tag in sorted(sealed)]}
    raw = json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=True)
    return cipher.encrypt_at(raw + " " * (-len(raw) % _PAD), _STAMP)


async def fill_ballot_boxes(db: SqlConnection, cipher: FieldCipher) -> tuple[str, ...]:
    """Migration 10's data step: move every anonymous poll's and amendment's votes from
    the per-voter and per-option rows into ballot boxes, then delete those rows (the
    tags of closed votes are not kept). Returns the tables to forget."""
    polls = list(await db.execute_fetchall(
        "SELECT id, status FROM polls WHERE anonymous = 1 ORDER BY id"))
    for poll_id, status in polls:
        tallies = [int(r[0]) for r in await db.execute_fetchall(
            "SELECT votes FROM poll_tallies WHERE poll_id = ? ORDER BY option",
            (poll_id,))]
        voters = {str(tag): str(sealed or "") for tag, sealed in await db.execute_fetchall(
            "SELECT voter, sealed FROM poll_voters WHERE poll_id = ?", (poll_id,))}
        is_open = status == "open"
        await db.execute(f"INSERT INTO {_BOX_TABLE} (id, box) VALUES (?, ?)",
                         (f"poll:{poll_id}",
                          _box_token(cipher, tallies, voters if is_open else {},
                                     len(voters), is_open)))
    await db.execute("DELETE FROM poll_voters WHERE poll_id IN "
                     "(SELECT id FROM polls WHERE anonymous = 1)")
    await db.execute("DELETE FROM poll_tallies WHERE poll_id IN "
                     "(SELECT id FROM polls WHERE anonymous = 1)")
    amendments = list(await db.execute_fetchall(
        "SELECT id, yes_votes, no_votes FROM amendments WHERE status = 'open' "
        "ORDER BY id"))
    for amendment_id, yes, no in amendments:
        voters = {str(tag): str(sealed or "") for tag, sealed in await db.execute_fetchall(
            "SELECT voter, sealed FROM amendment_voters WHERE amendment_id = ?",
            (amendment_id,))}
        await db.execute(f"INSERT INTO {_BOX_TABLE} (id, box) VALUES (?, ?)",
                         (f"amendment:{amendment_id}",
                          _box_token(cipher, [int(yes), int(no)], voters, len(voters), True)))
    await db.execute("UPDATE amendments SET yes_votes = 0, no_votes = 0 "
                     "WHERE status = 'open'")
    await db.execute("DELETE FROM amendment_voters")
    return ("amendment_voters", "amendments", _BOX_TABLE, "poll_tallies", "poll_voters")


MIGRATIONS: tuple[Migration, ...] = (
    Migration(
        version=10,
        name="ballot boxes for anonymous votes",
        # One row per anonymous poll or agreement vote, rewritten whole by each vote: the
        # counts and each voter tag's sealed choice, encrypted (storage/ballot_box.py).
        # The data step (`fill_ballot_boxes`, run through `SqlPolls._fill_ballot_boxes`)
        # moves open votes in and deletes the per-voter and per-option rows of anonymous
        # votes (docs/decisions/anonymous-polls.md).
        sqlite=(
            """CREATE TABLE ballot_boxes (
                id  TEXT PRIMARY KEY,
                box TEXT NOT NULL
            ) WITHOUT ROWID""",
        ),
        then="_fill_ballot_boxes",
    ),
)
