"""Whether the people a member names are in the group, before anything about them is
saved: an action item's owner, someone on a buddy avoid list.

Asked of the platform through the adapter's `People` port (`PeopleBook`). Only a clear
"not in this group" refuses: when the platform cannot tell (no port, an outage), the
name is taken as given, as before, so platform trouble never stops a member.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from bot.people import PeopleLookup


async def not_in_group(people: PeopleLookup, group_id: str, user_ids: Iterable[str]) -> list[str]:
    """Of these ids (in order, each once), those the platform says are not in the group."""
    missing: list[str] = []
    for user_id in dict.fromkeys(user_ids):
        found = await people.person(group_id, user_id)
        if not found.people and not found.problem:
            missing.append(user_id)
    return missing
