"""Malformed gateway dispatches, through the fake Discord and the real discord.py: an
INTERACTION_CREATE, MESSAGE_CREATE or GUILD_MEMBER_ADD with missing fields, wrong types,
unknown interaction or component types is logged (event and ids only) and ignored, or
answered kindly; the connection never ends, and the next valid command still works."""

from __future__ import annotations

import copy
import logging
import re
from collections.abc import Iterator
from typing import Any

import pytest

from bot import catalog
from bot.errors import NotFound
from bot.messages import Destination
from bot.messages import Message
from tests.contract.discord.conftest import Harness
from tests.fakes.discord import FakeDiscord
from tests.fakes.discord import payloads as p

# What our adapter's log lines may carry: ids, names of events and codes, never text.
_LOG_VALUE = re.compile(r"[\w.:-]{0,40}")


def _interaction(fake: FakeDiscord, kind: int, data: Any, who: str = "alice") -> dict[str, Any]:
    return p.interaction(kind, data, application_id=fake.application_id,
                         guild_id=fake.guild_id,
                         channel=fake.channels[fake.by_name["#general"]],
                         member_obj=fake.members[fake.by_name[who]])


def _command_id(fake: FakeDiscord, name: str) -> str:
    """The registered command's id (a placeholder before the bot registered any)."""
    return next((c["id"] for cmds in fake.commands.values() for c in cmds
                 if c["name"] == name), "1")


def _without(payload: dict[str, Any], *keys: str) -> dict[str, Any]:
    out = copy.deepcopy(payload)
    for key in keys:
        out.pop(key, None)
    return out


def _with(payload: dict[str, Any], **changes: Any) -> dict[str, Any]:
    out = copy.deepcopy(payload)
    out.update(changes)
    return out


