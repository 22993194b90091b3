"""The real `coprod` app and the Discord adapter, running the unmodified discord.py
against the fake Discord; plus a small test-only feature that exercises long forms,
buttons, select menus, DMs with a fallback, a role ping and a message shortcut."""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import sys
from collections.abc import AsyncIterator
from collections.abc import Callable
from collections.abc import Iterator
from dataclasses import dataclass
from dataclasses import field
from pathlib import Path
from typing import Any
from typing import Literal

import pytest

from adapters.discord import DiscordBot
from adapters.discord.client import apply_endpoints
from adapters.discord.client import restore_endpoints
from bot.app import App
from bot.clock import Clock
from bot.commands import CommandSpec
from bot.commands import OptionSpec
from bot.commands import OptionType
from bot.config import Config
from bot.config import DiscordConfig
from bot.context import Context
from bot.events import MessageShortcut
from bot.features import Feature
from bot.features import FeatureFactory
from bot.features import FormSpec
from bot.features import ShortcutSpec
from bot.features.registry import PACKAGES
from bot.messages import Button
from bot.messages import Choice
from bot.messages import Destination
from bot.messages import FormField
from bot.messages import Message
from bot.messages import Reply
from bot.messages import Select
from bot.outbox import Fallback
from bot.outbox import NewDelivery
from bot.roles import Role
from bot.text import neutralise
from storage.crypto import generate_key
from storage.interface import Storage
from tests.fakes.discord import FakeDiscord

CONCERN_LABEL = "Raise a concern about this message"
LONG_FIELDS = (
    FormField("title", "Title", max_length=10),
    FormField("where", "Where is it", required=False),
    FormField("when", "When is it", required=False),
    FormField("who", "Who is coming", required=False),
    FormField("notes", "Notes", kind="paragraph", required=False, max_length=5000),
    FormField("colour", "Colour", kind="choice", required=False,
              choices=(Choice("Red", "red"), Choice("Blue", "blue"))),
    FormField("ok", "A label that is much longer than forty-five characters allows",
              kind="yes_no", required=False),
)

DAYS = tuple(Choice(f"Day {i}", str(i)) for i in range(1, 32))


def probe_feature(app: App) -> Feature:
    """A test-only feature touching every mechanism the adapter must carry."""

    async def open_form(ctx: Context) -> Reply:
        return Reply(form=long_form.form("Plan a meeting", state="s-7"))

    async def form_sent(ctx: Context) -> Reply:
        title = neutralise(ctx.options["title"])
        await ctx.deliver([NewDelivery(
            f"probe:{title}", Destination.to_channel(ctx.group_id, "updates"),
            Message(f"Planned: {title} (@everyone)",
                    buttons=(Button("Going", "probe-like", title, "primary"),),
                    select=Select("probe-pick", "Pick a day",
                                  (Choice("Tuesday", "tue"), Choice("Friday", "fri")))))])
        return Reply.text(f"Saved {title} ({ctx.options['colour'] or 'no colour'}, "
                          f"{ctx.options['ok'] or 'no answer'}).")

    async def like(ctx: Context) -> Reply:
        return Reply(update=Message(f"{ctx.actor.display_name} is going to "
                                    f"{ctx.options['value']}",
                                    buttons=(Button("Going", "probe-like",
                                                    ctx.options["value"]),)))

    async def slow_like(ctx: Context) -> Reply:
        await asyncio.sleep(0.3)
        return await like(ctx)

    async def pick(ctx: Context) -> Reply:
        return Reply.text("Picked " + ",".join(ctx.options["values"]))

    async def tell(ctx: Context) -> Reply:
        who = str(ctx.options["who"])
        carol = str(ctx.options.get("fallback", ""))
        await ctx.deliver([NewDelivery(
            f"tell:{who}", Destination.to_dm(ctx.group_id, who),
            Message("A private note for you."),
            fallbacks=(Fallback(Destination.to_dm(ctx.group_id, carol),
                                Message("A member could not get a private note.")),))])
        return Reply.text("Queued.")

    async def ping(ctx: Context) -> Reply:
        await ctx.deliver([NewDelivery(
            "ping", Destination.to_channel(ctx.group_id, "general"),
            Message("Meeting in an hour, @Facilitator", allow_role_mentions=("Facilitator",)))])
        return Reply.text("Pinged.")

    async def day(ctx: Context) -> Reply:
        return Reply.text(f"Day {ctx.options['day']}")

    async def slow(ctx: Context) -> Reply:
        await asyncio.sleep(0.5)
        return Reply.text("Slow and done.")

    async def flagged(ctx: Context) -> Reply:
        event = ctx.event
        assert isinstance(event, MessageShortcut)
        return Reply(form=concern_form.form("Raise a concern",
                                            state=event.message.message_id))

    async def concern_sent(ctx: Context) -> Reply:
        event = ctx.event
        state = getattr(event, "state", "")
        await ctx.deliver([NewDelivery(
            f"concern:{state}", Destination.to_channel(ctx.group_id, "leads"),
            Message(f"A concern about message {state}: {neutralise(ctx.options['what'])}"))])
        return Reply.text("Thank you. Only the safeguarding leads will see this.")

    long_form = FormSpec("probe-form", LONG_FIELDS, form_sent)
    concern_form = FormSpec("probe-concern", (FormField("what", "What worried you",
                                                        kind="paragraph"),), concern_sent)
    return Feature(
        "probe",
        commands=[
            CommandSpec("probe form", "Open a long form.", open_form, "/probe form",
                        opens_form=True),
            CommandSpec("probe tell", "DM someone.", tell, "/probe tell who:@bob",
                        options=(OptionSpec("who", "who", OptionType.USER, required=True),
                                 OptionSpec("fallback", "who else", OptionType.USER))),
            CommandSpec("probe ping", "Ping facilitators.", ping, "/probe ping",
                        roles=frozenset({Role.FACILITATOR})),
            CommandSpec("probe slow", "Be slow.", slow, "/probe slow"),
            CommandSpec("probe day", "Pick a day.", day, "/probe day day:3",
                        options=(OptionSpec("day", "a day of the month", required=True,
                                            choices=DAYS),)),
            CommandSpec("probe", "The probe itself.", slow, "/probe"),
        ],
        actions={"probe-like": like, "probe-slow-like": slow_like, "probe-pick": pick},
        forms=[long_form, concern_form],
        shortcuts=[ShortcutSpec("probe-flag", CONCERN_LABEL, flagged)],
    )


