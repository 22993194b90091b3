"""Who acted, and which group a direct message belongs to.

A member's platform roles are their Discord role names AND ids (config may name either);
`is_admin` is Discord's Administrator or Manage Server permission. A direct message has
no server, so its group is a server the bot shares with the writer: the configured
`guild_ids` are tried first, in order, then any other server the bot is in; if the
writer is in several, the first match wins (so list the main group first). With the
shards split across processes, a server may live on another process's shard, so the
configured ones are fetched over REST, as are a server's channels and roles to send to
it (`Servers`).
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass

import discord

from bot.events import Actor


def actor_of(member: discord.Member | discord.User,
             permissions: discord.Permissions | None = None) -> Actor:
    """The core's actor for a Discord user or guild member."""
    roles: set[str] = set()
    is_admin = False
    if isinstance(member, discord.Member):
        for role in member.roles:
            if role.is_default():
                continue
            roles.add(str(role.id))
            roles.add(role.name)
        perms = permissions if permissions is not None else member.guild_permissions
        is_admin = perms.administrator or perms.manage_guild
    return Actor(user_id=str(member.id), display_name=member.display_name,
                 platform_roles=frozenset(roles), is_admin=is_admin)


_SNOWFLAKE = re.compile(r"[0-9]{1,20}")


def snowflake(text: str) -> int | None:
    """A Discord id from the core's text (ASCII digits that fit Discord's 64 bits), or
    None: "²" or a 30-digit number is no id, and must not reach `int()` or the API."""
    if not _SNOWFLAKE.fullmatch(text):
        return None
    value = int(text)
    return value if value < 2**64 else None


@dataclass(frozen=True, slots=True)
class Server:
    """What the adapter needs of a group's server to send to it: its text channels and
    roles, as (name, id) pairs."""

    channels: tuple[tuple[str, int], ...] = ()
    roles: tuple[tuple[str, int], ...] = ()

    def channel_id(self, name: str) -> int | None:
        """The id of the text channel of that name (any case), if there is one."""
        wanted = name.casefold()
        return next((cid for cname, cid in self.channels if cname.casefold() == wanted), None)


class Servers:
    """Groups' servers: from discord.py's cache when this process runs the server's
    shard, else over REST (when the shards are split across processes, another process
    may hold it), kept for `ttl` seconds."""

    def __init__(self, client: discord.Client, ttl: float = 300.0,
                 now: Callable[[], float] = time.monotonic) -> None:
        self._client = client
        self._ttl = ttl
        self._now = now
        self._fetched: dict[int, tuple[float, Server]] = {}

    def cached(self, group_id: str) -> Server | None:
        """The server as this process already knows it, without asking Discord."""
        group = snowflake(group_id)
        guild = self._client.get_guild(group) if group is not None else None
        if guild is not None:
            return Server(tuple((c.name, c.id) for c in guild.text_channels),
                          tuple((r.name, r.id) for r in guild.roles))
        hit = self._fetched.get(group) if group is not None else None
        return hit[1] if hit is not None and hit[0] > self._now() else None

    async def get(self, group_id: str) -> Server | None:
        """The server (None if the bot is not in it); Discord's errors other than
        "not there" are raised (the sender makes them the core's typed errors)."""
        found = self.cached(group_id)
        group = snowflake(group_id)
        if found is not None or group is None:
            return found
        try:
            guild = await self._client.fetch_guild(group)
            channels = await guild.fetch_channels()
        except (discord.NotFound, discord.Forbidden):
            return None
        server = Server(tuple((c.name, c.id) for c in channels
                              if isinstance(c, discord.TextChannel)),
                        tuple((r.name, r.id) for r in guild.roles))
        self._fetched[guild.id] = (self._now() + self._ttl, server)
        return server


class GroupFinder:
    """Finds the group (server) of someone writing to the bot in a direct message."""

    def __init__(self, client: discord.Client, guild_ids: Iterable[str]) -> None:
        self._client = client
        self._configured = [int(g) for g in guild_ids]
        self._fetched: dict[int, discord.Guild] = {}

    async def _candidates(self) -> list[discord.Guild]:
        """The configured servers first (fetched over REST if another process runs
        their shard: direct messages come only to shard 0), then the others cached."""
        seen: list[discord.Guild] = []
        for gid in self._configured:
            guild = self._client.get_guild(gid) or self._fetched.get(gid)
            if guild is None:
                try:
                    guild = self._fetched[gid] = await self._client.fetch_guild(gid)
                except (discord.NotFound, discord.Forbidden):
                    continue
            seen.append(guild)
        seen += [g for g in self._client.guilds if g.id not in {s.id for s in seen}]
        return seen

    async def find(self, user_id: int) -> tuple[str, Actor] | None:
        """The first shared server and the person as a member of it, or None."""
        for guild in await self._candidates():
            try:
                member = await guild.fetch_member(user_id)
            except (discord.NotFound, discord.Forbidden):
                continue
            return str(guild.id), actor_of(member)
        return None
