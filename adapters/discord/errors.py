"""Discord failures translated into the core's typed delivery errors.

The dispatcher decides from the type alone: wait (rate limited), reroute (DMs closed,
missing permission, gone), retry with backoff (5xx, timeouts, dropped connections).
"""

from __future__ import annotations

import asyncio

import aiohttp
import discord

from bot.errors import DeliveryError
from bot.errors import Forbidden
from bot.errors import NotFound
from bot.errors import RateLimited
from bot.errors import Transient
from bot.errors import UnsupportedMessage

DMS_CLOSED = 50007  # "Cannot send messages to this user"
NOT_TEXT = 50008  # "Cannot send messages in a non-text channel"


def translate(exc: BaseException) -> DeliveryError:
    """The core's error for a failure of discord.py (log-safe: codes only)."""
    if isinstance(exc, DeliveryError):
        return exc
    if isinstance(exc, discord.RateLimited):
        return RateLimited(exc.retry_after, "discord 429")
    if isinstance(exc, discord.HTTPException):
        code = exc.code
        if exc.status == 429:
            return RateLimited(_retry_after(exc), "discord 429")
        if exc.status == 403:
            reason = "dms closed" if code == DMS_CLOSED else "forbidden"
            return Forbidden(f"discord 403 code {code} ({reason})")
        if exc.status == 404:
            return NotFound(f"discord 404 code {code}")
        if code == NOT_TEXT:  # posted by id without looking the channel up first
            return NotFound(f"discord {exc.status} code {code} (not a text channel)")
        if exc.status >= 500:
            return Transient(f"discord {exc.status}")
        return UnsupportedMessage(f"discord {exc.status} code {code}")
    if isinstance(exc, aiohttp.ClientError | asyncio.TimeoutError | OSError
                  | discord.ConnectionClosed | discord.GatewayNotFound):
        return Transient(type(exc).__name__)
    return Transient(type(exc).__name__)


def _retry_after(exc: discord.HTTPException) -> float:
    try:
        return float(exc.response.headers.get("Retry-After", "1"))
    except (AttributeError, TypeError, ValueError):
        return 1.0
