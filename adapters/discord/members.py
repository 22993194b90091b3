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

import logging
import re
import time
from collections.abc import Callable
from collections.abc import Iterable
from collections.abc import Sequence
from dataclasses import dataclass
from dataclasses import replace
from typing import Any

import aiohttp
import discord

from bot import catalog
from bot.events import Actor
from bot.logs import log_event
from bot.ports import PeopleUnavailable
from bot.ports import Person
from bot.roles import role_key

log = logging.getLogger(__name__)


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
# Channel types discord.py shows as `TextChannel`: text and announcement channels.
_TEXT_TYPES = (discord.ChannelType.text.value, discord.ChannelType.news.value)


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
    may hold it), kept for `ttl` seconds. Over REST a server's channel list is one
    request; its roles (another) are asked for only by a caller that needs them."""

    def __init__(self, client: discord.Client, ttl: float = 300.0,
                 now: Callable[[], float] = time.monotonic) -> None:
        self._client = client
        self._ttl = ttl
        self._now = now
        # group -> (expires, server, whether its roles were fetched too)
        self._fetched: dict[int, tuple[float, Server, bool]] = {}

    def cached(self, group_id: str, *, roles: bool = True) -> Server | None:
        """The server as this process already knows it, without asking Discord (with
        `roles=False`, one whose roles were not fetched will do)."""
        group = snowflake(group_id)
        guild = self._client.get_guild(group) if group is not None else None
        if guild is not None:
            return Server(tuple((c.name, c.id) for c in guild.text_channels),
                          tuple((r.name, r.id) for r in guild.roles))
        hit = self._fetched.get(group) if group is not None else None
        if hit is None or hit[0] <= self._now() or (roles and not hit[2]):
            return None
        return hit[1]

    async def get(self, group_id: str, *, roles: bool = True) -> Server | None:
        """The server (None if the bot is not in it); Discord's errors other than
        "not there" are raised (the sender makes them the core's typed errors). With
        `roles=False` its roles may be left out (one request fewer)."""
        found = self.cached(group_id, roles=roles)
        group = snowflake(group_id)
        if found is not None or group is None:
            return found
        try:
            role_list = (await self._client.http.get_guild(group))["roles"] if roles else []
            channels = await self._client.http.get_all_guild_channels(group)
        except (discord.NotFound, discord.Forbidden):
            return None
        server = Server(tuple((c["name"], int(c["id"])) for c in channels
                              if c["type"] in _TEXT_TYPES),
                        tuple((r["name"], int(r["id"])) for r in role_list))
        expires, held = self._now() + self._ttl, self._fetched.get(group)
        if not roles and held is not None and held[2] and held[0] > self._now():
            # A read with roles ended while this one was waiting: its roles are kept
            # (until they expire), or the next ping would ask Discord for them again.
            expires, server, roles = held[0], replace(server, roles=held[1].roles), True
        self._fetched[group] = (expires, server, roles)
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


# A server's member list is read 1000 at a time (Discord's page limit); a server larger
# than this many pages is read only that far, and the log says so.
MEMBER_PAGES = 100


def person_of(data: dict[str, Any]) -> Person:
    """A guild member payload (REST or gateway) as the core's `Person`."""
    user: dict[str, Any] = data.get("user") or {}
    username = str(user.get("username") or "")
    global_name = str(user.get("global_name") or "")
    nick = str(data.get("nick") or "")
    return Person(str(user.get("id", "")), nick or global_name or username, username, nick,
                  global_name)


class DiscordPeople:
    """The core's `People` port on Discord: who holds a role, and someone's names.

    Role holders come from the server's member list over REST (`GET /guilds/{id}/members`,
    through discord.py's HTTP client), which Discord only answers for a bot whose
    privileged Server Members Intent is turned on in the Developer Portal: no gateway
    intent is needed. Without it the answer is a `PeopleUnavailable` saying exactly
    that. One person's names (`GET /guilds/{id}/members/{user}`) need no intent.
    """

    def __init__(self, client: discord.Client, servers: Servers) -> None:
        self._client = client
        self._servers = servers

    async def holders(self, group_id: str, roles: Sequence[str]) -> list[Person]:
        """Everyone in the server holding any of these roles (by name or id), bots aside."""
        guild_id = snowflake(group_id)
        if guild_id is None:
            return []
        try:
            server = await self._servers.get(group_id)
        except discord.DiscordException as exc:
            raise PeopleUnavailable(catalog.DISCORD_MEMBERS_UNREACHABLE) from exc
        if server is None:
            return []
        wanted = {role_key(r) for r in roles}
        role_ids = {rid for name, rid in server.roles
                    if rid != guild_id and (role_key(name) in wanted or str(rid) in wanted)}
        if not role_ids:
            return []
        return [person_of(m) for m in await self._members(guild_id)
                if not (m.get("user") or {}).get("bot")
                and role_ids & {int(r) for r in m.get("roles") or [] if str(r).isdigit()}]

    async def _members(self, guild_id: int) -> list[dict[str, Any]]:
        out: list[dict[str, Any]] = []
        after: int | None = None
        for _ in range(MEMBER_PAGES):
            try:
                page = await self._client.http.get_members(guild_id, 1000, after)
            except discord.Forbidden as exc:
                raise PeopleUnavailable(catalog.DISCORD_MEMBERS_INTENT_NEEDED) from exc
            except (discord.DiscordException, aiohttp.ClientError, TimeoutError) as exc:
                raise PeopleUnavailable(catalog.DISCORD_MEMBERS_UNREACHABLE) from exc
            members: list[dict[str, Any]] = [dict(m) for m in page]
            out += members
            if len(members) < 1000:
                return out
            after = int(str((members[-1].get("user") or {}).get("id", 0)))
        log_event(log, logging.WARNING, "discord.members_truncated", group=guild_id,
                  read=len(out))
        return out

    async def person(self, group_id: str, user_id: str) -> Person | None:
        """Someone's names in the server (None if they are not in it)."""
        guild_id, member_id = snowflake(group_id), snowflake(user_id)
        if guild_id is None or member_id is None:
            return None
        guild = self._client.get_guild(guild_id)
        cached = guild.get_member(member_id) if guild is not None else None
        if cached is not None:
            return Person(str(cached.id), cached.display_name, cached.name,
                          cached.nick or "", cached.global_name or "")
        try:
            data = await self._client.http.get_member(guild_id, member_id)
        except (discord.NotFound, discord.Forbidden):
            return None
        except (discord.DiscordException, aiohttp.ClientError, TimeoutError) as exc:
            raise PeopleUnavailable(catalog.DISCORD_MEMBERS_UNREACHABLE) from exc
        return person_of(dict(data))
