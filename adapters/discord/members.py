"""Who acted, and which group a direct message belongs to.

A member's platform roles are their Discord role names AND ids (config may name either);
`is_admin` is Discord's Administrator or Manage Server permission. A direct message has
no server, so its group is a server the bot shares with the writer: the configured
`guild_ids` are tried first, in order, then any other server the bot is in; if the
writer is in several, the first match wins (so list the main group first).
"""

from __future__ import annotations

from collections.abc import Iterable

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


class GroupFinder:
    """Finds the group (server) of someone writing to the bot in a direct message."""

    def __init__(self, client: discord.Client, guild_ids: Iterable[str]) -> None:
        self._client = client
        self._configured = [int(g) for g in guild_ids]

    def guild(self, group_id: str) -> discord.Guild | None:
        """A group's server, if the bot is in it (to show its channels as links)."""
        return self._client.get_guild(int(group_id)) if group_id.isdigit() else None

    def _candidates(self) -> list[discord.Guild]:
        seen: list[discord.Guild] = []
        for gid in self._configured:
            guild = self._client.get_guild(gid)
            if guild is not None:
                seen.append(guild)
        seen += [g for g in self._client.guilds if g not in seen]
        return seen

    async def find(self, user_id: int) -> tuple[str, Actor] | None:
        """The first shared server and the person as a member of it, or None."""
        for guild in self._candidates():
            try:
                member = await guild.fetch_member(user_id)
            except (discord.NotFound, discord.Forbidden):
                continue
            return str(guild.id), actor_of(member)
        return None
