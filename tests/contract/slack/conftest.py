"""The real coprod app (default features plus a small test-only feature) and the Slack
adapter, connected over Socket Mode to the fake Slack."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from dataclasses import dataclass, field, replace

import pytest

from adapters.slack import SlackRunner
from bot.app import App
from bot.clock import FakeClock
from bot.commands import CommandSpec, OptionSpec
from bot.config import Config, Secrets, SlackConfig
from bot.context import Context
from bot.events import MessageShortcut
from bot.features import Feature, FeatureFactory, FormSpec, ShortcutSpec
from bot.features.registry import DEFAULT_FEATURES
from bot.messages import Button, Choice, Destination, FormField, Message, Reply, Select
from bot.outbox import NewDelivery
from bot.settings import GroupSettings
from bot.text import neutralise, quote_block
from storage.interface import Storage
from tests.fakes.slack.server import TEAM_ID, FakeSlack

ALICE, BOB, CAROL, SAM = "U0ALICE01", "U0BOB0001", "U0CAROL01", "U0SAM0001"
GENERAL, UPDATES, LEADS = "C0GENERAL1", "C0UPDATES1", "G0LEADS001"
FACILITATORS = "S0FAC0001"

FIELDS = (
    FormField("title", "Title", max_length=10),
    FormField("colour", "Colour", kind="choice", required=False,
              choices=(Choice("Red", "red"), Choice("Blue", "blue"))),
    FormField("ok", "Is it ok?", kind="yes_no", required=False),
)


@dataclass
class Gate:
    """Lets a test hold a handler until it says go (to see the ack come first)."""

    entered: asyncio.Event = field(default_factory=asyncio.Event)
    release: asyncio.Event = field(default_factory=asyncio.Event)


def demo_feature(gate: Gate) -> FeatureFactory:
    """A test-only feature: a form, buttons, a select menu, a shortcut and a home part."""

    def build(app: App) -> Feature:
        async def open_form(ctx: Context) -> Reply:
            return Reply(form=spec.form("Demo form", state="s1"))

        async def submitted(ctx: Context) -> Reply:
            text = neutralise(ctx.options["title"])
            await ctx.deliver([NewDelivery(
                f"demo:{text}", Destination.to_channel(ctx.group_id, "updates"),
                Message(f"New: {text}", buttons=(Button("Like", "demo-like", "1",
                                                        "primary"),),
                        select=Select("demo-pick", "Pick one", (Choice("Red", "red"),
                                                                Choice("Blue", "blue")))))])
            return Reply.text("Sent.")

        async def like(ctx: Context) -> Reply:
            return Reply(update=Message(f"Liked {ctx.options['value']}"))

        async def pick(ctx: Context) -> Reply:
            return Reply.text("You picked " + ", ".join(ctx.options["values"]))

        async def relay(ctx: Context) -> Reply:
            text = neutralise(ctx.options["text"])
            await ctx.deliver([NewDelivery(f"relay:{ctx.now().timestamp()}",
                                           Destination.to_channel(ctx.group_id, "updates"),
                                           Message(f"Someone said:\n{quote_block(text)}"))])
            return Reply.text("Relayed.")

        async def flagged(ctx: Context) -> Reply:
            event = ctx.event
            assert isinstance(event, MessageShortcut)
            await ctx.deliver([NewDelivery(
                f"flag:{event.message.message_id}",
                Destination.to_channel(ctx.group_id, LEADS),
                Message("Flagged message by "
                        f"{event.message.author_id} ({event.message.link}):\n"
                        f"{quote_block(neutralise(event.message.text))}"))])
            return Reply(form=spec.form("About a message", state=event.message.message_id))

        async def slow(ctx: Context) -> Reply:
            gate.entered.set()
            await gate.release.wait()
            return Reply.text("Done at last.")

        async def home(ctx: Context) -> Message:
            return Message(f"Demo settings for {ctx.actor.display_name}",
                           buttons=(Button("Change", "demo-like", "home"),))

        spec = FormSpec("demo-form", FIELDS, submitted)
        return Feature(
            "demo",
            shortcuts=[ShortcutSpec("demo-flag", "Flag this message", flagged)],
            home=home,
            commands=[
                CommandSpec("demo", "Open the demo form.", open_form, "/demo",
                            opens_form=True),
                CommandSpec("relay", "Relay a text.", relay, "/relay hello",
                            options=(OptionSpec("text", "what to relay", required=True),)),
                CommandSpec("slow", "Take a while.", slow, "/slow"),
            ],
            actions={"demo-like": like, "demo-pick": pick},
            forms=[spec],
        )

    return build


def slack_config(slack: FakeSlack, mode: str = "socket") -> Config:
    """A config pointing the adapter at the fake."""
    group = GroupSettings(group_id="", updates_channel="updates",
                          leads_channel="safeguarding-leads",
                          facilitator_roles=("facilitators",), lead_roles=("leads",))
    return replace(Config(), group=group,
                   slack=SlackConfig(mode=mode, http_host="127.0.0.1", http_port=3000,
                                     api_base=slack.api_base),
                   secrets=Secrets(slack_bot_token="xoxb-fake",
                                   slack_app_token="xapp-test-token",
                                   slack_signing_secret="test-signing-secret",
                                   encryption_key="unused-here"))


@pytest.fixture
def gate() -> Gate:
    """Holds the demo feature's slow command."""
    return Gate()


@pytest.fixture
async def slack() -> AsyncIterator[FakeSlack]:
    """The fake Slack workspace: four members, a user group of facilitators, channels."""
    async with FakeSlack() as fake:
        fake.add_user(ALICE, "Alice")
        fake.add_user(BOB, "Bob")
        fake.add_user(CAROL, "Carol")
        fake.add_user(SAM, "Sam", admin=True)
        fake.usergroups.append({"id": FACILITATORS, "handle": "facilitators",
                                "name": "Facilitators", "users": [CAROL]})
        fake.channels.update({"general": GENERAL, "updates": UPDATES,
                              "safeguarding-leads": LEADS})
        yield fake


async def make_app(storage: Storage, clock: FakeClock, config: Config, gate: Gate) -> App:
    """The real app with the default features and the test feature."""
    app = App(config, storage, clock=clock,
              features=[*DEFAULT_FEATURES, demo_feature(gate)])
    await app.load()
    return app


@pytest.fixture
async def runner(slack: FakeSlack, storage: Storage, clock: FakeClock,
                 gate: Gate) -> AsyncIterator[SlackRunner]:
    """The adapter in Socket Mode, connected to the fake."""
    config = slack_config(slack)
    app = await make_app(storage, clock, config, gate)
    adapter = SlackRunner(app, config, ack_budget=1.0)
    await adapter.start()
    await slack.connected()
    try:
        yield adapter
    finally:
        gate.release.set()
        await adapter.stop()


async def settle(runner: SlackRunner) -> None:
    """Let answers after acks finish, and send due deliveries."""
    await runner.bridge.settle(5.0)
    if runner.core.dispatcher is not None:
        await runner.core.dispatcher.drain(5.0)


__all__ = ["ALICE", "BOB", "CAROL", "FACILITATORS", "GENERAL", "LEADS", "SAM", "TEAM_ID",
           "UPDATES", "Gate", "make_app", "settle", "slack_config"]
