"""Posting to a group's channels, end to end through discord.py and the fake Discord, in a
process that holds the guild's shard ("holder") and in one that does not ("other", the
shards split across processes): a channel that is gone (404 Unknown Channel) or takes no
messages (50008) reroutes the delivery to its fallback, delivered there once; a post to
a channel id asks Discord nothing first; the server's roles are asked for only by a
message that pings one, and kept once known."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import timedelta

import pytest

from bot.clock import FakeClock
from bot.errors import NotFound
from bot.messages import Destination
from bot.messages import Message
from bot.outbox import DeliveryStatus
from bot.outbox import Fallback
from bot.outbox import NewDelivery
from storage.interface import Storage
from tests.contract.discord.conftest import Guild
from tests.contract.discord.conftest import Harness
from tests.contract.discord.conftest import assert_no_mentions
from tests.contract.discord.conftest import probe_feature
from tests.fakes.discord import FakeDiscord
from tests.fakes.discord.server import CATEGORY
from tests.fakes.discord.server import FORUM

PING = Message("Meeting soon, @Facilitator", allow_role_mentions=("Facilitator",))
PLAIN = Message("Tea at four.")
FINAL = (DeliveryStatus.DELIVERED, DeliveryStatus.UNDELIVERABLE)


@dataclass
class Running:
    """The bot started against a fake whose guild is on its shards, or not (`other`)."""

    fake: FakeDiscord
    harness: Harness
    clock: FakeClock
    other: bool

    @property
    def group(self) -> str:
        return self.fake.guild_id

    def to(self, channel: str) -> Destination:
        """A channel of the group, by name (`updates`) or reference (`<#id>`)."""
        return Destination.to_channel(self.group, channel)

    async def deliver(self, delivery: NewDelivery) -> DeliveryStatus:
        """Store a delivery, then send it as the dispatcher does until it is delivered
        or undeliverable. The clock moves a lease on each round: in the "other" process
        the group's deliveries wait that long for the process holding its shard."""
        app = self.harness.app
        assert app is not None
        await app.storage.enqueue([delivery], self.clock.now())
        for _ in range(4):  # each destination (the first, then each fallback) one round
            self.clock.advance(timedelta(seconds=app.config.delivery_lease_seconds + 1))
            app.deliveries_waiting()
            await self.harness.settle()
            status = await app.storage.delivery_status(delivery.key)
            if status in FINAL:
                return status
        raise AssertionError(f"{delivery.key} still {status} after four rounds")


async def start(other: bool, storage: Storage, started: list[Harness]) -> Running:
    """Start the fake (with a category, a forum and a channel to delete later) and the
    bot with only the probe feature, so that no start-up check reads the server."""
    fake = Guild(members=(("alice",), ("carol", "Facilitator")), admins=()).fill(
        FakeDiscord(guild_shard=(1, 2) if other else None))
    fake.channel("Meetings", CATEGORY)
    fake.channel("ideas", FORUM)
    fake.channel("old-news")
    clock = FakeClock()
    harness = Harness(fake, storage, features=[probe_feature], start_fake=True, clock=clock,
                      **({"shard_count": 2, "shard_ids": (0,)} if other else {}))
    started.append(harness)
    await harness.start()
    assert harness.bot is not None
    await fake.wait_for(harness.bot.checked.is_set, what="the start-up checks")
    assert (harness.bot.client.get_guild(int(fake.guild_id)) is None) == other
    return Running(fake, harness, clock, other)


@pytest.fixture(params=["holder", "other"])
async def running(request: pytest.FixtureRequest, storage: Storage,
                  started: list[Harness]) -> AsyncIterator[Running]:
    """The bot in a process holding the guild's shard, or in one that does not."""
    yield await start(request.param == "other", storage, started)


def moved(running: Running, key: str, fallback: str) -> NewDelivery:
    """Minutes for a channel, with #leads as the fallback."""
    return NewDelivery(key, running.to(fallback), Message("The minutes are ready."),
                       fallbacks=(Fallback(running.to("leads"),
                                           Message("The minutes could not be posted.")),))


async def assert_rerouted_once(running: Running, key: str) -> None:
    """Delivered once, in #leads, with the fallback's words, and nowhere else."""
    fake = running.fake
    assert running.harness.app is not None
    storage = running.harness.app.storage
    assert await storage.delivery_status(key) == DeliveryStatus.DELIVERED
    (posted,) = fake.public_posts("#leads")
    assert posted["content"] == "The minutes could not be posted."
    assert_no_mentions(posted["_body"])
    assert await storage.delivery_ref(key) == f"{fake.by_name['#leads']}:{posted['id']}"
    for name in ("#general", "#updates"):
        assert fake.public_posts(name) == []


async def test_a_post_to_a_deleted_channel_is_rerouted_and_delivered_once(
        running: Running) -> None:
    """The holder still has the channel in its cache (the delete event has not reached
    it) and the other posts by id unseen: Discord answers 404 Unknown Channel."""
    fake = running.fake
    gone = fake.delete_channel("old-news")
    status = await running.deliver(moved(running, "gone-1", f"<#{gone}>"))
    assert status is DeliveryStatus.DELIVERED
    await assert_rerouted_once(running, "gone-1")
    assert fake.requested("POST", f"/channels/{gone}/messages") == 1  # not retried
    assert fake.requested("GET", f"/channels/{gone}") == 0


