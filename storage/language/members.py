"""A member's chosen language in `coprod export` (each group's choice) and `coprod
erase` (deleted: the member then reads the group's language again)."""

from __future__ import annotations

from storage.package import MemberRecords
from storage.package import MemberTx
from storage.sql import from_micros

LANGUAGE = "language"
SECTIONS = (LANGUAGE,)
"""This package's sections of a member's export."""


async def export(tx: MemberTx) -> MemberRecords:
    """The language the member chose in each group."""
    scope, sp = tx.scope()
    return {LANGUAGE: [
        {"group": group_id, "language": language,
         "chosen_at": from_micros(changed_at).isoformat()}
        for group_id, language, changed_at in await tx.rows(
            "SELECT group_id, language, changed_at FROM member_languages "
            f"WHERE user_id = ?{scope} ORDER BY group_id", (tx.member_id, *sp))]}


async def erase(tx: MemberTx) -> None:
    """Forget the member's choice."""
    scope, sp = tx.scope()
    tx.add(tx.deleted, "member_languages", await tx.run(
        f"DELETE FROM member_languages WHERE user_id = ?{scope}", (tx.member_id, *sp)))
