"""What the core needs from a platform adapter, and nothing more.

An adapter translates both ways: platform events into `bot.events` handed to
`App.handle`, and neutral messages into native ones. It holds no business rules.
"""

from __future__ import annotations

from typing import Protocol

from bot.messages import Destination, Message


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
