"""The outbound half: the delivery dispatcher sends through `DiscordSender.send`.

Each message carries a nonce derived from the delivery key, with `enforce_nonce`, so a
resend after a crash (the platform accepted, the database had not recorded it yet) is
dropped by Discord and answered with the first message instead.
"""

from __future__ import annotations

import asyncio
import hashlib
from collections.abc import Coroutine
from dataclasses import replace
from typing import Any
from typing import TypeVar

import discord

from adapters.discord.errors import translate
from adapters.discord.members import Server
from adapters.discord.members import Servers
from adapters.discord.members import snowflake
from adapters.discord.render import channel_links
from adapters.discord.render import render
from bot.errors import DeliveryError
from bot.errors import Forbidden
from bot.errors import NotFound
from bot.errors import Transient
from bot.messages import Destination
from bot.messages import DestinationKind
from bot.messages import Message
from bot.text import channels_in

READY_WAIT_SECONDS = 30.0
# A send that takes longer than this (discord.py sleeps through rate limits under 30 s
# and retries some 5xx itself) is abandoned as transient and retried by the dispatcher.
SEND_TIMEOUT_SECONDS = 90.0
MAX_NONCE = 25

T = TypeVar("T")


def nonce_for(key: str, part: int = 0) -> str:
    """A Discord nonce (at most 25 characters) from a delivery key and message part."""
    return hashlib.sha256(f"{key}#{part}".encode()).hexdigest()[:MAX_NONCE]


class DiscordSender:
    """Sends neutral messages to channels and DMs; failures become the core's errors."""

    def __init__(self, client: discord.Client, ready: asyncio.Event | None = None,
                 servers: Servers | None = None) -> None:
        self._client = client
        self._ready = ready or asyncio.Event()
        self._servers = servers or Servers(client)
        self.send_timeout = SEND_TIMEOUT_SECONDS
        self._posting: set[asyncio.Task[Any]] = set()

    async def send(self, destination: Destination, message: Message, key: str) -> str:
        """Send one message (split in parts if long); return "channel_id:message_id"."""
        await self._until_ready()
        try:
            async with asyncio.timeout(self.send_timeout):
                return await self._to_its_end(self._send(destination, message, key))
        except DeliveryError:
            raise
        except Exception as exc:  # TimeoutError included: it becomes Transient
            raise translate(exc) from None

    async def _send(self, destination: Destination, message: Message, key: str) -> str:
        if destination.kind is DestinationKind.GROUP_DM:
            return await self._send_each(destination, message, key)
        server = await self._server(destination, message)
        channel = await self._target(destination, server)
        message, role_ids = self._pinged(server, message)
        sent: discord.Message | None = None
        links = channel_links(server)
        for part, rendered in enumerate(render(message, role_ids, links)):
            sent = await channel.send(**rendered.kwargs(), nonce=nonce_for(key, part))
            if rendered.view is not None:
                rendered.view.stop()  # presses are read from the custom id
        assert sent is not None
        return f"{sent.channel.id}:{sent.id}"

    async def _to_its_end(self, work: Coroutine[Any, Any, T]) -> T:
        """`work` (every request of one send: opening the DM, reading the server,
        posting each part), left to run to its end if `send_timeout` stops the wait for
        it: a request cancelled inside discord.py's rate-limit bucket can leave that
        bucket closed to every later request until a 30 s wait runs out, which shorter
        waits never let happen. A post that lands late and its resend carry the same
        nonce: Discord keeps one message."""
        task = asyncio.ensure_future(work)
        self._posting.add(task)
        task.add_done_callback(self._ended)
        return await asyncio.shield(task)

    def _ended(self, task: asyncio.Task[Any]) -> None:
        self._posting.discard(task)
        if not task.cancelled():
            task.exception()  # read: a send nobody waits for any more fails quietly

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

    async def _server(self, destination: Destination, message: Message) -> Server | None:
        """The group's server, asked of Discord only if this message needs it (a channel
        by name, a role to ping, a channel name to link) and this process does not hold
        it already; its roles only if the message pings one."""
        roles = bool(message.allow_role_mentions)
        needs = (roles or any(snowflake(c) is None for c in channels_in(message.text))
                 or (destination.kind is DestinationKind.CHANNEL
                     and snowflake(_channel_name(destination.channel)) is None))
        if needs:
            return await self._servers.get(destination.group_id, roles=roles)
        return self._servers.cached(destination.group_id, roles=False)

    async def _until_ready(self) -> None:
        try:
            async with asyncio.timeout(READY_WAIT_SECONDS):
                if not self._client.is_ready():
                    await self._ready.wait()
        except TimeoutError:
            raise Transient("discord not connected yet") from None

    async def _target(self, destination: Destination,
                      server: Server | None) -> discord.abc.Messageable:
        if destination.kind is not DestinationKind.CHANNEL:
            # An ephemeral message cannot be sent outside an interaction on Discord:
            # it goes by direct message, which is just as private.
            user = snowflake(destination.user)
            if user is None:
                raise NotFound("not a Discord user id")
            return await self._client.create_dm(discord.Object(id=user))
        name = _channel_name(destination.channel)
        channel_id = snowflake(name)
        if channel_id is None:
            channel_id = server.channel_id(name) if server is not None else None
            if channel_id is None:
                raise NotFound("no channel of that name")
        found = self._client.get_channel(channel_id)
        if found is None:
            # Another process runs the shard of its server: posted to by id, with no
            # request to look it up first (Discord answers 404 if it is gone, or
            # 50008 if it takes no messages, and the dispatcher reroutes).
            return self._client.get_partial_messageable(channel_id)
        if not isinstance(found, discord.abc.Messageable):
            raise NotFound("not a text channel")
        return found

    def _pinged(self, server: Server | None, message: Message) -> tuple[Message, list[int]]:
        """The roles a feature deliberately pings, as ids; `@Role name` in the text
        becomes Discord's role mention for those roles only."""
        if not message.allow_role_mentions:
            return message, []
        ids: list[int] = []
        text = message.text
        for wanted in message.allow_role_mentions:
            role_id = snowflake(wanted)
            if role_id is not None:
                ids.append(role_id)
                continue
            for name, role_id in server.roles if server is not None else ():
                if name.casefold() == wanted.lstrip("@").casefold():
                    ids.append(role_id)
                    text = text.replace(f"@{name}", f"<@&{role_id}>")
        return replace(message, text=text), ids


def _channel_name(channel: str) -> str:
    """A configured channel (`updates`, `#updates`, `<#123>`) as a name or an id."""
    name = channel.strip().lstrip("#")
    return name[2:].rstrip(">") if name.startswith("<#") else name
