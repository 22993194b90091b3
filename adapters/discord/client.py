"""The connection: a discord.py client with the fewest intents, pointed where config says,
registering the core's commands at start and handing events to `Interactions`.

Intents: `guilds` (the servers, their channels and roles, so role names and channel
names can be resolved) and `dm_messages` (direct messages to the bot, for the concern
flow). Message content is not needed, because a bot always gets the text of direct
messages and of messages it is pointed at with a context menu. The privileged gateway
intent `members` is opt-in (`[discord] member_join_events`): it brings
`on_member_join`, so newcomers get their welcome at once; without it they run /welcome.
Finding who holds the lead role reads the member list over REST (`DiscordPeople`),
which needs the Server Members Intent turned on in the Developer Portal but not
requested here; the start-up checks (`first_ready`) say so when it is off.
"""

from __future__ import annotations

import asyncio
import logging
import re
import sys
from collections.abc import Callable
from typing import Any

import discord
import yarl
from discord.http import Route

from adapters.discord.commands import CommandSet
from adapters.discord.commands import build
from adapters.discord.forms import FormDesk
from adapters.discord.interactions import DEFER_AFTER_SECONDS
from adapters.discord.interactions import Interactions
from adapters.discord.members import DiscordPeople
from adapters.discord.members import GroupFinder
from adapters.discord.members import Servers
from adapters.discord.members import actor_of
from adapters.discord.ratelimit import pace_requests
from adapters.discord.sender import DiscordSender
from adapters.discord.shards import OwnServers
from adapters.discord.shards import split
from bot.app import App
from bot.config import DiscordConfig
from bot.events import MemberJoined
from bot.logs import log_event

log = logging.getLogger(__name__)

API_VERSION = "v10"
# Rate limits longer than this are reported to the dispatcher (which waits and retries)
# rather than slept through inside discord.py; 30 s is discord.py's smallest allowed.
MAX_RATELIMIT_WAIT = 30.0


def intents(members: bool = False) -> discord.Intents:
    """The smallest set of intents the bot needs (see the module docstring); `members`
    (privileged, opt-in with `[discord] member_join_events`) lets it welcome newcomers."""
    wanted = discord.Intents.none()
    wanted.guilds = True
    wanted.dm_messages = True
    wanted.members = members
    return wanted


def quiet_library_logs() -> None:
    """discord.py's debug logs carry payloads (message text), so its logger stays at
    info or above whatever level the bot logs at: our logs hold ids, never text."""
    library = logging.getLogger("discord")
    if library.getEffectiveLevel() < logging.INFO:
        library.setLevel(logging.INFO)
    # The bot uses no voice, so discord.py's warnings about voice libraries are noise.
    discord.VoiceClient.warn_nacl = False
    discord.VoiceClient.warn_dave = False


def apply_endpoints(api_base: str, gateway_url: str) -> tuple[str, yarl.URL]:
    """Point discord.py's REST and gateway at other servers (a proxy, a test fake).

    discord.py keeps both in class attributes (a plain `Client` connects to
    `DiscordWebSocket.DEFAULT_GATEWAY` and never asks `/gateway/bot`), so this sets them
    for the whole process. Empty values leave Discord's own. Returns the previous
    values, so a test can put them back.
    """
    previous = (Route.BASE, discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY)
    if api_base:
        base = api_base.rstrip("/")
        if not base.rsplit("/", 1)[-1].startswith("v"):
            base = f"{base}/{API_VERSION}"
        Route.BASE = base
    if gateway_url:
        discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(gateway_url)
    return previous


def restore_endpoints(previous: tuple[str, yarl.URL]) -> None:
    """Undo `apply_endpoints`."""
    Route.BASE, discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY = previous


def payload_ids(data: Any) -> dict[str, str]:
    """The ids in a gateway payload, for a log line (never its text): the payload's own
    id and its server's, where they look like Discord ids."""
    if not isinstance(data, dict):
        return {}
    return {key: str(data[key]) for key in ("id", "guild_id")
            if isinstance(data.get(key), str | int) and not isinstance(data.get(key), bool)
            and _SNOWFLAKE.fullmatch(str(data[key]))}


_SNOWFLAKE = re.compile(r"[0-9]{1,20}")
Parser = Callable[[Any], None]


def guard_parsers(parsers: dict[str, Parser]) -> None:
    """Make every gateway event parser log and ignore a payload it cannot read.

    discord.py reads each dispatch in the gateway loop itself, so a malformed payload
    (a missing field, a wrong type) would otherwise end the connection loop and stop
    the bot. A refused payload is logged with its event name and ids only."""
    for event, parse in list(parsers.items()):
        parsers[event] = _guarded(event, parse)


def _guarded(event: str, parse: Parser) -> Parser:
    def read(data: Any) -> None:
        try:
            parse(data)
        except Exception as exc:
            log_event(log, logging.WARNING, "discord.payload_ignored", dispatch=event,
                      error=type(exc).__name__, **payload_ids(data))
    return read


