"""Typed errors: what an adapter reports when a send fails, and kind refusals.

The dispatcher decides what to do from the type alone (retry later, reroute, give up),
so every adapter must translate its platform's failures into exactly these.
"""

from __future__ import annotations


class DeliveryError(Exception):
    """Base for a failed send. The message is log-safe: codes and ids, never text."""


class RateLimited(DeliveryError):
    """The platform asked us to wait `retry_after` seconds before trying again."""

    def __init__(self, retry_after: float, detail: str = "rate limited") -> None:
        super().__init__(detail)
        self.retry_after = max(0.0, retry_after)


class Forbidden(DeliveryError):
    """The platform refused for good (DMs closed, missing permission): reroute, do not retry."""


class NotFound(DeliveryError):
    """The channel, member or message no longer exists: reroute, do not retry."""


class Transient(DeliveryError):
    """A 5xx, a timeout or a dropped connection: retry with backoff."""


class UnsupportedMessage(DeliveryError):
    """The adapter cannot render this kind of message at all (a programming error)."""


class UserError(Exception):
    """A refusal to show the person who acted, in plain kind words; nothing was changed."""

    def __init__(self, text: str) -> None:
        super().__init__(text)
        self.text = text
