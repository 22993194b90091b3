"""The outbound half: the delivery dispatcher sends through `DiscordSender.send`.

Each message carries a nonce derived from the delivery key, with `enforce_nonce`, so a
resend after a crash (the platform accepted, the database had not recorded it yet) is
dropped by Discord and answered with the first message instead.
"""

from __future__ import annotations

import asyncio
import hashlib
from dataclasses import replace

import discord

from adapters.discord.errors import translate
from adapters.discord.render import channel_links, render
from bot.errors import DeliveryError, Forbidden, NotFound, Transient
from bot.messages import Destination, DestinationKind, Message

READY_WAIT_SECONDS = 30.0
# A send that takes longer than this (discord.py sleeps through rate limits under 30 s
# and retries some 5xx itself) is abandoned as transient and retried by the dispatcher.
SEND_TIMEOUT_SECONDS = 90.0
MAX_NONCE = 25


def nonce_for(key: str, part: int = 0) -> str:
    """A Discord nonce (at most 25 characters) from a delivery key and message part."""
    return hashlib.sha256(f"{key}#{part}".encode()).hexdigest()[:MAX_NONCE]


class DiscordSender:
    """Sends neutral messages to channels and DMs; failures become the core's errors."""

    def __init__(self, client: discord.Client, ready: asyncio.Event | None = None) -> None:
        self._client = client
        self._ready = ready or asyncio.Event()

    async def send(self, destination: Destination, message: Message, key: str) -> str:
        """Send one message (split in parts if long); return "channel_id:message_id"."""
        await self._until_ready()
        try:
            async with asyncio.timeout(SEND_TIMEOUT_SECONDS):
                return await self._send(destination, message, key)
        except DeliveryError:
            raise
        except Exception as exc:  # TimeoutError included: it becomes Transient
            raise translate(exc) from None

    async def _send(self, destination: Destination, message: Message, key: str) -> str:
        if destination.kind is DestinationKind.GROUP_DM:
            return await self._send_each(destination, message, key)
        channel = await self._target(destination)
        message, role_ids = self._pinged(destination.group_id, message)
        sent: discord.Message | None = None
        links = channel_links(self._client.get_guild(int(destination.group_id))
                              if destination.group_id.isdigit() else None)
        for part, rendered in enumerate(render(message, role_ids, links)):
            sent = await channel.send(**rendered.kwargs(), nonce=nonce_for(key, part))
            if rendered.view is not None:
                rendered.view.stop()  # presses are read from the custom id
        assert sent is not None
        return f"{sent.channel.id}:{sent.id}"

    async def _send_each(self, destination: Destination, message: Message, key: str) -> str:
        """Bots cannot open group DMs on Discord: each member gets the same direct
        message (which names them all). Refused only if every member refused."""
        refs: list[str] = []
        refused: DeliveryError | None = None
        for user in destination.users:
            one = replace(destination, kind=DestinationKind.DM, user=user)
            try:
                refs.append(await self._send(one, message, f"{key}#{user}"))
            except (Forbidden, NotFound) as exc:
                refused = exc
        if not refs:
            raise refused or NotFound("a group DM with nobody in it")
        return refs[0]

    async def _until_ready(self) -> None:
        try:
            async with asyncio.timeout(READY_WAIT_SECONDS):
                if not self._client.is_ready():
                    await self._ready.wait()
        except TimeoutError:
            raise Transient("discord not connected yet") from None

    async def _target(self, destination: Destination) -> discord.abc.Messageable:
        if destination.kind is not DestinationKind.CHANNEL:
            # An ephemeral message cannot be sent outside an interaction on Discord:
            # it goes by direct message, which is just as private.
            if not destination.user.isdigit():
                raise NotFound("not a Discord user id")
            return await self._client.create_dm(discord.Object(id=int(destination.user)))
        name = destination.channel.strip().lstrip("#")
        if name.startswith("<#"):
            name = name[2:].rstrip(">")
        if name.isdigit():
            found = self._client.get_channel(int(name))
            if found is None:
                found = await self._client.fetch_channel(int(name))
            if not isinstance(found, discord.abc.Messageable):
                raise NotFound("not a text channel")
            return found
        guild = (self._client.get_guild(int(destination.group_id))
                 if destination.group_id.isdigit() else None)
        if guild is not None:
            for channel in guild.text_channels:
                if channel.name.casefold() == name.casefold():
                    return channel
        raise NotFound("no channel of that name")

    def _pinged(self, group_id: str, message: Message) -> tuple[Message, list[int]]:
        """The roles a feature deliberately pings, as ids; `@Role name` in the text
        becomes Discord's role mention for those roles only."""
        if not message.allow_role_mentions:
            return message, []
        guild = self._client.get_guild(int(group_id)) if group_id.isdigit() else None
        ids: list[int] = []
        text = message.text
        for wanted in message.allow_role_mentions:
            if wanted.isdigit():
                ids.append(int(wanted))
                continue
            for role in guild.roles if guild is not None else []:
                if role.name.casefold() == wanted.lstrip("@").casefold():
                    ids.append(role.id)
                    text = text.replace(f"@{role.name}", role.mention)
        return replace(message, text=text), ids
