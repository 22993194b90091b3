"""Direct messages both ways, rerouting when DMs are closed, rate limits, errors, nonces,
a dropped gateway socket, deferred answers, and allowed mentions on everything sent."""

from __future__ import annotations

import pytest

from bot import catalog
from bot.errors import Forbidden
from bot.errors import NotFound
from bot.errors import RateLimited
from bot.errors import Transient
from bot.messages import Destination
from bot.messages import Message
from tests.contract.discord.conftest import Harness
from tests.contract.discord.conftest import assert_no_mentions
from tests.contract.discord.conftest import sent_bodies

DM_POSTS = r"/channels/\d+/messages"


def _tell(who: str, fallback: str) -> list[dict[str, object]]:
    return [{"name": "tell", "type": 1, "options": [
        {"name": "who", "type": 6, "value": who},
        {"name": "fallback", "type": 6, "value": fallback}]}]


async def test_a_dm_to_the_bot_is_answered_in_the_dm(harness: Harness) -> None:
    fake = harness.fake
    await fake.user_dm("alice", "hello, can you help?")
    replies = await fake.wait_for(
        lambda: [m for m in fake.dms_to("alice") if m["author"]["bot"]], what="a DM reply")
    # The concerns feature answers a DM that is not a command (issue 11).
    assert replies[0]["content"].startswith(catalog.DM_NOT_A_COMMAND.split(".")[0])
    assert_no_mentions(replies[0]["_body"])
    member_lookups = [r.path for r in fake.requests if "/members/" in r.path]
    assert member_lookups == [f"/guilds/{fake.guild_id}/members/{fake.by_name['alice']}"]


async def test_a_dm_from_a_stranger_gets_a_kind_answer(harness: Harness) -> None:
    fake = harness.fake
    stranger = fake.member("stranger")
    del fake.members[stranger]  # shares no server with the bot
    await fake.user_dm("stranger", "hi")
    replies = await fake.wait_for(
        lambda: [m for m in fake.dms_to("stranger") if m["author"]["bot"]], what="a reply")
    assert replies[0]["content"] == catalog.DISCORD_NO_SHARED_GROUP


async def test_closed_dms_are_rerouted_to_the_fallback_never_a_channel(
        harness: Harness) -> None:
    fake = harness.fake
    bob, carol = fake.by_name["bob"], fake.by_name["carol"]
    fake.dms_closed.add(bob)
    answer = await fake.wait_response(
        await fake.slash("alice", "probe", _tell(bob, carol)))
    assert answer["data"]["content"] == "Queued."
    await harness.settle()
    assert [m["content"] for m in fake.dms_to("carol")] == [
        "A member could not get a private note."]
    assert [m for m in fake.dms_to("bob") if m["author"]["bot"]] == []
    refused = [r for r in fake.requests
               if r.method == "POST" and r.path == f"/channels/{fake.dm_channel_of(bob)}/messages"]
    assert len(refused) == 1
    for name in ("#general", "#updates", "#leads"):
        assert fake.public_posts(name) == []


async def test_a_429_is_waited_out_and_the_message_sent_once(harness: Harness) -> None:
    fake = harness.fake
    alice = fake.by_name["alice"]
    fake.rate_limit_next("POST", DM_POSTS, 0.05)
    await fake.wait_response(await fake.slash("carol", "probe", _tell(alice, alice)))
    await harness.settle()
    assert [m["content"] for m in fake.dms_to("alice")] == ["A private note for you."]
    posts = [r for r in fake.requests if r.method == "POST" and r.path.endswith("/messages")]
    assert len(posts) == 2 and posts[0].body["nonce"] == posts[1].body["nonce"]


async def test_a_500_is_retried_and_sent_once(harness: Harness) -> None:
    fake = harness.fake
    sender = harness.bot.sender  # type: ignore[union-attr]
    fake.fail_next("POST", DM_POSTS, 500, {"message": "Internal Server Error", "code": 0})
    ref = await sender.send(Destination.to_channel(fake.guild_id, "updates"),
                            Message("after a hiccup"), "k500")
    assert ref.endswith(fake.public_posts("#updates")[0]["id"])
    assert [m["content"] for m in fake.public_posts("#updates")] == ["after a hiccup"]


async def test_sender_translates_errors(harness: Harness) -> None:
    fake = harness.fake
    sender = harness.bot.sender  # type: ignore[union-attr]
    to_alice = Destination.to_dm(fake.guild_id, fake.by_name["alice"])
    fake.rate_limit_next("POST", DM_POSTS, 45.0)
    with pytest.raises(RateLimited) as limited:
        await sender.send(to_alice, Message("hi"), "k1")
    assert limited.value.retry_after == 45.0
    fake.fail_next("POST", DM_POSTS, 503)
    with pytest.raises(Transient):
        await sender.send(to_alice, Message("hi"), "k2")
    fake.fail_next("POST", DM_POSTS, 403, {"message": "Missing Access", "code": 50001})
    with pytest.raises(Forbidden):
        await sender.send(to_alice, Message("hi"), "k3")
    with pytest.raises(NotFound):
        await sender.send(Destination.to_channel(fake.guild_id, "no-such-channel"),
                          Message("hi"), "k4")
    fake.dms_closed.add(fake.by_name["alice"])
    with pytest.raises(Forbidden, match="50007"):
        await sender.send(to_alice, Message("hi"), "k5")


