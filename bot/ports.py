"""What the core needs from a platform adapter, and nothing more.

An adapter translates both ways: platform events into `bot.events` handed to
`App.handle`, and neutral messages into native ones. It holds no business rules.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

from bot.messages import Destination
from bot.messages import Message


class Sender(Protocol):
    """The outbound half of an adapter, used by the delivery dispatcher."""

    async def send(self, destination: Destination, message: Message, key: str) -> str:
        """Send one message; return the platform's reference to it (to edit it later).

        `key` is the delivery's idempotency key; platforms that support it use it to
        drop a duplicate (Discord's message nonce). Failures are raised as the typed
        errors in `bot.errors` (RateLimited, Forbidden, NotFound, Transient,
        UnsupportedMessage).
        """
        ...


@dataclass(frozen=True, slots=True)
class Person:
    """Someone in a group with every name the platform gives them, so a name typed by a
    member ("@lead_ann", "Ann", "Annie") can be matched to them.

    `display_name` is how the platform shows them in the group; `username` their handle;
    `nickname` a name set for this group only (a Discord server nickname); `real_name` a
    full or global name (Slack's real name, Discord's global display name).
    """

    user_id: str
    display_name: str = ""
    username: str = ""
    nickname: str = ""
    real_name: str = ""

    def names(self) -> tuple[str, ...]:
        """Every non-empty name, the display name first, each once."""
        found = (self.display_name, self.nickname, self.username, self.real_name)
        return tuple(dict.fromkeys(n.strip() for n in found if n and n.strip()))


class PeopleUnavailable(Exception):
    """The platform could not say who is who (network trouble, a missing permission).

    The text says why in plain words, for the operator (never a member's words)."""


class People(Protocol):
    """Who is who in a group, asked of the platform: the core uses it to find the
    safeguarding leads (and facilitators) without waiting for them to act."""

    async def holders(self, group_id: str, roles: Sequence[str]) -> list[Person]:
        """Everyone in the group who holds any of these platform roles (Discord roles,
        Slack user groups), named by name or id as config names them (case and a leading
        `@` ignored). Raises `PeopleUnavailable` when the platform cannot tell."""
        ...

    async def person(self, group_id: str, user_id: str) -> Person | None:
        """Someone's names, or None if they are not in the group. Raises
        `PeopleUnavailable` when the platform cannot tell."""
        ...
