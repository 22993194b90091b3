"""Typed errors: what an adapter reports when a send fails, kind refusals, and the
database's failures.

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


class StorageError(Exception):
    """The database could not do what was asked (unreachable, corrupt, locked too long).

    Raised by storage (`storage.interface` and its backends); here in the core so that a
    feature can catch it without importing storage."""


class UserError(Exception):
    """A refusal to show the person who acted, in plain kind words; nothing was changed."""

    def __init__(self, text: str) -> None:
        super().__init__(text)
        self.text = text


class SettingError(ValueError):
    """A setting value that cannot be used (in config.toml or `/setup`); the message says
    why in plain words."""


class PlatformStartError(Exception):
    """An adapter could not start talking to its platform. Raised by an adapter's
    `check_platform` before the database is opened, so nothing has changed; the CLI
    turns it into one plain line (bot/catalog.py). The text is log-safe: codes only."""

    def __init__(self, platform: str, detail: str) -> None:
        super().__init__(detail)
        self.platform = platform
        self.detail = detail


class TokenRefused(PlatformStartError):
    """The platform said no to a token (Discord 401, Slack `invalid_auth` and the like).
    `setting` names the environment variable that holds it; `detail` is the platform's
    error code, where it gave one."""

    def __init__(self, platform: str, setting: str, detail: str = "") -> None:
        super().__init__(platform, detail)
        self.setting = setting


class PlatformUnreachable(PlatformStartError):
    """The platform could not be reached: `reason` is `name` (the host name could not be
    looked up), `refused`, `timeout`, `tls`, `server` (it answered with an error) or
    `other`; `host` is where we tried."""

    def __init__(self, platform: str, host: str, reason: str, detail: str = "") -> None:
        super().__init__(platform, detail)
        self.host = host
        self.reason = reason
