"""A member's votes in named polls, for `coprod export`, `coprod erase` and nothing else.

A named poll (`anonymous=no`) keeps each voter's id, and their name with their choices
encrypted: the member's own data. Anonymous polls keep no id to find, so they are never
exported or erased (docs/decisions/member-data.md).
"""

from __future__ import annotations

import secrets
from typing import Any

from storage.members import ERASED_NAME
from storage.package import MemberRecords
from storage.package import MemberTx

NAMED_VOTES = "named_poll_votes"
SECTIONS = (NAMED_VOTES,)
"""This package's sections of a member's export."""


async def export(tx: MemberTx) -> MemberRecords:
    """Votes in named polls: the poll, the choices and the name shown with them."""
    scope, sp = tx.scope("p.group_id")
    found: list[dict[str, Any]] = []
    for poll_id, g, body, sealed in await tx.rows(
            "SELECT p.id, p.group_id, p.body, v.sealed FROM poll_voters v "
            "JOIN polls p ON p.id = v.poll_id WHERE p.anonymous = ? AND v.voter = ? "
            f"AND v.sealed IS NOT NULL{scope} ORDER BY p.created_day, p.id",
            (0, tx.member_id, *sp)):
        poll = tx.store._decrypt_json(body)
        vote = tx.store._decrypt_json(sealed)
        options = list(poll.get("options", []))
        found.append({"group": g, "poll": poll_id, "question": poll.get("question"),
                      "your_choices": [options[c] if 0 <= c < len(options) else c
                                       for c in vote.get("choices", [])],
                      "name_shown": vote.get("name")})
    return {NAMED_VOTES: found}


async def erase(tx: MemberTx) -> None:
    """A named poll's vote keeps counting; its voter becomes a random tag (the key must
    stay unique) and the name shown with it "a former member"."""
    votes = []
    pscope, psp = tx.scope("p.group_id")
    for poll_id, sealed in await tx.rows(
            "SELECT v.poll_id, v.sealed FROM poll_voters v JOIN polls p "
            f"ON p.id = v.poll_id WHERE p.anonymous = ? AND v.voter = ?{pscope}",
            (0, tx.member_id, *psp)):
        data = {} if sealed is None else dict(tx.store._decrypt_json(sealed))
        data["name"] = ERASED_NAME
        votes.append((f"erased-{secrets.token_hex(8)}", tx.store._encrypt_json(data),
                      poll_id, tx.member_id))
    tx.add(tx.anonymised, "poll_voters", await tx.many(
        "UPDATE poll_voters SET voter = ?, sealed = ? WHERE poll_id = ? AND voter = ?",
        votes))
