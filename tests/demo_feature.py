"""A test-only feature that exercises what an adapter and the core must carry: a form,
buttons, a select menu, a message shortcut, a home part, a slow command and a failing
one. Used by the core's event tests and the Slack contract tests."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from dataclasses import field

from bot.app import App
from bot.commands import CommandSpec
from bot.commands import OptionSpec
from bot.context import Context
from bot.events import MessageShortcut
from bot.features import Feature
from bot.features import FeatureFactory
from bot.features import FormSpec
from bot.features import ShortcutSpec
from bot.messages import Button
from bot.messages import Choice
from bot.messages import Destination
from bot.messages import FormField
from bot.messages import Message
from bot.messages import Reply
from bot.messages import Select
from bot.outbox import NewDelivery
from bot.text import neutralise
from bot.text import quote_block

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


def demo_feature(gate: Gate, flags_to: str = "leads") -> FeatureFactory:
    """A test-only feature: a form, buttons, a select menu, a shortcut (its flags posted
    in the channel `flags_to`), a home part, a slow command held by `gate` and one that
    fails."""

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
                Destination.to_channel(ctx.group_id, flags_to),
                Message("Flagged message by "
                        f"{event.message.author_id} ({event.message.link}):\n"
                        f"{quote_block(neutralise(event.message.text))}"))])
            return Reply(form=spec.form("About a message", state=event.message.message_id))

        async def slow(ctx: Context) -> Reply:
            gate.entered.set()
            await gate.release.wait()
            return Reply.text("Done at last.")

        async def boom(ctx: Context) -> Reply:
            raise RuntimeError(f"failure holding {ctx.options.get('text')}")

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
                CommandSpec("boom", "Fail.", boom, "/boom", options=(OptionSpec("text", "t"),)),
            ],
            actions={"demo-like": like, "demo-pick": pick},
            forms=[spec],
        )

    return build
