"""The adapter's pure parts: command payloads, custom ids, rendering, the invite link."""

from __future__ import annotations

import asyncio
import re
from typing import Any
from urllib.parse import parse_qs
from urllib.parse import urlparse

import pytest
from hypothesis import given
from hypothesis import strategies as st

from adapters.discord import commands
from adapters.discord import customid
from adapters.discord.errors import translate
from adapters.discord.invite import invite_url
from adapters.discord.members import Servers
from adapters.discord.render import MAX_CONTENT
from adapters.discord.render import render
from adapters.discord.render import split_text
from bot.app import App
from bot.cli import main
from bot.commands import CommandSpec
from bot.commands import OptionSpec
from bot.commands import OptionType
from bot.commands import Registry
from bot.config import Config
from bot.errors import Transient
from bot.errors import UnsupportedMessage
from bot.features.registry import PACKAGES
from bot.messages import Button
from bot.messages import Choice
from bot.messages import Image
from bot.messages import Message
from bot.messages import Reply
from bot.roles import Role
from bot.text import channel_ref
from storage.interface import Storage
from tests.contract.discord.conftest import probe_feature


async def _noop(ctx: object) -> Reply:
    return Reply()


def _spec(name: str, *options: OptionSpec, roles: frozenset[Role] = frozenset({Role.MEMBER}),
          ) -> CommandSpec:
    return CommandSpec(name, f"About {name}.", _noop, f"/{name}", options=options, roles=roles)


def test_words_become_subcommands_groups_and_show() -> None:
    registry = Registry()
    many = tuple(Choice(f"Choice {i}", f"c{i}") for i in range(30))
    registry.extend([
        _spec("meeting"), _spec("meeting list"), _spec("meeting agenda"),
        _spec("meeting agenda add", OptionSpec("item", "what", required=True),
              OptionSpec("pick", "one of many", choices=many),
              OptionSpec("count", "how many", OptionType.INTEGER, min_value=1, max_value=9)),
        _spec("case close", roles=frozenset({Role.LEAD})),
    ])
    built = commands.build(registry, {})
    payloads = {p["name"]: p for p in built.payloads}
    meeting = {o["name"]: o for o in payloads["meeting"]["options"]}
    assert meeting["show"]["type"] == 1 and meeting["list"]["type"] == 1
    agenda = {o["name"]: o for o in meeting["agenda"]["options"]}
    assert meeting["agenda"]["type"] == 2 and set(agenda) == {"show", "add"}
    item, pick, count = agenda["add"]["options"]
    assert item["required"] and "choices" not in pick and pick["autocomplete"] is True
    assert (count["min_value"], count["max_value"]) == (1, 9)
    assert payloads["case"]["default_member_permissions"] == str(1 << 5)
    assert "default_member_permissions" not in payloads["meeting"]
    assert built.spec_name(("meeting", "show")) == "meeting"
    assert built.spec_name(("meeting", "agenda", "show")) == "meeting agenda"
    assert built.spec_name(("meeting", "agenda", "add")) == "meeting agenda add"
    path, values, focused = commands.read_invocation({
        "name": "meeting", "options": [{"type": 2, "name": "agenda", "options": [
            {"type": 1, "name": "add", "options": [
                {"name": "item", "type": 3, "value": "tea"},
                {"name": "pick", "type": 3, "value": "c", "focused": True}]}]}]})
    assert path == ("meeting", "agenda", "add") and values["item"] == "tea"
    assert focused == "pick"


def test_custom_ids_round_trip_and_fit() -> None:
    assert customid.parse(customid.button("rsvp", "m1:yes")) == customid.Parsed(
        "b", ("rsvp", "m1:yes"))
    assert customid.parse(customid.form_step("T", 1, 2, "f", "st")) == customid.Parsed(
        "f", ("T", "1/2", "f", "st"))
    too_long = customid.parse(customid.form_step("T", 0, 1, "f", "x" * 200))
    assert too_long is not None and too_long.parts == ("T", "0/1", "", "")
    with pytest.raises(ValueError):
        customid.button("a", "v" * 100)
    assert customid.parse("someone-else's-button") is None


@given(st.text(max_size=120))
def test_any_custom_id_parses_without_crashing(text: str) -> None:
    customid.parse(text)


def test_long_text_is_split_and_buttons_go_last() -> None:
    text = "\n".join(f"line {i} " + "x" * 50 for i in range(100))
    parts = render(Message(text, buttons=(Button("OK", "ok"),),
                           images=(Image("a.png", b"png", "a chart of votes"),)))
    assert len(parts) > 1 and all(len(p.content) <= MAX_CONTENT for p in parts)
    assert parts[0].view is None and parts[-1].view is not None
    assert parts[-1].files[0].description == "a chart of votes"
    assert "".join(split_text("y" * 4500)) == "y" * 4500


