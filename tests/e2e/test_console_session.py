"""The console's own controls and routing, in-process on a real SQLite file."""

from __future__ import annotations

import asyncio
import io
from datetime import UTC
from datetime import datetime
from pathlib import Path

import pytest

from adapters.console import ConsoleAdapter
from adapters.console.forms import split_assignments
from adapters.console.forms import unescape_answer
from adapters.console.render import Screen
from adapters.console.render import plain
from bot.app import App
from bot.commands import CommandSpec
from bot.config import Config
from bot.config import ConsoleMember
from bot.context import Context
from bot.errors import UserError
from bot.events import Invocation
from bot.features import Feature
from bot.features import FeatureFactory
from bot.features.registry import PACKAGES
from bot.messages import Destination
from bot.messages import Message
from bot.messages import Reply
from bot.outbox import NewDelivery
from bot.runtime import build_app
from bot.runtime import opened_storage
from storage.crypto import FieldCipher
from storage.crypto import generate_key

from .conftest import ConsoleRunner


def where_feature(app: App) -> Feature:
    """`/where` says where it was run and who ran it; `/later` sends a DM to dev."""

    async def where(ctx: Context) -> Reply:
        assert isinstance(ctx.event, Invocation)
        roles = ",".join(sorted(ctx.roles))
        return Reply.text(f"channel={ctx.event.channel} user={ctx.actor.user_id} "
                          f"name={ctx.actor.display_name} roles={roles} "
                          f"admin={ctx.actor.is_admin}")

    async def later(ctx: Context) -> Reply:
        await ctx.deliver([NewDelivery("later-1", Destination.to_dm(ctx.group_id, "dev"),
                                       Message("A note for Dev."))])
        return Reply.text("Sent.")

    return Feature("where", commands=[CommandSpec("where", "Where am I?", where, "/where"),
                                      CommandSpec("later", "Note Dev.", later, "/later")])


FEATURES: list[FeatureFactory] = [*PACKAGES, where_feature]


async def test_welcome_names_the_group_members_and_roles(console: ConsoleRunner,
                                                         tmp_path: object) -> None:
    run = await console("")
    assert run.lines[:4] == [
        "Welcome to Demo group, a practice chat with coprod and pretend members.",
        "You are Alice, in #general.",
        "Members: Alice (member), Bob (member), Carol (facilitator), Dev (lead), "
        "Erin (lead), Sam (admin).",
        "Type /help to see the bot's commands, :help for console controls, and Ctrl-D "
        "(or :quit) to leave.",
    ]
    assert run.lines[4].startswith("Goodbye")
    assert run.code == 0


async def test_welcome_follows_the_config(console: ConsoleRunner, tmp_path: object) -> None:
    config = Config(database=f"{tmp_path}/other.db", console_group_name="River group",
                    console_channel="lobby",
                    console_members=(ConsoleMember("zed", ("Facilitator", "Cook")),
                                     ConsoleMember("yan", (), admin=True)))
    run = await console("/where\n", config=config, features=FEATURES)
    assert run.lines[:3] == [
        "Welcome to River group, a practice chat with coprod and pretend members.",
        "You are Zed, in #lobby.",
        "Members: Zed (facilitator, Cook), Yan (admin).",
    ]
    assert run.answer("/where") == (
        "[only Zed can see this] coprod: channel=lobby user=zed name=Zed "
        "roles=facilitator,member admin=False")


async def test_commands_run_where_you_are(console: ConsoleRunner) -> None:
    run = await console("/where\n:in #updates\n/where\n:dm\n/where\nhi\n:in general\n"
                        ":dm just saying\n/where\n", features=FEATURES)
    assert run.answer("/where").startswith(
        "[only Alice can see this] coprod: channel=general user=alice name=Alice")
    assert run.answer(":in #updates") == "You are now in #updates."
    assert run.answer("/where", nth=2).startswith(
        "[only Alice can see this] coprod: channel=updates")
    assert run.answer("/where", nth=3).startswith("[DM to Alice] coprod: channel=None")
    assert run.answer("hi").startswith("[DM to Alice] coprod: Hello! I'm the group's helper")
    assert run.answer(":dm just saying").startswith("[DM to Alice] coprod: Hello!")
    assert run.answer("/where", nth=4).startswith(  # :dm TEXT did not move you
        "[only Alice can see this] coprod: channel=general")


async def test_roles_and_admin_change_what_you_may_do(console: ConsoleRunner) -> None:
    script = (":role bob facilitator\n:role bob facilitator\n:as bob\n/where\n"
              "/setup timezone=UTC\n:unrole bob facilitator\n/setup\n:role bob Gardener\n"
              ":unrole bob lead\n:admin bob\n/setup\n:admin bob\n/where\n:role nobody lead\n"
              ":role bob\n")
    run = await console(script, features=FEATURES)
    assert run.answer(":role bob facilitator") == (
        "Gave Bob the role Facilitator. Bob is now: facilitator.")
    assert run.answer(":role bob facilitator", nth=2) == (
        "Bob already has the role Facilitator.")
    assert "roles=facilitator,member" in run.answer("/where")
    assert "Saved: timezone." in run.answer("/setup timezone=UTC")
    assert run.answer(":unrole bob facilitator") == (
        "Took the role Facilitator from Bob. Bob is now: member.")
    assert "only facilitators, safeguarding leads and admins can use /setup" in run.answer(
        "/setup")
    assert run.answer(":role bob Gardener") == "Gave Bob the role Gardener. Bob is now: Gardener."
    assert run.answer(":unrole bob lead") == (
        "Bob doesn't have the role Safeguarding lead (Bob has: Gardener).")
    assert run.answer(":admin bob") == "Bob is now a platform admin. Bob is now: Gardener, admin."
    assert "Settings for this group" in run.answer("/setup", nth=2)
    assert run.answer(":admin bob", nth=2).startswith("Bob is no longer a platform admin.")
    assert "admin=False" in run.answer("/where", nth=2)
    assert run.answer(":role nobody lead").startswith(
        "There is no member called “nobody”. The members are: alice, bob, carol")
    assert run.answer(":role bob") == (
        "Please say who and which role, for example :role bob facilitator.")