def malformed(fake: FakeDiscord) -> dict[str, tuple[str, Any]]:
    """Named dispatches Discord never sends, of every kind the adapter reads."""
    help_cmd = {"id": _command_id(fake, "help"), "name": "help", "type": 1, "options": []}
    cmd = _interaction(fake, 2, help_cmd)
    press = _interaction(fake, 3, {"custom_id": "cp:b:poll.vote:x:1", "component_type": 2})
    modal = _interaction(fake, 5, {"custom_id": "cp:f:t1:0/1:feedback.send:",
                                   "components": []})
    bob = fake.users[fake.by_name["bob"]]
    dm = fake._open_dm(fake.by_name["bob"])
    message = p.message(p.snowflake(), dm, bob, "hello")
    return {
        # the interaction itself
        "no type": ("INTERACTION_CREATE", _without(cmd, "type")),
        "type as text": ("INTERACTION_CREATE", _with(cmd, type="2")),
        "unknown type": ("INTERACTION_CREATE", _with(cmd, type=99)),
        "null type": ("INTERACTION_CREATE", _with(cmd, type=None)),
        "no id": ("INTERACTION_CREATE", _without(cmd, "id")),
        "id not a number": ("INTERACTION_CREATE", _with(cmd, id="not-a-number")),
        "no token": ("INTERACTION_CREATE", _without(cmd, "token")),
        "no member": ("INTERACTION_CREATE", _without(cmd, "member")),
        "null member": ("INTERACTION_CREATE", _with(cmd, member=None)),
        "member without user": ("INTERACTION_CREATE", _with(cmd, member={"user": None})),
        "member as text": ("INTERACTION_CREATE", _with(cmd, member="alice")),
        "no server and no user": ("INTERACTION_CREATE", _with(cmd, guild_id=None)),
        "unknown server": ("INTERACTION_CREATE", _with(cmd, guild_id="12")),
        "no channel": ("INTERACTION_CREATE", _without(cmd, "channel", "channel_id")),
        "payload null": ("INTERACTION_CREATE", None),
        "payload a list": ("INTERACTION_CREATE", []),
        # a slash command's data
        "null data": ("INTERACTION_CREATE", _with(cmd, data=None)),
        "data as text": ("INTERACTION_CREATE", _with(cmd, data="help")),
        "no command name": ("INTERACTION_CREATE", _with(cmd, data={"type": 1})),
        "options as text": ("INTERACTION_CREATE", _with(cmd, data={**help_cmd,
                                                                   "options": "x"})),
        "options not tables": ("INTERACTION_CREATE", _with(cmd, data={
            **help_cmd, "options": [1, None]})),
        "option without name": ("INTERACTION_CREATE", _with(cmd, data={
            **help_cmd, "options": [{"type": 3, "value": "x"}]})),
        "option value a table": ("INTERACTION_CREATE", _with(cmd, data={
            **help_cmd, "name": "meeting", "options": [{"type": 1, "name": "cancel",
                                                        "options": [{"name": "meeting",
                                                                     "type": 4,
                                                                     "value": {"x": 1}}]}]})),
        "unknown command": ("INTERACTION_CREATE", _with(cmd, data={**help_cmd,
                                                                   "name": "nope"})),
        "autocomplete option name a number": ("INTERACTION_CREATE", _with(
            cmd, type=4, data={**help_cmd, "options": [{"name": 3, "focused": True}]})),
        "message command, resolved as text": ("INTERACTION_CREATE", _with(cmd, data={
            "type": 3, "name": "Raise a concern about this…", "target_id": "1",
            "resolved": "nope"})),
        "message command, message not a table": ("INTERACTION_CREATE", _with(cmd, data={
            "type": 3, "name": "Raise a concern about this…", "target_id": "1",
            "resolved": {"messages": {"1": 5}}})),
        # a component's data
        "component, empty data": ("INTERACTION_CREATE", _with(press, data={})),
        "component, no type": ("INTERACTION_CREATE", _with(press, data={"custom_id": "x"})),
        "component, unknown type": ("INTERACTION_CREATE", _with(press, data={
            "custom_id": "cp:b:poll.vote:x:1", "component_type": 99})),
        "component, custom id a number": ("INTERACTION_CREATE", _with(press, data={
            "custom_id": 5, "component_type": 2})),
        "component, custom id not ours": ("INTERACTION_CREATE", _with(press, data={
            "custom_id": "somebody-else", "component_type": 2})),
        "select, values as text": ("INTERACTION_CREATE", _with(press, data={
            "custom_id": "cp:s:poll.pick", "component_type": 3, "values": "abc"})),
        "select, values not text": ("INTERACTION_CREATE", _with(press, data={
            "custom_id": "cp:s:poll.pick", "component_type": 3, "values": [1, None]})),
        "next step not a number": ("INTERACTION_CREATE", _with(press, data={
            "custom_id": "cp:n:t1:\u00b2", "component_type": 2})),
        "component on a message not a table": ("INTERACTION_CREATE", _with(
            press, message="a message")),
        # a modal's data
        "modal, empty data": ("INTERACTION_CREATE", _with(modal, data={})),
        "modal, no rows": ("INTERACTION_CREATE", _with(modal, data={
            "custom_id": "cp:f:t1:0/1:feedback.send:"})),
        "modal, rows as text": ("INTERACTION_CREATE", _with(modal, data={
            "custom_id": "cp:f:t1:0/1:feedback.send:", "components": "x"})),
        "modal, rows not tables": ("INTERACTION_CREATE", _with(modal, data={
            "custom_id": "cp:f:t1:0/1:feedback.send:", "components": [1, [2]]})),
        "modal, input without value": ("INTERACTION_CREATE", _with(modal, data={
            "custom_id": "cp:f:t1:0/1:feedback.send:",
            "components": [{"type": 1, "components": [{"type": 4, "custom_id": "message"},
                                                      {"type": 4, "value": 5}, 7]}]})),
        "modal, step not a number": ("INTERACTION_CREATE", _with(modal, data={
            "custom_id": "cp:f:t1:\u00b2/\u00b2:feedback.send:", "components": []})),
        "modal, custom id malformed": ("INTERACTION_CREATE", _with(modal, data={
            "custom_id": "cp:f", "components": []})),
        # direct messages
        "message, empty": ("MESSAGE_CREATE", {}),
        "message, ids only": ("MESSAGE_CREATE", {"id": "1", "channel_id": dm}),
        "message, null author": ("MESSAGE_CREATE", _with(message, author=None)),
        "message, content a number": ("MESSAGE_CREATE", _with(message, content=5,
                                                               id=p.snowflake())),
        "message, unknown channel": ("MESSAGE_CREATE", _with(message, channel_id="123",
                                                             id=p.snowflake())),
        "message, author without id": ("MESSAGE_CREATE", _with(message, author={
            "username": "x"}, id=p.snowflake())),
        # someone joining
        "join, no user": ("GUILD_MEMBER_ADD", {"guild_id": fake.guild_id}),
        "join, server not a number": ("GUILD_MEMBER_ADD", {"guild_id": "x", "user": {}}),
        "join, roles a number": ("GUILD_MEMBER_ADD", {"guild_id": fake.guild_id,
                                                      "user": {"id": "5"}, "roles": 7}),
        "join, user as text": ("GUILD_MEMBER_ADD", {"guild_id": fake.guild_id,
                                                    "user": "someone", "roles": []}),
        # an event nobody knows
        "unknown event": ("NOT_AN_EVENT", {"x": 1}),
    }


def _case_names() -> list[str]:
    names_only = FakeDiscord()
    names_only.member("alice")
    names_only.member("bob")
    return sorted(malformed(names_only))