@dataclass
class Harness:
    """Starts, stops and restarts the bot against the fake; settles deliveries."""

    fake: FakeDiscord
    storage: Storage
    features: list[FeatureFactory] = field(
        default_factory=lambda: [*PACKAGES, probe_feature])
    defer_after: float = 2.0
    shard_count: int | Literal["auto"] = 0
    command_sync: str = "guild"
    shard_ids: tuple[int, ...] = ()
    # Far above Discord's 50, so pacing costs these tests nothing; the rate limit tests
    # set Discord's own.
    requests_per_second: int = 10000
    # The harness starts the fake itself, and `close` stops it (for a test that builds
    # its own fake).
    start_fake: bool = False
    # The app's clock (the real one if None): a test that must move time past a lease
    # gives a FakeClock.
    clock: Clock | None = None
    app: App | None = None
    bot: DiscordBot | None = None
    _task: asyncio.Task[None] | None = None
    _fake_started: bool = False

    @property
    def config(self) -> Config:
        return Config(discord=DiscordConfig(guild_ids=(self.fake.guild_id,),
                                            api_base=self.fake.api_base,
                                            gateway_url=self.fake.gateway_url,
                                            command_sync=self.command_sync,
                                            shard_count=self.shard_count,
                                            shard_ids=self.shard_ids,
                                            requests_per_second=self.requests_per_second))

    async def start(self) -> DiscordBot:
        if self.start_fake and not self._fake_started:
            await self.fake.start()
            self._fake_started = True
        self.app = App(self.config, self.storage, clock=self.clock, features=self.features)
        await self.app.load()
        self.bot = DiscordBot(self.app, self.config.discord, defer_after=self.defer_after,
                              guild_ready_timeout=0.05)
        self.app.start_delivery(self.bot.sender, self.bot.preferred)
        self._task = asyncio.create_task(self.bot.client.start(self.fake.token))
        async with asyncio.timeout(10):
            while not self.bot.client.is_ready():
                if self._task.done():
                    self._task.result()
                await asyncio.sleep(0.01)
        return self.bot

    async def stop(self) -> None:
        if self.bot is not None:
            await self.bot.client.close()
        if self._task is not None:
            async with asyncio.timeout(10):
                await self._task
        if self.app is not None:
            await self.app.stop()

    async def close(self) -> None:
        """Stop the bot, then the fake if this harness started it."""
        await self.stop()
        if self._fake_started:
            await self.fake.stop()

    async def restart(self) -> DiscordBot:
        await self.stop()
        return await self.start()

    async def settle(self) -> None:
        """Send every delivery that is due now."""
        assert self.app is not None and self.app.dispatcher is not None
        await self.app.dispatcher.drain()


@dataclass(frozen=True)
class Guild:
    """Who and what the fake Discord server holds besides #general, #updates and #leads;
    a test module that needs others overrides the `guild` fixture."""

    channels: tuple[str, ...] = ()
    # Each member: the name, then the names of the member's roles.
    members: tuple[tuple[str, ...], ...] = (("alice",), ("bob",), ("carol", "Facilitator"),
                                            ("dev", "Safeguarding lead"))
    admins: tuple[str, ...] = ("sam",)

    def fill(self, fake: FakeDiscord) -> FakeDiscord:
        """Add these channels and members to the fake."""
        for name in self.channels:
            fake.channel(name)
        for name, *roles in self.members:
            fake.member(name, *roles)
        for name in self.admins:
            fake.member(name, admin=True)
        return fake