@pytest.mark.parametrize("kind", [CATEGORY, FORUM])
async def test_a_post_to_a_channel_that_takes_no_messages_is_rerouted(
        running: Running, kind: int) -> None:
    """The other process posts by id without looking first and Discord refuses with
    50008; the holder knows from its cache that the channel takes no messages, and asks
    Discord nothing. Either way the delivery goes to its fallback, once."""
    fake = running.fake
    channel = fake.by_name["#Meetings" if kind == CATEGORY else "#ideas"]
    assert fake.channels[channel]["type"] == kind
    status = await running.deliver(moved(running, "nowhere-1", f"<#{channel}>"))
    assert status is DeliveryStatus.DELIVERED
    await assert_rerouted_once(running, "nowhere-1")
    assert fake.requested("POST", f"/channels/{channel}/messages") == (
        1 if running.other else 0)
    assert fake.requested("GET", f"/channels/{channel}") == 0
    if running.other:  # what the sender made of Discord's answer
        assert running.harness.bot is not None
        with pytest.raises(NotFound, match="code 50008"):
            await running.harness.bot.sender.send(running.to(f"<#{channel}>"), PLAIN,
                                                  "nowhere-2")


async def test_a_post_to_a_channel_id_asks_discord_nothing_first(running: Running) -> None:
    fake = running.fake
    updates = fake.by_name["#updates"]
    seen = len(fake.requests)
    status = await running.deliver(NewDelivery("by-id", running.to(f"<#{updates}>"), PLAIN))
    assert status is DeliveryStatus.DELIVERED
    assert [(r.method, r.path) for r in fake.requests[seen:]] == [
        ("POST", f"/channels/{updates}/messages")]
    assert fake.requested("GET", f"/channels/{updates}") == 0
    assert [m["content"] for m in fake.public_posts("#updates")] == [PLAIN.text]


async def test_roles_are_asked_for_only_by_a_message_that_pings_one(
        running: Running) -> None:
    """By name, a plain post needs the channel list only; a ping needs the roles too
    (the other process asks Discord once, then keeps them; the holder has them from the
    gateway and asks nothing)."""
    fake = running.fake
    guild = f"/guilds/{fake.guild_id}"
    role = next(r for r, d in fake.roles.items() if d["name"] == "Facilitator")
    assert await running.deliver(NewDelivery("plain-1", running.to("updates"), PLAIN)) \
        is DeliveryStatus.DELIVERED
    assert fake.requested("GET", guild) == 0
    assert fake.requested("GET", f"{guild}/channels") == (1 if running.other else 0)
    assert await running.deliver(NewDelivery("ping-1", running.to("updates"), PING)) \
        is DeliveryStatus.DELIVERED
    fetched = 1 if running.other else 0
    assert fake.requested("GET", guild) == fetched
    for key, message in (("plain-2", PLAIN), ("ping-2", PING)):
        assert await running.deliver(NewDelivery(key, running.to("updates"), message)) \
            is DeliveryStatus.DELIVERED
    assert fake.requested("GET", guild) == fetched  # kept, not asked again
    posts = fake.public_posts("#updates")
    assert [m["content"] for m in posts] == [
        PLAIN.text, f"Meeting soon, <@&{role}>", PLAIN.text, f"Meeting soon, <@&{role}>"]
    assert_no_mentions(posts[0]["_body"])
    assert_no_mentions(posts[1]["_body"], roles=[role])


async def test_a_read_without_roles_ending_last_keeps_the_roles_read_meanwhile(
        storage: Storage, started: list[Harness]) -> None:
    """Two posts to one server at once in the other process, its channel list not yet
    read: a plain one (channel list only) whose read is answered last, and a ping (roles
    and channel list). The plain one's read must not drop the roles the ping's read
    kept, or the next ping asks Discord for them again."""
    running = await start(True, storage, started)
    fake, bot = running.fake, running.harness.bot
    assert bot is not None
    guild = f"/guilds/{fake.guild_id}"
    # discord.py has learnt the channel list's rate limit (as from any earlier read), so
    # the two reads below run side by side rather than one after the other.
    await bot.client.http.get_all_guild_channels(int(fake.guild_id))
    held = fake.hold_next("GET", f"{guild}/channels")
    plain = asyncio.create_task(bot.sender.send(running.to("updates"), PLAIN, "race-1"))
    async with asyncio.timeout(5):
        await held.arrived.wait()
    await bot.sender.send(running.to("updates"), PING, "race-2")
    held.release()
    async with asyncio.timeout(5):
        await plain
    assert fake.requested("GET", guild) == 1
    await bot.sender.send(running.to("updates"), PING, "race-3")
    assert fake.requested("GET", guild) == 1
    role = next(r for r, d in fake.roles.items() if d["name"] == "Facilitator")
    assert sorted(m["content"] for m in fake.public_posts("#updates")) == [
        f"Meeting soon, <@&{role}>", f"Meeting soon, <@&{role}>", PLAIN.text]