CASES = _case_names()


async def help_still_works(fake: FakeDiscord) -> None:
    """The next valid command is answered (bounded wait)."""
    interaction = await fake.slash("alice", "help")
    response = await fake.wait_response(interaction, limit=5)
    assert response["data"]["content"].startswith(
        "Here is what you can do. Commands start with a slash (/). Type /help followed by a "
        "command's name to learn more about it.")


def _ours(caplog: pytest.LogCaptureFixture) -> Iterator[logging.LogRecord]:
    return (r for r in caplog.records if r.name.startswith(("adapters.", "bot.")))


@pytest.mark.parametrize("case", CASES)
async def test_a_malformed_dispatch_is_ignored_and_the_bot_keeps_serving(
        harness: Harness, caplog: pytest.LogCaptureFixture, case: str) -> None:
    fake = harness.fake
    caplog.set_level(logging.INFO)
    event, data = malformed(fake)[case]
    if isinstance(data, dict) and isinstance(data.get("id"), str) and "token" in data:
        fake.interactions[data["id"]] = data  # so the bot may answer it, as on Discord
    await fake.dispatch(event, data)
    await help_still_works(fake)
    if isinstance(data, dict) and data.get("id") in fake.callbacks:
        answer = fake.callbacks[data["id"]].get("data") or {}
        assert answer.get("content") != catalog.SOMETHING_WENT_WRONG, case
    records = list(_ours(caplog))
    if event == "INTERACTION_CREATE" and isinstance(data, dict):
        answered = data.get("id") in fake.callbacks
        logged = any(r.getMessage() == "discord.payload_ignored" for r in records)
        assert answered or logged, f"{case}: neither answered nor logged"
    assert not [r for r in records if r.levelno >= logging.ERROR], [
        (r.getMessage(), getattr(r, "fields", {})) for r in records]
    for record in records:
        for value in getattr(record, "fields", {}).values():
            assert _LOG_VALUE.fullmatch(str(value)), (record.getMessage(), value)
    assert harness._task is not None and not harness._task.done()


def _mutations(payload: dict[str, Any]) -> Iterator[dict[str, Any]]:
    """The payload with each top-level and data key in turn removed, null, or of
    another type."""
    for key in list(payload):
        for change in ("drop", None, "text", 7, [], {}):
            out = copy.deepcopy(payload)
            if change == "drop":
                out.pop(key)
            else:
                out[key] = change
            yield out
    for key in list(payload.get("data") or {}):
        for change in ("drop", None, 7, [1], {"x": {}}):
            out = copy.deepcopy(payload)
            if change == "drop":
                out["data"].pop(key)
            else:
                out["data"][key] = change
            yield out


async def test_every_field_of_an_interaction_missing_or_mistyped(
        harness: Harness, caplog: pytest.LogCaptureFixture) -> None:
    """Every key of a slash command, a button press and a modal submission, removed,
    null or of the wrong type, one dispatch each: the connection survives them all."""
    fake = harness.fake
    caplog.set_level(logging.INFO)
    help_cmd = {"id": _command_id(fake, "help"), "name": "help", "type": 1,
                "options": [{"name": "command", "type": 3, "value": "poll"}]}
    sent = 0
    for valid in (_interaction(fake, 2, help_cmd),
                  _interaction(fake, 3, {"custom_id": "cp:b:poll.vote:x:1",
                                         "component_type": 2}),
                  _interaction(fake, 5, {"custom_id": "cp:f:t1:0/1:feedback.send:",
                                         "components": [{"type": 1, "components": [
                                             {"type": 4, "custom_id": "message",
                                              "value": "hi"}]}]})):
        for mutated in _mutations(valid):
            mutated["id"] = p.snowflake()
            mutated["token"] = f"tok-{mutated['id']}"
            fake.interactions[mutated["id"]] = mutated
            await fake.dispatch("INTERACTION_CREATE", mutated)
            sent += 1
    assert sent > 100
    await help_still_works(fake)
    assert harness._task is not None and not harness._task.done()
    assert not [r for r in _ours(caplog) if r.levelno >= logging.ERROR], [
        (r.getMessage(), getattr(r, "fields", {})) for r in _ours(caplog)
        if r.levelno >= logging.ERROR]


@pytest.mark.parametrize("user", ["\u00b2", "1" * 30, "U-bob", ""])
async def test_a_delivery_to_no_discord_id_is_not_found_not_retried(harness: Harness,
                                                                    user: str) -> None:
    assert harness.bot is not None
    with pytest.raises(NotFound):
        await harness.bot.sender.send(Destination.to_dm(harness.fake.guild_id, user),
                                      Message("hello"), "k-1")