async def test_as_and_who(console: ConsoleRunner) -> None:
    run = await console(":as Zoe\n:as zoe\n:as two words\n:as\n:who\n", features=FEATURES)
    assert run.answer(":as Zoe") == (
        "There was no member called Zoe, so I added Zoe as a plain member.\n"
        "You are now Zoe, in #general.")
    assert run.answer(":as zoe") == "You are already Zoe, in #general."
    assert run.answer(":as two words") == (
        "A member's name is one word of letters and digits, like :as zoe.")
    assert run.answer(":as").startswith("Who would you like to be? For example :as carol.")
    who = run.after(":who")
    assert who[0] == "You are Zoe, in #general."
    assert "    Carol: facilitator; in #general" in who
    assert "    Zoe (you): member; in #general" in who


async def test_kind_answers_to_mistakes(console: ConsoleRunner) -> None:
    run = await console("hello bot\n:frob\n:hlep\n:in\n:press\n:pick x\n", features=FEATURES)
    assert run.answer("hello bot") == (
        "In a channel the bot only reads commands, which start with a slash, like /help. "
        "To write to the bot privately, type :dm and your message (or just :dm to move into "
        "your direct messages with it).")
    assert run.answer(":frob").startswith("Sorry, “:frob” is not a console control. "
                                          "The controls are :as, :role,")
    assert "Did you mean :help?" in run.answer(":hlep")
    assert run.answer(":in").startswith("Which channel?")
    assert run.answer(":press").startswith("Which button?")
    assert run.answer(":pick x") == "There is no menu to choose from yet."


async def test_help_lists_every_control_with_an_example(console: ConsoleRunner) -> None:
    run = await console(":help\n")
    text = run.answer(":help")
    for control in (":as", ":role", ":unrole", ":admin", ":join", ":in", ":dm", ":say",
                    ":report", ":press", ":pick", ":form", ":cancel", ":who", ":help",
                    ":quit"):
        assert f"    {control} " in text or f"    {control}:" in text, control
    assert text.count("Example:") == 18


async def test_deliveries_print_after_the_reply(console: ConsoleRunner) -> None:
    run = await console("/later\n/where\n", features=FEATURES)
    assert run.after("/later") == ["[only Alice can see this] coprod: Sent.",
                                   "[DM to Dev] coprod: A note for Dev."]


async def test_comments_and_blank_lines(console: ConsoleRunner) -> None:
    run = await console("# just a note\n\n   \n/where\n", features=FEATURES)
    assert "alice in #general> # just a note" in run.lines
    assert run.answer("# just a note") == ""
    assert sum(line.startswith("alice in #general>") for line in run.lines) == 2


async def test_quit_stops_reading(console: ConsoleRunner) -> None:
    run = await console(":quit\n/where\n", features=FEATURES)
    assert run.code == 0
    assert "/where" not in run.out.split(":quit\n", 1)[1]


def test_plain_removes_markup_escapes() -> None:
    assert plain(r"5 \* 3 \_x\_ \\ \[a\](b) \# not \n") == r"5 * 3 _x_ \ [a](b) # not \n"


def test_answers_understand_backslash_n() -> None:
    assert unescape_answer(r"one\ntwo \\n") == "one\ntwo \\n"
    assert unescape_answer(r"\:-) and \# tag") == ":-) and \\# tag"


def test_form_assignments() -> None:
    assert split_assignments('a=1 b="two words" c=\'x y\' d=line\\nbreak e="say \\"hi\\""') \
        == ["a=1", "b=two words", "c=x y", "d=line\nbreak", 'e=say "hi"']
    with pytest.raises(UserError):
        split_assignments('a="open')


async def test_waiting_deliveries_show_after_the_welcome(tmp_path: Path) -> None:
    config = Config(database=str(tmp_path / "coprod.db"))
    cipher = FieldCipher(generate_key())
    async with opened_storage(config, cipher) as storage:
        await storage.enqueue([NewDelivery("old-1", Destination.to_channel("demo", "updates"),
                                           Message("Left from last time."))],
                              datetime.now(UTC))
    out = io.StringIO()
    async with opened_storage(config, cipher) as storage:
        app = await build_app(config, storage)
        adapter = ConsoleAdapter(config, io.StringIO("/help\n"), out)
        app.start_delivery(adapter)
        try:
            async with asyncio.timeout(30):
                assert await adapter.run(app) == 0
        finally:
            await app.stop()
        assert await storage.delivery_ref("old-1") == "#1"
    lines = out.getvalue().splitlines()
    assert lines[4:6] == ["[#updates] coprod: Left from last time.",
                          "alice in #general> /help"]


def test_delivery_while_waiting_for_input_keeps_the_prompt() -> None:
    out = io.StringIO()
    screen = Screen(out)
    screen.show_prompt("alice in #general> ")
    assert screen.show("[#updates]", Message("Hi\nthere"), "updates") == 1
    assert out.getvalue() == ("alice in #general> \n[#updates] coprod: Hi\n    there\n"
                              "alice in #general> ")