async def test_a_send_cut_short_by_its_timeout_still_runs_to_its_end(harness: Harness) -> None:
    """The send timeout stops the dispatcher's wait, never discord.py's requests: a
    request cancelled inside discord.py's rate-limit bucket could leave the bucket closed
    to every later request (every new direct message stalled). Here opening the DM is
    held past the timeout; the send goes on to post once it is answered, and the
    dispatcher's resend is answered by the nonce, so the member gets one message."""
    fake = harness.fake
    sender = harness.bot.sender  # type: ignore[union-attr]
    sender.send_timeout = 0.2
    held = fake.hold_next("POST", "/users/@me/channels")
    to_bob = Destination.to_dm(fake.guild_id, fake.by_name["bob"])
    with pytest.raises(Transient):
        await sender.send(to_bob, Message("late, but once"), "k-late")
    assert held.arrived.is_set()
    held.release()
    await fake.wait_for(lambda: fake.dms_to("bob"))
    sender.send_timeout = 5.0
    await sender.send(to_bob, Message("late, but once"), "k-late")
    assert [m["content"] for m in fake.dms_to("bob")] == ["late, but once"]


async def test_a_resend_with_the_same_key_is_dropped_by_the_nonce(harness: Harness) -> None:
    fake = harness.fake
    sender = harness.bot.sender  # type: ignore[union-attr]
    where = Destination.to_channel(fake.guild_id, "updates")
    first = await sender.send(where, Message("once"), "delivery-42")
    again = await sender.send(where, Message("once"), "delivery-42")
    assert first == again
    assert [m["content"] for m in fake.public_posts("#updates")] == ["once"]


async def test_a_dropped_gateway_resumes_and_replays_missed_events(harness: Harness) -> None:
    fake = harness.fake
    await fake.drop()
    missed = await fake.slash("alice", "help")  # sent while the socket is down
    await fake.wait_for(lambda: fake.resumes, what="a RESUME")
    response = await fake.wait_response(missed)
    assert response["data"]["content"].startswith(
        "Here is what you can do. Commands start with a slash (/). Type /help followed by a "
        "command's name to learn more about it.")
    assert len(fake.identifies) == 1 and fake.resumes[0]["session_id"]
    later = await fake.wait_response(await fake.slash("bob", "help"))
    assert later["type"] == 4


async def test_a_refused_resume_identifies_afresh(harness: Harness) -> None:
    fake = harness.fake
    assert fake.heartbeats >= 1  # discord.py beats as soon as it is greeted
    await fake.drop(forget_session=True)
    await fake.wait_for(lambda: len(fake.identifies) == 2, limit=10, what="a new IDENTIFY")
    response = await fake.wait_response(await fake.slash("alice", "help"))
    assert response["type"] == 4 and fake.resumes


async def test_a_slow_command_is_deferred_then_followed_up(harness: Harness) -> None:
    fake = harness.fake
    harness.bot.interactions.defer_after = 0.05  # type: ignore[union-attr]
    interaction = await fake.slash("alice", "probe", [{"name": "slow", "type": 1}])
    deferred = await fake.wait_response(interaction)
    assert deferred["type"] == 5 and deferred["data"]["flags"] & 64
    answered = await fake.wait_for(
        lambda: [m for m in fake.followups(interaction) if m["content"]], what="follow-up")
    assert answered[0]["content"] == "Slow and done."


async def test_only_a_deliberate_role_ping_allows_a_mention(harness: Harness) -> None:
    fake = harness.fake
    await fake.wait_response(await fake.slash("carol", "probe", [{"name": "ping", "type": 1}]))
    await harness.settle()
    (ping,) = fake.public_posts("#general")
    facilitator = next(r for r, d in fake.roles.items() if d["name"] == "Facilitator")
    assert_no_mentions(ping["_body"], roles=[facilitator])
    assert ping["content"] == f"Meeting in an hour, <@&{facilitator}>"


async def test_every_message_sent_has_mentions_switched_off(harness: Harness) -> None:
    fake = harness.fake
    alice = fake.by_name["alice"]
    await fake.wait_response(await fake.slash("alice", "help"))
    await fake.wait_response(await fake.slash("carol", "probe", _tell(alice, alice)))
    await fake.user_dm("bob", "hello")
    await harness.settle()
    await fake.wait_for(lambda: [m for m in fake.dms_to("bob") if m["author"]["bot"]],
                        what="DM reply")
    bodies = sent_bodies(fake)
    assert len(bodies) >= 4
    for body in bodies:
        assert_no_mentions(body)
