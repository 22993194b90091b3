"""Feedback's daily limit: counts sends per member per day, keyed by an HMAC whose key
exists only in memory and is replaced every day; yesterday's key and counts are dropped.

With several bot processes on one database the key and the counts are the same in every
process (`bot.peers`): the key is shared between live processes, encrypted for each, and
each count is told to the others as the HMAC alone, over a link that stores nothing.
"""

from __future__ import annotations

import asyncio
import base64
import hashlib
import hmac
from datetime import UTC
from datetime import date
from datetime import datetime
from typing import Any

from bot.peers import PeerAccess
from bot.peers import Peers

TOPIC = "feedback-limit"
# Counts per answer to a process that asks for today's: 120 of about 30 characters make
# about 3,600, some 4,900 once encrypted and encoded, under a notification's 8,000 bytes.
COUNTS_PER_PART = 120


def secret_name(day: date) -> str:
    """The name the processes share a day's key under."""
    return f"{TOPIC}:{day.isoformat()}"


class DailyLimiter:
    """At most `limit` takes per member per day, without being able to say whose.

    Counts are keyed by HMAC-SHA256(today's key, group and member), cut to 16 bytes. The
    key is random, never stored or logged, and replaced (with every count) when the UTC
    day changes, so neither a memory dump tomorrow nor anything on disk can link a count
    to a member. Every live process holds the same key and counts: a process starting
    during the day asks the others for both. Two sends by one member reaching two
    processes within the same few milliseconds can both be counted under the limit.
    """

    def __init__(self, limit: int, peers: PeerAccess | None = None) -> None:
        self.limit = limit
        self._peers: PeerAccess = peers if peers is not None else Peers(None)
        self._day: date | None = None
        self._key = b""
        self._counts: dict[str, int] = {}
        self._moving = asyncio.Lock()
        self._peers.on(TOPIC, self._heard)
        self._peers.answer(TOPIC, self._todays_counts)

    async def _move_to(self, now: datetime) -> None:
        today = now.astimezone(UTC).date()
        if today == self._day:
            return
        async with self._moving:
            if today == self._day:
                return
            if self._day is not None:
                self._peers.forget(secret_name(self._day))
            self._day, self._key, self._counts = None, b"", {}
            key = await self._peers.secret(secret_name(today), logged=False)
            counts: dict[str, int] = {}
            for part in await self._peers.request(TOPIC, {"day": today.isoformat()}):
                for slot, n in dict(part.get("counts") or {}).items():
                    counts[str(slot)] = max(counts.get(str(slot), 0), int(n))
            self._day, self._key, self._counts = today, key, counts

    def _slot(self, group_id: str, user_id: str) -> str:
        digest = hmac.new(self._key, f"{group_id}\x00{user_id}".encode(), hashlib.sha256)
        return base64.b64encode(digest.digest()[:16]).decode("ascii")

    async def take(self, group_id: str, user_id: str, now: datetime) -> bool:
        """Count one send if the member is under today's limit; False if they are not."""
        await self._move_to(now)
        slot = self._slot(group_id, user_id)
        if self._counts.get(slot, 0) >= self.limit:
            return False
        self._counts[slot] = self._counts.get(slot, 0) + 1
        await self._tell(slot, 1)
        return True

    async def give_back(self, group_id: str, user_id: str, now: datetime) -> None:
        """Undo a `take` whose send was not stored."""
        await self._move_to(now)
        slot = self._slot(group_id, user_id)
        if self._counts.get(slot, 0) > 0:
            self._counts[slot] -= 1
            await self._tell(slot, -1)

    async def _tell(self, slot: str, n: int) -> None:
        assert self._day is not None
        await self._peers.tell(TOPIC, {"day": self._day.isoformat(), "slot": slot, "n": n})

    def _heard(self, body: dict[str, Any]) -> None:
        if self._day is None or body.get("day") != self._day.isoformat():
            return
        slot = str(body.get("slot", ""))
        self._counts[slot] = max(0, self._counts.get(slot, 0) + int(body.get("n", 0)))

    def _todays_counts(self, body: dict[str, Any]) -> list[dict[str, Any]]:
        if self._day is None or body.get("day") != self._day.isoformat():
            return [{}]
        items = [(slot, n) for slot, n in self._counts.items() if n > 0]
        return [{"counts": dict(items[i:i + COUNTS_PER_PART])}
                for i in range(0, len(items), COUNTS_PER_PART)] or [{}]
