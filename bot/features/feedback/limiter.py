"""Feedback's daily limit: counts sends per member per day, keyed by an HMAC whose key
exists only in memory and is replaced every day; yesterday's key and counts are dropped."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import UTC, date, datetime


class DailyLimiter:
    """At most `limit` takes per member per day, without being able to say whose.

    Counts are keyed by HMAC-SHA256(today's key, group and member). The key is random,
    never stored or logged, and replaced (with every count) when the UTC day changes, so
    neither a memory dump tomorrow nor anything on disk can link a count to a member.
    With several bot processes each keeps its own count (the limit is then per process).
    """

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self._day: date | None = None
        self._key = b""
        self._counts: dict[bytes, int] = {}

    def _slot(self, group_id: str, user_id: str, now: datetime) -> bytes:
        today = now.astimezone(UTC).date()
        if today != self._day:
            self._day, self._key, self._counts = today, secrets.token_bytes(32), {}
        return hmac.new(self._key, f"{group_id}\x00{user_id}".encode(), hashlib.sha256).digest()

    def take(self, group_id: str, user_id: str, now: datetime) -> bool:
        """Count one send if the member is under today's limit; False if they are not."""
        slot = self._slot(group_id, user_id, now)
        if self._counts.get(slot, 0) >= self.limit:
            return False
        self._counts[slot] = self._counts.get(slot, 0) + 1
        return True

    def give_back(self, group_id: str, user_id: str, now: datetime) -> None:
        """Undo a `take` whose send was not stored."""
        slot = self._slot(group_id, user_id, now)
        if self._counts.get(slot, 0) > 0:
            self._counts[slot] -= 1
