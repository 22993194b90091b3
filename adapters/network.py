"""Why a connection to a platform failed, in the few words the start-up message needs.

Both adapters talk to their platform through aiohttp; its connection errors are turned
into a `PlatformUnreachable` reason here, once, so the two say the same thing.
"""

from __future__ import annotations

import socket
import ssl

import aiohttp

from bot.errors import PlatformUnreachable


def _causes(exc: BaseException) -> list[BaseException]:
    """The error, what it wraps (`os_error`) and what it was raised from."""
    seen: list[BaseException] = []
    current: BaseException | None = exc
    while current is not None and current not in seen:
        seen.append(current)
        wrapped = getattr(current, "os_error", None)
        if isinstance(wrapped, BaseException) and wrapped not in seen:
            seen.append(wrapped)
        current = current.__cause__ or current.__context__
    return seen


def unreachable_reason(exc: BaseException) -> str:
    """`name`, `refused`, `timeout`, `tls` or `other` (see `PlatformUnreachable`)."""
    causes = _causes(exc)
    if any(isinstance(c, socket.gaierror | aiohttp.ClientConnectorDNSError) for c in causes):
        return "name"
    if any(isinstance(c, ssl.SSLError | aiohttp.ClientSSLError) for c in causes):
        return "tls"
    if any(isinstance(c, ConnectionRefusedError) for c in causes):
        return "refused"
    if any(isinstance(c, TimeoutError | aiohttp.ServerTimeoutError) for c in causes):
        return "timeout"
    return "other"


def is_network_error(exc: BaseException) -> bool:
    """Whether the error is a failure to reach the other side (not an answer from it)."""
    return isinstance(exc, aiohttp.ClientConnectionError | OSError | TimeoutError)


def unreachable(platform: str, host: str, exc: BaseException) -> PlatformUnreachable:
    """The core's error for a platform that could not be reached."""
    return PlatformUnreachable(platform, host, unreachable_reason(exc), type(exc).__name__)
