"""Connecting, registering commands, /help, roles, and the intents asked for."""

from __future__ import annotations

from bot import catalog
from bot.features.help import wording as help_wording
from tests.contract.discord.conftest import CONCERN_LABEL
from tests.contract.discord.conftest import Harness
from tests.contract.discord.conftest import assert_no_mentions


async def test_help_is_a_private_answer(harness: Harness) -> None:
    fake = harness.fake
    interaction = await fake.slash("alice", "help")
    response = await fake.wait_response(interaction)
    assert response["type"] == 4
    data = response["data"]
    assert data["flags"] & 64  # ephemeral
    assert data["content"].startswith(
        "Here is what you can do. Commands start with a slash (/). Type /help followed by a "
        "command's name to learn more about it.")
    assert "/setup" not in data["content"]  # alice is not a facilitator
    assert_no_mentions(data)


async def test_help_for_a_facilitator_lists_setup(harness: Harness) -> None:
    fake = harness.fake
    interaction = await fake.slash("carol", "help")
    response = await fake.wait_response(interaction)
    await fake.wait_for(lambda: any(m["content"].endswith(help_wording.HELP_PRIVATE_NOTE)
                                    for m in fake.followups(interaction)), what="all parts")
    parts = [m["content"] for m in fake.followups(interaction)]
    assert all(len(p) <= 2000 for p in parts)
    assert all(m["flags"] & 64 for m in fake.followups(interaction))  # all private
    assert parts[-1].endswith(help_wording.HELP_PRIVATE_NOTE)  # long help comes in parts
    assert "/setup" in "\n".join(parts) and response["data"]["flags"] & 64


async def test_commands_are_registered_in_the_guild(harness: Harness) -> None:
    fake = harness.fake
    commands = {c["name"]: c for c in fake.commands[fake.guild_id]}
    menu = "Raise a concern about this…"  # Discord allows 32 characters
    assert len(CONCERN_LABEL) > 32 and len(menu) <= 32
    assert {"help", "setup", "probe", menu} <= set(commands)
    assert "global" not in fake.commands
    assert commands["setup"]["default_member_permissions"] == str(1 << 5)
    assert "default_member_permissions" not in commands["help"]
    assert commands[menu]["type"] == 3
    subs = {o["name"]: o for o in commands["probe"]["options"]}
    assert set(subs) == {"show", "form", "tell", "ping", "slow", "day"}
    tell = subs["tell"]["options"]
    assert [(o["name"], o["type"], o["required"]) for o in tell] == [
        ("who", 6, True), ("fallback", 6, False)]
    assert commands["help"]["options"][0]["max_length"] == 60
    identify = fake.identifies[0]
    assert identify["intents"] == (1 << 0) | (1 << 12)  # guilds, direct messages


async def test_core_refuses_setup_to_a_member_whatever_discord_shows(harness: Harness) -> None:
    interaction = await harness.fake.slash("alice", "setup")
    response = await harness.fake.wait_response(interaction)
    assert response["data"]["content"] == catalog.not_allowed(
        "setup", ["facilitator", "lead", "admin"])


async def test_an_admin_may_run_setup(harness: Harness) -> None:
    interaction = await harness.fake.slash(
        "sam", "setup", [{"name": "timezone", "type": 3, "value": "Europe/Paris"}])
    response = await harness.fake.wait_response(interaction)
    assert "timezone" in response["data"]["content"]
    settings = harness.app.settings.for_group(harness.fake.guild_id)  # type: ignore[union-attr]
    assert settings.timezone == "Europe/Paris"


async def test_bare_command_beside_subcommands_runs_as_show(harness: Harness) -> None:
    harness.bot.interactions.defer_after = 5  # type: ignore[union-attr]
    interaction = await harness.fake.slash(
        "alice", "probe", [{"name": "show", "type": 1, "options": []}])
    response = await harness.fake.wait_response(interaction)
    assert response["data"]["content"] == "Slow and done."