@pytest.fixture
def guild() -> Guild:
    """Alice and Bob, Carol a facilitator, Dev a safeguarding lead, Sam an admin."""
    return Guild()


@pytest.fixture
async def fake(guild: Guild) -> AsyncIterator[FakeDiscord]:
    """The fake Discord, holding `guild`."""
    server = guild.fill(FakeDiscord())
    await server.start()
    yield server
    await server.stop()


@pytest.fixture
async def split_fake() -> AsyncIterator[FakeDiscord]:
    """A fake Discord whose one guild lives on shard 1 of 2 (direct messages: shard 0)."""
    fake = Guild(members=(("alice",), ("carol", "Facilitator")),
                 admins=()).fill(FakeDiscord(guild_shard=(1, 2)))
    await fake.start()
    yield fake
    await fake.stop()


@pytest.fixture
def endpoints() -> Iterator[None]:
    """discord.py's REST base and gateway left pointing where the test set them (at the
    fake), then put back."""
    previous = apply_endpoints("", "")
    yield None
    restore_endpoints(previous)


@pytest.fixture
def make_harness() -> Callable[[FakeDiscord, Storage], Harness]:
    """How the `harness` fixture builds its harness; a module may override it."""
    return Harness


@pytest.fixture
async def harness(fake: FakeDiscord, storage: Storage, endpoints: None,
                  make_harness: Callable[[FakeDiscord, Storage], Harness],
                  ) -> AsyncIterator[Harness]:
    """The bot started against the fake (default features and the probe feature)."""
    running = make_harness(fake, storage)
    try:
        await running.start()
        yield running
    finally:
        await running.stop()


@pytest.fixture
async def started(endpoints: None) -> AsyncIterator[list[Harness]]:
    """Harnesses a test builds and starts itself (after adding them here); each closed
    afterwards."""
    made: list[Harness] = []
    try:
        yield made
    finally:
        for running in made:
            await running.close()


def sent_bodies(fake: FakeDiscord) -> list[dict[str, Any]]:
    """Bodies of every request by which the bot said something (messages, interaction
    responses with a message, follow-ups, edits)."""
    out = []
    for r in fake.requests:
        body = r.body if isinstance(r.body, dict) else {}
        if r.method == "POST" and r.path.endswith("/callback"):
            if body.get("type") in (4, 7):
                out.append(body.get("data") or {})
        elif (r.method == "POST" and "/messages" in r.path) or (
                r.method == "POST" and r.path.startswith("/webhooks/")) or (
                r.method == "PATCH" and "/messages/" in r.path):
            out.append(body)
    return out


def assert_no_mentions(body: dict[str, Any], roles: list[str] | None = None) -> None:
    """The body pings nobody (or only these roles)."""
    mentions = body.get("allowed_mentions")
    assert mentions is not None, "allowed_mentions missing"
    assert mentions.get("parse") == []
    assert not mentions.get("users")
    assert [str(r) for r in mentions.get("roles", [])] == (roles or [])


def buttons(message: dict[str, Any]) -> list[dict[str, Any]]:
    """The buttons and menus of a message (or an interaction response's data), in order."""
    return [c for row in message.get("components") or [] for c in row["components"]]


def inputs(modal: dict[str, Any]) -> list[dict[str, Any]]:
    """The fields of a modal, in order."""
    return [c for row in modal["components"] for c in row["components"]]


REPO_ROOT = Path(__file__).resolve().parents[3]


def process_env(fake: FakeDiscord, tmp_path: Path, **more: str) -> dict[str, str]:
    """What `coprod run` as its own process needs to reach the fake Discord: the
    environment only, with a new key and a database in `tmp_path`."""
    return {**os.environ, "DISCORD_TOKEN": fake.token, "DISCORD_API_BASE": fake.api_base,
            "DISCORD_GATEWAY_URL": fake.gateway_url, "COPROD_ENCRYPTION_KEY": generate_key(),
            "COPROD_DATABASE_URL": str(tmp_path / "coprod.db"), "PYTHONPATH": str(REPO_ROOT),
            **more}


@dataclass
class CoprodProcess:
    """`coprod run` as a real process; `err` is its standard error once it has stopped."""

    process: asyncio.subprocess.Process
    err: bytes = b""


@contextlib.asynccontextmanager
async def coprod_process(env: dict[str, str], cwd: Path, *args: str,
                         stop_within: float) -> AsyncIterator[CoprodProcess]:
    """`coprod run ARGS`, stopped on the way out with SIGTERM (if still running), waiting
    at most `stop_within` seconds for it to end."""
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot.cli", "run", *args, cwd=cwd, env=env,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE)
    running = CoprodProcess(process)
    try:
        yield running
    finally:
        if process.returncode is None:
            process.send_signal(signal.SIGTERM)
        async with asyncio.timeout(stop_within):
            _, running.err = await process.communicate()
