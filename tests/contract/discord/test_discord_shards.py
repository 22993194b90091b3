"""Shards: `[discord] shard_count` and `shard_ids` reach discord.py's AutoShardedClient,
each gateway connection identifies with its [shard id, shard count], and two bot
processes (here two clients on one database) with disjoint `shard_ids` split the work:
guild events reach only the process holding the guild's shard, direct messages only
shard 0's, and either process can still deliver to the guild's channels."""

from __future__ import annotations

import pytest

from adapters.discord.client import ShardedCoprodClient
from bot import catalog
from bot.errors import NotFound
from bot.messages import Destination
from bot.messages import Message
from bot.text import channel_ref
from storage.interface import Storage
from tests.contract.discord.conftest import Harness
from tests.contract.discord.conftest import assert_no_mentions
from tests.fakes.discord import FakeDiscord
from tests.fakes.discord.server import CATEGORY


async def test_one_client_identifies_with_the_configured_shard(
        fake: FakeDiscord, storage: Storage, started: list[Harness]) -> None:
    shard = (int(fake.guild_id) >> 22) % 2  # the shard Discord sends the guild's events on
    harness = Harness(fake, storage, shard_count=2, shard_ids=(shard,))
    started.append(harness)
    await harness.start()
    assert [i["shard"] for i in fake.identifies] == [[shard, 2]]
    response = await fake.wait_response(await fake.slash("alice", "help"))
    assert response["type"] == 4


async def test_auto_runs_as_many_shards_as_discord_recommends(
        fake: FakeDiscord, storage: Storage, started: list[Harness],
        monkeypatch: pytest.MonkeyPatch) -> None:
    async def at_once(self: object, shard_id: int | None, *, initial: bool = False) -> None:
        """discord.py waits 5 s between one process's IDENTIFYs (Discord's limit)."""

    monkeypatch.setattr(ShardedCoprodClient, "before_identify_hook", at_once)
    fake.recommended_shards = 2
    harness = Harness(fake, storage, shard_count="auto")
    started.append(harness)
    await harness.start()
    assert sorted(i["shard"] for i in fake.identifies) == [[0, 2], [1, 2]]
    assert any(r.path == "/gateway/bot" for r in fake.requests)
    response = await fake.wait_response(await fake.slash("alice", "help"))
    assert response["type"] == 4


async def test_two_processes_with_disjoint_shards_split_the_work(
        split_fake: FakeDiscord, storage: Storage, endpoints: None) -> None:
    fake = split_fake
    first = Harness(fake, storage, shard_count=2, shard_ids=(0,))
    second = Harness(fake, storage, shard_count=2, shard_ids=(1,))
    try:
        await first.start()
        await second.start()
        assert [i["shard"] for i in fake.identifies] == [[0, 2], [1, 2]]
        assert first.bot is not None and second.bot is not None
        guild = int(fake.guild_id)
        assert first.bot.client.get_guild(guild) is None  # not its shard
        assert second.bot.client.get_guild(guild) is not None

        # A slash command in the guild reaches the process with the guild's shard.
        response = await fake.wait_response(await fake.slash("alice", "help"))
        assert response["type"] == 4

        # A direct message reaches shard 0, whose process finds the group over REST.
        await fake.user_dm("alice", "hello")
        replies = await fake.wait_for(
            lambda: [m for m in fake.dms_to("alice") if m["author"]["bot"]],
            what="a DM reply from shard 0's process")
        assert replies[0]["content"].startswith(catalog.DM_NOT_A_COMMAND.split(".")[0])
        assert any(r.path == f"/guilds/{fake.guild_id}" for r in fake.requests)

        # Either process delivers to the guild's channels by name, links them and pings
        # the role a feature asked for, though only the other holds the guild.
        await first.bot.sender.send(
            Destination.to_channel(fake.guild_id, "updates"),
            Message(f"See {channel_ref('general')}, @Facilitator",
                    allow_role_mentions=("Facilitator",)), "split-1")
        (posted,) = fake.public_posts("#updates")
        assert any(r.path == f"/guilds/{fake.guild_id}/channels" for r in fake.requests)
        role = next(r for r, d in fake.roles.items() if d["name"] == "Facilitator")
        assert posted["content"] == f"See <#{fake.by_name['#general']}>, <@&{role}>"
        assert_no_mentions(posted["_body"], roles=[role])
    finally:
        await second.stop()
        await first.stop()


async def test_a_process_without_the_guild_asks_discord_only_what_it_must(
        split_fake: FakeDiscord, storage: Storage, endpoints: None) -> None:
    """Posting for a guild another process holds: by channel id with no request but the
    post; by name with at most one request for the channel list (kept), none for the
    guild or the channel; a category by id is refused by Discord and becomes NotFound, so
    the dispatcher reroutes."""
    fake = split_fake
    category = fake.channel("Meetings", CATEGORY)
    first = Harness(fake, storage, shard_count=2, shard_ids=(0,))
    try:
        await first.start()
        assert first.bot is not None
        # The start-up checks read the server too: counted from when they are done.
        await fake.wait_for(first.bot.checked.is_set, what="the start-up checks")
        sender = first.bot.sender
        seen = len(fake.requests)
        await sender.send(Destination.to_channel(fake.guild_id, f"<#{fake.by_name['#updates']}>"),
                          Message("by id"), "lean-1")
        assert [(r.method, r.path) for r in fake.requests[seen:]] == [
            ("POST", f"/channels/{fake.by_name['#updates']}/messages")]
        seen = len(fake.requests)
        for n in (2, 3):
            await sender.send(Destination.to_channel(fake.guild_id, "updates"),
                              Message(f"by name {n}"), f"lean-{n}")
        asked = [(r.method, r.path) for r in fake.requests[seen:] if r.method == "GET"]
        # At most once (the start-up may have read it already), then kept.
        assert asked in ([], [("GET", f"/guilds/{fake.guild_id}/channels")])
        assert [m["content"] for m in fake.public_posts("#updates")] == [
            "by id", "by name 2", "by name 3"]
        with pytest.raises(NotFound):
            await sender.send(Destination.to_channel(fake.guild_id, f"<#{category}>"),
                              Message("nowhere"), "lean-4")
    finally:
        await first.stop()


async def test_each_process_prefers_the_servers_on_its_own_shards(
        split_fake: FakeDiscord, storage: Storage, endpoints: None) -> None:
    """The dispatcher's preferred groups: the servers this process's shards received;
    none when one process holds every shard (then every delivery is alike)."""
    fake = split_fake
    first = Harness(fake, storage, shard_count=2, shard_ids=(0,))
    second = Harness(fake, storage, shard_count=2, shard_ids=(1,))
    whole = Harness(fake, storage, shard_count=2, shard_ids=(0, 1))
    try:
        for harness in (first, second, whole):
            await harness.start()
        assert first.bot is not None and second.bot is not None and whole.bot is not None
        assert first.bot.preferred is not None and second.bot.preferred is not None
        assert first.bot.preferred() == frozenset()
        assert second.bot.preferred() == {fake.guild_id}
        assert whole.bot.preferred is None
    finally:
        for harness in (whole, second, first):
            await harness.stop()
