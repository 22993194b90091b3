"""Which groups this process sends to best when the gateway shards are split across
processes: the servers on its own shards, whose channels discord.py already holds. The
dispatcher claims their deliveries first and leaves the others' to the processes that
hold them (taking them over only when they wait too long: `bot.outbox.Preference`), so
no process looks up servers over REST just to post to them."""

from __future__ import annotations

import time
from collections.abc import Callable

import discord

from bot.config import DiscordConfig

REFRESH_SECONDS = 2.0


def split(config: DiscordConfig) -> bool:
    """Whether this process holds only some of the bot's shards."""
    count = config.shard_count
    return isinstance(count, int) and bool(config.shard_ids) and len(config.shard_ids) < count


class OwnServers:
    """The ids of the servers on this process's shards, read again every few seconds
    (servers arrive from the gateway while it connects, and join or leave later)."""

    def __init__(self, client: discord.Client, refresh: float = REFRESH_SECONDS,
                 now: Callable[[], float] = time.monotonic) -> None:
        self._client = client
        self._refresh = refresh
        self._now = now
        self._ids: frozenset[str] = frozenset()
        self._read_at = float("-inf")

    def __call__(self) -> frozenset[str]:
        """The ids as the core's group ids."""
        if self._now() - self._read_at >= self._refresh:
            self._ids = frozenset(str(guild.id) for guild in self._client.guilds)
            self._read_at = self._now()
        return self._ids
