"""Each member's language: the store port, and the book the app asks on every event.

Which language a member reads, in order: the one they chose with `/language`; else the
language their platform reports (Discord's interaction `locale`, Slack's `users.info`
`locale`) when it is a translation we have; else the group's language (`/setup
language=...`). Posts to a channel use the group's language. See
docs/decisions/translation.md.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from dataclasses import field
from datetime import datetime
from typing import Protocol
from typing import runtime_checkable

from bot.i18n import from_platform
from bot.i18n import languages


@runtime_checkable
class LanguageStore(Protocol):
    """The members' chosen languages, as the database keeps them (storage/language/)."""

    async def member_language(self, group_id: str, user_id: str) -> str | None:
        """The language a member chose in a group, or None."""

    async def set_member_language(self, group_id: str, user_id: str, language: str | None,
                                  now: datetime) -> None:
        """Record a member's choice (None: forget it, back to the starting choice)."""


@dataclass
class LanguageBook:
    """Members' chosen languages, remembered for `ttl` seconds (asked on every event; a
    choice made in another process is seen within `ttl`). It is itself a
    `LanguageStore` (reads remembered, writes passed through), and the `/language`
    feature's store, so a choice takes effect at once in the process that made it."""

    store: LanguageStore | None
    ttl: float = 30.0
    now: Callable[[], float] = time.monotonic
    _cache: dict[tuple[str, str], tuple[float, str | None]] = field(default_factory=dict)

    async def member_language(self, group_id: str, user_id: str) -> str | None:
        """What the member chose with /language (None: nothing, or no store)."""
        if self.store is None or not user_id:
            return None
        key = (group_id, user_id)
        hit = self._cache.get(key)
        if hit is not None and hit[0] > self.now():
            return hit[1]
        found = await self.store.member_language(group_id, user_id)
        if len(self._cache) >= 10_000:
            self._cache.clear()
        self._cache[key] = (self.now() + self.ttl, found)
        return found

    async def set_member_language(self, group_id: str, user_id: str, language: str | None,
                                  now: datetime) -> None:
        """Store a member's choice (None forgets it)."""
        if self.store is None:
            return
        await self.store.set_member_language(group_id, user_id, language, now)
        self._cache[(group_id, user_id)] = (self.now() + self.ttl, language)

    async def of(self, group_id: str, user_id: str, group_language: str,
                 platform_locale: str = "") -> str:
        """The language a member reads (see the module's docstring for the order)."""
        chosen = await self.member_language(group_id, user_id)
        if chosen is not None and chosen in languages():
            return chosen
        return from_platform(platform_locale) or group_language