def test_channel_references_become_channel_links() -> None:
    text = f"In {channel_ref('123456789012345678')} and {channel_ref('my_room')}."
    (part,) = render(Message(text))
    assert part.content == "In <#123456789012345678> and #my\\_room."  # no such channel


def test_too_many_buttons_is_an_unsupported_message() -> None:
    with pytest.raises(UnsupportedMessage):
        render(Message("hi", buttons=tuple(Button(str(i), "a", str(i)) for i in range(26))))


def test_unknown_failures_are_transient() -> None:
    assert isinstance(translate(TimeoutError()), Transient)


def test_invite_url_has_exactly_the_scopes_and_least_permissions(
        capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    query = parse_qs(urlparse(invite_url("123456789012345678")).query)
    assert query["scope"] == ["bot applications.commands"]
    assert int(query["permissions"][0]) == (1 << 10) | (1 << 11) | (1 << 15)
    monkeypatch.setenv("DISCORD_CLIENT_ID", "123456789012345678")
    assert main(["discord", "invite-url"]) == 0
    assert "client_id=123456789012345678" in capsys.readouterr().out
    monkeypatch.delenv("DISCORD_CLIENT_ID")
    assert main(["discord", "invite-url"]) == 2
    assert "--client-id" in capsys.readouterr().err


_NAME = re.compile(r"^[-_\w]{1,32}$")


def _problems(options: list[dict[str, Any]], where: str) -> list[str]:
    out = []
    if len(options) > 25:
        out.append(f"{where}: more than 25 options")
    names = [o["name"] for o in options]
    if len(set(names)) != len(names):
        out.append(f"{where}: option names repeat")
    required = [o.get("required", False) for o in options]
    if required != sorted(required, reverse=True):
        out.append(f"{where}: a required option after an optional one")
    for o in options:
        here = f"{where} {o['name']}"
        if not _NAME.match(o["name"]) or o["name"] != o["name"].lower():
            out.append(f"{here}: bad name")
        if not 1 <= len(o["description"]) <= 100:
            out.append(f"{here}: description length")
        if len(o.get("choices", [])) > 25:
            out.append(f"{here}: more than 25 choices")
        out += _problems(o.get("options", []), here) if o["type"] in (1, 2) else []
    return out


def test_every_feature_registers_within_discords_limits(storage: Storage) -> None:
    """Features added later plug in with no Discord code: their commands must fit."""
    app = App(Config(), storage, features=[*PACKAGES, probe_feature])
    built = commands.build(app.registry, app.shortcuts)
    problems = []
    assert len(built.payloads) <= 100
    for payload in built.payloads:
        if payload["type"] == 3:
            problems += [] if len(payload["name"]) <= 32 else [f"{payload['name']}: long"]
            continue
        if not _NAME.match(payload["name"]) or not 1 <= len(payload["description"]) <= 100:
            problems.append(f"/{payload['name']}: bad name or description")
        problems += _problems(payload["options"], f"/{payload['name']}")
    assert problems == []
    assert set(built.routes.values()) == {s.name for s in app.registry.all()}


class _Http:
    """discord.py's REST calls that `Servers` makes, answered at once, except the next
    channel list while `gate` is set (`arrived` is set, and it is answered once the gate
    opens)."""

    def __init__(self) -> None:
        self.asked: list[str] = []
        self.gate: asyncio.Event | None = None
        self.arrived = asyncio.Event()

    async def get_guild(self, guild_id: int) -> dict[str, Any]:
        self.asked.append("guild")
        return {"roles": [{"name": "Facilitator", "id": "7"}]}

    async def get_all_guild_channels(self, guild_id: int) -> list[dict[str, Any]]:
        self.asked.append("channels")
        gate, self.gate = self.gate, None
        if gate is not None:
            self.arrived.set()
            await gate.wait()
        return [{"name": "updates", "id": "5", "type": 0}]


class _Client:
    """A client whose shards hold no server (another process's do)."""

    def __init__(self) -> None:
        self.http = _Http()

    def get_guild(self, guild_id: int) -> None:
        return None


async def test_a_read_without_roles_keeps_roles_read_meanwhile_until_they_expire() -> None:
    client = _Client()
    now = [0.0]
    servers = Servers(client, ttl=300.0, now=lambda: now[0])  # type: ignore[arg-type]
    gate = client.http.gate = asyncio.Event()
    plain = asyncio.create_task(servers.get("1", roles=False))
    async with asyncio.timeout(5):
        await client.http.arrived.wait()
    now[0] = 100.0
    full = await servers.get("1")
    assert full is not None and full.roles == (("Facilitator", 7),)
    now[0] = 200.0
    gate.set()
    async with asyncio.timeout(5):
        assert (await plain) == full
    now[0] = 399.0  # the roles, read at 100, are kept, not read again
    assert servers.cached("1") == full
    assert await servers.get("1") == full
    assert client.http.asked == ["channels", "guild", "channels"]
    now[0] = 401.0  # and expire with the read that brought them
    assert servers.cached("1") is None and servers.cached("1", roles=False) is None
