"""The connection itself: compression, a wrong token, autocomplete, and
buttons pressed in a direct message (where the group must be found)."""

from __future__ import annotations

import io
from contextlib import redirect_stderr

from adapters.discord import run_platform
from bot import catalog
from bot.app import App
from bot.config import Config
from bot.config import DiscordConfig
from bot.config import Secrets
from bot.messages import Button
from bot.messages import Destination
from bot.messages import Message
from storage.interface import Storage
from tests.contract.discord.conftest import Harness
from tests.fakes.discord import FakeDiscord


async def test_gateway_is_compressed_as_discord_py_asks(harness: Harness) -> None:
    assert harness.fake.compression == ["zlib-stream"]


async def test_autocomplete_offers_matching_choices(harness: Harness) -> None:
    fake = harness.fake
    cmd = fake._registered("probe", 1)
    interaction = await fake.interact(4, "alice", {
        "id": cmd["id"], "name": "probe", "type": 1, "options": [
            {"type": 1, "name": "day", "options": [
                {"name": "day", "type": 3, "value": "Day 2", "focused": True}]}]})
    response = await fake.wait_response(interaction)
    assert response["type"] == 8
    names = [c["name"] for c in response["data"]["choices"]]
    assert names[:2] == ["Day 2", "Day 20"] and len(names) <= 25


async def test_a_button_pressed_in_a_dm_finds_the_group(harness: Harness) -> None:
    fake = harness.fake
    sender = harness.bot.sender  # type: ignore[union-attr]
    await sender.send(Destination.to_dm(fake.guild_id, fake.by_name["alice"]),
                      Message("Going?", buttons=(Button("Going", "probe-like", "Lunch"),)),
                      "dm-button")
    (dm,) = fake.dms_to("alice")
    custom_id = dm["components"][0]["components"][0]["custom_id"]
    response = await fake.wait_response(await fake.press("alice", dm, custom_id))
    assert response["type"] == 7 and response["data"]["content"] == "Alice is going to Lunch"


async def test_a_wrong_token_stops_with_a_kind_message(fake: FakeDiscord,
                                                       storage: Storage,
                                                       endpoints: None) -> None:
    config = Config(discord=DiscordConfig(api_base=fake.api_base,
                                          gateway_url=fake.gateway_url),
                    secrets=Secrets(discord_token="not-the-token"))
    app = App(config, storage)
    await app.load()
    err = io.StringIO()
    try:
        with redirect_stderr(err):
            assert await run_platform(app, config) == 2
    finally:
        await app.stop()
    assert catalog.DISCORD_BAD_TOKEN in err.getvalue()


async def test_a_slow_button_is_deferred_then_its_message_edited(harness: Harness) -> None:
    fake = harness.fake
    harness.bot.interactions.defer_after = 0.05  # type: ignore[union-attr]
    await harness.bot.sender.send(  # type: ignore[union-attr]
        Destination.to_channel(fake.guild_id, "updates"),
        Message("Lunch?", buttons=(Button("Going", "probe-slow-like", "Lunch"),)), "slow")
    (posted,) = fake.public_posts("#updates")
    custom_id = posted["components"][0]["components"][0]["custom_id"]
    deferred = await fake.wait_response(await fake.press("bob", posted, custom_id))
    assert deferred["type"] == 6  # deferred update: no new message
    await fake.wait_for(lambda: posted.get("_edits"), what="the edit")
    assert posted["content"] == "Bob is going to Lunch"
    assert posted["_edits"][0]["allowed_mentions"] == {"parse": []}


async def test_global_command_sync(fake: FakeDiscord, storage: Storage,
                                   started: list[Harness]) -> None:
    harness = Harness(fake, storage, command_sync="global")
    started.append(harness)
    await harness.start()
    assert set(fake.commands) == {"global"}
    assert {c["name"] for c in fake.commands["global"]} >= {"help", "setup"}