class _Hooks:
    """What our clients do on discord.py's events (mixed into Client and AutoShardedClient)."""

    bridge: DiscordBot

    async def on_error(self, event_method: str, /, *args: Any, **kwargs: Any) -> None:
        """An event handler failed: logged by event and error type only (discord.py's
        own handler would log the traceback, which can quote payloads)."""
        log_event(log, logging.ERROR, "discord.event_failed", handler=event_method,
                  error=type(sys.exc_info()[1]).__name__)

    async def setup_hook(self) -> None:
        await self.bridge.sync_commands()

    async def on_ready(self) -> None:
        self.bridge.ready.set()
        client = self.bridge.client
        log_event(log, logging.INFO, "discord.ready", guilds=len(client.guilds))
        await self.bridge.first_ready()

    async def on_interaction(self, interaction: discord.Interaction[Any]) -> None:
        await self.bridge.interactions.on_interaction(interaction)

    async def on_message(self, message: discord.Message) -> None:
        await self.bridge.interactions.on_message(message)

    async def on_member_join(self, member: discord.Member) -> None:
        await self.bridge.on_member_join(member)


class CoprodClient(_Hooks, discord.Client):
    """A single-connection client."""


class ShardedCoprodClient(_Hooks, discord.AutoShardedClient):
    """A client for `[discord] shard_count` (several gateway connections): all the
    shards, or this process's `shard_ids` when the shards are split across processes."""


class DiscordBot:
    """The Discord adapter: client, command set, sender and interaction handling.

    `guild_ready_timeout` is how long discord.py waits after the last server arrives
    before it calls itself ready (its default, 2 s; tests use less)."""

    def __init__(self, app: App, config: DiscordConfig, *,
                 defer_after: float = DEFER_AFTER_SECONDS,
                 guild_ready_timeout: float = 2.0) -> None:
        self.app = app
        self.config = config
        quiet_library_logs()
        apply_endpoints(config.api_base, config.gateway_url)
        kwargs: dict[str, Any] = {"intents": intents(config.member_join_events),
                                  "allowed_mentions": discord.AllowedMentions.none(),
                                  "max_ratelimit_timeout": MAX_RATELIMIT_WAIT,
                                  "chunk_guilds_at_startup": False,
                                  "guild_ready_timeout": guild_ready_timeout}
        client: discord.Client
        if config.shard_count == "auto":  # discord.py asks Discord (GET /gateway/bot)
            client = ShardedCoprodClient(**kwargs)
        elif config.shard_count:
            kwargs["shard_count"] = config.shard_count
            if config.shard_ids:
                kwargs["shard_ids"] = list(config.shard_ids)
            client = ShardedCoprodClient(**kwargs)
        else:
            client = CoprodClient(**kwargs)
        client.bridge = self
        guard_parsers(client._connection.parsers)
        self.client = client
        self.pacer = pace_requests(client.http, config.requests_per_second)
        self.commands: CommandSet = build(app.registry, app.shortcuts)
        self.ready = asyncio.Event()
        self.servers = Servers(client)
        self.people = DiscordPeople(client, self.servers)
        app.use_people(self.people)
        # Set once the start-up checks that need Discord (who can be reached) are done.
        self.checked = asyncio.Event()
        self._checking = False
        self.startup_lines: list[str] = []
        self.sender = DiscordSender(client, self.ready, self.servers)
        # The groups whose deliveries this process claims first (None: all alike).
        self.preferred = OwnServers(client) if split(config) else None
        app.use_connection("discord", self.connected)
        self.finder = GroupFinder(client, config.guild_ids)
        self.interactions = Interactions(app, self.commands, FormDesk(), self.finder,
                                         self.servers, defer_after)

    async def connected(self) -> bool:
        """Whether the gateway is connected now and ready (every shard's, when sharded):
        what the readiness check asks."""
        client = self.client
        if client.is_closed() or not client.is_ready():
            return False
        if isinstance(client, discord.AutoShardedClient):
            shards = list(client.shards.values())
            return bool(shards) and not any(shard.is_closed() for shard in shards)
        ws = client.ws
        return ws is not None and bool(ws.open)

    async def first_ready(self) -> None:
        """The first time the connection is ready: the core's start-up checks for the
        servers this process serves (reconnections do not repeat them)."""
        if self._checking:
            return
        self._checking = True
        try:
            groups = [str(g.id) for g in self.client.guilds] or list(self.config.guild_ids)
            self.startup_lines = await self.app.connected(groups)
        finally:
            self.checked.set()

    async def on_member_join(self, member: discord.Member) -> None:
        """Someone joined a server (only with the members intent): the core welcomes them."""
        if member.bot:
            return
        log_event(log, logging.INFO, "discord.member_joined", group=member.guild.id)
        await self.app.handle(MemberJoined(str(member.guild.id), actor_of(member)))

    async def sync_commands(self) -> None:
        """Register every command: in each configured server (fast), or globally."""
        app_id = self.client.application_id
        assert app_id is not None
        http = self.client.http
        if self.config.command_sync == "guild" and self.config.guild_ids:
            for guild_id in self.config.guild_ids:
                await http.bulk_upsert_guild_commands(app_id, int(guild_id),
                                                      self.commands.payloads)
            log_event(log, logging.INFO, "discord.commands_synced", scope="guild",
                      guilds=len(self.config.guild_ids), count=len(self.commands.payloads))
        else:
            await http.bulk_upsert_global_commands(app_id, self.commands.payloads)
            log_event(log, logging.INFO, "discord.commands_synced", scope="global",
                      count=len(self.commands.payloads))
